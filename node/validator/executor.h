// Executor: runs a block's transactions through chaincode, in order, over committed state.
//
// Each transaction sees the committed state plus the writes of the transactions before it
// in the block. A refused transaction keeps its result (code and message) and none of its
// writes. A store failure while reading is our error, not the transaction's: the whole
// execution fails with INTERNAL and the block must not commit.
#pragma once

#include <cstdint>
#include <span>

#include "ledger/state.h"
#include "ledger/status.h"
#include "ledger/transaction.h"
#include "tadori/v1/types.pb.h"

namespace tadori {

struct ExecutedBlock {
  v1::BlockResults results;  // one per transaction, in block order
  WriteSet writes;           // the block's net state changes
  IndexEntries index;        // query index entries of the accepted transactions
};

Result<ExecutedBlock> ExecuteBlock(const StateReader& committed, uint64_t height,
                                   int64_t block_time_ms, std::span<const DecodedTransaction> txs);

}  // namespace tadori
