// Signer and SignatureVerifier over the ledger's keys (ECDSA P-256 or Ed25519).
#pragma once

#include <vector>

#include "consensus/crypto.h"
#include "ledger/keys.h"

namespace tadori::consensus {

class KeySigner final : public Signer {
 public:
  explicit KeySigner(PrivateKey key) : key_(std::move(key)) {}
  Bytes Sign(ByteView message) const override { return key_.Sign(message); }

 private:
  PrivateKey key_;
};

// Validator i's public key is keys[i] (genesis order).
class KeyVerifier final : public SignatureVerifier {
 public:
  explicit KeyVerifier(std::vector<PublicKey> keys) : keys_(std::move(keys)) {}
  bool Verify(ValidatorIndex signer, ByteView message, ByteView signature) const override;

 private:
  std::vector<PublicKey> keys_;
};

}  // namespace tadori::consensus
