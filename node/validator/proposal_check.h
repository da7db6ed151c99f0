// CheckProposal: whether this validator may vote for a proposed ledger block.
//
// The consensus engine has already checked the consensus block around the payload (leader,
// signature, certificates); this checks the payload itself against this node's own view of
// the chain. It is a function of its inputs (the node's view comes in through
// ProposalView), so each rule below has a unit test and the whole-validator simulator runs
// the same code.
//
// The payload must be, in order:
//   at most kBlockSizeBytesMax bytes, a v1::Block in canonical encoding without unknown
//     fields (a committed block is stored as parsed and its payload rebuilt from {header,
//     txs} for peers, so its bytes must round-trip),
//     without signatures or a certificate, that DecodeBlock accepts;
//   the block the consensus block names: its hash is the payload digest, its height, round
//     and proposer are the consensus block's;
//   linked to its parent (chain id, prev_hash), timed at or after its parent and at most
//     kBlockClockSkewMaxMs ahead of this node's clock;
//   claiming results this node can check: parent's result_height <= result_height <=
//     this node's executed height, with the same root as this node's execution (a leader
//     names the newest block it executed, and every validator that holds the parent has
//     executed at least as far: the parent's QC commits what the leader had committed);
//   made of transactions that may commit at this height, none in an uncommitted ancestor
//     or already committed, each signed by an active member key.
// Refusals are INVALID_ARGUMENT naming the rule: the proposer's fault. Any other code is a
// local failure (this node could not read its own store): the caller halts rather than
// blame the proposer.
#pragma once

#include <cstdint>
#include <set>
#include <string_view>

#include "ledger/block.h"
#include "ledger/bytes.h"
#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/status.h"
#include "node/validator/ledger_tip.h"

namespace tadori {

// How far ahead of this node's clock a proposed block time may be. Block time only orders
// events for chaincode, so a generous bound costs nothing and tolerates unsynced clocks.
inline constexpr int64_t kBlockClockSkewMaxMs = 30'000;

// This node's view of its own chain, read during the check.
class ProposalView {
 public:
  virtual ~ProposalView() = default;
  virtual uint64_t ExecutedHeight() const = 0;
  // The result root of an executed block (height <= ExecutedHeight()).
  virtual Result<Hash> ResultRootAt(uint64_t height) const = 0;
  virtual Result<bool> IsCommitted(const Hash& tx_id) const = 0;
  // True when exactly this transaction was admitted here: its signature was verified here,
  // or f+1 validators attested its exact signed bytes (tx_relay.h).
  virtual bool AdmittedHere(const DecodedTransaction& tx) const = 0;
  // An active member key signed it: UNAUTHENTICATED or PERMISSION_DENIED when not,
  // INVALID_ARGUMENT when the signature is malformed (all three refuse the proposal); any
  // other code when the state could not be read (so a local failure must never be
  // INVALID_ARGUMENT here).
  virtual Status CheckSigner(const DecodedTransaction& tx) = 0;
};

struct ProposalInput {
  ByteView payload;
  // From the consensus block, which the engine verified.
  uint64_t height = 0;
  uint64_t round = 0;
  KeyId proposer;
  Hash digest;
  // The parent's ledger facts, and the ids in the uncommitted blocks from the parent down to
  // the committed tip.
  const LedgerTip* parent = nullptr;
  const std::set<Hash>* ancestor_tx_ids = nullptr;
  std::string_view chain_id;
  int64_t now_ms = 0;  // this node's wall clock
};

Result<DecodedBlock> CheckProposal(const ProposalInput& in, ProposalView& view);

// Whether a CheckProposal failure is the proposer's fault (a refusal) rather than ours.
inline bool IsRefusal(const Status& status) {
  return status.code() == Code::kInvalidArgument;
}

}  // namespace tadori
