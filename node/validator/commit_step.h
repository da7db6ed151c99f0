// CommitStep: the one way a validator makes a block final on this node, shared by the solo
// and the BFT validators. It executes the block's transactions over committed state
// (executor.h), commits block, results, state writes and indexes in one synced batch, and
// only then tells waiting clients (CommitFeed) and drops the block's transactions from the
// mempool: a client is never told "committed" about something a crash could undo.
//
// Every failure is local (execution hit a store error, the disk refused the batch, or the
// block's result root claim differs from this node's execution): the caller must halt, not
// retry and not blame a peer. Nothing of the block is visible after a failure.
#pragma once

#include "ledger/block.h"
#include "ledger/status.h"
#include "ledger/store/store.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"

namespace tadori {

struct CommitOutcome {
  uint64_t height = 0;
  size_t tx_count = 0;
};

Result<CommitOutcome> CommitStep(Store& store, Mempool& mempool, CommitFeed& feed,
                                 const DecodedBlock& block);

}  // namespace tadori
