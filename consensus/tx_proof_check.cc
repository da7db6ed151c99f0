#include "consensus/tx_proof_check.h"

#include <optional>
#include <utility>
#include <vector>

#include "consensus/bounds.h"
#include "consensus/certificate_check.h"
#include "consensus/commit_proof.h"
#include "consensus/key_crypto.h"
#include "consensus/ledger_certificate.h"
#include "ledger/block.h"
#include "ledger/limits.h"
#include "ledger/merkle.h"
#include "ledger/transaction.h"

namespace tadori::consensus {
namespace {

// The ledger certificate's own bound (ledger_certificate.cc): magic, round, height, proposer,
// payload hash and two QCs.
constexpr size_t kProofCertificateBytesMax = 4 + 8 + 8 + 2 + 32 + 2 * kCertificateBytesMax;

Status Bad(const std::string& what) {
  return Status::InvalidArgument(what);
}
Status Fails(const std::string& what) {
  return Status::Unauthenticated(what);
}

std::string BlockName(uint64_t height) {
  return "block " + std::to_string(height);
}

Status CheckEvidenceBounds(const v1::BlockEvidence& e, const std::string& where) {
  if (e.header().empty()) return Bad(where + ": header is missing");
  if (e.header().size() > kBlockHeaderBytesMax) {
    return Bad(where + ": header is longer than " + std::to_string(kBlockHeaderBytesMax) +
               " bytes");
  }
  if (e.certificate().size() > kProofCertificateBytesMax) {
    return Bad(where + ": certificate is longer than " + std::to_string(kProofCertificateBytesMax) +
               " bytes");
  }
  if (static_cast<size_t>(e.signatures_size()) > kBlockSignatureCountMax) {
    return Bad(where + ": more than " + std::to_string(kBlockSignatureCountMax) + " signatures");
  }
  for (const v1::BlockSignature& s : e.signatures()) {
    if (s.key_id().size() != Hash::kSize || s.signature().size() != kSignatureBytes) {
      return Bad(where + ": a block signature is not a 32-byte key id and a 64-byte signature");
    }
  }
  return Status::Ok();
}

Status CheckPathBounds(const google::protobuf::RepeatedPtrField<std::string>& path,
                       const std::string& name) {
  if (static_cast<size_t>(path.size()) > kMerkleProofHashesMax) {
    return Bad(name + ": more than " + std::to_string(kMerkleProofHashesMax) + " hashes");
  }
  for (int i = 0; i < path.size(); ++i) {
    if (path[i].size() != Hash::kSize) {
      return Bad(name + "[" + std::to_string(i) + "]: not 32 bytes");
    }
  }
  return Status::Ok();
}

// A block of the proof: its header (checked as DecodeBlock checks one) and its agreement
// evidence. No transactions: the header's tx_root stands for them.
Result<DecodedBlock> DecodeEvidence(const v1::BlockEvidence& e, const std::string& where) {
  DecodedBlock b;
  if (!b.header.ParseFromString(e.header())) return Bad(where + ": header does not parse");
  const v1::BlockHeader& h = b.header;
  if (h.height() == 0) return Bad(where + ": header height is 0 (the genesis)");
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string*>{"prev_hash", &h.prev_hash()},
        {"tx_root", &h.tx_root()},
        {"prev_result_root", &h.prev_result_root()},
        {"proposer", &h.proposer()}}) {
    if (value->size() != Hash::kSize) {
      return Bad(where + ": header " + name + " is not 32 bytes");
    }
  }
  if (h.result_height() >= h.height()) {
    return Bad(where + ": header result_height is not below its height");
  }
  if (h.tx_count() > kBlockTxCountMax) return Bad(where + ": header tx_count is over the limit");
  b.hash = Sha256(AsBytes(e.header()));
  b.block.set_header(e.header());
  b.block.set_certificate(e.certificate());
  *b.block.mutable_signatures() = e.signatures();
  return b;
}

Hash HashField(const std::string& bytes) {
  return Hash::FromBytes(AsBytes(bytes)).value();  // sizes checked before
}

