// Mempool: admitted transactions waiting for a block.
//
// Bounded by count and bytes; a full pool refuses with RESOURCE_EXHAUSTED rather than
// growing. Per-signer fairness: one signer may hold at most a quarter of the pool, so a
// single busy client cannot crowd out the others. Ids are unique within the pool.
// Thread-safe: Submit handlers add, the block producer takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "ledger/transaction.h"

namespace tadori {

struct MempoolLimits {
  size_t tx_count_max = 50'000;
  size_t bytes_max = 64 * 1024 * 1024;
  size_t per_signer_count_max = 50'000 / 4;
};

class Mempool {
 public:
  explicit Mempool(MempoolLimits limits = {});

  // ALREADY_EXISTS when the id is pending, RESOURCE_EXHAUSTED when a bound is reached.
  Status Add(DecodedTransaction tx);
  // Removes and returns up to count_max transactions (and at most bytes_max of them) in
  // arrival order.
  std::vector<DecodedTransaction> Take(size_t count_max, size_t bytes_max);
  bool Contains(const Hash& id) const;
  size_t size() const;

 private:
  const MempoolLimits limits_;
  mutable std::mutex mu_;
  std::deque<DecodedTransaction> queue_;
  std::set<Hash> ids_;
  std::map<KeyId, size_t> per_signer_;
  size_t bytes_ = 0;
};

}  // namespace tadori
