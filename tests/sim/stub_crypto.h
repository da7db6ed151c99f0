// A fast, deterministic stand-in for signatures, for the simulator and tests only.
// Validator i's "signature" of m is SHA-256(secret_i || m) twice over (64 bytes), where
// secret_i derives from a seed. Anyone who knows the seed can forge; the simulator gives
// Byzantine validators only their own StubSigner, so within a run they cannot.
#pragma once

#include <cstdint>

#include "consensus/crypto.h"
#include "ledger/hash.h"

namespace tadori::consensus {

Hash StubSecret(uint64_t seed, ValidatorIndex validator);

class StubSigner final : public Signer {
 public:
  StubSigner(uint64_t seed, ValidatorIndex validator) : secret_(StubSecret(seed, validator)) {}
  Bytes Sign(ByteView message) const override;

 private:
  Hash secret_;
};

class StubVerifier final : public SignatureVerifier {
 public:
  StubVerifier(uint64_t seed, size_t validator_count);
  bool Verify(ValidatorIndex signer, ByteView message, ByteView signature) const override;

 private:
  std::vector<Hash> secrets_;
};

}  // namespace tadori::consensus