std::vector<Hash> PathOf(const google::protobuf::RepeatedPtrField<std::string>& path) {
  std::vector<Hash> out;
  out.reserve(path.size());
  for (const std::string& h : path) out.push_back(HashField(h));
  return out;
}

// Every signature must be a genesis validator's, once, and verify: a proof carries only the
// signatures that count, so that changing any of their bytes is noticed.
Status VerifySignedBlock(const DecodedBlock& block, const tadori::ValidatorSet& validators) {
  const std::string where = BlockName(block.header.height());
  const Bytes message = BlockSigningMessage(block.hash);
  std::vector<bool> counted(validators.size(), false);
  for (int i = 0; i < block.block.signatures_size(); ++i) {
    const v1::BlockSignature& s = block.block.signatures(i);
    const std::string which = where + ": signature " + std::to_string(i);
    std::optional<size_t> v = validators.IndexOf(HashField(s.key_id()));
    if (!v) return Fails(which + " is by a key that is not a genesis validator's");
    if (counted[*v]) return Fails(which + " repeats validator " + std::to_string(*v));
    if (!validators.key(*v).Verify(message, AsBytes(s.signature())).ok()) {
      return Fails(which + " (validator " + std::to_string(*v) +
                   ") does not verify over the block hash");
    }
    counted[*v] = true;
  }
  const size_t signed_by = static_cast<size_t>(block.block.signatures_size());
  if (signed_by < validators.Quorum()) {
    return Fails(where + ": signed by " + std::to_string(signed_by) + " genesis validators, " +
                 std::to_string(validators.Quorum()) + " needed");
  }
  return Status::Ok();
}

// Checks the QCs of BFT certificates with one checker, so a QC seen in two certificates (a
// block's QC is its child's parent QC) is verified once.
class QcVerifier {
 public:
  explicit QcVerifier(const GenesisInfo& genesis)
      : validators_(ValidatorSet::Equal(genesis.validators.size())),
        verifier_(KeysOf(genesis)),
        checker_(validators_, verifier_, ConsensusGenesis(genesis).ComputeId()) {}

  bool Check(const QuorumCert& qc) { return checker_.CheckQc(qc); }

 private:
  static std::vector<PublicKey> KeysOf(const GenesisInfo& genesis) {
    std::vector<PublicKey> keys;
    for (size_t i = 0; i < genesis.validators.size(); ++i) {
      keys.push_back(genesis.validators.key(i));
    }
    return keys;
  }
  ValidatorSet validators_;
  KeyVerifier verifier_;
  CertificateChecker checker_;
};

// The parent QC inside a certificate is not covered by the certificate's own QC beyond its
// block id, round and signers (the block id leaves the signatures out): verify it too.
Status VerifyParentQc(const DecodedBlock& block, QcVerifier& qcs,
                      const std::optional<QuorumCert>& parent_qc_verified) {
  const std::string where = BlockName(block.header.height());
  Result<LedgerCertificate> c = DecodeLedgerCertificate(AsBytes(block.block.certificate()));
  if (!c.ok()) return Fails(where + ": " + c.status().message());
  if (parent_qc_verified && c->parent_qc == *parent_qc_verified) return Status::Ok();
  if (!qcs.Check(c->parent_qc)) {
    return Fails(where + ": certificate parent qc does not carry a quorum of valid votes");
  }
  return Status::Ok();
}

std::string PayloadName(const v1::TransactionBody& body) {
  const auto* oneof = v1::TransactionBody::descriptor()->FindOneofByName("payload");
  const auto* field =
      oneof == nullptr ? nullptr : body.GetReflection()->GetOneofFieldDescriptor(body, oneof);
  return field == nullptr ? "none" : field->name();
}

