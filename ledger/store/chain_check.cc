#include "ledger/store/chain_check.h"

#include <string>
#include <vector>

#include "ledger/block.h"
#include "ledger/merkle.h"

namespace tadori {
namespace {

// Problems with stored data are DATA_LOSS whatever the check that found them reported.
Status Lost(uint64_t height, const Status& s) {
  return Status::DataLoss("block " + std::to_string(height) + ": " + s.ToString());
}

Status Lost(uint64_t height, const std::string& what) {
  return Status::DataLoss("block " + std::to_string(height) + ": " + what);
}

struct Parent {
  uint64_t height;
  Hash hash;
  Hash result_root;
};

// Checks block `height` against its parent; on success moves `parent` to it. `roots` holds
// the result root of every block checked so far (index = height).
Status CheckOne(const Store& store, const GenesisInfo& genesis, const BlockAgreementCheck& agreed,
                uint64_t height, Parent& parent, std::vector<Hash>& roots,
                ChainCheckReport& report) {
  Result<v1::Block> stored = store.GetBlock(height);
  if (!stored.ok()) return Lost(height, stored.status());
  Result<DecodedBlock> block = DecodeBlock(*stored);
  if (!block.ok()) return Lost(height, block.status());
  const std::string& chain_id = genesis.genesis.chain_id();
  Status s = CheckBlockLink(*block, chain_id, parent.height, parent.hash);
  if (s.ok()) s = CheckBlockTransactions(*block, chain_id);
  if (s.ok()) s = agreed(*block, genesis);
  if (!s.ok()) return Lost(height, s);
  const uint64_t result_height = block->header.result_height();
  if (result_height >= roots.size() ||
      Hash::FromBytes(AsBytes(block->header.prev_result_root())).value() != roots[result_height]) {
    return Lost(height, "prev_result_root is not the root of block " +
                            std::to_string(result_height) + "'s results");
  }
  Result<v1::BlockResults> results = store.GetResults(height);
  if (!results.ok()) return Lost(height, results.status());
  if (static_cast<size_t>(results->results_size()) != block->txs.size()) {
    return Lost(height, "has " + std::to_string(block->txs.size()) + " transactions but " +
                            std::to_string(results->results_size()) + " results");
  }
  Result<uint64_t> by_hash = store.HeightOfHash(block->hash);
  if (!by_hash.ok()) return Lost(height, by_hash.status());
  if (*by_hash != height)
    return Lost(height, "its hash maps to height " + std::to_string(*by_hash));
  std::vector<Hash> ids;
  for (size_t i = 0; i < block->txs.size(); ++i) {
    const Hash& id = block->txs[i].id;
    Result<Store::TxLocation> loc = store.FindTransaction(id);
    if (!loc.ok()) return Lost(height, loc.status().WithContext("tx " + std::to_string(i)));
    if (loc->height != height || loc->index != i) {
      return Lost(height, "tx " + std::to_string(i) + " " + id.ShortHex() + " is located at " +
                              std::to_string(loc->height) + "/" + std::to_string(loc->index));
    }
    ids.push_back(id);
  }
  const std::vector<v1::TxResult> list(results->results().begin(), results->results().end());
  parent = Parent{height, block->hash, ResultRoot(ids, list)};
  // The stored root is what the node checks later blocks against (Store::ResultRootAt).
  Result<Hash> stored_root = store.ResultRootAt(height);
  if (!stored_root.ok()) return Lost(height, stored_root.status());
  if (*stored_root != parent.result_root) {
    return Lost(height, "stored result root is not the root of its results");
  }
  roots.push_back(parent.result_root);
  report.blocks_checked += 1;
  report.txs_checked += ids.size();
  return Status::Ok();
}

}  // namespace

Status SignatureQuorum(const DecodedBlock& block, const GenesisInfo& genesis) {
  return VerifyBlockSignatures(block, genesis.validators);
}

Result<ChainCheckReport> CheckChain(const Store& store, const GenesisInfo& genesis,
                                    const BlockAgreementCheck& agreed,
                                    const ChainCheckProgress& progress) {
  TADORI_ASSIGN_OR_RETURN(std::optional<Bytes> stored_genesis, store.GenesisBytes());
  if (!stored_genesis) return Status::FailedPrecondition("store has no genesis");
  if (Sha256(*stored_genesis) != genesis.hash) {
    return Status::DataLoss("stored genesis is not " + genesis.hash.ShortHex());
  }
  const Store::Head head = store.head();
  Parent parent{0, genesis.hash, MerkleRoot({})};
  ChainCheckReport report;
  // One root per block: 32 bytes a block, so a chain of ten million blocks needs 320 MB.
  std::vector<Hash> roots{parent.result_root};
  for (uint64_t height = 1; height <= head.height; ++height) {
    TADORI_RETURN_IF_ERROR(CheckOne(store, genesis, agreed, height, parent, roots, report));
    if (progress) progress(report, head.height);
  }
  if (parent.hash != head.hash || parent.result_root != head.result_root) {
    return Status::DataLoss("head record does not match block " + std::to_string(head.height));
  }
  return report;
}

}  // namespace tadori
