#include "node/query/tx_proof.h"

#include <string>
#include <vector>

#include "chaincode/chaincode.h"
#include "ledger/block.h"
#include "ledger/merkle.h"

namespace tadori {
namespace {

std::string BlockName(uint64_t height) {
  return "block " + std::to_string(height);
}

void FillEvidence(const v1::Block& block, v1::BlockEvidence& out) {
  out.set_header(block.header());
  out.set_certificate(block.certificate());
  *out.mutable_signatures() = block.signatures();
}

void AddPath(const std::vector<Hash>& path, google::protobuf::RepeatedPtrField<std::string>& out) {
  for (const Hash& h : path) out.Add(h.ToBinaryString());
}

Result<v1::BlockHeader> HeaderOf(const v1::Block& block, uint64_t height) {
  v1::BlockHeader header;
  if (!header.ParseFromString(block.header())) {
    return Status::DataLoss("stored header of " + BlockName(height) + " does not parse");
  }
  return header;
}

}  // namespace

Result<v1::TxProof> BuildTxProof(const Store& store, const GenesisInfo& genesis,
                                 const Hash& tx_id) {
  Result<Store::TxLocation> where = store.FindTransaction(tx_id);
  if (!where.ok()) {
    return where.status().code() == Code::kNotFound
               ? Status::NotFound("no committed transaction " + tx_id.Hex())
               : where.status();
  }
  const uint64_t head = store.Height();
  const uint64_t height = where->height;
  const std::string at_h = "transaction " + tx_id.ShortHex() + " in " + BlockName(height);

  // The transaction's block, decoded in full: its tx leaves make the tx path.
  TADORI_ASSIGN_OR_RETURN(v1::Block stored, store.GetBlock(height));
  Result<DecodedBlock> block = DecodeBlock(stored);
  if (!block.ok()) return Status::DataLoss("stored " + at_h + ": " + block.status().message());
  TADORI_ASSIGN_OR_RETURN(v1::BlockResults results, store.GetResults(height));
  const uint32_t index = where->index;
  if (index >= block->txs.size() || block->txs[index].id != tx_id ||
      static_cast<size_t>(results.results_size()) != block->txs.size()) {
    return Status::DataLoss("stored " + at_h + ": locator, block and results disagree");
  }
  const DecodedTransaction& tx = block->txs[index];

  Result<std::optional<v1::MemberRecord>> member = FindMember(store.state(), tx.signer_key_id);
  if (!member.ok()) return member.status();
  if (!*member) {
    return Status::FailedPrecondition(at_h + ": its signer " + tx.signer_key_id.ShortHex() +
                                      " is not a member in state");
  }
  Result<PublicKey> signer = PublicKey::FromPem((*member)->public_key());
  if (!signer.ok())
    return Status::DataLoss("member record of the signer: " + signer.status().message());

  v1::TxProof proof;
  proof.set_version(1);
  proof.set_chain_id(genesis.genesis.chain_id());
  proof.set_genesis_hash(genesis.hash.ToBinaryString());
  proof.set_tx_id(tx_id.ToBinaryString());
  *proof.mutable_tx() = tx.envelope;
  proof.set_signer_public_key(ToString(signer->der()));
  proof.set_tx_index(index);
  FillEvidence(stored, *proof.mutable_block());

  std::vector<Hash> tx_leaves;
  std::vector<Hash> result_leaves;
  tx_leaves.reserve(block->txs.size());
  result_leaves.reserve(block->txs.size());
  for (size_t i = 0; i < block->txs.size(); ++i) {
    tx_leaves.push_back(MerkleLeafHash(TxLeaf(block->txs[i])));
    result_leaves.push_back(MerkleLeafHash(ResultLeaf(block->txs[i].id, results.results(i))));
  }
  TADORI_ASSIGN_OR_RETURN(InclusionProof tx_path, ProveInclusion(tx_leaves, index));
  AddPath(tx_path.path, *proof.mutable_tx_path());

  // Blocks above, until the one that commits (or skips) block h's results is in and, on a BFT
  // chain, the first certified child in the next round of it or of a block above it: the
  // 2-chain rule makes that block, and everything below, final.
  const bool bft = !stored.certificate().empty() && stored.signatures_size() == 0;
  bool result_decided = false;
  uint64_t previous_round = 0;
  for (uint64_t next = height + 1;; ++next) {
    if (next > head) {
      return Status::FailedPrecondition(
          at_h + ": " +
          (result_decided ? "the block that commits its result is not yet shown final (its "
                            "certified child in the next round has not committed)"
                          : "no block header commits to its result yet") +
          "; head is " + std::to_string(head) + ", ask again after more blocks commit");
    }
    if (next - height > kTxProofBlocksAboveMax) {
      return Status::FailedPrecondition(at_h + ": " + std::to_string(kTxProofBlocksAboveMax) +
                                        " blocks above it do not show its result final");
    }
    TADORI_ASSIGN_OR_RETURN(v1::Block above, store.GetBlock(next));
    TADORI_ASSIGN_OR_RETURN(v1::BlockHeader header, HeaderOf(above, next));
    FillEvidence(above, *proof.add_commit_chain());
    const bool was_decided = result_decided;
    if (!result_decided && header.result_height() >= height) {
      result_decided = true;
      if (header.result_height() == height) {
        proof.mutable_result()->set_code(results.results(index).code());
        TADORI_ASSIGN_OR_RETURN(InclusionProof result_path, ProveInclusion(result_leaves, index));
        AddPath(result_path.path, *proof.mutable_result_path());
      }
    }
    // The header's round is its certificate's (the verifier checks it); a single-validator
    // chain's signed blocks are final as they are.
    if (result_decided && !bft) break;
    if (was_decided && header.round() == previous_round + 1) break;
    previous_round = header.round();
  }
  return proof;
}

}  // namespace tadori
