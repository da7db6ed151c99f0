// ReplayChain: re-executes a stored chain from its genesis into another store, with the
// validators' own executor (executor.h), so that `tadori verify` can rebuild the chaincode
// state and query indexes a node's blocks imply and compare them with the node's
// (ledger/store/store_compare.h). The one header of node/ that tools/cli may include
// (tools/check-layers): the CLI needs execution, and this keeps it the validators' code
// rather than a second copy of it.
#pragma once

#include <cstdint>
#include <functional>

#include "ledger/genesis.h"
#include "ledger/status.h"
#include "ledger/store/store.h"

namespace tadori {

struct ReplayProgress {
  uint64_t blocks_done = 0;
  uint64_t blocks_total = 0;
  uint64_t txs_done = 0;
};
// Called after every block replayed; reads no clock itself (the caller decides how often to
// show anything).
using ReplayProgressFn = std::function<void(const ReplayProgress&)>;

struct ReplayReport {
  uint64_t blocks = 0;
  uint64_t txs = 0;
};

// `into` must be a store never given a genesis (FAILED_PRECONDITION otherwise). Writes the
// genesis state of `genesis` into it, then for every block 1..stored.Height() (the height
// when it starts): reads the block and its results from `stored`, executes the block over
// `into`'s state exactly as a validator does (height, block timestamp, tx index, signer),
// checks each result code equals the stored one (messages are not compared: the result root leaves
// them out, a later version may reword them), and commits block, results, state writes and index
// entries to `into`, unsynced (`into` is a scratch copy).
//
// Errors: DATA_LOSS "block 7 tx 2 (<id>): stored result ... but re-execution gives ..." for the
// first result that differs, and for a stored block or result record that does not read or
// decode; INTERNAL when execution fails locally (a store error underneath); `into`'s own
// errors as they come.
Result<ReplayReport> ReplayChain(const Store& stored, const GenesisInfo& genesis, Store& into,
                                 const ReplayProgressFn& progress = {});

}  // namespace tadori
