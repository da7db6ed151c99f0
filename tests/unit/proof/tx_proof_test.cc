// Offline transaction proofs end to end below the network: real chains (a single-validator
// chain with signed blocks, a four-validator BFT chain with real ledger certificates) in a
// Store, the node's builder (node/query/tx_proof.h) and GetProof handler, the proof.json codec
// (tools/cli/proof_json.h) and the verifier (consensus/tx_proof_check.h). Every character of a
// real proof.json is changed in turn and each change must be refused.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chaincode/chaincode.h"
#include "consensus/ledger_certificate.h"
#include "consensus/tx_proof_check.h"
#include "consensus/types.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/store/store.h"
#include "node/api/ledger_service.h"
#include "node/query/tx_proof.h"
#include "node/validator/executor.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/ledger/test_chain.h"
#include "tools/cli/proof_json.h"

namespace tadori {
namespace {

using testing::MakeNetwork;
using testing::MakeTx;
using testing::TestNetwork;

// A chain committed as the node commits it, with control over what BFT makes vary: the
// round of each block and the block whose results its header commits to.
class ProofChain {
 public:
  ProofChain(size_t validators, bool bft)
      : net_(MakeNetwork(validators, bft ? "proof-bft" : "proof-dev")),
        bft_(bft),
        genesis_id_(consensus::ConsensusGenesis(net_.genesis).ComputeId()),
        parent_qc_(consensus::GenesisQc(genesis_id_)) {
    store_ = Store::Open(dir_.path()).value();
    TADORI_CHECK(
        store_->InitGenesis(net_.genesis, GenesisState(net_.genesis_message).value()).ok());
  }
  ~ProofChain() { store_.reset(); }

  Store& store() { return *store_; }
  const GenesisInfo& genesis() const { return net_.genesis; }
  const TestNetwork& net() const { return net_; }

  struct Shape {
    std::optional<uint64_t> round;          // default: the head's round + 1
    std::optional<uint64_t> result_height;  // default: the head
  };

  // Commits a block of `tx_count` fresh transactions; returns their ids.
  std::vector<Hash> Commit(size_t tx_count, Shape shape = {}) {
    const Store::Head head = store_->head();
    const uint64_t height = head.height + 1;
    const consensus::ValidatorIndex proposer =
        static_cast<consensus::ValidatorIndex>(height % net_.validator_keys.size());
    BlockDraft draft = DraftOnHead(head, net_.genesis.genesis.chain_id(),
                                   net_.validator_keys[proposer].public_key().id());
    draft.round = shape.round.value_or(round_ + 1);
    if (shape.result_height) {
      draft.result_height = *shape.result_height;
      draft.prev_result_root = store_->ResultRootAt(*shape.result_height).value();
    }
    draft.timestamp_ms = net_.genesis.genesis.genesis_time_ms() + static_cast<int64_t>(height);
    std::vector<Hash> ids;
    for (size_t i = 0; i < tx_count; ++i) {
      draft.txs.push_back(MakeTx(net_.admin, draft.chain_id, height + 100,
                                 "lot-" + std::to_string(height) + "-" + std::to_string(i)));
      ids.push_back(draft.txs.back().id);
    }
    DecodedBlock block = BuildBlock(draft);
    if (bft_) {
      v1::Block payload;
      payload.set_header(block.block.header());
      *payload.mutable_txs() = block.block.txs();
      consensus::Block b;
      b.round = draft.round;
      b.height = height;
      b.proposer = proposer;
      b.payload_digest = block.hash;
      b.payload = ToBytes(payload.SerializeAsString());
      b.qc = parent_qc_;
      consensus::QuorumCert qc;
      qc.round = b.round;
      qc.block_id = b.ComputeId();
      for (consensus::ValidatorIndex v = 0; v < 3; ++v) {
        qc.signatures.push_back({v, net_.validator_keys[v].Sign(consensus::VoteSigningBytes(
                                        genesis_id_, qc.block_id, qc.round))});
      }
      block.block.set_certificate(ToString(consensus::EncodeLedgerCertificate(b, qc)));
      parent_qc_ = qc;
    } else {
      for (const PrivateKey& key : net_.validator_keys) SignBlock(block, key);
    }
    Result<ExecutedBlock> executed =
        ExecuteBlock(store_->state(), height, draft.timestamp_ms, block.txs);
    TADORI_CHECK(executed.ok());
    TADORI_CHECK(store_
                     ->CommitBlock(block, executed->results, executed->writes, executed->index,
                                   /*sync=*/false)
                     .ok());
    round_ = draft.round;
    return ids;
  }

  Result<v1::TxProof> Proof(const Hash& id) { return BuildTxProof(*store_, net_.genesis, id); }

