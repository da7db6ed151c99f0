// record_event: what an EPCIS event does to lots, and the index entries it leaves.
//
// ApplyEvent is shared by record_event and capture_epcis_event (epcis_capture.cc, which maps
// an EPCIS 2.0 JSON-LD event to the same model first): the same rules, refusals prefixed by
// the payload's name.
//
//   every event      its shape (event_shape.cc) and, when any of its products is on the Food
//                    Traceability List, the FSMA 204 KDEs of its CTE (kde.cc); every product
//                    it names is registered (NOT_FOUND) and matches the lot's product and unit
//                    (INVALID_ARGUMENT). record_event leaves event_id empty (INVALID_ARGUMENT):
//                    only a capture has an EPCIS eventID.
//   event time       not later than the block time plus kEventTimeSkewMs, and not before the
//                    event that created any existing lot it names (INVALID_ARGUMENT: the event
//                    claims an impossible time, retrying it unchanged never helps). A new lot
//                    keeps its creating event's time (LotRecord.created_event_time_ms).
//   OBJECT ADD       biz_step harvesting | cooling | commissioning |
//                    first_land_based_receiving; the org has role producer or processor;
//                    every lot is new (ALREADY_EXISTS) and the org holds all of it.
//   OBJECT OBSERVE   shipping: destination_list names exactly one owning_party, an existing
//                    org other than the shipper; an optional possessing_party is an org with
//                    role carrier; a source owning_party, if named, is the shipper. The
//                    shipper holds each lot (PERMISSION_DENIED) and at least the quantity
//                    (FAILED_PRECONDITION), which moves from its holding to in transit.
//   OBJECT OBSERVE   receiving: source_list names the shipper (owning_party); a destination
//                    owning_party, if named, is the signer's org. Each lot has something in
//                    transit to the org (PERMISSION_DENIED otherwise) and at least the
//                    quantity from that shipper (FAILED_PRECONDITION), which moves to the
//                    receiver's holding, oldest shipment first.
//   TRANSFORMATION   each input is held by the org in at least its quantity and is not
//                    recalled (FAILED_PRECONDITION); inputs are consumed; each output is a
//                    new lot held by the org, with the inputs as parents; each input lists
//                    the outputs as children (RESOURCE_EXHAUSTED beyond kLotChildrenMax).
//   anything else    (OBJECT OBSERVE/DELETE of other steps, AGGREGATION, TRANSACTION,
//                    ASSOCIATION) each lot is held or carried by the org (PERMISSION_DENIED);
//                    the event is recorded, the lots do not change.
#include <limits>
#include <map>
#include <set>

#include "chaincode/chaincode_limits.h"
#include "chaincode/checks.h"
#include "chaincode/event_rules.h"
#include "chaincode/index_keys.h"
#include "chaincode/lot_book.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/check.h"
#include "ledger/rfc3339.h"
#include "tadori/v1/records.pb.h"

namespace tadori {
namespace {

using QuantityList = google::protobuf::RepeatedPtrField<v1::QuantityElement>;

// What every step of one event needs to know.
struct EventScope {
  const Caller& caller;
  const v1::EpcisEvent& event;
  std::string_view cte;
  bool traceability_list = false;  // some product is on the FSMA 204 FTL
  std::string action;              // "record_event: <cte or biz_step>"
  int64_t event_time_ms = 0;

