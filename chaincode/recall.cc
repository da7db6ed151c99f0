// Recalls. issue_recall names a lot; the recall flags it and every lot downstream of it
// (children, transitively). continue_recall takes on a recall that one transaction could not
// finish.
//
// issue_recall
//   lot_code and reason are required (INVALID_ARGUMENT); the lot exists (NOT_FOUND); the
//   signer's org has role "regulator" or created the lot (PERMISSION_DENIED). Writes a
//   RecallRecord whose recall_id is the transaction id in hex, then walks.
// continue_recall
//   recall_id is 64 lower hex (INVALID_ARGUMENT) and names a recall (NOT_FOUND); the signer's
//   org issued it or has role "regulator" (PERMISSION_DENIED); the recall is not complete
//   (FAILED_PRECONDITION). Walks on from where the recall stopped.
//
// The walk is breadth first from the origin lot, children in LotRecord order, and gives each
// lot it reaches the recall's RecallFlag. One transaction flags at most kRecallLotsMax lots
// and follows at most kRecallChildLinksMax child links (a lot's links all together; a lot's
// are at most kLotChildrenMax). When lots remain, the transaction commits what it did: the
// record says complete = false and keeps lots_flagged, and the lots reached but not yet
// flagged stay queued in state ("recall-queue/", "recall-waiting/", state_keys.h), each entry
// deleted when its lot is flagged. When the queue empties the record says complete. So no
// lot graph, however wide, makes a recall fail: a big one takes more transactions, and each
// transaction's work stays bounded, which keeps every validator's execution time bounded:
//   reads  <= 2 * kRecallLotsMax + 2 * kRecallChildLinksMax + 6  (queue entry and lot per
//             flagged lot, waiting entry and lot per link, one lot that did not fit, the
//             record, the signer's member and org records, the origin)
//   writes <= 3 * kRecallLotsMax + 2 * kRecallChildLinksMax + 1  (lot and two deleted queue
//             entries per flagged lot, two queue entries per link, the record)
// The walk counts a lot as reached when it carries the recall's flag or waits in its queue,
// so a lot reached by two paths is flagged once.
//
// Flags are shared per organisation. A lot keeps at most kLotRecallsPerOrgMax flags of each
// issuing organisation: when the org's share of the lot is full, its flag that has been on
// the lot longest gives way to the new one, and the lot stays recalled by that org. Only an
// org's own flags ever give way, so no member can evict or block another org's recall (for
// instance by recalling its own lots again and again until a lot downstream is full), and a
// lot carries at most kLotRecallsMax flags because organisations come only from the genesis.
// A recall whose flag gave way before its walk reached the lot again by another path flags
// the lot again: it is in the recall's scope.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "chaincode/chaincode_limits.h"
#include "chaincode/checks.h"
#include "chaincode/lot_book.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/check.h"

namespace tadori {
namespace {

constexpr size_t kRecallIdHexDigits = 2 * Hash::kSize;

bool IsRecallId(std::string_view id) {
  if (id.size() != kRecallIdHexDigits) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

v1::RecallFlag FlagOf(const v1::RecallRecord& record) {
  v1::RecallFlag flag;
  flag.set_recall_id(record.recall_id());
  flag.set_origin_lot(record.origin_lot());
  flag.set_reason(record.reason());
  flag.set_issued_by_org(record.issued_by_org());
  flag.set_height(record.height());
  return flag;
}

bool CarriesFlag(const v1::LotRecord& lot, std::string_view recall_id) {
  for (const v1::RecallFlag& flag : lot.recalls()) {
    if (flag.recall_id() == recall_id) return true;
  }
  return false;
}

// Appends `flag`, first removing the org's flags that have been on the lot longest until
// fewer than kLotRecallsPerOrgMax of the org's remain. Flags of other orgs are never touched.
void AddRecallFlag(v1::LotRecord& lot, const v1::RecallFlag& flag) {
  auto* flags = lot.mutable_recalls();
  const auto of_org = [&flag](const v1::RecallFlag& f) {
    return f.issued_by_org() == flag.issued_by_org();
  };
  while (static_cast<size_t>(std::count_if(flags->begin(), flags->end(), of_org)) >=
         kLotRecallsPerOrgMax) {
    flags->erase(std::find_if(flags->begin(), flags->end(), of_org));
  }
  *flags->Add() = flag;
}

// A lot the walk reached. Every lot it reaches is the origin or a child some lot links to,
// and chaincode links only lots it wrote: a lot that does not exist is corrupt state, never
// the transaction's fault.
Result<v1::LotRecord> ReadReachedLot(const StateReader& state, std::string_view lot_code) {
  v1::LotRecord lot;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, LotStateKey(lot_code), lot));
  if (!found) {
    return Status::Internal("a recall reached lot '" + std::string(lot_code) +
                            "', which does not exist");
  }
  return lot;
}

// One transaction's share of a recall's walk. The queue holds positions
// [record.lots_flagged, record.lots_queued) as stored when the transaction began, then the
// lots this transaction reached (`reached_now`, from position `stored_end`).
class RecallWalk {
 public:
  RecallWalk(v1::RecallRecord& record, StateView& view)
      : record_(record), view_(view), flag_(FlagOf(record)), stored_end_(record.lots_queued()) {}

