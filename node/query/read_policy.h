// The read policy of the client API: the one place that decides who may call what and read
// which records. Services ask it at the top of each method and own no rule themselves.
//
// The policy is data: the genesis ReadPolicy (read_all_roles, block_roles; absent: auditor and
// regulator for both, ledger/genesis.h EffectiveReadPolicy). The rules:
//   Status (and gRPC health, which is not ours): everyone.
//   anonymous (TLS API, no client certificate): nothing else, UNAUTHENTICATED.
//   open (plaintext API on loopback, tadorid --dev), validators, observers, and members of an
//     organisation holding a read-all role: everything (blocks only with a block role, see
//     below). Reads by read-all-role organisations are audited (Audited()).
//   Submit: every identified caller (chaincode decides what its signature may do).
//   GetBlock / StreamBlocks (whole blocks): open, validators, observers, members of an
//     organisation holding a block role.
//   Lots. An organisation O "reached" lot X when O is in X's custody_orgs (its creator, then
//     each receiver); O "made" X when O is X's creator. A member of O may read
//       GetLot, LotHistory, GetReadings of lot L  when O reached a lot of TraceForward(L)
//         (L itself or a lot made from it: L is upstream of what O held) or O made a lot of
//         TraceBack(L) (L is downstream of what O made);
//       TraceBack(L)     when O reached a lot of TraceForward(L);
//       TraceForward(L)  when O made a lot of TraceBack(L);
//       RecallScope(L)   when O reached a lot of TraceBack(L) (a recall's scope names every
//         holder on purpose: whoever held a lot in it must act).
//     Downstream reads follow what O made, not what O merely received: the bistro that
//     received the farm's lot A sees A and the farm (upstream) but not the lot a competitor
//     made from another part of A. Traces are walked at kTraceDepthMax; beyond kTraceNodesMax
//     lots what was not seen does not grant anything.
//   QueryEvents: a lot_code the member may read (as GetLot), or org_id = its own organisation.
//   GetReadings by device alone: the device is registered by the member's organisation.
//   GetTransaction: the transaction's signer is a member of the caller's organisation.
//   Pilot reports: every identified caller.
// A refused read is PERMISSION_DENIED with the reason (UNAUTHENTICATED for anonymous
// callers), never partial data. A request the query itself would refuse (empty lot code,
// unknown lot) keeps the query's own code: a lot code is not a secret, its records are.
//
// Thread-safety: immutable after construction; the checks read only the snapshot given.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/bytes.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/state.h"
#include "ledger/status.h"
#include "ledger/store/store.h"
#include "tadori/v1/trace.pb.h"

namespace tadori {

// Who is calling, as the client API identified them (node/api/caller.h builds it).
struct ApiCaller {
  enum class Kind {
    kAnonymous,  // TLS client API, no client certificate
    kOpen,       // plaintext client API (loopback, --dev): nobody is identified
    kMember,     // a member's client certificate (its key is registered and not revoked)
    kObserver,   // an observer node's certificate
    kValidator,  // a genesis validator's node certificate
  };
  Kind kind = Kind::kAnonymous;
  std::string org_id;              // kMember, kObserver, kValidator
  std::vector<std::string> roles;  // the organisation's roles in the genesis
  KeyId member_key;                // kMember
  std::string node_id;             // kObserver, kValidator

  static ApiCaller Open();
  static ApiCaller Anonymous();
  // For logs: "member 1a2b3c4d of farm", "observer obs-1 of audit", "anonymous", "open".
  std::string Describe() const;
};
std::string_view CallerKindName(ApiCaller::Kind kind);

// Every method of the client API the policy decides on.
enum class ClientMethod {
  kStatus,
  kSubmit,
  kGetTransaction,
  kGetBlock,
  kStreamBlocks,
  kGetLot,
  kLotHistory,
  kTraceBack,
  kTraceForward,
  kQueryEvents,
  kGetReadings,
  kRecallScope,
  kListPilotReports,
  kGetPilotReport,
  kCapture,
  kGetProof,
  kQueryEpcis,
  kFindEpcisEvent,
};
inline constexpr ClientMethod kClientMethods[] = {
    ClientMethod::kStatus,           ClientMethod::kSubmit,         ClientMethod::kGetTransaction,
    ClientMethod::kGetBlock,         ClientMethod::kStreamBlocks,   ClientMethod::kGetLot,
    ClientMethod::kLotHistory,       ClientMethod::kTraceBack,      ClientMethod::kTraceForward,
    ClientMethod::kQueryEvents,      ClientMethod::kGetReadings,    ClientMethod::kRecallScope,
    ClientMethod::kListPilotReports, ClientMethod::kGetPilotReport, ClientMethod::kCapture,
    ClientMethod::kGetProof,         ClientMethod::kQueryEpcis,     ClientMethod::kFindEpcisEvent};
std::string_view ClientMethodName(ClientMethod method);  // "GetLot"

class ReadPolicy {
 public:
  explicit ReadPolicy(const v1::Genesis& genesis);

  // The genesis roles of `org_id` (empty for an unknown organisation).
  std::vector<std::string> RolesOf(std::string_view org_id) const;
  // Open, validators, observers and members of a read-all-role organisation.
  bool ReadsEverything(const ApiCaller& caller) const;
  // Whether the caller's reads are counted and logged: its organisation holds a read-all
  // role (members and observers; validators read to replicate, not to audit).
  bool Audited(const ApiCaller& caller) const;
  // Organisations holding a read-all role, sorted (their audit counters exist from start).
  std::vector<std::string> AuditedOrgs() const;

  // The first gate of every method: anonymous callers, Submit, blocks, pilot reports. A
  // method with a subject (lot, device, transaction, event filter) also needs its check
  // below; OK here means "may ask".
  Status CheckCall(const ApiCaller& caller, ClientMethod method) const;

  // GetLot, LotHistory, TraceBack, TraceForward, RecallScope, GetReadings (by lot) and
  // QueryEvents (by lot) of `lot_code`, read from `snapshot`.
  Status CheckLot(const ApiCaller& caller, ClientMethod method, const Store::Snapshot& snapshot,
                  std::string_view lot_code) const;
  Status CheckEvents(const ApiCaller& caller, const Store::Snapshot& snapshot,
                     const v1::EventQuery& query) const;
  Status CheckReadings(const ApiCaller& caller, const Store::Snapshot& snapshot,
                       const v1::ReadingsQuery& query) const;
  // FindEpcisEvent of a found `event`: callers that read everything; members of the
  // organisation that recorded it; members who may read (CheckLot) one of the lots it names.
  // Otherwise PERMISSION_DENIED saying which rules were tried.
  Status CheckEpcisEvent(const ApiCaller& caller, const Store::Snapshot& snapshot,
                         const v1::RecordedEvent& event) const;
  // GetTransaction of a transaction signed by `signer_key_id`, members read from `state`.
  Status CheckTransaction(const ApiCaller& caller, const StateReader& state,
                          ByteView signer_key_id) const;

 private:
  bool HoldsAny(const ApiCaller& caller, const std::set<std::string>& roles) const;

  std::map<std::string, std::vector<std::string>, std::less<>> org_roles_;
  std::set<std::string> read_all_roles_;
  std::set<std::string> block_roles_;
};

}  // namespace tadori
