#include "ledger/block.h"

#include <cstring>
#include <set>

#include "ledger/check.h"
#include "ledger/limits.h"
#include "ledger/merkle.h"

namespace tadori {
namespace {

constexpr std::string_view kBlockSigningDomain = "TADORI-BLOCK-V1";

Status CheckHashField(std::string_view field, const std::string& value) {
  if (value.size() != Hash::kSize) {
    return Status::InvalidArgument("block header " + std::string(field) +
                                   " must be 32 bytes, got " + std::to_string(value.size()));
  }
  return Status::Ok();
}

Hash HashOf(const std::string& value) {
  return Hash::FromBytes(AsBytes(value)).value();
}

Status CheckLimits(const v1::Block& block) {
  const size_t size_bytes = block.ByteSizeLong();
  if (size_bytes > kBlockSizeBytesMax) {
    return Status::InvalidArgument("block is " + std::to_string(size_bytes) + " bytes, more than " +
                                   std::to_string(kBlockSizeBytesMax));
  }
  if (block.header().size() > kBlockHeaderBytesMax) {
    return Status::InvalidArgument("block header is " + std::to_string(block.header().size()) +
                                   " bytes, more than " + std::to_string(kBlockHeaderBytesMax));
  }
  if (static_cast<size_t>(block.txs_size()) > kBlockTxCountMax) {
    return Status::InvalidArgument("block has " + std::to_string(block.txs_size()) +
                                   " transactions, more than " + std::to_string(kBlockTxCountMax));
  }
  if (static_cast<size_t>(block.signatures_size()) > kBlockSignatureCountMax) {
    return Status::InvalidArgument("block has " + std::to_string(block.signatures_size()) +
                                   " signatures, more than " +
                                   std::to_string(kBlockSignatureCountMax));
  }
  return Status::Ok();
}

Status CheckHeader(const v1::BlockHeader& h) {
  if (h.height() == 0) return Status::InvalidArgument("block height 0 is the genesis");
  if (h.chain_id().empty()) return Status::InvalidArgument("block header chain_id is empty");
  if (h.chain_id().size() > kChainIdBytesMax) {
    return Status::InvalidArgument("block header chain_id is longer than " +
                                   std::to_string(kChainIdBytesMax) + " bytes");
  }
  TADORI_RETURN_IF_ERROR(CheckHashField("prev_hash", h.prev_hash()));
  TADORI_RETURN_IF_ERROR(CheckHashField("tx_root", h.tx_root()));
  TADORI_RETURN_IF_ERROR(CheckHashField("prev_result_root", h.prev_result_root()));
  if (h.result_height() >= h.height()) {
    return Status::InvalidArgument("block header result_height " +
                                   std::to_string(h.result_height()) + " is not below its height");
  }
  return CheckHashField("proposer", h.proposer());
}

}  // namespace

Bytes TxLeaf(const DecodedTransaction& tx) {
  const std::string& signature = tx.envelope.signature();
  TADORI_CHECK(signature.size() == kSignatureBytes);  // DecodeTransaction ensures it
  Bytes leaf(2 * Hash::kSize + kSignatureBytes);
  std::memcpy(leaf.data(), tx.id.data(), Hash::kSize);
  std::memcpy(leaf.data() + Hash::kSize, tx.signer_key_id.data(), Hash::kSize);
  std::memcpy(leaf.data() + 2 * Hash::kSize, signature.data(), kSignatureBytes);
  return leaf;
}

Hash TxRoot(std::span<const DecodedTransaction> txs) {
  std::vector<Hash> leaves;
  leaves.reserve(txs.size());
  for (const DecodedTransaction& tx : txs) leaves.push_back(MerkleLeafHash(TxLeaf(tx)));
  return MerkleRoot(leaves);
}

Bytes ResultLeaf(const Hash& tx_id, const v1::TxResult& result) {
  Bytes leaf(tx_id.data(), tx_id.data() + Hash::kSize);
  PutUint32BE(leaf, result.code());
  TADORI_CHECK(leaf.size() == Hash::kSize + 4);
  return leaf;
}

Hash ResultRoot(std::span<const Hash> tx_ids, std::span<const v1::TxResult> results) {
  TADORI_CHECK(tx_ids.size() == results.size());
  std::vector<Hash> leaves;
  leaves.reserve(tx_ids.size());
  for (size_t i = 0; i < tx_ids.size(); ++i) {
    leaves.push_back(MerkleLeafHash(ResultLeaf(tx_ids[i], results[i])));
  }
  return MerkleRoot(leaves);
}

DecodedBlock BuildBlock(const BlockDraft& draft) {
  TADORI_CHECK(draft.height >= 1);
  TADORI_CHECK(draft.result_height < draft.height);
  TADORI_CHECK(draft.txs.size() <= kBlockTxCountMax);
  DecodedBlock out;
  for (const DecodedTransaction& tx : draft.txs) *out.block.add_txs() = tx.envelope;
  v1::BlockHeader& h = out.header;
  h.set_chain_id(draft.chain_id);
  h.set_height(draft.height);
  h.set_round(draft.round);
  h.set_prev_hash(draft.prev_hash.ToBinaryString());
  h.set_tx_root(TxRoot(draft.txs).ToBinaryString());
  h.set_prev_result_root(draft.prev_result_root.ToBinaryString());
  h.set_result_height(draft.result_height);
  h.set_proposer(draft.proposer.ToBinaryString());
  h.set_timestamp_ms(draft.timestamp_ms);
  h.set_tx_count(static_cast<uint32_t>(draft.txs.size()));
  TADORI_CHECK(h.SerializeToString(out.block.mutable_header()));
  TADORI_CHECK(out.block.header().size() <= kBlockHeaderBytesMax);
  out.hash = Sha256(AsBytes(out.block.header()));
  out.txs = draft.txs;
  return out;
}

Bytes BlockSigningMessage(const Hash& block_hash) {
  // Sized once and filled with memcpy (GCC 12 misreads range inserts here: -Warray-bounds).
  Bytes out(kBlockSigningDomain.size() + Hash::kSize);
  std::memcpy(out.data(), kBlockSigningDomain.data(), kBlockSigningDomain.size());
  std::memcpy(out.data() + kBlockSigningDomain.size(), block_hash.data(), Hash::kSize);
  return out;
}

void SignBlock(DecodedBlock& block, const PrivateKey& validator_key) {
  v1::BlockSignature* sig = block.block.add_signatures();
  sig->set_key_id(validator_key.public_key().id().ToBinaryString());
  sig->set_signature(ToString(validator_key.Sign(BlockSigningMessage(block.hash))));
}

Result<DecodedBlock> DecodeBlock(const v1::Block& block) {
  TADORI_RETURN_IF_ERROR(CheckLimits(block));
  DecodedBlock out;
  if (!out.header.ParseFromString(block.header())) {
    return Status::InvalidArgument("block header does not parse");
  }
  TADORI_RETURN_IF_ERROR(CheckHeader(out.header));
  const uint64_t height = out.header.height();
  if (out.header.tx_count() != static_cast<uint32_t>(block.txs_size())) {
    return Status::InvalidArgument("block " + std::to_string(height) + " header tx_count " +
                                   std::to_string(out.header.tx_count()) + " but it has " +
                                   std::to_string(block.txs_size()) + " transactions");
  }
  out.txs.reserve(block.txs_size());
  std::set<Hash> seen;
  for (int i = 0; i < block.txs_size(); ++i) {
    const std::string where = "block " + std::to_string(height) + " tx " + std::to_string(i);
    Result<DecodedTransaction> tx = DecodeTransaction(block.txs(i));
    if (!tx.ok()) return tx.status().WithContext(where);
    if (tx->body.chain_id() != out.header.chain_id()) {
      return Status::InvalidArgument(where + ": chain id differs from the block's");
    }
    if (!seen.insert(tx->id).second) {
      return Status::InvalidArgument(where + ": duplicate transaction " + tx->id.ShortHex());
    }
    out.txs.push_back(std::move(tx).value());
  }
  if (TxRoot(out.txs) != HashOf(out.header.tx_root())) {
    return Status::InvalidArgument("block " + std::to_string(height) +
                                   " tx_root does not match its transactions");
  }
  out.hash = Sha256(AsBytes(block.header()));
  out.block = block;
  return out;
}

Result<DecodedBlock> DecodeBlockBytes(ByteView wire) {
  if (wire.size() > kBlockSizeBytesMax) {
    return Status::InvalidArgument("block is " + std::to_string(wire.size()) +
                                   " bytes, more than " + std::to_string(kBlockSizeBytesMax));
  }
  v1::Block block;
  if (!block.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    return Status::InvalidArgument("block does not parse");
  }
  return DecodeBlock(block);
}

Status VerifyBlockSignatures(const DecodedBlock& block, const ValidatorSet& validators) {
  const Bytes message = BlockSigningMessage(block.hash);
  std::vector<bool> counted(validators.size(), false);
  size_t valid = 0, unknown = 0, bad = 0, duplicate = 0;
  for (const v1::BlockSignature& sig : block.block.signatures()) {
    Result<Hash> key_id = Hash::FromBytes(AsBytes(sig.key_id()));
    std::optional<size_t> index;
    if (key_id.ok()) index = validators.IndexOf(*key_id);
    if (!index) {
      ++unknown;
    } else if (counted[*index]) {
      ++duplicate;
    } else if (!validators.key(*index).Verify(message, AsBytes(sig.signature())).ok()) {
      ++bad;
    } else {
      counted[*index] = true;
      ++valid;
    }
  }
  if (valid >= validators.Quorum()) return Status::Ok();
  return Status::Unauthenticated(
      "block " + std::to_string(block.header.height()) + " " + block.hash.ShortHex() + " has " +
      std::to_string(valid) + " valid validator signatures, needs " +
      std::to_string(validators.Quorum()) + " (unknown signer " + std::to_string(unknown) +
      ", bad " + std::to_string(bad) + ", duplicate " + std::to_string(duplicate) + ")");
}

Status CheckBlockLink(const DecodedBlock& block, std::string_view chain_id, uint64_t parent_height,
                      const Hash& parent_hash) {
  const v1::BlockHeader& h = block.header;
  if (h.chain_id() != chain_id) {
    return Status::InvalidArgument("block chain id \"" + h.chain_id() + "\", this is \"" +
                                   std::string(chain_id) + "\"");
  }
  if (h.height() != parent_height + 1) {
    return Status::FailedPrecondition("block height " + std::to_string(h.height()) +
                                      " does not follow parent height " +
                                      std::to_string(parent_height));
  }
  if (HashOf(h.prev_hash()) != parent_hash) {
    return Status::InvalidArgument("block " + std::to_string(h.height()) + " prev_hash " +
                                   HashOf(h.prev_hash()).ShortHex() + " is not the parent " +
                                   parent_hash.ShortHex());
  }
  return Status::Ok();
}

Status CheckBlockTransactions(const DecodedBlock& block, std::string_view chain_id) {
  const uint64_t parent_height = block.header.height() - 1;
  for (size_t i = 0; i < block.txs.size(); ++i) {
    TADORI_RETURN_IF_ERROR(CheckTransactionContext(block.txs[i], chain_id, parent_height)
                               .WithContext("block " + std::to_string(block.header.height()) +
                                            " tx " + std::to_string(i)));
  }
  return Status::Ok();
}

}  // namespace tadori
