// Commit proofs for nodes that follow a BFT chain without taking part in it (observers,
// node/daemon/observer_node.h): which ledger blocks, received from a validator nobody trusts,
// are proven COMMITTED by their certificates alone.
//
// A ledger certificate (ledger_certificate.h) proves that 2f+1 validators certified a block,
// not that it is final: under the 2-chain rule a certified block at height h can still lose to
// another block at height h when the round after it timed out and the next leader extended an
// older QC. A block is final when a certified child extends it in the very next round, which
// is the engine's own rule (Engine::TryCommit: the QC of a child whose round is its parent's
// round + 1 commits the parent and every ancestor). A certified ledger block B(k+1) carries
// in its certificate both its own QC and its parent QC (the QC of B(k)'s consensus block), so
// a run of certified, linked ledger blocks proves B(k) committed when
//   round(B(k+1)) == round(B(k)) + 1,
// and then every block below B(k) is committed too. The last block of a run is never proven
// by the run itself: its proof is its child, so a follower stays one block behind the chain.
//
// Nothing here exists elsewhere: `tadori verify` (ledger/store/chain_check.h with
// VerifyBlockAgreement) checks a store whose blocks were committed by the node that wrote it,
// so it checks each certificate but not that a parent QC links certificates, nor finality.
//
// Pure functions, no I/O and no clock; thread-safe.
#pragma once

#include <cstddef>
#include <span>

#include "consensus/types.h"
#include "ledger/block.h"
#include "ledger/genesis.h"
#include "ledger/status.h"

namespace tadori::consensus {

// A certified ledger block as the next one must extend it: the local committed tip, or a
// block of a run already verified.
struct CertifiedTip {
  Height height = 0;     // 0: the genesis
  Hash hash;             // the ledger block's hash (the genesis hash at height 0)
  Round round = 0;       // the round that certified it (0 for the genesis)
  BlockId consensus_id;  // its consensus block's id (the consensus genesis at height 0)
};

// The tip of a chain with no blocks yet.
CertifiedTip GenesisTip(const GenesisInfo& genesis);

// The tip at `block`, a block this node already holds as committed (it was verified before it
// was stored): the round and consensus block id its certificate names. DATA_LOSS when the
// certificate does not decode (the local store is damaged).
Result<CertifiedTip> TipOfCommitted(const DecodedBlock& block);

// Checks that `block` is a certified child of `parent`, and returns the tip it makes:
//   - it links to `parent`: same chain id, prev_hash == parent.hash (INVALID_ARGUMENT) and
//     height == parent.height + 1 (FAILED_PRECONDITION), as ledger CheckBlockLink says;
//   - its certificate verifies against the genesis validators (VerifyLedgerCertificate,
//     UNAUTHENTICATED: a forged QC, a certificate of another chain or another block);
//   - its certificate's parent QC certifies `parent`'s consensus block in `parent`'s round
//     (UNAUTHENTICATED: certified, but on another branch).
// Every refusal starts with "block <height>: ".
Result<CertifiedTip> VerifyCertifiedChild(const GenesisInfo& genesis, const CertifiedTip& parent,
                                          const DecodedBlock& block);

// How many blocks at the start of `run` (verified certified children, each of the one before
// and the first of the local tip) are proven committed: every block up to and including the
// last one whose successor in `run` has the next round; 0 when no such pair exists.
size_t ProvenCommittedPrefix(std::span<const CertifiedTip> run);

// VerifyCertifiedChild over `run` from `tip`, then ProvenCommittedPrefix: how many of `run`'s
// blocks are proven committed. The first refusal when any block of the run is bad (nothing of a
// run with a bad block is taken: the source that sent it is not trusted for the rest either).
Result<size_t> ProvenCommitted(const GenesisInfo& genesis, const CertifiedTip& tip,
                               std::span<const DecodedBlock> run);

}  // namespace tadori::consensus
