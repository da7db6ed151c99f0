// The certificate that a ledger block committed by BFT consensus carries (v1::Block.
// certificate), so that anyone holding the genesis can check offline that 2f+1 validators
// agreed on it, as the block signatures of a single-validator chain do.
//
// The consensus block of a ledger block B has payload = the serialized v1::Block {header,
// txs} of B and payload_digest = B's hash; its id is Block::ComputeId over its header fields,
// SHA-256(payload) and its parent QC. The certificate keeps exactly what recomputing that id
// needs besides B's hash, plus the QC that certifies the id:
//
//   certificate = "TLC1" | round u64 | height u64 | proposer u16 | payload_hash 32 |
//                 parent_qc | qc                      (qc as in codec.h, <= 2 certificates)
//
// Because B's hash is the payload digest, the QC's signatures fix B's header, and through
// tx_root every transaction. Pure functions; thread-safe.
#pragma once

#include "consensus/types.h"
#include "ledger/block.h"
#include "ledger/genesis.h"
#include "ledger/status.h"

namespace tadori::consensus {

struct LedgerCertificate {
  Round round = 0;
  Height height = 0;
  ValidatorIndex proposer = 0;
  Hash payload_hash;
  QuorumCert parent_qc;
  QuorumCert qc;  // certifies the consensus block
};

// `block` is the consensus block (with its payload); `qc` certifies it.
Bytes EncodeLedgerCertificate(const Block& block, const QuorumCert& qc);
// INVALID_ARGUMENT on malformed or oversized input (untrusted bytes).
Result<LedgerCertificate> DecodeLedgerCertificate(ByteView bytes);

// The consensus genesis block of a ledger chain: GenesisBlock(ledger genesis hash).
Block ConsensusGenesis(const GenesisInfo& genesis);

// OK when `block.block.certificate()` decodes, names the block's height and round, and
// carries a QC that verifies against the genesis validators for the consensus block whose
// payload digest is block.hash and whose proposer is the header's proposer key.
// UNAUTHENTICATED with the reason otherwise.
Status VerifyLedgerCertificate(const DecodedBlock& block, const GenesisInfo& genesis);

// The agreement check for CheckChain (ledger/chain_check.h): block signatures when the
// block has them (single-validator chain), the consensus certificate otherwise.
Status VerifyBlockAgreement(const DecodedBlock& block, const GenesisInfo& genesis);

// The consensus block of a committed ledger block, rebuilt from what the store keeps: the
// payload is re-serialized from {header, txs} and must hash to the certificate's
// payload_hash (DATA_LOSS otherwise). For Started and for serving sync requests.
Result<Block> ConsensusBlockOf(const v1::Block& stored);

}  // namespace tadori::consensus
