// Lot custody: producers create lots, the custodian ships, the destination receives.
#include <algorithm>

#include "chaincode/contracts.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/limits.h"

namespace tadori {
namespace {

// Roles whose members may create lots: they bring new product into the chain.
constexpr std::string_view kLotCreatorRoles[] = {"producer", "processor"};

Status CheckText(std::string_view action, std::string_view field, const std::string& value) {
  if (value.empty()) {
    return Status::InvalidArgument(std::string(action) + ": " + std::string(field) +
                                   " must not be empty");
  }
  if (value.size() > kStringFieldBytesMax) {
    return Status::InvalidArgument(std::string(action) + ": " + std::string(field) +
                                   " is longer than " + std::to_string(kStringFieldBytesMax) +
                                   " bytes");
  }
  return Status::Ok();
}

// The lot `lot_code` names, or NOT_FOUND.
Status ReadLot(std::string_view action, const StateView& view, const std::string& lot_code,
               v1::LotRecord& lot) {
  TADORI_RETURN_IF_ERROR(CheckText(action, "lot_code", lot_code));
  TADORI_ASSIGN_OR_RETURN(bool exists, ReadRecord(view, LotStateKey(lot_code), lot));
  if (!exists) {
    return Status::NotFound(std::string(action) + ": lot '" + lot_code + "' does not exist");
  }
  return Status::Ok();
}

bool MayCreateLots(const v1::OrgRecord& org) {
  return std::any_of(org.roles().begin(), org.roles().end(), [](const std::string& role) {
    return std::find(std::begin(kLotCreatorRoles), std::end(kLotCreatorRoles), role) !=
           std::end(kLotCreatorRoles);
  });
}

}  // namespace

Status ExecuteCreateLot(const Caller& caller, const v1::CreateLot& payload, StateView& view) {
  const std::string& org_id = caller.member.org_id();
  v1::OrgRecord org;
  TADORI_ASSIGN_OR_RETURN(bool org_exists, ReadRecord(view, OrgStateKey(org_id), org));
  if (!org_exists) {
    // Members are only ever registered into existing orgs, so this is corrupt state.
    return Status::Internal("create_lot: signer's org '" + org_id + "' has no record");
  }
  if (!MayCreateLots(org)) {
    return Status::PermissionDenied("create_lot: org '" + org_id +
                                    "' has neither the 'producer' nor the 'processor' role");
  }
  TADORI_RETURN_IF_ERROR(CheckText("create_lot", "lot_code", payload.lot_code()));
  TADORI_RETURN_IF_ERROR(CheckText("create_lot", "product", payload.product()));
  TADORI_RETURN_IF_ERROR(CheckText("create_lot", "unit", payload.unit()));
  if (payload.location().size() > kStringFieldBytesMax) {
    return Status::InvalidArgument("create_lot: location is longer than " +
                                   std::to_string(kStringFieldBytesMax) + " bytes");
  }
  if (payload.quantity_milli() <= 0) {
    return Status::InvalidArgument("create_lot: quantity_milli must be > 0, got " +
                                   std::to_string(payload.quantity_milli()));
  }
  const std::string state_key = LotStateKey(payload.lot_code());
  v1::LotRecord lot;
  TADORI_ASSIGN_OR_RETURN(bool exists, ReadRecord(view, state_key, lot));
  if (exists) {
    return Status::AlreadyExists("create_lot: lot '" + payload.lot_code() + "' already exists");
  }
  lot.set_lot_code(payload.lot_code());
  lot.set_product(payload.product());
  lot.set_quantity_milli(payload.quantity_milli());
  lot.set_unit(payload.unit());
  lot.set_location(payload.location());
  lot.set_creator_org(org_id);
  lot.set_custodian_org(org_id);
  lot.set_state(v1::LOT_STATE_HELD);
  lot.set_created_height(caller.ctx.height);
  lot.set_updated_height(caller.ctx.height);
  view.Put(state_key, EncodeRecord(lot));
  return Status::Ok();
}

Status ExecuteShipLot(const Caller& caller, const v1::ShipLot& payload, StateView& view) {
  v1::LotRecord lot;
  TADORI_RETURN_IF_ERROR(ReadLot("ship_lot", view, payload.lot_code(), lot));
  const std::string& org_id = caller.member.org_id();
  if (lot.custodian_org() != org_id) {
    return Status::PermissionDenied("ship_lot: only the custodian ('" + lot.custodian_org() +
                                    "') ships lot '" + lot.lot_code() + "', not org '" + org_id +
                                    "'");
  }
  if (lot.state() != v1::LOT_STATE_HELD) {
    return Status::FailedPrecondition("ship_lot: lot '" + lot.lot_code() + "' is in transit to '" +
                                      lot.destination_org() + "'");
  }
  TADORI_RETURN_IF_ERROR(CheckText("ship_lot", "to_org", payload.to_org()));
  v1::OrgRecord destination;
  TADORI_ASSIGN_OR_RETURN(bool destination_exists,
                          ReadRecord(view, OrgStateKey(payload.to_org()), destination));
  if (!destination_exists) {
    return Status::NotFound("ship_lot: org '" + payload.to_org() + "' does not exist");
  }
  if (payload.to_org() == lot.custodian_org()) {
    return Status::InvalidArgument("ship_lot: to_org '" + payload.to_org() +
                                   "' is already the custodian");
  }
  lot.set_state(v1::LOT_STATE_IN_TRANSIT);
  lot.set_destination_org(payload.to_org());
  lot.set_updated_height(caller.ctx.height);
  view.Put(LotStateKey(lot.lot_code()), EncodeRecord(lot));
  return Status::Ok();
}

Status ExecuteReceiveLot(const Caller& caller, const v1::ReceiveLot& payload, StateView& view) {
  v1::LotRecord lot;
  TADORI_RETURN_IF_ERROR(ReadLot("receive_lot", view, payload.lot_code(), lot));
  if (lot.state() != v1::LOT_STATE_IN_TRANSIT) {
    return Status::FailedPrecondition("receive_lot: lot '" + lot.lot_code() +
                                      "' is not in transit (custodian '" + lot.custodian_org() +
                                      "')");
  }
  const std::string& org_id = caller.member.org_id();
  if (lot.destination_org() != org_id) {
    return Status::PermissionDenied("receive_lot: only the destination ('" + lot.destination_org() +
                                    "') receives lot '" + lot.lot_code() + "', not org '" + org_id +
                                    "'");
  }
  lot.set_custodian_org(org_id);
  lot.set_state(v1::LOT_STATE_HELD);
  lot.clear_destination_org();
  lot.set_updated_height(caller.ctx.height);
  view.Put(LotStateKey(lot.lot_code()), EncodeRecord(lot));
  return Status::Ok();
}

}  // namespace tadori
