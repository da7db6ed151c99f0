#include "consensus/certificate_check.h"

#include <algorithm>

#include "consensus/codec.h"

namespace tadori::consensus {
namespace {
Hash CertificateDigest(uint8_t tag, const Bytes& encoded) {
  Sha256Hasher h;
  h.Update(ByteView(&tag, 1)).Update(encoded);
  return h.Finish();
}
}  // namespace

bool CertificateChecker::SeenBefore(const Hash& digest) const {
  return std::find(verified_.begin(), verified_.end(), digest) != verified_.end();
}

void CertificateChecker::Remember(const Hash& digest) {
  verified_[verified_next_] = digest;
  verified_next_ = (verified_next_ + 1) % verified_.size();
}

bool CertificateChecker::CheckQc(const QuorumCert& qc) {
  if (qc.round == 0) return qc.block_id == genesis_id_ && qc.signatures.empty();
  if (qc.round > kRoundMax || qc.signatures.size() > validators_.size()) return false;
  Bytes encoded;
  EncodeQc(encoded, qc);
  Hash digest = CertificateDigest(1, encoded);
  if (SeenBefore(digest)) return true;
  Weight weight = 0;
  Bytes message = VoteSigningBytes(genesis_id_, qc.block_id, qc.round);
  for (size_t i = 0; i < qc.signatures.size(); ++i) {
    const auto& s = qc.signatures[i];
    if (!validators_.Contains(s.signer)) return false;
    if (i > 0 && s.signer <= qc.signatures[i - 1].signer) return false;
    weight += validators_.weight(s.signer);
  }
  if (weight < validators_.quorum_weight()) return false;
  for (const auto& s : qc.signatures) {
    if (!verifier_.Verify(s.signer, message, s.signature)) return false;
  }
  Remember(digest);
  return true;
}

bool CertificateChecker::CheckTc(const TimeoutCert& tc) {
  if (tc.round == 0 || tc.round > kRoundMax) return false;
  if (tc.signatures.size() > validators_.size()) return false;
  Bytes encoded;
  EncodeTc(encoded, tc);
  Hash digest = CertificateDigest(2, encoded);
  if (SeenBefore(digest)) return true;
  Weight weight = 0;
  for (size_t i = 0; i < tc.signatures.size(); ++i) {
    const auto& s = tc.signatures[i];
    if (!validators_.Contains(s.signer) || s.high_qc_round >= tc.round) return false;
    if (i > 0 && s.signer <= tc.signatures[i - 1].signer) return false;
    weight += validators_.weight(s.signer);
  }
  if (weight < validators_.quorum_weight()) return false;
  if (tc.high_qc.round < tc.MaxHighQcRound() || tc.high_qc.round >= tc.round) return false;
  for (const auto& s : tc.signatures) {
    Bytes message = TimeoutSigningBytes(genesis_id_, tc.round, s.high_qc_round);
    if (!verifier_.Verify(s.signer, message, s.signature)) return false;
  }
  if (!CheckQc(tc.high_qc)) return false;
  Remember(digest);
  return true;
}

}  // namespace tadori::consensus
