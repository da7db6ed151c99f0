#include "node/validator/verified_signatures.h"

#include "ledger/check.h"

namespace tadori {

namespace {

Hash SignedBytesDigest(const DecodedTransaction& tx) {
  Sha256Hasher h;
  h.Update(tx.id.view());
  h.Update(tx.signer_key_id.view());
  h.Update(tx.envelope.signature());
  return h.Finish();
}

}  // namespace

VerifiedSignatures::VerifiedSignatures(size_t entries_max) : entries_max_(entries_max) {
  TADORI_CHECK(entries_max_ > 0);
}

bool VerifiedSignatures::Contains(const DecodedTransaction& tx) const {
  const Hash digest = SignedBytesDigest(tx);
  std::lock_guard lock(mu_);
  return entries_.count(digest) > 0;
}

void VerifiedSignatures::Add(const DecodedTransaction& tx) {
  const Hash digest = SignedBytesDigest(tx);
  std::lock_guard lock(mu_);
  if (!entries_.insert(digest).second) return;
  order_.push_back(digest);
  if (order_.size() > entries_max_) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
}

size_t VerifiedSignatures::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace tadori
