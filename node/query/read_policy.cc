#include "node/query/read_policy.h"

#include <algorithm>

#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/limits.h"
#include "ledger/utf8.h"
#include "node/query/trace_query.h"
#include "tadori/v1/records.pb.h"

namespace tadori {
namespace {

std::string Quoted(std::string_view text) {
  return "\"" + PrintableExcerpt(text) + "\"";
}

// One trace of a lot, at the deepest the queries allow. A member's check walks only the
// traces its rule reads: one, or for lot reads the second only when the first grants nothing.
Result<v1::TraceGraph> DeepTrace(const Store::Snapshot& snapshot, std::string_view lot_code,
                                 bool forward) {
  v1::TraceRequest request;
  request.set_lot_code(std::string(lot_code));
  request.set_depth(kTraceDepthMax);
  return forward ? TraceForward(snapshot, request) : TraceBack(snapshot, request);
}

bool Reached(const v1::TraceGraph& graph, std::string_view org) {
  for (const v1::TraceNode& node : graph.nodes()) {
    for (const std::string& custodian : node.custody_orgs()) {
      if (custodian == org) return true;
    }
    if (node.creator_org() == org) return true;
  }
  return false;
}

bool Made(const v1::TraceGraph& graph, std::string_view org) {
  for (const v1::TraceNode& node : graph.nodes()) {
    if (node.creator_org() == org) return true;
  }
  return false;
}

Status Denied(const ApiCaller& caller, std::string what) {
  return Status::PermissionDenied(caller.Describe() + " may not read " + what);
}

// How a refusal names a recorded event: its EPCIS eventID when captured, else its height.
std::string EventName(const v1::RecordedEvent& event) {
  if (event.has_captured() && !event.captured().event_id().empty()) {
    return "\"" + PrintableExcerpt(event.captured().event_id()) + "\"";
  }
  return "at height " + std::to_string(event.ref().height());
}

// Every lot the event names, in list order, each once.
std::vector<std::string> LotsOf(const v1::EpcisEvent& event) {
  std::vector<std::string> lots;
  auto add = [&lots](const google::protobuf::RepeatedPtrField<v1::QuantityElement>& list) {
    for (const v1::QuantityElement& q : list) {
      if (std::find(lots.begin(), lots.end(), q.lot_code()) == lots.end()) {
        lots.push_back(q.lot_code());
      }
    }
  };
  add(event.quantity_list());
  add(event.input_quantity_list());
  add(event.output_quantity_list());
  return lots;
}

}  // namespace

ApiCaller ApiCaller::Open() {
  ApiCaller caller;
  caller.kind = Kind::kOpen;
  return caller;
}

ApiCaller ApiCaller::Anonymous() {
  return ApiCaller();
}

std::string ApiCaller::Describe() const {
  switch (kind) {
    case Kind::kAnonymous:
      return "anonymous caller";
    case Kind::kOpen:
      return "open caller";
    case Kind::kMember:
      return "member " + member_key.ShortHex() + " of " + org_id;
    case Kind::kObserver:
      return "observer " + node_id + " of " + org_id;
    case Kind::kValidator:
      return "validator " + node_id + " of " + org_id;
  }
  return "caller";
}

std::string_view CallerKindName(ApiCaller::Kind kind) {
  switch (kind) {
    case ApiCaller::Kind::kAnonymous:
      return "anonymous";
    case ApiCaller::Kind::kOpen:
      return "open";
    case ApiCaller::Kind::kMember:
      return "member";
    case ApiCaller::Kind::kObserver:
      return "observer";
    case ApiCaller::Kind::kValidator:
      return "validator";
  }
  return "unknown";
}

std::string_view ClientMethodName(ClientMethod method) {
  switch (method) {
    case ClientMethod::kStatus:
      return "Status";
    case ClientMethod::kSubmit:
      return "Submit";
    case ClientMethod::kGetTransaction:
      return "GetTransaction";
    case ClientMethod::kGetBlock:
      return "GetBlock";
    case ClientMethod::kStreamBlocks:
      return "StreamBlocks";
    case ClientMethod::kGetLot:
      return "GetLot";
    case ClientMethod::kLotHistory:
      return "LotHistory";
    case ClientMethod::kTraceBack:
      return "TraceBack";
    case ClientMethod::kTraceForward:
      return "TraceForward";
    case ClientMethod::kQueryEvents:
      return "QueryEvents";
    case ClientMethod::kGetReadings:
      return "GetReadings";
    case ClientMethod::kRecallScope:
      return "RecallScope";
    case ClientMethod::kListPilotReports:
      return "ListPilotReports";
    case ClientMethod::kGetPilotReport:
      return "GetPilotReport";
    case ClientMethod::kCapture:
      return "Capture";
    case ClientMethod::kGetProof:
      return "GetProof";
    case ClientMethod::kQueryEpcis:
      return "QueryEpcis";
    case ClientMethod::kFindEpcisEvent:
      return "FindEpcisEvent";
  }
  return "Unknown";
}

ReadPolicy::ReadPolicy(const v1::Genesis& genesis) {
  for (const v1::Organization& org : genesis.organizations()) {
    org_roles_[org.id()] = {org.roles().begin(), org.roles().end()};
  }
  const v1::ReadPolicy policy = EffectiveReadPolicy(genesis);
  read_all_roles_ = {policy.read_all_roles().begin(), policy.read_all_roles().end()};
  block_roles_ = {policy.block_roles().begin(), policy.block_roles().end()};
}

std::vector<std::string> ReadPolicy::RolesOf(std::string_view org_id) const {
  auto it = org_roles_.find(org_id);
  return it == org_roles_.end() ? std::vector<std::string>() : it->second;
}

bool ReadPolicy::HoldsAny(const ApiCaller& caller, const std::set<std::string>& roles) const {
  auto it = org_roles_.find(caller.org_id);
  if (it == org_roles_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& role) { return roles.count(role) > 0; });
}