 private:
  testing::TempDir dir_;
  TestNetwork net_;
  bool bft_;
  consensus::BlockId genesis_id_;
  consensus::QuorumCert parent_qc_;
  uint64_t round_ = 0;
  std::unique_ptr<Store> store_;
};

uint32_t StoredCode(Store& store, uint64_t height, uint32_t index) {
  return store.GetResults(height).value().results(static_cast<int>(index)).code();
}

// Decodes and verifies proof.json text as `tadori proof verify` does.
Result<consensus::VerifiedTxProof> VerifyJson(const std::string& text, const GenesisInfo& g) {
  TADORI_ASSIGN_OR_RETURN(v1::TxProof proof, cli::TxProofFromJson(text));
  return consensus::VerifyTxProof(proof, g);
}

// Changes every character of `json` in turn (flips its lowest bit) and expects each change
// refused; returns how many were tried.
size_t ExpectEveryChangeRefused(const std::string& json, const GenesisInfo& g) {
  size_t tried = 0;
  for (size_t i = 0; i < json.size(); ++i) {
    std::string changed = json;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    Result<consensus::VerifiedTxProof> v = VerifyJson(changed, g);
    EXPECT_FALSE(v.ok()) << "changing byte " << i << " ('" << json[i] << "' in \""
                         << json.substr(i > 20 ? i - 20 : 0, 40) << "\") still verifies";
    if (!v.ok()) {
      EXPECT_FALSE(v.status().message().empty());
    }
    ++tried;
  }
  return tried;
}

TEST(TxProofDevChain, ProofOfCommittedTransactionVerifiesOffline) {
  ProofChain chain(1, /*bft=*/false);
  std::vector<Hash> first = chain.Commit(3);
  chain.Commit(1);
  Result<v1::TxProof> proof = chain.Proof(first[1]);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_EQ(proof->commit_chain_size(), 1);  // block 2 commits block 1's results

  const std::string json = cli::TxProofToJson(*proof);
  Result<consensus::VerifiedTxProof> v = VerifyJson(json, chain.genesis());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->tx_id, first[1]);
  EXPECT_EQ(v->height, 1u);
  EXPECT_EQ(v->index, 1u);
  EXPECT_TRUE(v->result_committed);
  EXPECT_EQ(v->result_code, StoredCode(chain.store(), 1, 1));
  EXPECT_EQ(v->result_block_height, 2u);
  EXPECT_EQ(v->final_height, 2u);
  EXPECT_FALSE(v->bft);
  EXPECT_TRUE(v->signer_in_genesis);
  EXPECT_EQ(v->payload, "record_event");
  EXPECT_EQ(v->block_hash, Sha256(AsBytes(chain.store().GetBlock(1).value().header())));
}

TEST(TxProofDevChain, TransactionInTheHeadBlockIsNotProvableUntilTheNextBlock) {
  ProofChain chain(1, false);
  std::vector<Hash> ids = chain.Commit(2);
  Result<v1::TxProof> early = chain.Proof(ids[0]);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("no block header commits to its result yet"),
            std::string::npos)
      << early.status().message();
  chain.Commit(1);
  EXPECT_TRUE(chain.Proof(ids[0]).ok());
  EXPECT_EQ(chain.Proof(Sha256("never submitted")).status().code(), Code::kNotFound);
}

TEST(TxProofDevChain, EveryChangedByteOfProofJsonIsRefused) {
  ProofChain chain(1, false);
  std::vector<Hash> ids = chain.Commit(5);
  chain.Commit(1);
  const std::string json = cli::TxProofToJson(chain.Proof(ids[3]).value());
  ASSERT_TRUE(VerifyJson(json, chain.genesis()).ok());
  EXPECT_EQ(ExpectEveryChangeRefused(json, chain.genesis()), json.size());
}

TEST(TxProofDevChain, FailuresSayWhatFailed) {
  ProofChain chain(1, false);
  std::vector<Hash> ids = chain.Commit(4);
  chain.Commit(1);
  const v1::TxProof good = chain.Proof(ids[2]).value();
  auto message = [&](const v1::TxProof& p) {
    Result<consensus::VerifiedTxProof> v = consensus::VerifyTxProof(p, chain.genesis());
    EXPECT_FALSE(v.ok());
    return v.ok() ? std::string() : v.status().message();
  };
  v1::TxProof p = good;
  (*p.mutable_tx_path(0))[0] ^= 1;
  EXPECT_NE(message(p).find("tx_path: the tx leaf at index 2 does not verify against block 1"),
            std::string::npos)
      << message(p);
  p = good;
  (*p.mutable_result_path(0))[5] ^= 1;
  EXPECT_NE(message(p).find("result_path:"), std::string::npos) << message(p);
  p = good;
  p.mutable_result()->set_code(p.result().code() == 0 ? 5 : 0);
  EXPECT_NE(message(p).find("against block 2 prev_result_root"), std::string::npos) << message(p);
  p = good;
  (*p.mutable_commit_chain(0)->mutable_signatures(0)->mutable_signature())[9] ^= 1;
  EXPECT_NE(message(p).find("signature 0 (validator 0) does not verify"), std::string::npos)
      << message(p);
  p = good;
  p.clear_commit_chain();
  EXPECT_NE(message(p).find("result: no block of commit_chain commits to block 1's results"),
            std::string::npos)
      << message(p);
  p = good;
  p.mutable_result()->set_message("OK");
  EXPECT_NE(message(p).find("result.message"), std::string::npos) << message(p);
}

