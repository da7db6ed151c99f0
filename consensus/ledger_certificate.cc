#include "consensus/ledger_certificate.h"

#include <cstring>

#include "consensus/bounds.h"
#include "consensus/certificate_check.h"
#include "consensus/codec.h"
#include "consensus/key_crypto.h"

namespace tadori::consensus {
namespace {

constexpr char kMagic[4] = {'T', 'L', 'C', '1'};
constexpr size_t kCertificateEncodedBytesMax = 4 + 8 + 8 + 2 + 32 + 2 * kCertificateBytesMax;

Status Bad(const std::string& what) {
  return Status::InvalidArgument("block certificate: " + what);
}

}  // namespace

Bytes EncodeLedgerCertificate(const Block& block, const QuorumCert& qc) {
  Bytes out(kMagic, kMagic + sizeof(kMagic));
  PutUint64BE(out, block.round);
  PutUint64BE(out, block.height);
  out.push_back(static_cast<uint8_t>(block.proposer >> 8));
  out.push_back(static_cast<uint8_t>(block.proposer & 0xff));
  const Hash payload_hash = Sha256(block.payload);
  out.insert(out.end(), payload_hash.data(), payload_hash.data() + Hash::kSize);
  EncodeQc(out, block.qc);
  EncodeQc(out, qc);
  return out;
}

Result<LedgerCertificate> DecodeLedgerCertificate(ByteView bytes) {
  if (bytes.size() > kCertificateEncodedBytesMax) return Bad("too long");
  if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return Bad("missing or unknown magic");
  }
  ByteReader in(bytes.subspan(sizeof(kMagic)));
  LedgerCertificate c;
  uint64_t round = 0, height = 0;
  uint16_t proposer = 0;
  if (!in.ReadU64(round) || !in.ReadU64(height) || !in.ReadU16(proposer) ||
      !in.ReadHash(c.payload_hash)) {
    return Bad("truncated header");
  }
  c.round = round;
  c.height = height;
  c.proposer = proposer;
  TADORI_RETURN_IF_ERROR(DecodeQc(in, c.parent_qc).WithContext("block certificate parent qc"));
  TADORI_RETURN_IF_ERROR(DecodeQc(in, c.qc).WithContext("block certificate qc"));
  if (in.remaining() != 0) return Bad("trailing bytes");
  return c;
}

Block ConsensusGenesis(const GenesisInfo& genesis) {
  return GenesisBlock(genesis.hash);
}

Status VerifyLedgerCertificate(const DecodedBlock& block, const GenesisInfo& genesis) {
  auto decoded = DecodeLedgerCertificate(AsBytes(block.block.certificate()));
  if (!decoded.ok()) return Status::Unauthenticated(decoded.status().message());
  const LedgerCertificate& c = *decoded;
  if (c.height != block.header.height() || c.round != block.header.round()) {
    return Status::Unauthenticated("block certificate names height " + std::to_string(c.height) +
                                   " round " + std::to_string(c.round) + ", not the header's");
  }
  const size_t n = genesis.validators.size();
  if (c.proposer >= n ||
      genesis.validators.key(c.proposer).id().ToBinaryString() != block.header.proposer()) {
    return Status::Unauthenticated("block certificate proposer is not the header's proposer");
  }
  const BlockId id =
      Block::ComputeId(c.round, c.height, c.proposer, block.hash, c.payload_hash, c.parent_qc);
  if (c.qc.block_id != id || c.qc.round != c.round) {
    return Status::Unauthenticated("block certificate qc certifies another block");
  }
  std::vector<PublicKey> keys;
  keys.reserve(n);
  for (size_t i = 0; i < n; ++i) keys.push_back(genesis.validators.key(i));
  KeyVerifier verifier(std::move(keys));
  ValidatorSet validators = ValidatorSet::Equal(n);
  CertificateChecker checker(validators, verifier, ConsensusGenesis(genesis).ComputeId());
  if (c.round == 0 || !checker.CheckQc(c.qc)) {
    return Status::Unauthenticated("block certificate qc does not carry a quorum of valid votes");
  }
  return Status::Ok();
}

Status VerifyBlockAgreement(const DecodedBlock& block, const GenesisInfo& genesis) {
  if (block.block.signatures_size() > 0 || block.block.certificate().empty()) {
    return VerifyBlockSignatures(block, genesis.validators);
  }
  return VerifyLedgerCertificate(block, genesis);
}

Result<Block> ConsensusBlockOf(const v1::Block& stored) {
  TADORI_ASSIGN_OR_RETURN(LedgerCertificate c,
                          DecodeLedgerCertificate(AsBytes(stored.certificate())));
  v1::Block payload_block;
  payload_block.set_header(stored.header());
  *payload_block.mutable_txs() = stored.txs();
  Block b;
  b.round = c.round;
  b.height = c.height;
  b.proposer = c.proposer;
  b.payload_digest = Sha256(AsBytes(stored.header()));
  b.payload = ToBytes(payload_block.SerializeAsString());
  b.qc = c.parent_qc;
  if (Sha256(b.payload) != c.payload_hash) {
    return Status::DataLoss("stored block " + std::to_string(c.height) +
                            " does not re-serialize to its certified payload");
  }
  return b;
}

}  // namespace tadori::consensus
