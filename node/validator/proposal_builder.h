// What a leader proposes, and when (the batching policy). Functions of their inputs, so the
// BFT validator and the simulator share them and each rule has a unit test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ledger/block.h"
#include "ledger/limits.h"
#include "node/validator/ledger_tip.h"

namespace tadori {

struct BatchPolicy {
  size_t block_tx_max = 2'000;
  size_t block_bytes_max = kBlockSizeBytesMax - kTxSizeBytesMax;  // room for the header
  // How long a leader with something to carry, but less than a full block, waits for more
  // before it proposes. 0: at once (under load a leader still carries what queued during the
  // previous round, so batching needs no wait of its own).
  uint64_t block_interval_ms = 0;
};

// A leader that has waited `waited_ms` since its round began proposes now when its block is
// full, or once block_interval_ms passed if it has something to carry: transactions, or
// `commits_pending` (uncommitted ancestors with transactions, which only a certified child
// commits under the 2-chain rule, or a certificate that commits transactions the other
// validators learn of only from this proposal). With neither it never proposes: an idle
// network makes no empty blocks.
bool ProposeNow(const BatchPolicy& policy, uint64_t waited_ms, size_t tx_count,
                bool commits_pending);

// Block time: the wall clock, but never before the parent's time or this leader's previous
// block (clocks may step back; block times may not).
int64_t NextBlockTime(int64_t now_ms, int64_t parent_ms, int64_t previous_ms);

struct ProposalPlan {
  std::string chain_id;
  uint64_t round = 0;
  const LedgerTip* parent = nullptr;
  KeyId proposer;
  // This node's newest executed block and its result root.
  uint64_t executed_height = 0;
  Hash executed_root;
  int64_t timestamp_ms = 0;
  std::vector<DecodedTransaction> txs;
};

// The child of plan.parent. Its result claim is this node's newest execution; a leader that
// has executed less than the parent claims repeats the parent's claim (it cannot claim less).
DecodedBlock BuildProposal(ProposalPlan plan);

}  // namespace tadori
