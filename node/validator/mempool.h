// Mempool: admitted transactions waiting for a block.
//
// Bounded by count and bytes; a full pool refuses with RESOURCE_EXHAUSTED rather than
// growing. Per-signer fairness: one signer may hold at most a quarter of the pool, so a
// single busy client cannot crowd out the others. Ids are unique within the pool.
//
// Two ways out: a single validator Takes what it puts in a block; a BFT leader Selects
// without removing (its proposal may fail, and the next leader needs the same transactions),
// and every validator Removes what commits and Evicts what expired.
// Thread-safe: Submit handlers and gossip add, the validator takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "ledger/transaction.h"
#include "node/validator/verified_signatures.h"

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
  // Returns copies of up to count_max / bytes_max transactions in arrival order, skipping
  // those for which `skip` is true; removes nothing.
  std::vector<DecodedTransaction> Select(
      size_t count_max, size_t bytes_max,
      const std::function<bool(const DecodedTransaction&)>& skip) const;
  // Removes these ids (those absent are ignored); returns how many were pending.
  size_t Remove(const std::vector<Hash>& ids);
  // Removes transactions that can no longer commit above `height` (valid_until <= height).
  size_t EvictExpired(uint64_t height);
  bool Contains(const Hash& id) const;
  // True when exactly this transaction (same id and signature bytes) is pending: it was
  // admitted here, so its signature was verified here or, for a relayed batch, by one of the
  // f+1 validators that attested exactly these bytes, at least one of them honest
  // (batch_attestation.h).
  bool ContainsExact(const DecodedTransaction& tx) const;
  size_t size() const;
  size_t bytes() const;

  // The signatures this node verified lately (verified_signatures.h). Kept here because
  // every Admission of a node shares its mempool; thread-safe on its own.
  VerifiedSignatures& verified_signatures() const { return verified_; }

 private:
  void EraseLocked(std::map<uint64_t, DecodedTransaction>::iterator it);

  const MempoolLimits limits_;
  mutable std::mutex mu_;
  uint64_t next_seq_ = 0;
  std::map<uint64_t, DecodedTransaction> by_seq_;  // arrival order
  std::map<Hash, uint64_t> seq_of_;
  std::map<KeyId, size_t> per_signer_;
  size_t bytes_ = 0;
  mutable VerifiedSignatures verified_;
};

}  // namespace tadori