// Which organisation lists `key` among its genesis admin keys, if any.
std::optional<std::string> GenesisAdminOrg(const v1::Genesis& genesis, const KeyId& key) {
  for (const v1::Organization& org : genesis.organizations()) {
    for (const std::string& pem : org.admin_public_keys()) {
      Result<PublicKey> admin = PublicKey::FromPem(pem);
      if (admin.ok() && admin->id() == key) return org.id();
    }
  }
  return std::nullopt;
}

}  // namespace

Status CheckTxProofBounds(const v1::TxProof& proof) {
  if (proof.version() != kTxProofVersion) {
    return Bad("version " + std::to_string(proof.version()) + " is not " +
               std::to_string(kTxProofVersion));
  }
  if (proof.chain_id().empty() || proof.chain_id().size() > kChainIdBytesMax) {
    return Bad("chain_id is empty or longer than " + std::to_string(kChainIdBytesMax) + " bytes");
  }
  if (proof.genesis_hash().size() != Hash::kSize) return Bad("genesis_hash is not 32 bytes");
  if (proof.tx_id().size() != Hash::kSize) return Bad("tx_id is not 32 bytes");
  if (!proof.has_tx()) return Bad("tx is missing");
  if (proof.tx().ByteSizeLong() > kTxSizeBytesMax) {
    return Bad("tx is larger than " + std::to_string(kTxSizeBytesMax) + " bytes");
  }
  if (proof.signer_public_key().empty() || proof.signer_public_key().size() > kPemBytesMax) {
    return Bad("signer_public_key is empty or longer than " + std::to_string(kPemBytesMax) +
               " bytes");
  }
  if (!proof.has_block()) return Bad("block is missing");
  TADORI_RETURN_IF_ERROR(CheckEvidenceBounds(proof.block(), "block"));
  TADORI_RETURN_IF_ERROR(CheckPathBounds(proof.tx_path(), "tx_path"));
  TADORI_RETURN_IF_ERROR(CheckPathBounds(proof.result_path(), "result_path"));
  if (proof.has_result() && !proof.result().message().empty()) {
    return Bad("result.message is set: no root commits to it, so a proof carries only the code");
  }
  if (static_cast<size_t>(proof.commit_chain_size()) > kTxProofCommitChainMax) {
    return Bad("commit_chain has " + std::to_string(proof.commit_chain_size()) +
               " blocks, more than " + std::to_string(kTxProofCommitChainMax));
  }
  for (int i = 0; i < proof.commit_chain_size(); ++i) {
    TADORI_RETURN_IF_ERROR(
        CheckEvidenceBounds(proof.commit_chain(i), "commit_chain[" + std::to_string(i) + "]"));
  }
  return Status::Ok();
}

