#include "consensus/key_crypto.h"

namespace tadori::consensus {

bool KeyVerifier::Verify(ValidatorIndex signer, ByteView message, ByteView signature) const {
  if (signer >= keys_.size()) return false;
  if (signature.size() != kSignatureBytes) return false;
  return keys_[signer].Verify(message, signature).ok();
}

}  // namespace tadori::consensus