TEST(TxProofDevChain, AnotherGenesisRefusesTheProof) {
  ProofChain chain(1, false);
  std::vector<Hash> ids = chain.Commit(1);
  chain.Commit(1);
  const v1::TxProof proof = chain.Proof(ids[0]).value();
  // Another consortium under the same chain name: its genesis hash differs.
  TestNetwork other = MakeNetwork(1, "proof-dev");
  Result<consensus::VerifiedTxProof> v = consensus::VerifyTxProof(proof, other.genesis);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("genesis_hash"), std::string::npos);
  // Relabelled for that genesis, the blocks' signatures are not its validators'.
  v1::TxProof relabelled = proof;
  relabelled.set_genesis_hash(other.genesis.hash.ToBinaryString());
  v = consensus::VerifyTxProof(relabelled, other.genesis);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("not a genesis validator"), std::string::npos)
      << v.status().message();
}

TEST(TxProofBft, ResultBlockFinalByCertifiedChildInTheNextRound) {
  ProofChain chain(4, /*bft=*/true);
  chain.Commit(1);
  std::vector<Hash> ids = chain.Commit(3);  // block 2, round 2
  chain.Commit(1);                          // block 3 commits block 2's results
  Result<v1::TxProof> early = chain.Proof(ids[1]);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("not yet shown final"), std::string::npos);
  chain.Commit(0);  // block 4, round 4: certifies block 3 in the next round
  Result<v1::TxProof> proof = chain.Proof(ids[1]);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_EQ(proof->commit_chain_size(), 2);
  Result<consensus::VerifiedTxProof> v = VerifyJson(cli::TxProofToJson(*proof), chain.genesis());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->bft);
  EXPECT_EQ(v->height, 2u);
  EXPECT_EQ(v->result_block_height, 3u);
  EXPECT_EQ(v->result_code, StoredCode(chain.store(), 2, 1));
  EXPECT_EQ(v->final_height, 3u);
  EXPECT_NE(v->finality.find("block 3 (round 3)"), std::string::npos) << v->finality;
}

TEST(TxProofBft, TimedOutRoundsLengthenTheChainUntilConsecutiveRounds) {
  ProofChain chain(4, true);
  std::vector<Hash> ids = chain.Commit(2);  // block 1, round 1
  chain.Commit(1,
               {.round = 3, .result_height = {}});  // block 2 (round 3) commits block 1's results
  chain.Commit(1, {.round = 5, .result_height = {}});  // block 3, round 5: not the next round
  chain.Commit(1, {.round = 6, .result_height = {}});  // block 4, round 6: makes block 3 final
  v1::TxProof proof = chain.Proof(ids[0]).value();
  EXPECT_EQ(proof.commit_chain_size(), 3);
  Result<consensus::VerifiedTxProof> v = consensus::VerifyTxProof(proof, chain.genesis());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->result_block_height, 2u);
  EXPECT_EQ(v->final_height, 3u);
  // Without its last block the proof shows block 2 certified, not final.
  proof.mutable_commit_chain()->RemoveLast();
  v = consensus::VerifyTxProof(proof, chain.genesis());
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("finality: no block of commit_chain from block 2"),
            std::string::npos)
      << v.status().message();
}

TEST(TxProofBft, SkippedResultHeightIsShownAndNoResultIsClaimed) {
  ProofChain chain(4, true);
  chain.Commit(1);                                     // block 1
  std::vector<Hash> ids = chain.Commit(2);             // block 2
  chain.Commit(1, {.round = {}, .result_height = 1});  // block 3 still commits block 1's results
  chain.Commit(1, {.round = {}, .result_height = 3});  // block 4 jumps to block 3: 2 is skipped
  chain.Commit(0);                                     // block 5, next round: block 4 final
  v1::TxProof proof = chain.Proof(ids[1]).value();
  EXPECT_FALSE(proof.has_result());
  Result<consensus::VerifiedTxProof> v = VerifyJson(cli::TxProofToJson(proof), chain.genesis());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(v->result_committed);
  EXPECT_EQ(v->skipped_by_height, 4u);
  EXPECT_EQ(v->final_height, 4u);
  // A result slipped into it is refused: no header commits to one.
  proof.mutable_result()->set_code(0);
  v = consensus::VerifyTxProof(proof, chain.genesis());
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("block 4 skips the results of block 2"), std::string::npos)
      << v.status().message();
}

