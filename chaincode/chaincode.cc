#include "chaincode/chaincode.h"

#include "chaincode/chaincode_limits.h"
#include "chaincode/contracts.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/check.h"
#include "ledger/utf8.h"

namespace tadori {
namespace {

// The message is stored in a proto3 string, which must be valid UTF-8 or the block's stored
// results never parse again. Rules that shorten untrusted text do it with PrintableExcerpt,
// but many quote a field whole (lot codes, ids, names): valid UTF-8 when the payload came
// through protobuf's parser, yet not always printable, short, or parsed at all. This pass is
// the last line of defence: whatever the payload, the message is valid UTF-8, printable on
// one line and at most kTxResultMessageBytesMax bytes. It is pure, so every validator stores
// the same message.
v1::TxResult ToTxResult(const Status& status) {
  v1::TxResult result;
  result.set_code(static_cast<uint32_t>(status.code()));
  result.set_message(PrintableExcerpt(status.message(), kTxResultMessageBytesMax));
  return result;
}

Status Dispatch(const Caller& caller, const v1::TransactionBody& body, StateView& view) {
  switch (body.payload_case()) {
    case v1::TransactionBody::kRegisterMember:
      return ExecuteRegisterMember(caller, body.register_member(), view);
    case v1::TransactionBody::kRevokeMember:
      return ExecuteRevokeMember(caller, body.revoke_member(), view);
    case v1::TransactionBody::kRegisterDevice:
      return ExecuteRegisterDevice(caller, body.register_device(), view);
    case v1::TransactionBody::kRevokeDevice:
      return ExecuteRevokeDevice(caller, body.revoke_device(), view);
    case v1::TransactionBody::kRegisterLocation:
      return ExecuteRegisterLocation(caller, body.register_location(), view);
    case v1::TransactionBody::kRegisterProduct:
      return ExecuteRegisterProduct(caller, body.register_product(), view);
    case v1::TransactionBody::kRecordEvent:
      return ExecuteRecordEvent(caller, body.record_event(), view);
    case v1::TransactionBody::kIssueRecall:
      return ExecuteIssueRecall(caller, body.issue_recall(), view);
    case v1::TransactionBody::kContinueRecall:
      return ExecuteContinueRecall(caller, body.continue_recall(), view);
    case v1::TransactionBody::kSubmitReadings:
      return ExecuteSubmitReadings(caller, body.submit_readings(), view);
    case v1::TransactionBody::kSubmitPilotReport:
      return ExecuteSubmitPilotReport(caller, body.submit_pilot_report(), view);
    case v1::TransactionBody::kAmendPilotReport:
      return ExecuteAmendPilotReport(caller, body.amend_pilot_report(), view);
    case v1::TransactionBody::kAddPilotFinding:
      return ExecuteAddPilotFinding(caller, body.add_pilot_finding(), view);
    case v1::TransactionBody::kCaptureEpcisEvent:
      return ExecuteCaptureEpcisEvent(caller, body.capture_epcis_event(), view);
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

namespace {

template <typename Record>
Result<std::optional<Record>> Find(const StateReader& state, const std::string& key) {
  Record record;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, key, record));
  if (!found) return std::optional<Record>();
  return std::optional<Record>(std::move(record));
}

}  // namespace

Result<std::optional<v1::MemberRecord>> FindMember(const StateReader& state, const KeyId& key_id) {
  return Find<v1::MemberRecord>(state, MemberStateKey(key_id));
}

Result<std::optional<v1::LotRecord>> FindLot(const StateReader& state, std::string_view lot_code) {
  return Find<v1::LotRecord>(state, LotStateKey(lot_code));
}

Result<std::optional<v1::OrgRecord>> FindOrg(const StateReader& state, std::string_view org_id) {
  return Find<v1::OrgRecord>(state, OrgStateKey(org_id));
}

Result<std::optional<v1::DeviceRecord>> FindDevice(const StateReader& state,
                                                   std::string_view device_id) {
  return Find<v1::DeviceRecord>(state, DeviceStateKey(device_id));
}

Result<std::optional<v1::LocationRecord>> FindLocation(const StateReader& state,
                                                       std::string_view gln) {
  return Find<v1::LocationRecord>(state, LocationStateKey(gln));
}

Result<std::optional<v1::ProductRecord>> FindProduct(const StateReader& state,
                                                     std::string_view gtin) {
  return Find<v1::ProductRecord>(state, ProductStateKey(gtin));
}

Result<std::optional<v1::PilotRecord>> FindPilot(const StateReader& state,
                                                 std::string_view report_id) {
  return Find<v1::PilotRecord>(state, PilotStateKey(report_id));
}

Result<std::optional<v1::EventRef>> FindCapturedEventById(const StateReader& state,
                                                          std::string_view event_id) {
  return Find<v1::EventRef>(state, EpcisEventIdStateKey(event_id));
}

Result<std::optional<v1::EventRef>> FindCapturedEventByHash(const StateReader& state,
                                                            std::string_view event_hash) {
  return Find<v1::EventRef>(state, EpcisEventHashStateKey(event_hash));
}

}  // namespace tadori
