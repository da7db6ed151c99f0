#include "chaincode/chaincode.h"

#include "chaincode/contracts.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/check.h"

namespace tadori {
namespace {

v1::TxResult ToTxResult(const Status& status) {
  v1::TxResult result;
  result.set_code(static_cast<uint32_t>(status.code()));
  result.set_message(status.message());
  return result;
}

Status Dispatch(const Caller& caller, const v1::TransactionBody& body, StateView& view) {
  switch (body.payload_case()) {
    case v1::TransactionBody::kRegisterMember:
      return ExecuteRegisterMember(caller, body.register_member(), view);
    case v1::TransactionBody::kRevokeMember:
      return ExecuteRevokeMember(caller, body.revoke_member(), view);
    case v1::TransactionBody::kCreateLot:
      return ExecuteCreateLot(caller, body.create_lot(), view);
    case v1::TransactionBody::kShipLot:
      return ExecuteShipLot(caller, body.ship_lot(), view);
    case v1::TransactionBody::kReceiveLot:
      return ExecuteReceiveLot(caller, body.receive_lot(), view);
    case v1::TransactionBody::PAYLOAD_NOT_SET:
      break;
  }
  // Execute refuses a missing payload before it dispatches.
  TADORI_CHECK(false && "dispatch without a payload");
  return Status::Internal("dispatch without a payload");
}

}  // namespace

v1::TxResult Execute(const TxContext& ctx, const v1::TransactionBody& body, StateView& view) {
  TADORI_CHECK(ctx.height >= 1);
  // The payload check comes first so a malformed transaction is refused as malformed,
  // whoever signed it; it reads no state. A payload number this build does not know (from a
  // newer client) parses as an unknown field, so it also lands here.
  if (body.payload_case() == v1::TransactionBody::PAYLOAD_NOT_SET) {
    return ToTxResult(Status::InvalidArgument("transaction has no payload"));
  }
  v1::MemberRecord signer;
  Result<bool> found = ReadRecord(view, MemberStateKey(ctx.signer), signer);
  if (!found.ok()) return ToTxResult(found.status());
  if (!*found || signer.revoked_height() != 0) {
    return ToTxResult(
        Status::PermissionDenied("signer key " + ctx.signer.Hex() + " is not an active member"));
  }
  Status status = Dispatch(Caller{ctx, signer}, body, view);
  return ToTxResult(status);
}

Result<std::optional<v1::MemberRecord>> FindMember(const StateReader& state, const KeyId& key_id) {
  v1::MemberRecord record;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, MemberStateKey(key_id), record));
  if (!found) return std::optional<v1::MemberRecord>();
  return std::optional<v1::MemberRecord>(std::move(record));
}

Result<std::optional<v1::LotRecord>> FindLot(const StateReader& state, std::string_view lot_code) {
  v1::LotRecord record;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, LotStateKey(lot_code), record));
  if (!found) return std::optional<v1::LotRecord>();
  return std::optional<v1::LotRecord>(std::move(record));
}

Result<std::optional<v1::OrgRecord>> FindOrg(const StateReader& state, std::string_view org_id) {
  v1::OrgRecord record;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, OrgStateKey(org_id), record));
  if (!found) return std::optional<v1::OrgRecord>();
  return std::optional<v1::OrgRecord>(std::move(record));
}

}  // namespace tadori
