// Offline check of a transaction proof (v1::TxProof, docs/PROOFS.md): with nothing but the
// genesis, it shows that a transaction, the event its body carries and its result code are in
// the chain that genesis starts, and that the blocks holding them are final.
//
// What is proven, in order (each failure names the field and the block):
//   - the proof is for this genesis (version, chain id, genesis hash) and within the bounds
//     below (untrusted input: nothing is hashed or verified before the bounds hold);
//   - tx_id = SHA-256(tx.body); the tx decodes; signer_public_key hashes to tx.signer_key_id
//     and its signature over "TADORI-TX-V1" || tx_id verifies;
//   - the tx leaf (ledger/block.h TxLeaf) is at tx_index in block h's tx_root (RFC 6962);
//   - commit_chain is blocks h+1, h+2, ... each linked to the one before by prev_hash, and
//     every block (h and the chain) was agreed by the genesis validators: a quorum of valid
//     block signatures (single-validator chain), or a ledger certificate whose QC and parent
//     QC verify against the genesis validators and whose parent QC certifies the block before
//     (consensus/commit_proof.h VerifyCertifiedChild);
//   - the result: the first chain block whose result_height is h commits block h's result
//     root in prev_result_root, and the result leaf (tx_id || code) is at tx_index in it; or,
//     when a block's result_height passes h first, no header ever commits block h's results
//     (result_height never decreases along a certified chain), and the proof carries none;
//   - finality: on a BFT chain, the block that commits (or skips) the result is followed by a
//     certified child in the very next round somewhere in the chain (the 2-chain rule), which
//     commits it and every block below it, block h included; on a single-validator chain a
//     block signed by a quorum of the genesis validators is committed (they sign only what
//     they commit).
// Not proven: that the signer's key was registered (state is not under a root; a result
// code 0 says the validators found it registered and unrevoked), the result message, and
// anything about state the transaction changed.
//
// Pure: no I/O, no clock; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ledger/genesis.h"
#include "ledger/hash.h"
#include "ledger/status.h"
#include "tadori/v1/ledger.pb.h"

namespace tadori::consensus {

inline constexpr uint32_t kTxProofVersion = 1;
// Blocks after the transaction's block that a proof may carry. A healthy chain needs 1 to 3
// (the result lands one or two blocks later, its certified child one after); 64 leaves room
// for a run of timed-out rounds, and keeps a proof of a 128-validator chain under 2 MiB.
inline constexpr size_t kTxProofCommitChainMax = 64;

// What a proof showed, for the summary a verifier prints.
struct VerifiedTxProof {
  Hash tx_id;
  uint64_t height = 0;  // block h, the transaction's
  uint32_t index = 0;
  Hash block_hash;
  std::string payload;  // the body's payload field name, e.g. "record_event"
  // The signer: "admin key of organisation <id> in the genesis", or a key id whose
  // registration the proof does not cover.
  std::string signer;
  bool signer_in_genesis = false;
  // The result: committed (code below) by the header of result_block_height, or skipped: no
  // header will ever commit it (skipped_by_height passed over h).
  bool result_committed = false;
  uint32_t result_code = 0;
  uint64_t result_block_height = 0;
  uint64_t skipped_by_height = 0;
  // How the blocks are shown final, e.g. "block 7 (round 7) is certified in the next round
  // by block 8" or "signed by 1 of 1 genesis validators".
  std::string finality;
  uint64_t final_height = 0;  // the highest block of the proof shown committed
  bool bft = false;
};

// INVALID_ARGUMENT when the proof breaks a bound (version, field sizes, path lengths,
// commit_chain length); checked first by VerifyTxProof, and by decoders before they keep it.
Status CheckTxProofBounds(const v1::TxProof& proof);

// OK with what was shown, or UNAUTHENTICATED (INVALID_ARGUMENT for a malformed field) saying
// what failed, e.g. "tx_path: the tx leaf at index 3 does not verify against block 12
// tx_root".
Result<VerifiedTxProof> VerifyTxProof(const v1::TxProof& proof, const GenesisInfo& genesis);

}  // namespace tadori::consensus
