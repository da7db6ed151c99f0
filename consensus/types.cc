#include "consensus/types.h"

#include <algorithm>

#include "consensus/bounds.h"
#include "ledger/check.h"

namespace tadori::consensus {

ValidatorSet::ValidatorSet(std::vector<Weight> weights) : weights_(std::move(weights)) {
  TADORI_CHECK(!weights_.empty() && weights_.size() <= kValidatorCountMax);
  for (Weight w : weights_) {
    TADORI_CHECK(w >= 1 && w <= (uint64_t{1} << 32));
    total_ += w;
  }
}

ValidatorSet ValidatorSet::Equal(size_t count) {
  return ValidatorSet(std::vector<Weight>(count, 1));
}

Round TimeoutCert::MaxHighQcRound() const {
  Round max_round = 0;
  for (const Signature& s : signatures) max_round = std::max(max_round, s.high_qc_round);
  return max_round;
}

// Block id layout (all integers big-endian):
//   "tadori.consensus.block.v2" | round u64 | height u64 | proposer u16 (as u32) |
//   payload_digest 32 | SHA-256(payload) 32 | qc.block_id 32 | qc.round u64 |
//   signer count u32 | each signer u32, ascending
// The QC's signatures are not part of the id (any 2f+1 of them certify the same parent),
// but who signed is: the leader schedule reads it (leader_schedule.h), so every node must
// see the same signers for a given block id.
BlockId Block::ComputeId() const {
  return ComputeId(round, height, proposer, payload_digest, Sha256(payload), qc);
}

BlockId Block::ComputeId(Round round, Height height, ValidatorIndex proposer,
                         const Hash& payload_digest, const Hash& payload_hash,
                         const QuorumCert& qc) {
  Bytes b = ToBytes("tadori.consensus.block.v2");
  PutUint64BE(b, round);
  PutUint64BE(b, height);
  PutUint32BE(b, proposer);
  b.insert(b.end(), payload_digest.data(), payload_digest.data() + Hash::kSize);
  b.insert(b.end(), payload_hash.data(), payload_hash.data() + Hash::kSize);
  b.insert(b.end(), qc.block_id.data(), qc.block_id.data() + Hash::kSize);
  PutUint64BE(b, qc.round);
  PutUint32BE(b, static_cast<uint32_t>(qc.signatures.size()));
  for (const QuorumCert::Signature& s : qc.signatures) PutUint32BE(b, s.signer);
  return Sha256(b);
}

Block GenesisBlock(const Hash& chain_tag) {
  Block genesis;
  genesis.payload_digest = chain_tag;
  return genesis;  // qc is all zeros: genesis has no parent
}

QuorumCert GenesisQc(const BlockId& genesis_id) {
  QuorumCert qc;
  qc.block_id = genesis_id;
  return qc;
}

namespace {
Bytes Domain(std::string_view name, const BlockId& genesis_id) {
  Bytes b = ToBytes(name);
  b.insert(b.end(), genesis_id.data(), genesis_id.data() + Hash::kSize);
  return b;
}
}  // namespace

// "tadori.consensus.proposal.v2" | genesis_id 32 | block_id 32 | tc_digest 32
// tc_digest is SHA-256 of the encoded TC the proposal carries, or 32 zero bytes without one:
// the signature covers the TC, so a copy with the TC stripped or swapped does not verify
// (a stripped copy that arrived first would otherwise take the proposal's place and make
// the honest one a duplicate that is never voted for).
Bytes ProposalSigningBytes(const BlockId& genesis_id, const BlockId& block_id,
                           const Hash& tc_digest) {
  Bytes b = Domain("tadori.consensus.proposal.v2", genesis_id);
  b.insert(b.end(), block_id.data(), block_id.data() + Hash::kSize);
  b.insert(b.end(), tc_digest.data(), tc_digest.data() + Hash::kSize);
  return b;
}

// "tadori.consensus.vote.v1" | genesis_id 32 | block_id 32 | round u64
Bytes VoteSigningBytes(const BlockId& genesis_id, const BlockId& block_id, Round round) {
  Bytes b = Domain("tadori.consensus.vote.v1", genesis_id);
  b.insert(b.end(), block_id.data(), block_id.data() + Hash::kSize);
  PutUint64BE(b, round);
  return b;
}

// "tadori.consensus.timeout.v1" | genesis_id 32 | round u64 | high_qc_round u64
Bytes TimeoutSigningBytes(const BlockId& genesis_id, Round round, Round high_qc_round) {
  Bytes b = Domain("tadori.consensus.timeout.v1", genesis_id);
  PutUint64BE(b, round);
  PutUint64BE(b, high_qc_round);
  return b;
}

}  // namespace tadori::consensus
