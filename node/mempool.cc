#include "node/mempool.h"

#include <string>

#include "ledger/check.h"

namespace tadori {

Mempool::Mempool(MempoolLimits limits) : limits_(limits) {}

Status Mempool::Add(DecodedTransaction tx) {
  const size_t tx_bytes = tx.envelope.ByteSizeLong();
  std::lock_guard lock(mu_);
  if (ids_.count(tx.id)) return Status::AlreadyExists("transaction " + tx.id.Hex() + " is pending");
  if (queue_.size() >= limits_.tx_count_max || bytes_ + tx_bytes > limits_.bytes_max) {
    return Status::ResourceExhausted("mempool full (" + std::to_string(queue_.size()) +
                                     " transactions); retry later");
  }
  size_t& mine = per_signer_[tx.signer_key_id];
  if (mine >= limits_.per_signer_count_max) {
    return Status::ResourceExhausted("signer has " + std::to_string(mine) +
                                     " pending transactions; retry later");
  }
  ++mine;
  bytes_ += tx_bytes;
  ids_.insert(tx.id);
  queue_.push_back(std::move(tx));
  return Status::Ok();
}

std::vector<DecodedTransaction> Mempool::Take(size_t count_max, size_t bytes_max) {
  std::vector<DecodedTransaction> out;
  std::lock_guard lock(mu_);
  size_t taken_bytes = 0;
  while (!queue_.empty() && out.size() < count_max) {
    const size_t tx_bytes = queue_.front().envelope.ByteSizeLong();
    if (taken_bytes + tx_bytes > bytes_max) break;
    taken_bytes += tx_bytes;
    DecodedTransaction tx = std::move(queue_.front());
    queue_.pop_front();
    ids_.erase(tx.id);
    auto it = per_signer_.find(tx.signer_key_id);
    TADORI_CHECK(it != per_signer_.end() && it->second > 0);
    if (--it->second == 0) per_signer_.erase(it);
    TADORI_CHECK(bytes_ >= tx_bytes);
    bytes_ -= tx_bytes;
    out.push_back(std::move(tx));
  }
  return out;
}

bool Mempool::Contains(const Hash& id) const {
  std::lock_guard lock(mu_);
  return ids_.count(id) > 0;
}

size_t Mempool::size() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace tadori