  const std::string& org() const { return caller.member.org_id(); }
};

// Reads every product the event names. NOT_FOUND for an unregistered one.
Status CheckProducts(std::string_view verb, const v1::EpcisEvent& event, const StateReader& state,
                     bool& on_ftl) {
  std::set<std::string_view> seen;
  for (const QuantityList* list :
       {&event.quantity_list(), &event.input_quantity_list(), &event.output_quantity_list()}) {
    for (const v1::QuantityElement& element : *list) {
      if (!seen.insert(element.product()).second) continue;
      v1::ProductRecord product;
      TADORI_ASSIGN_OR_RETURN(bool found,
                              ReadRecord(state, ProductStateKey(element.product()), product));
      if (!found) {
        return Status::NotFound(
            Prefixed(verb, "product '" + element.product() + "' is not registered"));
      }
      if (product.product().on_food_traceability_list()) on_ftl = true;
    }
  }
  return Status::Ok();
}

Status CheckMatchesLot(const EventScope& scope, const v1::QuantityElement& element,
                       const v1::LotRecord& lot) {
  if (element.product() != lot.product()) {
    return Status::InvalidArgument(
        Prefixed(scope.action, "lot '" + lot.lot_code() + "' is product '" + lot.product() +
                                   "', not '" + element.product() + "'"));
  }
  if (element.unit() != lot.unit()) {
    return Status::InvalidArgument(Prefixed(scope.action, "lot '" + lot.lot_code() +
                                                              "' is counted in '" + lot.unit() +
                                                              "', not '" + element.unit() + "'"));
  }
  return Status::Ok();
}

// A time for a refusal message: RFC 3339 UTC when it has a four-digit year, else the number.
std::string TimeText(int64_t unix_ms) {
  constexpr int64_t kYear0Ms = -62'167'219'200'000;      // 0000-01-01T00:00:00Z
  constexpr int64_t kYear10000Ms = 253'402'300'800'000;  // 10000-01-01T00:00:00Z
  if (unix_ms < kYear0Ms || unix_ms >= kYear10000Ms) return std::to_string(unix_ms) + " ms";
  return FormatRfc3339Ms(unix_ms, 0);
}

// No event names a lot at a time before the event that created it.
Status CheckNotBeforeCreation(const EventScope& scope, const v1::LotRecord& lot) {
  if (scope.event_time_ms >= lot.created_event_time_ms()) return Status::Ok();
  return Status::InvalidArgument(Prefixed(
      scope.action, "event_time " + scope.event.event_time() + " is before lot '" + lot.lot_code() +
                        "' was created (" + TimeText(lot.created_event_time_ms()) + ")"));
}

Result<v1::LotRecord> NewLot(const EventScope& scope, const v1::QuantityElement& element,
                             StateView& view) {
  v1::LotRecord existing;
  TADORI_ASSIGN_OR_RETURN(bool exists, ReadRecord(view, LotStateKey(element.lot_code()), existing));
  if (exists) {
    return Status::AlreadyExists(
        Prefixed(scope.action, "lot '" + element.lot_code() + "' already exists"));
  }
  v1::LotRecord lot;
  lot.set_lot_code(element.lot_code());
  lot.set_product(element.product());
  lot.set_unit(element.unit());
  lot.set_created_quantity_milli(element.quantity_milli());
  lot.set_creator_org(scope.org());
  lot.set_tlc_source(scope.event.ilmd().tlc_source());
  lot.set_created_biz_step(scope.event.biz_step().empty() ? "transforming"
                                                          : scope.event.biz_step());
  *lot.mutable_created_by() = CurrentEventRef(scope.caller.ctx);
  lot.set_created_event_time_ms(scope.event_time_ms);
  if (scope.event.has_ilmd()) *lot.mutable_ilmd() = scope.event.ilmd();
  TADORI_RETURN_IF_ERROR(AddHolding(lot, scope.org(), element.quantity_milli()));
  return lot;
}

Status CreateLots(const EventScope& scope, StateView& view) {
  TADORI_RETURN_IF_ERROR(RequireRole(scope.action, scope.caller, view, {"producer", "processor"}));
  for (const v1::QuantityElement& element : scope.event.quantity_list()) {
    TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot, NewLot(scope, element, view));
    WriteLot(view, nullptr, lot);
  }
  return Status::Ok();
}

// Takes `element`'s quantity from what the org holds of `lot`.
Status TakeFromHolder(const EventScope& scope, const v1::QuantityElement& element,
                      v1::LotRecord& lot) {
  const int64_t held = HeldQuantity(lot, scope.org());
  if (held == 0) {
    return Status::PermissionDenied(Prefixed(
        scope.action, "org '" + scope.org() + "' does not hold lot '" + lot.lot_code() + "'"));
  }
  if (held < element.quantity_milli()) {
    return Status::FailedPrecondition(Prefixed(
        scope.action, "org '" + scope.org() + "' holds only " + std::to_string(held) + " of lot '" +
                          lot.lot_code() + "', not " + std::to_string(element.quantity_milli())));
  }
  TakeHolding(lot, scope.org(), element.quantity_milli());
  return Status::Ok();
}

Status CheckOrgExists(std::string_view action, const StateReader& state, std::string_view org_id,
                      v1::OrgRecord& org) {
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, OrgStateKey(org_id), org));
  if (!found) {
    return Status::NotFound(Prefixed(action, "org '" + std::string(org_id) + "' does not exist"));
  }
  return Status::Ok();
}

