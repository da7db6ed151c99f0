// Verification of quorum and timeout certificates received from the network.
// Every check is against the validator set: known signers, strictly ascending, enough
// weight, and each signature valid over the exact signed bytes (types.h).
#pragma once

#include <array>

#include "consensus/bounds.h"
#include "consensus/crypto.h"
#include "consensus/types.h"

namespace tadori::consensus {

class CertificateChecker {
 public:
  CertificateChecker(const ValidatorSet& validators, const SignatureVerifier& verifier,
                     const BlockId& genesis_id)
      : validators_(validators), verifier_(verifier), genesis_id_(genesis_id) {}

  // True when `qc` is the genesis QC or carries a quorum of valid vote signatures.
  bool CheckQc(const QuorumCert& qc);
  // True when every signer's high_qc_round < round, the quorum signed, and high_qc is a
  // valid QC at least as high as every signer's reported round.
  bool CheckTc(const TimeoutCert& tc);

 private:
  bool SeenBefore(const Hash& digest) const;
  void Remember(const Hash& digest);

  const ValidatorSet& validators_;
  const SignatureVerifier& verifier_;
  BlockId genesis_id_;
  // Digests of recently verified certificates (a ring): a QC arrives in every proposal,
  // timeout and sync block, and re-verifying 2f+1 signatures each time is wasted work.
  std::array<Hash, kVerifiedCertificateCacheMax> verified_{};
  size_t verified_next_ = 0;
};

}  // namespace tadori::consensus
