#include "node/validator/proposal_builder.h"

#include <algorithm>

#include "ledger/check.h"

namespace tadori {

bool ProposeNow(const BatchPolicy& policy, uint64_t waited_ms, size_t tx_count,
                bool commits_pending) {
  if (tx_count == 0 && !commits_pending) return false;
  return tx_count >= policy.block_tx_max || waited_ms >= policy.block_interval_ms;
}

int64_t NextBlockTime(int64_t now_ms, int64_t parent_ms, int64_t previous_ms) {
  return std::max({now_ms, parent_ms, previous_ms});
}

DecodedBlock BuildProposal(ProposalPlan plan) {
  TADORI_CHECK(plan.parent != nullptr);
  const LedgerTip& parent = *plan.parent;
  TADORI_CHECK(plan.timestamp_ms >= parent.timestamp_ms);
  BlockDraft draft;
  draft.chain_id = std::move(plan.chain_id);
  draft.height = parent.height + 1;
  draft.round = plan.round;
  draft.prev_hash = parent.hash;
  if (plan.executed_height >= parent.result_height) {
    draft.result_height = plan.executed_height;
    draft.prev_result_root = plan.executed_root;
  } else {
    draft.result_height = parent.result_height;
    draft.prev_result_root = parent.result_root;
  }
  TADORI_CHECK(draft.result_height < draft.height);
  draft.proposer = plan.proposer;
  draft.timestamp_ms = plan.timestamp_ms;
  draft.txs = std::move(plan.txs);
  return BuildBlock(draft);
}

}  // namespace tadori
