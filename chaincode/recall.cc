// issue_recall: a regulator, or the organisation that created the lot, recalls it.
//
//   lot_code and reason are required (INVALID_ARGUMENT); the lot exists (NOT_FOUND); the
//   signer's org has role "regulator" or created the lot (PERMISSION_DENIED). The lot and
//   every lot downstream of it (children, transitively) get a RecallFlag whose recall_id is
//   the transaction id in hex. More than kRecallLotsMax lots, or a lot already carrying
//   kLotRecallsMax flags, is RESOURCE_EXHAUSTED (and nothing is flagged).
#include <set>
#include <vector>

#include "chaincode/chaincode_limits.h"
#include "chaincode/checks.h"
#include "chaincode/lot_book.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"

namespace tadori {

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
  v1::RecallFlag flag;
  flag.set_recall_id(caller.ctx.tx_id.Hex());
  flag.set_origin_lot(origin.lot_code());
  flag.set_reason(payload.reason());
  flag.set_issued_by_org(org.id());
  flag.set_height(caller.ctx.height);

  // Breadth-first over children; `seen` keeps a lot reached by two paths from being
  // flagged twice.
  std::vector<std::string> queue = {origin.lot_code()};
  std::set<std::string, std::less<>> seen = {origin.lot_code()};
  for (size_t next = 0; next < queue.size(); ++next) {
    TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot, ReadExistingLot(kAction, view, queue[next]));
    if (static_cast<size_t>(lot.recalls_size()) >= kLotRecallsMax) {
      return Status::ResourceExhausted(
          Prefixed(kAction, "lot '" + lot.lot_code() + "' already carries " +
                                std::to_string(kLotRecallsMax) + " recall flags"));
    }
    *lot.add_recalls() = flag;
    view.Put(LotStateKey(lot.lot_code()), EncodeRecord(lot));
    for (const std::string& child : lot.children()) {
      if (!seen.insert(child).second) continue;
      if (seen.size() > kRecallLotsMax) {
        return Status::ResourceExhausted(Prefixed(
            kAction,
            "the recall would reach more than " + std::to_string(kRecallLotsMax) + " lots"));
      }
      queue.push_back(child);
    }
  }
  return Status::Ok();
}

}  // namespace tadori