TEST(TxProofBft, EveryChangedByteOfProofJsonIsRefused) {
  ProofChain chain(4, true);
  std::vector<Hash> ids = chain.Commit(3);
  chain.Commit(1);
  chain.Commit(1);
  const std::string json = cli::TxProofToJson(chain.Proof(ids[2]).value());
  ASSERT_TRUE(VerifyJson(json, chain.genesis()).ok());
  EXPECT_EQ(ExpectEveryChangeRefused(json, chain.genesis()), json.size());
}

TEST(TxProofBft, CertificatesOfAnotherBranchDoNotLink) {
  ProofChain chain(4, true);
  std::vector<Hash> ids = chain.Commit(1);
  chain.Commit(1);
  chain.Commit(1);
  v1::TxProof proof = chain.Proof(ids[0]).value();
  // The same blocks from a second, independently certified chain with the same genesis do not
  // mix: the certificate of its block 2 names another parent.
  v1::TxProof mixed = proof;
  mixed.mutable_commit_chain(0)->set_certificate(proof.block().certificate());
  Result<consensus::VerifiedTxProof> v = consensus::VerifyTxProof(mixed, chain.genesis());
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("commit_chain[0]"), std::string::npos)
      << v.status().message();
}

TEST(TxProofJson, RefusesWhatIsNotTheFormat) {
  ProofChain chain(1, false);
  std::vector<Hash> ids = chain.Commit(1);
  chain.Commit(1);
  const std::string json = cli::TxProofToJson(chain.Proof(ids[0]).value());
  auto refusal = [](const std::string& text) {
    Result<v1::TxProof> p = cli::TxProofFromJson(text);
    EXPECT_FALSE(p.ok());
    return p.ok() ? std::string() : p.status().message();
  };
  // A key twice (the parser alone would keep one).
  std::string twice = json;
  twice.insert(json.find("\"txIndex\""), "\"txIndex\": 0,\n  ");
  EXPECT_NE(refusal(twice).find("twice"), std::string::npos);
  // Uppercase hex: one byte with two spellings.
  std::string upper = json;
  const size_t at = upper.find("\"genesisHash\": \"") + 16;
  upper.replace(at, 64, Hash(chain.genesis().hash).Hex().substr(0, 64));
  for (size_t i = at; i < at + 64; ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_NE(refusal(upper).find("not lowercase hex"), std::string::npos);
  EXPECT_NE(refusal("[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]").find("nests deeper"),
            std::string::npos);
  EXPECT_NE(refusal(std::string(cli::kTxProofJsonBytesMax + 1, ' ')).find("more than"),
            std::string::npos);
  std::string unknown = json;
  unknown.insert(1, "\"extra\": 1,");
  EXPECT_NE(refusal(unknown).find("unknown key \"extra\""), std::string::npos);
  std::string too_long = json;
  const size_t path = too_long.find("\"txPath\": [") + 11;
  std::string hashes;
  for (int i = 0; i < 129; ++i) hashes += (i > 0 ? ",\"" : "\"") + std::string(64, 'a') + "\"";
  if (too_long[path] != ']') hashes += ",";
  too_long.insert(path, hashes);
  EXPECT_NE(refusal(too_long).find("tx_path: more than 128"), std::string::npos)
      << refusal(too_long);
}

TEST(TxProofService, GetProofAnswersTheProofAndRefusesBadIds) {
  ProofChain chain(1, false);
  std::vector<Hash> ids = chain.Commit(2);
  chain.Commit(1);
  Mempool mempool;
  CommitFeed feed(chain.store().Height());
  LedgerService service(LedgerServiceContext{.store = chain.store(),
                                             .mempool = mempool,
                                             .feed = feed,
                                             .genesis = chain.genesis(),
                                             .mode = "dev",
                                             .on_admitted = {},
                                             .fill_status = {}});
  v1::GetProofRequest request;
  request.set_tx_id(ids[1].ToBinaryString());
  v1::TxProof proof;
  ASSERT_TRUE(service.GetProof(nullptr, &request, &proof).ok());
  EXPECT_TRUE(consensus::VerifyTxProof(proof, chain.genesis()).ok());
  request.set_tx_id("short");
  EXPECT_EQ(service.GetProof(nullptr, &request, &proof).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_tx_id(Sha256("unknown").ToBinaryString());
  EXPECT_EQ(service.GetProof(nullptr, &request, &proof).error_code(), grpc::StatusCode::NOT_FOUND);
  feed.Shutdown();
}

}  // namespace
}  // namespace tadori
