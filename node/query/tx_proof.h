// Builds the offline proof of a committed transaction (v1::TxProof, docs/PROOFS.md) from a
// node's store: the transaction, its block's header and agreement evidence, the RFC 6962 paths
// of its tx leaf and of its result leaf, and the run of block headers above it up to the block
// that commits to its result and, on a BFT chain, on to the certified child in the next round
// that makes that block final. consensus/tx_proof_check.h verifies what this builds.
//
// The builder trusts its own store (it does not verify certificates; the verifier does) and
// reads only committed blocks, which never change, so no snapshot is needed beyond reading
// the head height once.
#pragma once

#include "ledger/genesis.h"
#include "ledger/hash.h"
#include "ledger/status.h"
#include "ledger/store/store.h"
#include "tadori/v1/ledger.pb.h"

namespace tadori {

// At most this many blocks above the transaction's go into a proof (consensus/
// tx_proof_check.h kTxProofCommitChainMax, the verifier's bound; node/ may not see consensus/).
inline constexpr size_t kTxProofBlocksAboveMax = 64;

// NOT_FOUND for a transaction that never committed. FAILED_PRECONDITION when the chain has not
// yet gone far enough to prove it (no header above the transaction's block commits to its
// results yet, or, on a BFT chain, that header's block has no certified child in the next round
// yet): the message says what is missing and that asking again after more blocks commit
// succeeds. Not UNAVAILABLE, which clients read as a node they cannot reach (the CLI fails
// over and reports "no node answered"). FAILED_PRECONDITION too when what is needed lies more
// than kTxProofBlocksAboveMax blocks above the transaction's, or when the signer's key is not
// in state (a committed transaction's signer is always registered). DATA_LOSS for a damaged
// store.
Result<v1::TxProof> BuildTxProof(const Store& store, const GenesisInfo& genesis, const Hash& tx_id);

}  // namespace tadori