Status Ship(const EventScope& scope, StateView& view) {
  const v1::EpcisEvent& event = scope.event;
  if (CountParties(event.destination_list(), "owning_party") != 1) {
    return Status::InvalidArgument(Prefixed(
        scope.action, "destination_list needs exactly one owning_party (the receiving org)"));
  }
  const std::string to_org(FirstParty(event.destination_list(), "owning_party"));
  v1::OrgRecord destination;
  TADORI_RETURN_IF_ERROR(CheckOrgExists(scope.action, view, to_org, destination));
  if (to_org == scope.org()) {
    return Status::InvalidArgument(
        Prefixed(scope.action, "org '" + to_org + "' cannot ship to itself"));
  }
  if (CountParties(event.destination_list(), "possessing_party") > 1) {
    return Status::InvalidArgument(
        Prefixed(scope.action, "destination_list names more than one possessing_party"));
  }
  const std::string carrier(FirstParty(event.destination_list(), "possessing_party"));
  if (!carrier.empty()) {
    v1::OrgRecord carrier_org;
    TADORI_RETURN_IF_ERROR(CheckOrgExists(scope.action, view, carrier, carrier_org));
    if (!HasRole(carrier_org, "carrier")) {
      return Status::InvalidArgument(Prefixed(
          scope.action, "possessing_party '" + carrier + "' does not have the role 'carrier'"));
    }
  }
  for (const v1::PartyRef& party : event.source_list()) {
    if (party.type() == "owning_party" && party.id() != scope.org()) {
      return Status::PermissionDenied(Prefixed(
          scope.action,
          "org '" + scope.org() + "' ships only its own goods, not '" + party.id() + "''s"));
    }
  }
  for (const v1::QuantityElement& element : event.quantity_list()) {
    TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot,
                            ReadExistingLot(scope.action, view, element.lot_code()));
    const v1::LotRecord before = lot;
    TADORI_RETURN_IF_ERROR(CheckMatchesLot(scope, element, lot));
    TADORI_RETURN_IF_ERROR(CheckNotBeforeCreation(scope, lot));
    TADORI_RETURN_IF_ERROR(TakeFromHolder(scope, element, lot));
    if (static_cast<size_t>(lot.in_transit_size()) >= kLotInTransitMax) {
      return Status::ResourceExhausted(
          Prefixed(scope.action, "lot '" + lot.lot_code() + "' already has " +
                                     std::to_string(kLotInTransitMax) + " shipments in transit"));
    }
    v1::InTransit* transit = lot.add_in_transit();
    transit->set_from_org(scope.org());
    transit->set_to_org(to_org);
    transit->set_carrier_org(carrier);
    transit->set_quantity_milli(element.quantity_milli());
    *transit->mutable_shipped_by() = CurrentEventRef(scope.caller.ctx);
    WriteLot(view, &before, lot);
  }
  return Status::Ok();
}

// Moves `quantity_milli` shipped from `from_org` to the receiver out of transit, oldest
// shipment first.
Status TakeFromTransit(const EventScope& scope, const std::string& from_org, int64_t quantity_milli,
                       v1::LotRecord& lot) {
  int64_t to_us = 0;
  int64_t from_them = 0;
  for (const v1::InTransit& transit : lot.in_transit()) {
    if (transit.to_org() != scope.org()) continue;
    to_us += transit.quantity_milli();
    if (transit.from_org() == from_org) from_them += transit.quantity_milli();
  }
  if (to_us == 0) {
    return Status::PermissionDenied(
        Prefixed(scope.action,
                 "lot '" + lot.lot_code() + "' is not in transit to org '" + scope.org() + "'"));
  }
  if (from_them < quantity_milli) {
    return Status::FailedPrecondition(
        Prefixed(scope.action, "only " + std::to_string(from_them) + " of lot '" + lot.lot_code() +
                                   "' is in transit from '" + from_org + "' to '" + scope.org() +
                                   "', not " + std::to_string(quantity_milli)));
  }
  auto* list = lot.mutable_in_transit();
  int64_t left = quantity_milli;
  for (int i = 0; i < list->size() && left > 0;) {
    v1::InTransit& transit = *list->Mutable(i);
    if (transit.to_org() != scope.org() || transit.from_org() != from_org) {
      ++i;
      continue;
    }
    const int64_t take = std::min(left, transit.quantity_milli());
    transit.set_quantity_milli(transit.quantity_milli() - take);
    left -= take;
    if (transit.quantity_milli() == 0) {
      list->erase(list->begin() + i);
    } else {
      ++i;
    }
  }
  TADORI_CHECK(left == 0);
  return Status::Ok();
}

