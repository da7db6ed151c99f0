// CommitFeed: tells waiting clients that blocks and their transactions committed.
//
// A client waiting for a transaction subscribes to its id with a deadline and a callback;
// StreamBlocks waits for the height to pass a mark. The committer publishes each block after
// it is durable, so a client is never told "committed" about something a crash could undo.
//
// A subscription holds no thread: its callback is called exactly once (unless cancelled
// first), when the transaction commits (on the committer's thread, inside Publish), when its
// deadline passes (on the feed's one timer thread, started at the first subscription), or at
// Shutdown (on the thread calling it). Callbacks run without the feed's lock held and never
// inside Subscribe or Cancel, so they may take their owner's lock; they must be quick (hand
// the outcome to a gRPC reactor), since the committer waits for them.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "ledger/hash.h"
#include "tadori/v1/types.pb.h"

namespace tadori {

class CommitFeed {
 public:
  using Clock = std::chrono::steady_clock;
  using Token = uint64_t;

  struct TxOutcome {
    uint64_t height = 0;
    uint32_t index = 0;
    v1::TxResult result;
  };
  // Why a subscription ended.
  enum class TxWaitEnd { kCommitted, kDeadline, kShutdown };
  struct TxWait {
    TxWaitEnd end = TxWaitEnd::kDeadline;
    TxOutcome outcome;  // kCommitted only
  };
  using TxCallback = std::function<void(const TxWait&)>;

  explicit CommitFeed(uint64_t height) : height_(height) {}
  ~CommitFeed();  // shuts down (answering every subscription) and joins the timer
  CommitFeed(const CommitFeed&) = delete;
  CommitFeed& operator=(const CommitFeed&) = delete;

  // Calls `callback` once `tx_id` commits in a block published from now on, or with
  // kDeadline once `deadline` passed, or with kShutdown at Shutdown. Subscribe before the
  // transaction can commit (before it enters the mempool, or before reading the store):
  // a commit published earlier is not reported. nullopt, and no call, after Shutdown.
  std::optional<Token> Subscribe(const Hash& tx_id, Clock::time_point deadline,
                                 TxCallback callback);
  // True when the subscription was still waiting: its callback will never be called. False
  // when its callback has been or is being called (or the token is unknown); the caller's
  // state must then stay valid for it (callbacks hold what they use by shared_ptr).
  bool Cancel(Token token);
  // Subscriptions waiting now (for metrics and tests).
  size_t subscriptions() const;

  // Waits until the committed height exceeds `height`, the deadline passes or shutdown;
  // returns the committed height.
  uint64_t WaitForHeightAbove(uint64_t height, Clock::time_point deadline);

  // Called by the committer after the block is durable; calls the callbacks of the block's
  // transactions before it returns.
  void Publish(uint64_t height, const std::vector<Hash>& tx_ids,
               const std::vector<v1::TxResult>& results);
  // Answers every subscription with kShutdown and refuses new ones; when it returns, no
  // deadline callback runs any more (those running finished). Commit callbacks run inside
  // Publish: the committer is stopped by its owner. Idempotent.
  void Shutdown();
  bool shut_down() const;

 private:
  struct Subscription {
    Hash tx_id;
    Clock::time_point deadline;
    TxCallback callback;
  };
  // Removes `it` from every index; returns its callback. Needs mu_.
  TxCallback TakeLocked(std::map<Token, Subscription>::iterator it);
  void RunTimer();

  mutable std::mutex mu_;
  std::condition_variable height_cv_;  // WaitForHeightAbove
  std::condition_variable timer_cv_;   // the timer: an earlier deadline, or shutdown
  uint64_t height_;
  bool shutdown_ = false;
  Token next_token_ = 1;
  std::map<Token, Subscription> subscriptions_;
  std::multimap<Hash, Token> by_tx_;
  std::set<std::pair<Clock::time_point, Token>> by_deadline_;
  std::thread timer_;  // started by the first Subscribe, joined by Shutdown
};

}  // namespace tadori
