// The two things consensus needs from cryptography, kept behind an interface so that the
// simulator can run with a cheap stand-in and the node with real keys (key_crypto.h).
#pragma once

#include "consensus/types.h"
#include "ledger/bytes.h"

namespace tadori::consensus {

// Signs with this validator's consensus key. Implementations must be deterministic in
// what they accept, and must not fail (a missing key is a configuration error caught
// before the engine starts).
class Signer {
 public:
  virtual ~Signer() = default;
  // A signature of kSignatureBytes bytes.
  virtual Bytes Sign(ByteView message) const = 0;
};

// Checks a signature against validator `signer`'s public key. Returns false for an
// unknown signer, a wrong length or a bad signature; never aborts on hostile input.
class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  virtual bool Verify(ValidatorIndex signer, ByteView message, ByteView signature) const = 0;
};

}  // namespace tadori::consensus
