// CommitFeed: tells waiting clients that blocks and their transactions committed.
//
// Submit(wait_for_commit) watches a transaction id, then waits; StreamBlocks waits for the
// height to pass a mark. The committer publishes each block after it is durable, so a
// client is never told "committed" about something a crash could undo.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "ledger/hash.h"
#include "tadori/v1/types.pb.h"

namespace tadori {

class CommitFeed {
 public:
  using Clock = std::chrono::steady_clock;

  struct TxOutcome {
    uint64_t height = 0;
    uint32_t index = 0;
    v1::TxResult result;
  };

  explicit CommitFeed(uint64_t height) : height_(height) {}

  // Watch before checking the store, then Wait: a commit between the two is not missed.
  void Watch(const Hash& tx_id);
  // The outcome once published, or nullopt at the deadline or shutdown. Unwatches.
  std::optional<TxOutcome> Wait(const Hash& tx_id, Clock::time_point deadline);
  void Unwatch(const Hash& tx_id);

  // Waits until the committed height exceeds `height`, the deadline passes or shutdown;
  // returns the committed height.
  uint64_t WaitForHeightAbove(uint64_t height, Clock::time_point deadline);

  // Called by the committer after the block is durable.
  void Publish(uint64_t height, const std::vector<Hash>& tx_ids,
               const std::vector<v1::TxResult>& results);
  void Shutdown();
  bool shut_down() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t height_;
  bool shutdown_ = false;
  std::map<Hash, int> watched_;  // id -> number of waiters
  std::map<Hash, TxOutcome> outcomes_;
};

}  // namespace tadori
