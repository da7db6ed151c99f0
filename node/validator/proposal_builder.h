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
  uint64_t block_interval_ms = 50;
  uint64_t idle_block_interval_ms = 400;  // below the round timeout
};

// A leader that has waited `waited_ms` since its round began proposes now when its block is
// full; else once block_interval_ms passed if it has something to carry (transactions, or
// uncommitted ancestors that only a child can commit under the 2-chain rule); else an empty
// block after idle_block_interval_ms, so the chain keeps committing within the round timeout.
bool ProposeNow(const BatchPolicy& policy, uint64_t waited_ms, size_t tx_count,
                bool ancestors_uncommitted);

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
