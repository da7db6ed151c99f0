// LedgerTip: what a validator must know of a ledger block to check or build its child.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/block.h"
#include "ledger/genesis.h"
#include "ledger/hash.h"

namespace tadori {

struct LedgerTip {
  Hash hash;
  uint64_t height = 0;
  int64_t timestamp_ms = 0;
  uint64_t result_height = 0;  // the block whose results the header commits to
  Hash result_root;            // the header's prev_result_root: the root of result_height
  std::vector<Hash> tx_ids;

  // The facts of a decoded block (DecodeBlock checked prev_result_root is 32 bytes).
  static LedgerTip Of(const DecodedBlock& block);
  // Height 0: the genesis hash and time, the empty result root.
  static LedgerTip Genesis(const GenesisInfo& genesis);
};

}  // namespace tadori
