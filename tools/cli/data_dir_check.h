// Offline verification of a node's data directory, for `tadori verify`.
//
// Opens DATA_DIR/db without creating anything, takes the genesis stored there, and
// re-verifies every block with CheckChain (ledger/chain_check.h): links, transaction and
// result roots, quorum signatures of the genesis validators, transaction locators. Then,
// unless asked for blocks only, it rebuilds what the blocks imply: it re-executes every block
// from the genesis with the validators' executor (node/validator/chain_replay.h) into a
// scratch store in a fresh temporary directory (removed afterwards; it holds a second copy of
// the chain, so it needs about as much free space as the data directory), checks every
// transaction result equals the stored one, and compares the whole chaincode state and the
// whole query index of the node's store with the rebuilt ones (ledger/store/store_compare.h).
// The node must be stopped (LevelDB allows one process): a running node gives UNAVAILABLE.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ledger/hash.h"
#include "ledger/status.h"
#include "ledger/store/chain_check.h"
#include "ledger/store/store_compare.h"

namespace tadori::cli {

// Where a long check is, for a progress line.
struct VerifyProgress {
  enum class Phase { kCheckingBlocks, kReplaying, kComparing };
  Phase phase = Phase::kCheckingBlocks;
  uint64_t blocks_done = 0;  // checked, then re-executed, so far
  uint64_t blocks_total = 0;
  uint64_t txs_done = 0;
  uint64_t state_keys = 0;  // compared equal so far
  uint64_t index_entries = 0;
};

struct DataDirCheckOptions {
  // Re-execute the blocks and compare state and indexes; false checks the blocks only.
  bool rebuild = true;
  // The folder the scratch directory is made in; empty: the system's temporary folder
  // ($TMPDIR, else /tmp).
  std::string scratch_parent;
  // Called often (after every block checked or re-executed, every thousand keys compared);
  // it decides what to show.
  std::function<void(const VerifyProgress&)> progress;
};

struct DataDirCheck {
  std::string chain_id;
  Hash genesis_hash;
  uint64_t height = 0;
  Hash head_hash;
  ChainCheckReport report;
  double check_seconds = 0;  // the block checks
  // When rebuilt (options.rebuild): blocks and transactions re-executed, and the state keys
  // and index entries compared (all of them: a difference is a failure).
  bool rebuilt = false;
  uint64_t blocks_replayed = 0;
  uint64_t txs_replayed = 0;
  uint64_t state_keys = 0;
  uint64_t index_entries = 0;
  double replay_seconds = 0;
  double compare_seconds = 0;
};

// NOT_FOUND when there is no database or no genesis in it; DATA_LOSS naming the first block
// that fails, the first transaction whose re-executed result differs from the stored one, or
// the first state key or index entry that differs (DescribeDifference); the store's own
// errors otherwise (and INTERNAL when the scratch directory cannot be made).
Result<DataDirCheck> CheckDataDir(const std::string& data_dir,
                                  const DataDirCheckOptions& options = {});

// `key` fit to print: printable ASCII as is, backslash and double quote escaped with a
// backslash, every other byte as \xNN (two lower-case hex digits).
std::string PrintableKey(std::string_view key);

// `state key "lot/T-1": different value (stored 41 bytes, rebuilt from the blocks 43 bytes)`,
// `index entry "e/..": missing (the blocks imply it, the store lacks it)`, or
// `... extra (in the store, not implied by the blocks)`.
std::string DescribeDifference(const KeyDifference& difference);

}  // namespace tadori::cli