Result<VerifiedTxProof> VerifyTxProof(const v1::TxProof& proof, const GenesisInfo& genesis) {
  TADORI_RETURN_IF_ERROR(CheckTxProofBounds(proof));
  const std::string& chain_id = genesis.genesis.chain_id();
  if (proof.chain_id() != chain_id) {
    return Fails("chain_id \"" + proof.chain_id() + "\" is not the genesis chain \"" + chain_id +
                 "\"");
  }
  if (HashField(proof.genesis_hash()) != genesis.hash) {
    return Fails("genesis_hash " + HashField(proof.genesis_hash()).ShortHex() +
                 " is not the hash of this genesis (" + genesis.hash.ShortHex() + ")");
  }

  // The transaction and its signer.
  VerifiedTxProof out;
  Result<DecodedTransaction> tx = DecodeTransaction(proof.tx());
  if (!tx.ok()) return Bad("tx: " + tx.status().message());
  out.tx_id = HashField(proof.tx_id());
  if (tx->id != out.tx_id) {
    return Fails("tx_id " + out.tx_id.Hex() + " is not SHA-256 of tx.body (" + tx->id.Hex() + ")");
  }
  if (tx->body.chain_id() != chain_id) return Fails("tx: body names another chain");
  Result<PublicKey> signer = PublicKey::FromDer(AsBytes(proof.signer_public_key()));
  if (!signer.ok()) return Bad("signer_public_key: " + signer.status().message());
  if (signer->id() != tx->signer_key_id) {
    return Fails("signer_public_key hashes to key id " + signer->id().ShortHex() +
                 ", the tx names signer " + tx->signer_key_id.ShortHex());
  }
  Status signature = VerifyTransactionSignature(*tx, *signer);
  if (!signature.ok()) return Fails("tx: signature does not verify: " + signature.message());
  out.payload = PayloadName(tx->body);
  if (std::optional<std::string> org = GenesisAdminOrg(genesis.genesis, signer->id())) {
    out.signer = "admin key of organisation " + *org + " in the genesis";
    out.signer_in_genesis = true;
  } else {
    out.signer = "key " + signer->id().Hex() +
                 " (not a genesis key: the proof does not cover its registration)";
  }

  // The transaction's block and the tx leaf in its tx_root.
  TADORI_ASSIGN_OR_RETURN(DecodedBlock block, DecodeEvidence(proof.block(), "block"));
  const uint64_t height = block.header.height();
  const std::string at_h = BlockName(height);
  out.height = height;
  out.index = proof.tx_index();
  out.block_hash = block.hash;
  if (block.header.chain_id() != chain_id) return Fails(at_h + ": header names another chain");
  InclusionProof tx_inclusion{proof.tx_index(), block.header.tx_count(), PathOf(proof.tx_path())};
  Status tx_in =
      VerifyInclusion(MerkleLeafHash(TxLeaf(*tx)), tx_inclusion, HashField(block.header.tx_root()));
  if (!tx_in.ok()) {
    return Fails("tx_path: the tx leaf at index " + std::to_string(proof.tx_index()) +
                 " does not verify against " + at_h + " tx_root (" + tx_in.message() + ")");
  }

  // How the blocks were agreed: all signed, or all certified.
  auto bft_of = [](const DecodedBlock& b) -> Result<bool> {
    const bool has_certificate = !b.block.certificate().empty();
    const bool has_signatures = b.block.signatures_size() > 0;
    if (has_certificate == has_signatures) {
      return Fails(BlockName(b.header.height()) +
                   ": needs either a certificate (BFT) or block signatures, not " +
                   (has_certificate ? "both" : "neither"));
    }
    return has_certificate;
  };
  TADORI_ASSIGN_OR_RETURN(out.bft, bft_of(block));
  QcVerifier qcs(genesis);
  std::vector<CertifiedTip> tips;
  std::optional<QuorumCert> last_qc;
  if (out.bft) {
    Status certified = VerifyLedgerCertificate(block, genesis);
    if (!certified.ok()) return Fails(at_h + ": " + certified.message());
    TADORI_RETURN_IF_ERROR(VerifyParentQc(block, qcs, std::nullopt));
    LedgerCertificate c = DecodeLedgerCertificate(AsBytes(block.block.certificate())).value();
    tips.push_back(CertifiedTip{height, block.hash, c.round, c.qc.block_id});
    last_qc = c.qc;
  } else {
    TADORI_RETURN_IF_ERROR(VerifySignedBlock(block, genesis.validators));
  }

  // The chain above it, each block the child of the one before.
  std::vector<DecodedBlock> chain;
  chain.reserve(proof.commit_chain_size());
  const DecodedBlock* parent = &block;
  uint64_t result_height_floor = block.header.result_height();
  for (int i = 0; i < proof.commit_chain_size(); ++i) {
    const std::string where = "commit_chain[" + std::to_string(i) + "]";
    TADORI_ASSIGN_OR_RETURN(DecodedBlock b, DecodeEvidence(proof.commit_chain(i), where));
    const std::string at = where + " (" + BlockName(b.header.height()) + ")";
    Status link =
        CheckBlockLink(b, chain_id, parent->header.height(), parent->hash).WithContext(at);
    if (!link.ok()) return Fails(link.message());
    TADORI_ASSIGN_OR_RETURN(bool bft, bft_of(b));
    if (bft != out.bft) return Fails(at + ": agreed differently from block " + at_h);
    if (bft) {
      Result<CertifiedTip> tip = VerifyCertifiedChild(genesis, tips.back(), b);
      if (!tip.ok()) return Fails(where + ": " + tip.status().message());
      TADORI_RETURN_IF_ERROR(VerifyParentQc(b, qcs, last_qc).WithContext(where));
      last_qc = DecodeLedgerCertificate(AsBytes(b.block.certificate())).value().qc;
      tips.push_back(*tip);
    } else {
      TADORI_RETURN_IF_ERROR(VerifySignedBlock(b, genesis.validators).WithContext(where));
    }
    // Honest validators refuse a proposal whose result_height is below its parent's
    // (node/validator/proposal_check.h), so a certified chain never shows one.
    if (b.header.result_height() < result_height_floor) {
      return Fails(at + ": result_height " + std::to_string(b.header.result_height()) +
                   " is below its parent's");
    }
    result_height_floor = b.header.result_height();
    chain.push_back(std::move(b));
    parent = &chain.back();
  }

  // The result: committed by the first header naming block h, or skipped for good.
  std::optional<size_t> needed;  // index in chain of the block that must be final
  for (size_t i = 0; i < chain.size() && !needed; ++i) {
    const uint64_t r = chain[i].header.result_height();
    if (r == height) {
      out.result_committed = true;
      out.result_block_height = chain[i].header.height();
      needed = i;
    } else if (r > height) {
      out.skipped_by_height = chain[i].header.height();
      needed = i;
    }
  }
  if (!needed) {
    return Fails("result: no block of commit_chain commits to " + at_h +
                 "'s results (the chain ends at height " +
                 std::to_string(chain.empty() ? height : chain.back().header.height()) +
                 " with result_height " + std::to_string(result_height_floor) + ")");
  }
  if (out.result_committed) {
    if (!proof.has_result()) {
      return Fails("result: missing, but " + BlockName(out.result_block_height) +
                   " commits to the results of " + at_h);
    }
    out.result_code = proof.result().code();
    InclusionProof result_inclusion{proof.tx_index(), block.header.tx_count(),
                                    PathOf(proof.result_path())};
    Status result_in =
        VerifyInclusion(MerkleLeafHash(ResultLeaf(out.tx_id, proof.result())), result_inclusion,
                        HashField(chain[*needed].header.prev_result_root()));
    if (!result_in.ok()) {
      return Fails("result_path: the result leaf (code " + std::to_string(out.result_code) +
                   ") at index " + std::to_string(proof.tx_index()) + " does not verify against " +
                   BlockName(out.result_block_height) + " prev_result_root (" +
                   result_in.message() + ")");
    }
  } else if (proof.has_result() || proof.result_path_size() > 0) {
    return Fails("result: the proof carries a result, but " + BlockName(out.skipped_by_height) +
                 " skips the results of " + at_h + " and no header commits to them");
  }

  // Finality.
  const uint64_t needed_height = chain[*needed].header.height();
  if (out.bft) {
    const size_t committed = ProvenCommittedPrefix(tips);
    // tips[0] is block h, tips[j] is chain[j - 1].
    if (committed < *needed + 2) {
      return Fails("finality: no block of commit_chain from " + BlockName(needed_height) +
                   " on is followed by a certified child in the next round, so " +
                   BlockName(needed_height) + " is not shown committed");
    }
    const CertifiedTip& final_block = tips[committed - 1];
    const CertifiedTip& child = tips[committed];
    out.final_height = final_block.height;
    out.finality = BlockName(final_block.height) + " (round " + std::to_string(final_block.round) +
                   ") is certified and extended in the " + "next round by " +
                   BlockName(child.height) + " (round " + std::to_string(child.round) +
                   "), which commits it and every block below it";
  } else {
    out.final_height = chain.back().header.height();
    out.finality = "every block signed by a quorum of the genesis validators (" +
                   std::to_string(genesis.validators.Quorum()) + " of " +
                   std::to_string(genesis.validators.size()) + ")";
  }
  return out;
}

}  // namespace tadori::consensus
