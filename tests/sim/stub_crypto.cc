#include "tests/sim/stub_crypto.h"

#include <algorithm>

#include "ledger/keys.h"

namespace tadori::consensus {
namespace {

Bytes StubSign(const Hash& secret, ByteView message) {
  Sha256Hasher hasher;
  Hash h = hasher.Update(secret.view()).Update(message).Finish();
  Bytes sig(2 * Hash::kSize);
  std::copy(h.data(), h.data() + Hash::kSize, sig.begin());
  std::copy(h.data(), h.data() + Hash::kSize, sig.begin() + Hash::kSize);
  return sig;
}

}  // namespace

Hash StubSecret(uint64_t seed, ValidatorIndex validator) {
  Bytes b = ToBytes("tadori.consensus.stub-secret");
  PutUint64BE(b, seed);
  PutUint32BE(b, validator);
  return Sha256(b);
}

Bytes StubSigner::Sign(ByteView message) const {
  return StubSign(secret_, message);
}

StubVerifier::StubVerifier(uint64_t seed, size_t validator_count) {
  for (size_t i = 0; i < validator_count; ++i) {
    secrets_.push_back(StubSecret(seed, static_cast<ValidatorIndex>(i)));
  }
}

bool StubVerifier::Verify(ValidatorIndex signer, ByteView message, ByteView signature) const {
  if (signer >= secrets_.size() || signature.size() != kSignatureBytes) return false;
  Bytes expected = StubSign(secrets_[signer], message);
  return std::equal(expected.begin(), expected.end(), signature.begin());
}

}  // namespace tadori::consensus
