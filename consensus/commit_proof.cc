#include "consensus/commit_proof.h"

#include <string>
#include <vector>

#include "consensus/ledger_certificate.h"

namespace tadori::consensus {

namespace {

Status AtBlock(uint64_t height, const Status& s) {
  return Status(s.code(), "block " + std::to_string(height) + ": " + s.message());
}

}  // namespace

CertifiedTip GenesisTip(const GenesisInfo& genesis) {
  CertifiedTip tip;
  tip.height = 0;
  tip.hash = genesis.hash;
  tip.round = 0;
  tip.consensus_id = ConsensusGenesis(genesis).ComputeId();
  return tip;
}

Result<CertifiedTip> TipOfCommitted(const DecodedBlock& block) {
  Result<LedgerCertificate> c = DecodeLedgerCertificate(AsBytes(block.block.certificate()));
  if (!c.ok()) {
    return Status::DataLoss("committed block " + std::to_string(block.header.height()) +
                            " has no readable certificate: " + c.status().message());
  }
  CertifiedTip tip;
  tip.height = block.header.height();
  tip.hash = block.hash;
  tip.round = c->round;
  // VerifyLedgerCertificate checked, before the block was stored, that the QC certifies
  // exactly this block's consensus block.
  tip.consensus_id = c->qc.block_id;
  return tip;
}

Result<CertifiedTip> VerifyCertifiedChild(const GenesisInfo& genesis, const CertifiedTip& parent,
                                          const DecodedBlock& block) {
  const uint64_t height = block.header.height();
  Status link = CheckBlockLink(block, genesis.genesis.chain_id(), parent.height, parent.hash);
  if (!link.ok()) return AtBlock(height, link);
  Status certified = VerifyLedgerCertificate(block, genesis);
  if (!certified.ok()) return AtBlock(height, certified);
  // Decodes: VerifyLedgerCertificate just did.
  Result<LedgerCertificate> c = DecodeLedgerCertificate(AsBytes(block.block.certificate()));
  if (!c.ok()) return AtBlock(height, Status::Unauthenticated(c.status().message()));
  // The QC of this block fixes its parent QC (the consensus block id covers it), so a parent
  // QC naming the parent's consensus block proves that 2f+1 validators built on that block,
  // not on another block with the same ledger parent.
  if (c->parent_qc.block_id != parent.consensus_id || c->parent_qc.round != parent.round) {
    return AtBlock(height,
                   Status::Unauthenticated(
                       "block certificate parent qc (round " + std::to_string(c->parent_qc.round) +
                       ") does not certify block " + std::to_string(parent.height) + " (round " +
                       std::to_string(parent.round) + "): certified on another branch"));
  }
  if (c->round <= parent.round) {
    // Cannot happen with a genuine quorum (a child's round is above its parent's); refused
    // so that ProvenCommittedPrefix may rely on increasing rounds.
    return AtBlock(height,
                   Status::Unauthenticated("block certificate round " + std::to_string(c->round) +
                                           " is not above its parent's"));
  }
  CertifiedTip tip;
  tip.height = height;
  tip.hash = block.hash;
  tip.round = c->round;
  tip.consensus_id = c->qc.block_id;
  return tip;
}

size_t ProvenCommittedPrefix(std::span<const CertifiedTip> run) {
  for (size_t i = run.size(); i >= 2; --i) {
    // run[i - 1] is certified and extends run[i - 2] in the next round: the 2-chain rule
    // makes run[i - 2] final, and with it everything below.
    if (run[i - 1].round == run[i - 2].round + 1) return i - 1;
  }
  return 0;
}

Result<size_t> ProvenCommitted(const GenesisInfo& genesis, const CertifiedTip& tip,
                               std::span<const DecodedBlock> run) {
  std::vector<CertifiedTip> tips;
  tips.reserve(run.size());
  const CertifiedTip* parent = &tip;
  for (const DecodedBlock& block : run) {
    TADORI_ASSIGN_OR_RETURN(CertifiedTip next, VerifyCertifiedChild(genesis, *parent, block));
    tips.push_back(next);
    parent = &tips.back();
  }
  return ProvenCommittedPrefix(tips);
}

}  // namespace tadori::consensus