  // Queues the origin of a new recall.
  void Start() {
    TADORI_CHECK(record_.lots_queued() == 0);
    Reach(record_.origin_lot());
  }

  // Flags lots from the head of the queue until it is empty or this transaction's budget
  // is spent, then stores what is left of the queue and the record.
  Status Run(uint64_t height) {
    size_t flagged = 0;
    size_t links = 0;
    while (Head() < End() && flagged < kRecallLotsMax) {
      TADORI_ASSIGN_OR_RETURN(std::string code, CodeAt(Head()));
      TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot, ReadReachedLot(view_, code));
      const size_t lot_links = static_cast<size_t>(lot.children_size());
      TADORI_CHECK(lot_links <= kLotChildrenMax);
      if (links + lot_links > kRecallChildLinksMax) break;  // waits for the next transaction
      links += lot_links;
      AddRecallFlag(lot, flag_);
      view_.Put(LotStateKey(code), EncodeRecord(lot));
      Unqueue(code);
      ++flagged;
      for (const std::string& child : lot.children()) {
        TADORI_ASSIGN_OR_RETURN(bool known, Reached(child));
        if (!known) Reach(child);
      }
    }
    StoreQueue();
    record_.set_complete(Head() == End());
    record_.set_updated_height(height);
    view_.Put(RecallStateKey(record_.recall_id()), EncodeRecord(record_));
    return Status::Ok();
  }

 private:
  uint64_t Head() const { return record_.lots_flagged(); }
  uint64_t End() const { return stored_end_ + reached_now_.size(); }

  Result<std::string> CodeAt(uint64_t position) const {
    if (position >= stored_end_) return reached_now_[position - stored_end_];
    const std::string key = RecallQueueStateKey(record_.recall_id(), position);
    Result<std::optional<std::string>> code = view_.Get(key);
    if (!code.ok()) return Status::Internal("reading state key: " + code.status().ToString());
    if (!code->has_value()) {
      return Status::Internal("recall " + record_.recall_id() + " lost its queue entry " +
                              std::to_string(position));
    }
    return **code;
  }

  // The lot at the head was flagged: it leaves the queue.
  void Unqueue(const std::string& code) {
    if (Head() < stored_end_) {
      view_.Delete(RecallQueueStateKey(record_.recall_id(), Head()));
      view_.Delete(RecallWaitingStateKey(record_.recall_id(), code));
    } else {
      waiting_now_.erase(code);
    }
    record_.set_lots_flagged(Head() + 1);
  }

  void Reach(const std::string& code) {
    reached_now_.push_back(code);
    waiting_now_.insert(code);
  }

