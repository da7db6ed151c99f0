#include "node/validator/commit_feed.h"

#include "ledger/check.h"

namespace tadori {

void CommitFeed::Watch(const Hash& tx_id) {
  std::lock_guard lock(mu_);
  ++watched_[tx_id];
}

void CommitFeed::Unwatch(const Hash& tx_id) {
  std::lock_guard lock(mu_);
  auto it = watched_.find(tx_id);
  if (it == watched_.end()) return;
  if (--it->second == 0) {
    watched_.erase(it);
    outcomes_.erase(tx_id);
  }
}

std::optional<CommitFeed::TxOutcome> CommitFeed::Wait(const Hash& tx_id,
                                                      Clock::time_point deadline) {
  std::optional<TxOutcome> out;
  {
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, deadline, [&] { return shutdown_ || outcomes_.count(tx_id) > 0; });
    auto it = outcomes_.find(tx_id);
    if (it != outcomes_.end()) out = it->second;
  }
  Unwatch(tx_id);
  return out;
}

uint64_t CommitFeed::WaitForHeightAbove(uint64_t height, Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, deadline, [&] { return shutdown_ || height_ > height; });
  return height_;
}

void CommitFeed::Publish(uint64_t height, const std::vector<Hash>& tx_ids,
                         const std::vector<v1::TxResult>& results) {
  TADORI_CHECK(tx_ids.size() == results.size());
  {
    std::lock_guard lock(mu_);
    TADORI_CHECK(height == height_ + 1);
    height_ = height;
    for (size_t i = 0; i < tx_ids.size(); ++i) {
      if (watched_.count(tx_ids[i])) {
        outcomes_[tx_ids[i]] = TxOutcome{height, static_cast<uint32_t>(i), results[i]};
      }
    }
  }
  cv_.notify_all();
}

void CommitFeed::Shutdown() {
  {
    std::lock_guard lock(mu_);
    shutdown_ = true;
  }
  cv_.notify_all();
}

bool CommitFeed::shut_down() const {
  std::lock_guard lock(mu_);
  return shutdown_;
}

}  // namespace tadori
