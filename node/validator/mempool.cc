#include "node/validator/mempool.h"

#include <string>

#include "ledger/check.h"

namespace tadori {

Mempool::Mempool(MempoolLimits limits) : limits_(limits) {}

Status Mempool::Add(DecodedTransaction tx) {
  const size_t tx_bytes = tx.envelope.ByteSizeLong();
  std::lock_guard lock(mu_);
  if (seq_of_.count(tx.id)) {
    return Status::AlreadyExists("transaction " + tx.id.Hex() + " is pending");
  }
  if (by_seq_.size() >= limits_.tx_count_max || bytes_ + tx_bytes > limits_.bytes_max) {
    return Status::ResourceExhausted("mempool full (" + std::to_string(by_seq_.size()) +
                                     " transactions); retry later");
  }
  size_t& mine = per_signer_[tx.signer_key_id];
  if (mine >= limits_.per_signer_count_max) {
    return Status::ResourceExhausted("signer has " + std::to_string(mine) +
                                     " pending transactions; retry later");
  }
  ++mine;
  bytes_ += tx_bytes;
  const uint64_t seq = next_seq_++;
  seq_of_.emplace(tx.id, seq);
  by_seq_.emplace(seq, std::move(tx));
  return Status::Ok();
}

void Mempool::EraseLocked(std::map<uint64_t, DecodedTransaction>::iterator it) {
  const DecodedTransaction& tx = it->second;
  const size_t tx_bytes = tx.envelope.ByteSizeLong();
  auto signer = per_signer_.find(tx.signer_key_id);
  TADORI_CHECK(signer != per_signer_.end() && signer->second > 0);
  if (--signer->second == 0) per_signer_.erase(signer);
  TADORI_CHECK(bytes_ >= tx_bytes);
  bytes_ -= tx_bytes;
  seq_of_.erase(tx.id);
  by_seq_.erase(it);
}

std::vector<DecodedTransaction> Mempool::Take(size_t count_max, size_t bytes_max) {
  std::vector<DecodedTransaction> out;
  std::lock_guard lock(mu_);
  size_t taken_bytes = 0;
  while (!by_seq_.empty() && out.size() < count_max) {
    auto it = by_seq_.begin();
    const size_t tx_bytes = it->second.envelope.ByteSizeLong();
    if (taken_bytes + tx_bytes > bytes_max) break;
    taken_bytes += tx_bytes;
    DecodedTransaction tx = it->second;
    EraseLocked(it);
    out.push_back(std::move(tx));
  }
  return out;
}

std::vector<DecodedTransaction> Mempool::Select(
    size_t count_max, size_t bytes_max,
    const std::function<bool(const DecodedTransaction&)>& skip) const {
  std::vector<DecodedTransaction> out;
  std::lock_guard lock(mu_);
  size_t taken_bytes = 0;
  for (auto it = by_seq_.begin(); it != by_seq_.end() && out.size() < count_max; ++it) {
    if (skip && skip(it->second)) continue;
    const size_t tx_bytes = it->second.envelope.ByteSizeLong();
    if (taken_bytes + tx_bytes > bytes_max) break;
    taken_bytes += tx_bytes;
    out.push_back(it->second);
  }
  return out;
}

size_t Mempool::Remove(const std::vector<Hash>& ids) {
  std::lock_guard lock(mu_);
  size_t removed = 0;
  for (const Hash& id : ids) {
    auto found = seq_of_.find(id);
    if (found == seq_of_.end()) continue;
    EraseLocked(by_seq_.find(found->second));
    ++removed;
  }
  return removed;
}

size_t Mempool::EvictExpired(uint64_t height) {
  std::lock_guard lock(mu_);
  size_t removed = 0;
  for (auto it = by_seq_.begin(); it != by_seq_.end();) {
    auto next = std::next(it);
    if (it->second.body.valid_until_height() <= height) {
      EraseLocked(it);
      ++removed;
    }
    it = next;
  }
  return removed;
}

bool Mempool::Contains(const Hash& id) const {
  std::lock_guard lock(mu_);
  return seq_of_.count(id) > 0;
}

bool Mempool::ContainsExact(const DecodedTransaction& tx) const {
  std::lock_guard lock(mu_);
  auto found = seq_of_.find(tx.id);
  if (found == seq_of_.end()) return false;
  const DecodedTransaction& mine = by_seq_.at(found->second);
  return mine.envelope.signature() == tx.envelope.signature() &&
         mine.signer_key_id == tx.signer_key_id;
}

size_t Mempool::size() const {
  std::lock_guard lock(mu_);
  return by_seq_.size();
}

size_t Mempool::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace tadori