  // Whether the walk reached `code` before: it waits in the queue (queued by this
  // transaction, or stored and not yet flagged), or it carries the recall's flag.
  Result<bool> Reached(const std::string& code) const {
    if (waiting_now_.count(code) != 0) return true;
    Result<std::optional<std::string>> waiting =
        view_.Get(RecallWaitingStateKey(record_.recall_id(), code));
    if (!waiting.ok()) return Status::Internal("reading state key: " + waiting.status().ToString());
    if (waiting->has_value()) return true;
    TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot, ReadReachedLot(view_, code));
    return CarriesFlag(lot, record_.recall_id());
  }

  // Stores the lots this transaction queued and did not flag, at their positions.
  void StoreQueue() {
    for (uint64_t position = std::max(Head(), stored_end_); position < End(); ++position) {
      const std::string& code = reached_now_[position - stored_end_];
      view_.Put(RecallQueueStateKey(record_.recall_id(), position), code);
      view_.Put(RecallWaitingStateKey(record_.recall_id(), code), "");
    }
    record_.set_lots_queued(End());
  }

  v1::RecallRecord& record_;
  StateView& view_;
  const v1::RecallFlag flag_;
  const uint64_t stored_end_;
  std::vector<std::string> reached_now_;
  std::set<std::string, std::less<>> waiting_now_;
};

}  // namespace

Status ExecuteIssueRecall(const Caller& caller, const v1::IssueRecall& payload, StateView& view) {
  constexpr std::string_view kAction = "issue_recall";
  TADORI_RETURN_IF_ERROR(
      CheckRequiredText(kAction, "lot_code", payload.lot_code(), kLotCodeBytesMax));
  TADORI_RETURN_IF_ERROR(
      CheckRequiredText(kAction, "reason", payload.reason(), kStringFieldBytesMax));
  TADORI_ASSIGN_OR_RETURN(v1::LotRecord origin, ReadExistingLot(kAction, view, payload.lot_code()));
  TADORI_ASSIGN_OR_RETURN(v1::OrgRecord org, ReadCallerOrg(caller, view));
  if (!HasRole(org, "regulator") && origin.creator_org() != org.id()) {
    return Status::PermissionDenied(
        Prefixed(kAction, "org '" + org.id() + "' is neither a regulator nor the creator ('" +
                              origin.creator_org() + "') of lot '" + origin.lot_code() + "'"));
  }
  v1::RecallRecord record;
  record.set_recall_id(caller.ctx.tx_id.Hex());
  record.set_origin_lot(origin.lot_code());
  record.set_reason(payload.reason());
  record.set_issued_by_org(org.id());
  record.set_height(caller.ctx.height);
  RecallWalk walk(record, view);
  walk.Start();
  return walk.Run(caller.ctx.height);
}

Status ExecuteContinueRecall(const Caller& caller, const v1::ContinueRecall& payload,
                             StateView& view) {
  constexpr std::string_view kAction = "continue_recall";
  if (!IsRecallId(payload.recall_id())) {
    return Status::InvalidArgument(
        Prefixed(kAction, "recall_id must be " + std::to_string(kRecallIdHexDigits) +
                              " lower-case hex digits (the transaction id of the issue_recall)"));
  }
  v1::RecallRecord record;
  TADORI_ASSIGN_OR_RETURN(bool found,
                          ReadRecord(view, RecallStateKey(payload.recall_id()), record));
  if (!found) {
    return Status::NotFound(Prefixed(kAction, "recall " + payload.recall_id() + " does not exist"));
  }
  TADORI_ASSIGN_OR_RETURN(v1::OrgRecord org, ReadCallerOrg(caller, view));
  if (!HasRole(org, "regulator") && record.issued_by_org() != org.id()) {
    return Status::PermissionDenied(
        Prefixed(kAction, "org '" + org.id() + "' is neither a regulator nor the issuer ('" +
                              record.issued_by_org() + "') of recall " + record.recall_id()));
  }
  if (record.complete()) {
    return Status::FailedPrecondition(
        Prefixed(kAction, "recall " + record.recall_id() + " is complete (" +
                              std::to_string(record.lots_flagged()) + " lots flagged)"));
  }
  RecallWalk walk(record, view);
  return walk.Run(caller.ctx.height);
}

}  // namespace tadori