Status Receive(const EventScope& scope, StateView& view) {
  const v1::EpcisEvent& event = scope.event;
  if (CountParties(event.source_list(), "owning_party") != 1) {
    return Status::InvalidArgument(
        Prefixed(scope.action, "source_list needs exactly one owning_party (the shipping org)"));
  }
  const std::string from_org(FirstParty(event.source_list(), "owning_party"));
  for (const v1::PartyRef& party : event.destination_list()) {
    if (party.type() == "owning_party" && party.id() != scope.org()) {
      return Status::PermissionDenied(Prefixed(
          scope.action,
          "org '" + scope.org() + "' receives only for itself, not for '" + party.id() + "'"));
    }
  }
  for (const v1::QuantityElement& element : event.quantity_list()) {
    TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot,
                            ReadExistingLot(scope.action, view, element.lot_code()));
    const v1::LotRecord before = lot;
    TADORI_RETURN_IF_ERROR(CheckMatchesLot(scope, element, lot));
    TADORI_RETURN_IF_ERROR(CheckNotBeforeCreation(scope, lot));
    TADORI_RETURN_IF_ERROR(TakeFromTransit(scope, from_org, element.quantity_milli(), lot));
    TADORI_RETURN_IF_ERROR(AddHolding(lot, scope.org(), element.quantity_milli()));
    WriteLot(view, &before, lot);
  }
  return Status::Ok();
}

Status Transform(const EventScope& scope, StateView& view) {
  const v1::EpcisEvent& event = scope.event;
  for (const v1::QuantityElement& element : event.input_quantity_list()) {
    TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot,
                            ReadExistingLot(scope.action, view, element.lot_code()));
    const v1::LotRecord before = lot;
    TADORI_RETURN_IF_ERROR(CheckMatchesLot(scope, element, lot));
    TADORI_RETURN_IF_ERROR(CheckNotBeforeCreation(scope, lot));
    if (lot.recalls_size() > 0) {
      return Status::FailedPrecondition(
          Prefixed(scope.action, "input lot '" + lot.lot_code() + "' is recalled (recall " +
                                     lot.recalls(0).recall_id() + ")"));
    }
    TADORI_RETURN_IF_ERROR(TakeFromHolder(scope, element, lot));
    lot.set_consumed_quantity_milli(lot.consumed_quantity_milli() + element.quantity_milli());
    if (static_cast<size_t>(lot.children_size() + event.output_quantity_list_size()) >
        kLotChildrenMax) {
      return Status::ResourceExhausted(
          Prefixed(scope.action, "input lot '" + lot.lot_code() + "' would have more than " +
                                     std::to_string(kLotChildrenMax) + " child lots"));
    }
    for (const v1::QuantityElement& output : event.output_quantity_list()) {
      lot.add_children(output.lot_code());
    }
    WriteLot(view, &before, lot);
  }
  for (const v1::QuantityElement& element : event.output_quantity_list()) {
    TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot, NewLot(scope, element, view));
    for (const v1::QuantityElement& input : event.input_quantity_list()) {
      lot.add_parents(input.lot_code());
    }
    WriteLot(view, nullptr, lot);
  }
  return Status::Ok();
}

Status Observe(const EventScope& scope, StateView& view) {
  for (const v1::QuantityElement& element : scope.event.quantity_list()) {
    TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot,
                            ReadExistingLot(scope.action, view, element.lot_code()));
    TADORI_RETURN_IF_ERROR(CheckMatchesLot(scope, element, lot));
    TADORI_RETURN_IF_ERROR(CheckNotBeforeCreation(scope, lot));
    if (HeldQuantity(lot, scope.org()) == 0 && !CarriesLot(lot, scope.org())) {
      return Status::PermissionDenied(Prefixed(
          scope.action,
          "org '" + scope.org() + "' neither holds nor carries lot '" + lot.lot_code() + "'"));
    }
  }
  return Status::Ok();
}

Status Apply(const EventScope& scope, StateView& view) {
  const v1::EpcisEvent& event = scope.event;
  if (event.type() == v1::TRANSFORMATION_EVENT) return Transform(scope, view);
  if (event.type() == v1::OBJECT_EVENT && event.action() == v1::ADD) {
    if (!IsCreatingBizStep(event.biz_step())) {
      return Status::InvalidArgument(
          Prefixed(scope.action,
                   "OBJECT ADD creates lots: biz_step must be harvesting, "
                   "cooling, commissioning or first_land_based_receiving"));
    }
    return CreateLots(scope, view);
  }
  if (event.type() == v1::OBJECT_EVENT && event.action() == v1::OBSERVE) {
    if (event.biz_step() == "shipping") return Ship(scope, view);
    if (event.biz_step() == "receiving") return Receive(scope, view);
  }
  return Observe(scope, view);
}

