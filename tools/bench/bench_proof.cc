// tadori-bench-proof: how fast a transaction proof verifies offline, and how large it is.
// Builds real chains in a temporary store (a single-validator chain with signed blocks, and a
// BFT chain of --validators P-256 validators whose blocks carry ledger certificates certified
// by a quorum of real votes), builds the proof of a transaction with the node's builder
// (node/query/tx_proof.h) and runs the verifier (consensus/tx_proof_check.h) for --seconds.
// Prints verifies/s and the proof's size (serialized TxProof; proof.json is about twice that,
// in hex). A program that prints figures, never a test.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "chaincode/chaincode.h"
#include "consensus/ledger_certificate.h"
#include "consensus/tx_proof_check.h"
#include "consensus/types.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/store/store.h"
#include "ledger/transaction.h"
#include "node/query/tx_proof.h"
#include "node/validator/executor.h"

namespace tadori {
namespace {

struct Chain {
  std::vector<PrivateKey> validators;
  PrivateKey admin;
  GenesisInfo genesis;
};

Chain MakeChain(size_t validators) {
  std::vector<PrivateKey> keys;
  for (size_t i = 0; i < validators; ++i)
    keys.push_back(PrivateKey::Generate(KeyType::kP256).value());
  PrivateKey admin = PrivateKey::Generate(KeyType::kP256).value();
  v1::Genesis g;
  g.set_chain_id("bench-proof");
  g.set_genesis_time_ms(1'700'000'000'000);
  v1::Organization* org = g.add_organizations();
  org->set_id("farm");
  org->set_name("Farm");
  org->add_roles("producer");
  org->add_admin_public_keys(admin.public_key().ToPem());
  for (size_t i = 0; i < validators; ++i) {
    v1::Validator* v = g.add_validators();
    v->set_id("v" + std::to_string(i));
    v->set_org_id("farm");
    v->set_consensus_public_key(keys[i].public_key().ToPem());
    v->set_address("127.0.0.1:" + std::to_string(7000 + i));
  }
  GenesisInfo info = SealGenesis(g).value();
  return Chain{std::move(keys), std::move(admin), std::move(info)};
}

DecodedTransaction LotTx(const Chain& c, uint64_t valid_until, const std::string& lot) {
  v1::TransactionBody body;
  body.set_chain_id(c.genesis.genesis.chain_id());
  body.set_nonce(ToString(NewNonce()));
  body.set_valid_until_height(valid_until);
  body.set_created_at_ms(1'700'000'000'000);
  v1::EpcisEvent* e = body.mutable_record_event()->mutable_event();
  e->set_type(v1::OBJECT_EVENT);
  e->set_action(v1::ADD);
  e->set_biz_step("harvesting");
  e->set_event_time("2026-11-20T06:30:00+09:00");
  e->set_event_time_zone_offset("+09:00");
  e->set_biz_location("urn:epc:id:sgln:4912345.00001.0");
  v1::QuantityElement* q = e->add_quantity_list();
  q->set_lot_code(lot);
  q->set_product("4912345000019");
  q->set_quantity_milli(1'000'000);
  q->set_unit("KGM");
  return DecodeTransaction(SignTransaction(body, c.admin)).value();
}

// Commits `blocks` blocks of `txs_per_block` transactions; returns the first block's txs' ids.
std::vector<Hash> Fill(Store& store, const Chain& c, bool bft, size_t blocks,
                       size_t txs_per_block) {
  const consensus::BlockId genesis_id = consensus::ConsensusGenesis(c.genesis).ComputeId();
  consensus::QuorumCert parent_qc = consensus::GenesisQc(genesis_id);
  const consensus::ValidatorSet set = consensus::ValidatorSet::Equal(c.validators.size());
  std::vector<Hash> first;
  for (size_t n = 0; n < blocks; ++n) {
    const Store::Head head = store.head();
    const uint64_t height = head.height + 1;
    const auto proposer = static_cast<consensus::ValidatorIndex>(height % c.validators.size());
    BlockDraft draft =
        DraftOnHead(head, c.genesis.genesis.chain_id(), c.validators[proposer].public_key().id());
    draft.timestamp_ms = 1'700'000'000'000 + static_cast<int64_t>(height);
    for (size_t i = 0; i < txs_per_block; ++i) {
      draft.txs.push_back(
          LotTx(c, height + 100, "lot-" + std::to_string(height) + "-" + std::to_string(i)));
      if (n == 0) first.push_back(draft.txs.back().id);
    }
    DecodedBlock block = BuildBlock(draft);
    if (bft) {
      v1::Block payload;
      payload.set_header(block.block.header());
      *payload.mutable_txs() = block.block.txs();
      consensus::Block b;
      b.round = draft.round;
      b.height = height;
      b.proposer = proposer;
      b.payload_digest = block.hash;
      b.payload = ToBytes(payload.SerializeAsString());
      b.qc = parent_qc;
      consensus::QuorumCert qc;
      qc.round = b.round;
      qc.block_id = b.ComputeId();
      for (consensus::ValidatorIndex v = 0; v < set.quorum_weight(); ++v) {
        qc.signatures.push_back({v, c.validators[v].Sign(consensus::VoteSigningBytes(
                                        genesis_id, qc.block_id, qc.round))});
      }
      block.block.set_certificate(ToString(consensus::EncodeLedgerCertificate(b, qc)));
      parent_qc = qc;
    } else {
      for (const PrivateKey& key : c.validators) SignBlock(block, key);
    }
    ExecutedBlock executed =
        ExecuteBlock(store.state(), height, draft.timestamp_ms, block.txs).value();
    TADORI_CHECK(
        store.CommitBlock(block, executed.results, executed.writes, executed.index, false).ok());
  }
  return first;
}

void Measure(const char* name, size_t validators, bool bft, size_t txs_per_block, double seconds) {
  char pattern[] = "/tmp/tadori-bench-proof-XXXXXX";
  TADORI_CHECK(mkdtemp(pattern) != nullptr);
  const std::string dir = pattern;
  {
    Chain c = MakeChain(validators);
    std::unique_ptr<Store> store = Store::Open(dir).value();
    TADORI_CHECK(store->InitGenesis(c.genesis, GenesisState(c.genesis.genesis).value()).ok());
    std::vector<Hash> ids = Fill(*store, c, bft, 3, txs_per_block);
    const v1::TxProof proof = BuildTxProof(*store, c.genesis, ids[ids.size() / 2]).value();
    TADORI_CHECK(consensus::VerifyTxProof(proof, c.genesis).ok());
    using Clock = std::chrono::steady_clock;
    const Clock::time_point start = Clock::now();
    size_t verified = 0;
    double elapsed = 0;
    do {
      for (int i = 0; i < 10; ++i) {
        TADORI_CHECK(consensus::VerifyTxProof(proof, c.genesis).ok());
        ++verified;
      }
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    std::printf(
        "%-32s validators %3zu  txs/block %5zu  proof %6zu bytes (%d blocks above, tx path %d)  "
        "%8.0f verifies/s  %7.1f us/verify\n",
        name, validators, txs_per_block, proof.ByteSizeLong(), proof.commit_chain_size(),
        proof.tx_path_size(), static_cast<double>(verified) / elapsed,
        1e6 * elapsed / static_cast<double>(verified));
    store.reset();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tadori

int main(int argc, char** argv) {
  CLI::App app{"tadori-bench-proof: offline transaction proof verification rate and size"};
  double seconds = 2;
  size_t txs = 1000;
  app.add_option("--seconds", seconds, "time to verify each proof for (default 2)");
  app.add_option("--txs", txs, "transactions per block (default 1000)");
  CLI11_PARSE(app, argc, argv);
  tadori::Measure("single validator, signed blocks", 1, false, txs, seconds);
  tadori::Measure("BFT, 4 validators", 4, true, txs, seconds);
  tadori::Measure("BFT, 16 validators", 16, true, txs, seconds);
  return 0;
}
