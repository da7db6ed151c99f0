// SoloValidator: the single validator of a `tadorid --dev` chain.
//
// It is the whole consensus of a one-node network: every block_interval_ms (or as soon as
// the mempool holds a full block) it takes transactions, builds and signs a block,
// executes it, and commits block, results and state writes in one synced LevelDB batch.
// Only then does it publish the commit to waiting clients. With one validator its own
// signature is the quorum, so the stored chain verifies offline like any other.
//
// A local failure (disk) stops block production and is reported by failure(); the daemon
// shuts down rather than serve a chain it could not extend.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/limits.h"
#include "ledger/store/store.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"

namespace tadori {

struct SoloValidatorOptions {
  int block_interval_ms = 100;
  size_t block_tx_max = 2'000;
  size_t block_bytes_max = kBlockSizeBytesMax - kTxSizeBytesMax;  // room for header and sigs
};

class SoloValidator {
 public:
  SoloValidator(Store& store, Mempool& mempool, CommitFeed& feed, const GenesisInfo& genesis,
                PrivateKey validator_key, SoloValidatorOptions options = {});
  ~SoloValidator();

  void Start();
  // Stops after the block in progress, if any, is committed.
  void Stop();

  // Builds, executes and commits one block from the mempool now; OK with nothing to do when
  // the mempool is empty. Used by Start()'s loop and by tests.
  Status ProduceBlock();

  // Wakes the producer early (a Submit filled a block).
  void Nudge();
  Status failure() const;

 private:
  void Run();

  Store& store_;
  Mempool& mempool_;
  CommitFeed& feed_;
  const GenesisInfo& genesis_;
  const PrivateKey key_;
  const SoloValidatorOptions options_;
  int64_t last_timestamp_ms_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool nudged_ = false;
  Status failure_;
  std::thread thread_;
};

}  // namespace tadori
