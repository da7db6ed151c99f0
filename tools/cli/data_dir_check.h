// Offline verification of a node's data directory, for `tadori verify`.
//
// Opens DATA_DIR/db without creating anything, takes the genesis stored there, and
// re-verifies every block with CheckChain (ledger/chain_check.h): links, transaction and
// result roots, quorum signatures of the genesis validators, transaction locators. The node
// must be stopped (LevelDB allows one process): a running node gives UNAVAILABLE.
#pragma once

#include <string>

#include "ledger/hash.h"
#include "ledger/status.h"
#include "ledger/store/chain_check.h"

namespace tadori::cli {

struct DataDirCheck {
  std::string chain_id;
  Hash genesis_hash;
  uint64_t height = 0;
  Hash head_hash;
  ChainCheckReport report;
};

// NOT_FOUND when there is no database or no genesis in it; DATA_LOSS naming the first
// block that fails; the store's own errors otherwise.
Result<DataDirCheck> CheckDataDir(const std::string& data_dir);

}  // namespace tadori::cli
