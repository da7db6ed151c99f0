// VerifiedSignatures: the transaction signatures this node verified lately, so that a
// signature is verified at most once per node whichever path meets it first (a client's
// Submit, a relayed batch, a co-verifier's check, a proposal from a leader that was faster
// than the relay).
//
// An entry is a digest of the exact signed bytes (transaction id, signer key id, signature):
// other signature bytes under the same id are another entry, and only a verify that passed
// is remembered. Verification is deterministic, so a remembered entry answers as a verify
// would. Bounded by count (the oldest entry leaves first); the bound is far above what a
// node verifies while a transaction waits for its block.
// Thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <set>

#include "ledger/hash.h"
#include "ledger/transaction.h"

namespace tadori {

class VerifiedSignatures {
 public:
  static constexpr size_t kEntriesMax = 65'536;  // 32-byte digests: a few MiB at most

  explicit VerifiedSignatures(size_t entries_max = kEntriesMax);

  bool Contains(const DecodedTransaction& tx) const;
  // Remembers that `tx`'s signature verified against its signer's key.
  void Add(const DecodedTransaction& tx);
  size_t size() const;

 private:
  const size_t entries_max_;
  mutable std::mutex mu_;
  std::set<Hash> entries_;
  std::deque<Hash> order_;  // oldest first
};

}  // namespace tadori
