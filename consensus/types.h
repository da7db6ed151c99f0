// Value types of the consensus protocol: validators, certificates, blocks and messages.
//
// Protocol (Jolteon / DiemBFT v4): rounds 1, 2, ...; the leader of a round proposes a block
// that carries a quorum certificate (QC) for its parent; validators vote for it and send the
// vote to the next round's leader, who aggregates 2f+1 votes into a QC. A block B is committed
// when a QC exists for a child of B whose round is B.round + 1 (the 2-chain rule). A round that
// makes no progress ends with timeout messages; 2f+1 of them form a timeout certificate (TC).
// Round 0 is the genesis block, certified by the empty genesis QC.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "ledger/bytes.h"
#include "ledger/hash.h"
#include "ledger/quorum.h"

namespace tadori::consensus {

using Round = uint64_t;
using Height = uint64_t;
using ValidatorIndex = uint16_t;
using BlockId = Hash;
using Weight = uint64_t;

// The validators of one epoch in genesis order. Weights are kept in the types so that
// unequal stake can come later; today every validator has weight 1.
class ValidatorSet {
 public:
  // `weights` must be non-empty, at most kValidatorCountMax, all >= 1 (checked).
  explicit ValidatorSet(std::vector<Weight> weights);
  static ValidatorSet Equal(size_t count);

  size_t size() const { return weights_.size(); }
  Weight weight(ValidatorIndex v) const { return weights_[v]; }
  Weight total_weight() const { return total_; }
  // More than two thirds of the total weight: 2f+1 when n = 3f+1.
  Weight quorum_weight() const { return QuorumWeight(total_); }  // ledger/quorum.h
  // Enough weight that at least one honest validator is among it: f+1.
  Weight honest_weight() const { return total_ - quorum_weight() + 1; }
  bool Contains(uint64_t v) const { return v < weights_.size(); }
  // Round-robin over genesis order: the leader schedule's rotation when it skips nobody,
  // and its probation rotation (leader_schedule.h chooses leaders; nothing else does).
  ValidatorIndex Leader(Round round) const {
    return static_cast<ValidatorIndex>(round % weights_.size());
  }

 private:
  std::vector<Weight> weights_;
  Weight total_ = 0;
};

// 2f+1 votes for (block_id, round). Signers strictly ascending (so no duplicates).
struct QuorumCert {
  struct Signature {
    ValidatorIndex signer = 0;
    Bytes signature;
    friend bool operator==(const Signature&, const Signature&) = default;
  };
  Round round = 0;  // the certified block's round
  BlockId block_id;
  std::vector<Signature> signatures;
  friend bool operator==(const QuorumCert&, const QuorumCert&) = default;
};

// 2f+1 timeouts for one round. Each signer signed (round, its highest QC round);
// `high_qc` is a QC whose round is at least every signer's reported round, so whoever
// holds the TC can extend a block no older than any signer's highest QC.
struct TimeoutCert {
  struct Signature {
    ValidatorIndex signer = 0;
    Round high_qc_round = 0;
    Bytes signature;
    friend bool operator==(const Signature&, const Signature&) = default;
  };
  Round round = 0;
  std::vector<Signature> signatures;
  QuorumCert high_qc;
  Round MaxHighQcRound() const;
  friend bool operator==(const TimeoutCert&, const TimeoutCert&) = default;
};

struct Block {
  Round round = 0;
  Height height = 0;
  ValidatorIndex proposer = 0;
  Hash payload_digest;  // the node's digest of the payload (e.g. Merkle root of tx ids)
  Bytes payload;        // opaque to consensus
  QuorumCert qc;        // certifies the parent; parent id = qc.block_id

  const BlockId& parent_id() const { return qc.block_id; }
  // SHA-256 over the header fields and SHA-256(payload); see types.cc for the layout.
  BlockId ComputeId() const;
  // The same id from the header fields and the payload's hash, for whoever holds only
  // the hash (a ledger block's certificate, ledger_certificate.h).
  static BlockId ComputeId(Round round, Height height, ValidatorIndex proposer,
                           const Hash& payload_digest, const Hash& payload_hash,
                           const QuorumCert& parent_qc);
  friend bool operator==(const Block&, const Block&) = default;
};

// The genesis block of a chain: round 0, height 0, no payload; `chain_tag` separates chains.
Block GenesisBlock(const Hash& chain_tag);
// The QC that certifies genesis: round 0, no signatures.
QuorumCert GenesisQc(const BlockId& genesis_id);

struct Proposal {
  Block block;
  std::optional<TimeoutCert> tc;  // present when round - 1 ended in a timeout
  Bytes signature;                // proposer's, over ProposalSigningBytes
};

struct Vote {
  Round round = 0;
  BlockId block_id;
  ValidatorIndex voter = 0;
  Bytes signature;  // over VoteSigningBytes
};

struct Timeout {
  Round round = 0;
  ValidatorIndex sender = 0;
  QuorumCert high_qc;
  std::optional<TimeoutCert> last_round_tc;  // lets a lagging receiver catch up
  Bytes signature;                           // over TimeoutSigningBytes(round, high_qc.round)
};

// Asks a peer for the blocks above `committed_height` on the way to `target`.
struct SyncRequest {
  BlockId target;
  Height committed_height = 0;
};

// Blocks in ascending height; each one's parent is the previous one (or the receiver's
// block at committed_height for the first).
struct SyncResponse {
  std::vector<Block> blocks;
};

using Message = std::variant<Proposal, Vote, Timeout, SyncRequest, SyncResponse>;

// The exact byte strings that validators sign. Each starts with a domain string and the
// genesis id, so a signature is never valid for another message kind or another chain.
// `tc_digest`: ProposalTcDigest (codec.h) of the TC the proposal carries.
Bytes ProposalSigningBytes(const BlockId& genesis_id, const BlockId& block_id,
                           const Hash& tc_digest);
Bytes VoteSigningBytes(const BlockId& genesis_id, const BlockId& block_id, Round round);
Bytes TimeoutSigningBytes(const BlockId& genesis_id, Round round, Round high_qc_round);

}  // namespace tadori::consensus