bool ReadPolicy::ReadsEverything(const ApiCaller& caller) const {
  switch (caller.kind) {
    case ApiCaller::Kind::kOpen:
    case ApiCaller::Kind::kObserver:
    case ApiCaller::Kind::kValidator:
      return true;
    case ApiCaller::Kind::kMember:
      return HoldsAny(caller, read_all_roles_);
    case ApiCaller::Kind::kAnonymous:
      return false;
  }
  return false;
}

bool ReadPolicy::Audited(const ApiCaller& caller) const {
  return (caller.kind == ApiCaller::Kind::kMember || caller.kind == ApiCaller::Kind::kObserver) &&
         HoldsAny(caller, read_all_roles_);
}

std::vector<std::string> ReadPolicy::AuditedOrgs() const {
  std::vector<std::string> out;
  for (const auto& [org, roles] : org_roles_) {
    if (std::any_of(roles.begin(), roles.end(),
                    [&](const std::string& role) { return read_all_roles_.count(role) > 0; })) {
      out.push_back(org);
    }
  }
  return out;
}

Status ReadPolicy::CheckCall(const ApiCaller& caller, ClientMethod method) const {
  if (method == ClientMethod::kStatus) return Status::Ok();
  if (caller.kind == ApiCaller::Kind::kAnonymous) {
    return Status::Unauthenticated(
        "no client certificate: only Status and health are open; present a member "
        "certificate of your organisation (tadori --cert/--cert-key)");
  }
  switch (method) {
    case ClientMethod::kGetBlock:
    case ClientMethod::kStreamBlocks:
      if (caller.kind == ApiCaller::Kind::kMember && !HoldsAny(caller, block_roles_)) {
        return Denied(caller, "whole blocks: " + std::string(ClientMethodName(method)) +
                                  " is for validators, observers and the block roles of the "
                                  "genesis read policy; use the Trace API");
      }
      return Status::Ok();
    default:
      // Submit, Capture and pilot reports: every identified caller. Subjects (GetProof's
      // transaction, QueryEpcis's selection, FindEpcisEvent's event) are checked apart.
      return Status::Ok();
  }
}