// The index entries of index_keys.h for one accepted event.
v1::RecordedEvent AddEventIndex(const EventScope& scope, const v1::CapturedEpcis* kept,
                                StateView& view) {
  const int64_t event_time_ms = scope.event_time_ms;
  const TxContext& ctx = scope.caller.ctx;
  const index_keys::Position pos{ctx.height, ctx.index};
  v1::RecordedEvent recorded;
  *recorded.mutable_ref() = CurrentEventRef(ctx);
  *recorded.mutable_event() = scope.event;
  recorded.set_org_id(scope.org());
  recorded.set_signer_key_id(ctx.signer.ToBinaryString());
  recorded.set_event_time_ms(event_time_ms);
  recorded.set_cte(std::string(scope.cte));
  if (kept != nullptr) *recorded.mutable_captured() = *kept;
  view.AddIndex(index_keys::Event(pos), EncodeRecord(recorded));

  std::set<std::string_view> lots;
  for (const QuantityList* list : {&scope.event.quantity_list(), &scope.event.input_quantity_list(),
                                   &scope.event.output_quantity_list()}) {
    for (const v1::QuantityElement& element : *list) lots.insert(element.lot_code());
  }
  for (std::string_view lot : lots) view.AddIndex(index_keys::LotEvent(lot, pos), "");
  view.AddIndex(index_keys::EventByTime(event_time_ms, pos), "");
  if (!scope.event.biz_step().empty()) {
    view.AddIndex(index_keys::EventByBizStep(scope.event.biz_step(), event_time_ms, pos), "");
  }
  std::set<std::string_view> locations;
  if (!scope.event.read_point().empty()) locations.insert(scope.event.read_point());
  if (!scope.event.biz_location().empty()) locations.insert(scope.event.biz_location());
  for (std::string_view gln : locations) {
    view.AddIndex(index_keys::EventByLocation(gln, event_time_ms, pos), "");
  }
  view.AddIndex(index_keys::EventByOrg(scope.org(), event_time_ms, pos), "");
  return recorded;
}

// The stateless checks (event_shape.cc, kde.cc) name record_event; a capture names itself.
Status Reprefixed(Status status, std::string_view verb) {
  constexpr std::string_view kRecordEvent = "record_event";
  if (status.ok() || verb == kRecordEvent) return status;
  const std::string& message = status.message();
  if (message.compare(0, kRecordEvent.size(), kRecordEvent) != 0) return status;
  return Status(status.code(), std::string(verb) + message.substr(kRecordEvent.size()));
}

}  // namespace

Result<v1::RecordedEvent> ApplyEvent(const Caller& caller, const v1::EpcisEvent& event,
                                     const v1::CapturedEpcis* kept, std::string_view verb,
                                     StateView& view) {
  Result<int64_t> event_time_ms = CheckEventShape(event);
  if (!event_time_ms.ok()) return Reprefixed(event_time_ms.status(), verb);
  constexpr int64_t kTimeMax = std::numeric_limits<int64_t>::max();
  const int64_t latest_ms = caller.ctx.block_time_ms > kTimeMax - kEventTimeSkewMs
                                ? kTimeMax
                                : caller.ctx.block_time_ms + kEventTimeSkewMs;
  if (*event_time_ms > latest_ms) {
    return Status::InvalidArgument(
        Prefixed(verb, "event_time " + event.event_time() + " is later than the block time " +
                           TimeText(caller.ctx.block_time_ms) + " plus " +
                           std::to_string(kEventTimeSkewMs / 60'000) +
                           " minutes of clock skew: events are recorded after they happen"));
  }
  EventScope scope{caller, event, CriticalTrackingEvent(event), false, "", *event_time_ms};
  TADORI_RETURN_IF_ERROR(CheckProducts(verb, event, view, scope.traceability_list));
  if (scope.traceability_list) {
    TADORI_RETURN_IF_ERROR(Reprefixed(CheckKeyDataElements(event, scope.cte), verb));
  }
  scope.action = std::string(verb) + ": ";
  scope.action += scope.cte.empty() ? std::string_view(event.biz_step()) : scope.cte;
  TADORI_RETURN_IF_ERROR(Apply(scope, view));
  return AddEventIndex(scope, kept, view);
}

Status ExecuteRecordEvent(const Caller& caller, const v1::RecordEvent& payload, StateView& view) {
  if (!payload.event().event_id().empty()) {
    return Status::InvalidArgument(
        "record_event: event_id is only for events captured from EPCIS documents "
        "(capture_epcis_event)");
  }
  Result<v1::RecordedEvent> recorded =
      ApplyEvent(caller, payload.event(), nullptr, "record_event", view);
  return recorded.status();
}

}  // namespace tadori
