#include "node/validator/commit_feed.h"

#include "ledger/check.h"

namespace tadori {

CommitFeed::~CommitFeed() {
  Shutdown();
  if (timer_.joinable()) timer_.join();
}

std::optional<CommitFeed::Token> CommitFeed::Subscribe(const Hash& tx_id,
                                                       Clock::time_point deadline,
                                                       TxCallback callback) {
  std::lock_guard lock(mu_);
  if (shutdown_) return std::nullopt;
  const Token token = next_token_++;
  const bool earliest = by_deadline_.empty() || deadline < by_deadline_.begin()->first;
  subscriptions_.emplace(token, Subscription{tx_id, deadline, std::move(callback)});
  by_tx_.emplace(tx_id, token);
  by_deadline_.emplace(deadline, token);
  // One thread for every deadline, started only by a feed that has waiters.
  if (!timer_.joinable()) timer_ = std::thread([this] { RunTimer(); });
  if (earliest) timer_cv_.notify_one();
  return token;
}

CommitFeed::TxCallback CommitFeed::TakeLocked(std::map<Token, Subscription>::iterator it) {
  const Token token = it->first;
  auto [first, last] = by_tx_.equal_range(it->second.tx_id);
  for (auto i = first; i != last; ++i) {
    if (i->second == token) {
      by_tx_.erase(i);
      break;
    }
  }
  by_deadline_.erase({it->second.deadline, token});
  TxCallback callback = std::move(it->second.callback);
  subscriptions_.erase(it);
  return callback;
}

bool CommitFeed::Cancel(Token token) {
  TxCallback dropped;  // destroyed after the lock is released: it may own its caller's state
  std::lock_guard lock(mu_);
  auto it = subscriptions_.find(token);
  if (it == subscriptions_.end()) return false;
  dropped = TakeLocked(it);
  return true;
}

size_t CommitFeed::subscriptions() const {
  std::lock_guard lock(mu_);
  return subscriptions_.size();
}

uint64_t CommitFeed::WaitForHeightAbove(uint64_t height, Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  height_cv_.wait_until(lock, deadline, [&] { return shutdown_ || height_ > height; });
  return height_;
}

void CommitFeed::Publish(uint64_t height, const std::vector<Hash>& tx_ids,
                         const std::vector<v1::TxResult>& results) {
  TADORI_CHECK(tx_ids.size() == results.size());
  std::vector<std::pair<TxCallback, size_t>> committed;  // callback, index in the block
  {
    std::lock_guard lock(mu_);
    TADORI_CHECK(height == height_ + 1);
    height_ = height;
    if (!subscriptions_.empty()) {
      for (size_t i = 0; i < tx_ids.size(); ++i) {
        for (auto found = by_tx_.find(tx_ids[i]); found != by_tx_.end();
             found = by_tx_.find(tx_ids[i])) {
          committed.emplace_back(TakeLocked(subscriptions_.find(found->second)), i);
        }
      }
    }
  }
  height_cv_.notify_all();
  for (auto& [callback, index] : committed) {
    TxWait wait;
    wait.end = TxWaitEnd::kCommitted;
    wait.outcome.height = height;
    wait.outcome.index = static_cast<uint32_t>(index);
    wait.outcome.result = results[index];
    callback(wait);
  }
}

void CommitFeed::RunTimer() {
  std::unique_lock lock(mu_);
  while (!shutdown_) {
    if (by_deadline_.empty()) {
      timer_cv_.wait(lock);
      continue;
    }
    const Clock::time_point first = by_deadline_.begin()->first;
    if (Clock::now() < first) {
      timer_cv_.wait_until(lock, first);
      continue;
    }
    std::vector<TxCallback> due;
    const Clock::time_point now = Clock::now();
    while (!by_deadline_.empty() && by_deadline_.begin()->first <= now) {
      due.push_back(TakeLocked(subscriptions_.find(by_deadline_.begin()->second)));
    }
    lock.unlock();
    const TxWait passed{TxWaitEnd::kDeadline, {}};
    for (TxCallback& callback : due) callback(passed);
    due.clear();  // before the lock: a callback may own its caller's state
    lock.lock();
  }
}

void CommitFeed::Shutdown() {
  std::vector<TxCallback> waiting;
  std::thread timer;
  {
    std::lock_guard lock(mu_);
    if (shutdown_) return;
    shutdown_ = true;
    waiting.reserve(subscriptions_.size());
    for (auto& [token, subscription] : subscriptions_) {
      waiting.push_back(std::move(subscription.callback));
    }
    subscriptions_.clear();
    by_tx_.clear();
    by_deadline_.clear();
    // No Subscribe starts the timer from now on. A callback of the timer's that shuts the
    // feed down leaves the join to the destructor.
    if (timer_.joinable() && timer_.get_id() != std::this_thread::get_id()) {
      timer = std::move(timer_);
    }
  }
  height_cv_.notify_all();
  timer_cv_.notify_all();
  const TxWait stopping{TxWaitEnd::kShutdown, {}};
  for (TxCallback& callback : waiting) callback(stopping);
  // Deadline callbacks the timer took before the shutdown finish before Shutdown returns:
  // once it has, their owners (the client API's reactors and service) may be destroyed.
  if (timer.joinable()) timer.join();
}

bool CommitFeed::shut_down() const {
  std::lock_guard lock(mu_);
  return shutdown_;
}

}  // namespace tadori