Status ReadPolicy::CheckLot(const ApiCaller& caller, ClientMethod method,
                            const Store::Snapshot& snapshot, std::string_view lot_code) const {
  TADORI_RETURN_IF_ERROR(CheckCall(caller, method));
  if (ReadsEverything(caller)) return Status::Ok();
  const std::string& org = caller.org_id;
  bool allowed = false;
  std::string rule;
  switch (method) {
    case ClientMethod::kTraceBack: {
      TADORI_ASSIGN_OR_RETURN(v1::TraceGraph forward, DeepTrace(snapshot, lot_code, true));
      allowed = Reached(forward, org);
      rule = "the trace back of a lot that your organisation held, or of one made from it";
      break;
    }
    case ClientMethod::kTraceForward: {
      TADORI_ASSIGN_OR_RETURN(v1::TraceGraph back, DeepTrace(snapshot, lot_code, false));
      allowed = Made(back, org);
      rule = "the trace forward of a lot that your organisation made, or of one made from it";
      break;
    }
    case ClientMethod::kRecallScope: {
      TADORI_ASSIGN_OR_RETURN(v1::TraceGraph back, DeepTrace(snapshot, lot_code, false));
      allowed = Reached(back, org);
      rule = "the recall scope of a lot that your organisation held, or of one it came from";
      break;
    }
    default: {
      TADORI_ASSIGN_OR_RETURN(v1::TraceGraph forward, DeepTrace(snapshot, lot_code, true));
      allowed = Reached(forward, org);
      if (!allowed) {
        TADORI_ASSIGN_OR_RETURN(v1::TraceGraph back, DeepTrace(snapshot, lot_code, false));
        allowed = Made(back, org);
      }
      rule = "lots your organisation held, their sources, and what was made from lots it made";
      break;
    }
  }
  if (allowed) return Status::Ok();
  return Denied(caller, std::string(ClientMethodName(method)) + " of lot " + Quoted(lot_code) +
                            ": a member reads " + rule);
}

Status ReadPolicy::CheckEvents(const ApiCaller& caller, const Store::Snapshot& snapshot,
                               const v1::EventQuery& query) const {
  TADORI_RETURN_IF_ERROR(CheckCall(caller, ClientMethod::kQueryEvents));
  if (ReadsEverything(caller)) return Status::Ok();
  // Filters combine with AND: one filter the member may use bounds the whole answer.
  if (!query.org_id().empty() && query.org_id() == caller.org_id) return Status::Ok();
  if (!query.lot_code().empty()) {
    return CheckLot(caller, ClientMethod::kQueryEvents, snapshot, query.lot_code());
  }
  return Denied(caller, "events without a lot_code or org_id filter: ask with org_id = " +
                            Quoted(caller.org_id) +
                            " or the lot_code of a lot your organisation may read");
}

Status ReadPolicy::CheckReadings(const ApiCaller& caller, const Store::Snapshot& snapshot,
                                 const v1::ReadingsQuery& query) const {
  TADORI_RETURN_IF_ERROR(CheckCall(caller, ClientMethod::kGetReadings));
  if (ReadsEverything(caller)) return Status::Ok();
  if (!query.device_id().empty()) {
    v1::DeviceRecord device;
    TADORI_ASSIGN_OR_RETURN(bool found,
                            ReadRecord(snapshot, DeviceStateKey(query.device_id()), device));
    if (found && device.org_id() == caller.org_id) return Status::Ok();
    if (query.lot_code().empty()) {
      return Denied(caller, "readings of device " + Quoted(query.device_id()) +
                                ": a member reads the devices of its own organisation, or "
                                "readings by lot_code of a lot it may read");
    }
  }
  if (query.lot_code().empty()) return Status::Ok();  // the query refuses it as malformed
  return CheckLot(caller, ClientMethod::kGetReadings, snapshot, query.lot_code());
}

Status ReadPolicy::CheckEpcisEvent(const ApiCaller& caller, const Store::Snapshot& snapshot,
                                   const v1::RecordedEvent& event) const {
  TADORI_RETURN_IF_ERROR(CheckCall(caller, ClientMethod::kFindEpcisEvent));
  if (ReadsEverything(caller)) return Status::Ok();
  if (!caller.org_id.empty() && event.org_id() == caller.org_id) return Status::Ok();
  for (const std::string& lot : LotsOf(event.event())) {
    Status lot_read = CheckLot(caller, ClientMethod::kFindEpcisEvent, snapshot, lot);
    if (lot_read.ok()) return lot_read;
    if (lot_read.code() != Code::kPermissionDenied) return lot_read;
  }
  return Status::PermissionDenied(
      caller.Describe() + " may not read the EPCIS event " + EventName(event) +
      ": a member reads the events its organisation recorded and the events of lots it may "
      "read (lots it held, their sources, and what was made from lots it made)");
}

Status ReadPolicy::CheckTransaction(const ApiCaller& caller, const StateReader& state,
                                    ByteView signer_key_id) const {
  TADORI_RETURN_IF_ERROR(CheckCall(caller, ClientMethod::kGetTransaction));
  if (ReadsEverything(caller)) return Status::Ok();
  auto signer = Hash::FromBytes(signer_key_id);
  if (signer.ok()) {
    v1::MemberRecord member;
    TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, MemberStateKey(*signer), member));
    if (found && member.org_id() == caller.org_id) return Status::Ok();
  }
  return Denied(caller, "a transaction signed outside its organisation");
}

}  // namespace tadori
