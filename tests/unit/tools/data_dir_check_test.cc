#include "tools/cli/data_dir_check.h"

#include <gtest/gtest.h>
#include <leveldb/db.h>

#include <filesystem>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "chaincode/chaincode.h"
#include "chaincode/state_keys.h"
#include "ledger/store/store.h"
#include "ledger/store/store_keys.h"
#include "node/validator/executor.h"
#include "tests/unit/ledger/test_chain.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori::cli {
namespace {

using tadori::testing::MakeBlock;
using tadori::testing::MakeNetwork;
using tadori::testing::OkResults;
using tadori::testing::TempDir;

class DataDirCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(db_path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->InitGenesis(net_.genesis, {}).ok());
    for (int i = 0; i < 5; ++i) {
      DecodedBlock b = MakeBlock(net_, (*store)->Height() + 1, (*store)->HeadHash(),
                                 (*store)->HeadResultRoot(), 3);
      ASSERT_TRUE((*store)->CommitBlock(b, OkResults(3), {}).ok());
    }
  }

  std::string db_path() const { return (std::filesystem::path(dir_.path()) / "db").string(); }

  TempDir dir_;
  tadori::testing::TestNetwork net_ = MakeNetwork(4);
};

// This fixture's blocks carry made-up results (every transaction OK, no state written), so
// only the block checks pass; the rebuild names the first result execution does not give.
TEST_F(DataDirCheckTest, VerifiesEveryStoredBlock) {
  DataDirCheckOptions blocks_only;
  blocks_only.rebuild = false;
  Result<DataDirCheck> check = CheckDataDir(dir_.path(), blocks_only);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_FALSE(check->rebuilt);
  EXPECT_EQ(check->height, 5u);
  EXPECT_EQ(check->report.blocks_checked, 5u);
  EXPECT_EQ(check->report.txs_checked, 15u);
  EXPECT_EQ(check->genesis_hash, net_.genesis.hash);
  EXPECT_EQ(check->chain_id, net_.genesis.genesis.chain_id());
}

TEST_F(DataDirCheckTest, MadeUpResultsFailTheRebuild) {
  Result<DataDirCheck> check = CheckDataDir(dir_.path());
  EXPECT_EQ(check.status().code(), Code::kDataLoss) << check.status().ToString();
  EXPECT_NE(check.status().message().find("block 1 tx 0 ("), std::string::npos)
      << check.status().ToString();
  EXPECT_NE(check.status().message().find("stored result OK but re-execution gives "),
            std::string::npos)
      << check.status().ToString();
}

TEST_F(DataDirCheckTest, TamperedBlockIsDataLoss) {
  leveldb::DB* db = nullptr;
  ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), db_path(), &db).ok());
  std::string bytes;
  ASSERT_TRUE(db->Get(leveldb::ReadOptions(), store_keys::Block(3), &bytes).ok());
  v1::Block block;
  ASSERT_TRUE(block.ParseFromString(bytes));
  std::string sig = block.txs(1).signature();
  sig[10] ^= 0x01;
  block.mutable_txs(1)->set_signature(sig);
  ASSERT_TRUE(
      db->Put(leveldb::WriteOptions(), store_keys::Block(3), block.SerializeAsString()).ok());
  delete db;
  Result<DataDirCheck> check = CheckDataDir(dir_.path());
  EXPECT_EQ(check.status().code(), Code::kDataLoss) << check.status().ToString();
  EXPECT_NE(check.status().message().find(
                "block 3: INVALID_ARGUMENT: block 3 tx_root does not match its transactions"),
            std::string::npos)
      << check.status().ToString();
}

TEST(DataDirCheck, MissingDirectoryIsNotFound) {
  TempDir dir;
  Result<DataDirCheck> check = CheckDataDir(dir.path() + "/nothing-here");
  EXPECT_EQ(check.status().code(), Code::kNotFound) << check.status().ToString();
  EXPECT_NE(check.status().message().find("opening " + dir.path() +
                                          "/nothing-here/db: no database in data directory"),
            std::string::npos)
      << check.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/nothing-here/db"));  // nothing created
}

// A data directory written by a real chain: the validators' executor over the chaincode,
// committed block by block as a node does (the data directory layout: DIR/db).
class RealChainDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::Genesis g;
    g.set_chain_id(testing::kChainId);
    g.set_genesis_time_ms(testing::kBaseTimeMs);
    for (const auto& [id, role] :
         std::vector<std::pair<std::string, std::string>>{{"farm", "producer"},
                                                          {"mill", "processor"},
                                                          {"truck", "carrier"},
                                                          {"shop", "retailer"},
                                                          {"fda", "regulator"}}) {
      admins_.emplace(id, testing::NewKey());
      v1::Organization* org = g.add_organizations();
      org->set_id(id);
      org->set_name(id + " inc.");
      org->add_roles(role);
      org->add_admin_public_keys(admins_.at(id).public_key().ToPem());
    }
    v1::Validator* v = g.add_validators();
    v->set_id("v0");
    v->set_org_id("farm");
    v->set_consensus_public_key(validator_.public_key().ToPem());
    v->set_address("127.0.0.1:7000");
    genesis_ = std::make_unique<GenesisInfo>(SealGenesis(g).value());
    store_ = Store::Open(db_path()).value();
    ASSERT_TRUE(store_->InitGenesis(*genesis_, GenesisState(g).value()).ok());

    using testing::kSauce;
    using testing::kTomato;
    Commit({{"farm", testing::RegisterProduct(kTomato, "Tomatoes")},
            {"mill", testing::RegisterProduct(kSauce, "Sauce")}});
    Commit({{"farm", testing::Harvest("farm", "A", 1'000'000, 0)},
            {"farm", testing::Harvest("farm", "B", 500'000, 1)}});
    Commit({{"farm", testing::Ship("farm", "A", kTomato, 400'000, "mill", "truck", 2)}});
    Commit({{"mill", testing::Receive("mill", "A", kTomato, 400'000, "farm", 3)},
            // refused (the shop never held lot B): a refusal replays as stored too
            {"shop", testing::Ship("shop", "B", kTomato, 1'000, "mill", "", 4)}});
    Commit({{"mill",
             testing::Transform("mill", {{"A", 400'000}}, kTomato, {{"S", 300'000}}, kSauce, 5)},
            {"fda", testing::Recall("A", "test recall")}});
    store_.reset();  // a stopped node
  }

  void Commit(const std::vector<std::pair<std::string, v1::TransactionBody>>& txs) {
    BlockDraft draft = DraftOnHead(store_->head(), testing::kChainId, validator_.public_key().id());
    draft.timestamp_ms = testing::kBaseTimeMs + static_cast<int64_t>(draft.height) * 1000;
    for (const auto& [org, payload] : txs) {
      v1::TransactionBody body = payload;
      body.set_chain_id(testing::kChainId);
      body.set_nonce(ToString(NewNonce()));
      body.set_valid_until_height(draft.height + 100);
      body.set_created_at_ms(draft.timestamp_ms);
      draft.txs.push_back(DecodeTransaction(SignTransaction(body, admins_.at(org))).value());
    }
    DecodedBlock block = BuildBlock(draft);
    SignBlock(block, validator_);
    Result<ExecutedBlock> executed =
        ExecuteBlock(store_->state(), draft.height, draft.timestamp_ms, block.txs);
    ASSERT_TRUE(executed.ok()) << executed.status().ToString();
    ASSERT_TRUE(store_
                    ->CommitBlock(block, executed->results, executed->writes, executed->index,
                                  /*sync=*/false)
                    .ok());
    txs_ += txs.size();
  }

  std::string db_path() const { return (std::filesystem::path(dir_.path()) / "db").string(); }

  // Changes the database under the store, as bit rot or a hand edit would.
  void Tamper(const std::function<void(leveldb::DB&)>& edit) {
    leveldb::DB* db = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), db_path(), &db).ok());
    edit(*db);
    delete db;
  }

  // The first raw index key whose chaincode key starts with `prefix`, as chaincode wrote it.
  std::string FirstIndexKey(leveldb::DB& db, const std::string& prefix) {
    std::unique_ptr<leveldb::Iterator> it(db.NewIterator(leveldb::ReadOptions()));
    const std::string raw = store_keys::Index(prefix);
    it->Seek(raw);
    EXPECT_TRUE(it->Valid() && it->key().starts_with(raw));
    return it->Valid() ? it->key().ToString().substr(store_keys::IndexPrefix().size()) : "";
  }

  // CheckDataDir with the scratch store in scratch_, which must be empty again afterwards.
  Result<DataDirCheck> Check() {
    DataDirCheckOptions options;
    options.scratch_parent = scratch_.path();
    options.progress = [this](const VerifyProgress& p) { progress_.push_back(p); };
    Result<DataDirCheck> check = CheckDataDir(dir_.path(), options);
    EXPECT_TRUE(std::filesystem::is_empty(scratch_.path())) << "scratch store left behind";
    return check;
  }

  static void ExpectDataLoss(const Result<DataDirCheck>& check, const std::string& names) {
    EXPECT_EQ(check.status().code(), Code::kDataLoss) << check.status().ToString();
    EXPECT_NE(check.status().message().find(names), std::string::npos) << check.status().ToString();
  }

  TempDir dir_;
  TempDir scratch_;
  PrivateKey validator_ = testing::NewKey();
  std::map<std::string, PrivateKey> admins_;
  std::unique_ptr<GenesisInfo> genesis_;
  std::unique_ptr<Store> store_;
  uint64_t txs_ = 0;
  std::vector<VerifyProgress> progress_;
};

TEST_F(RealChainDirTest, RebuiltStateAndIndexEqualTheStoredOnes) {
  Result<DataDirCheck> check = Check();
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->rebuilt);
  EXPECT_EQ(check->height, 5u);
  EXPECT_EQ(check->blocks_replayed, 5u);
  EXPECT_EQ(check->txs_replayed, txs_);
  EXPECT_GT(check->state_keys, 10u);
  EXPECT_GT(check->index_entries, 10u);
  // Progress: every block re-executed, then the comparison's final counts.
  ASSERT_FALSE(progress_.empty());
  EXPECT_EQ(progress_.back().phase, VerifyProgress::Phase::kComparing);
  EXPECT_EQ(progress_.back().state_keys, check->state_keys);
  EXPECT_EQ(progress_.back().index_entries, check->index_entries);
  size_t replayed = 0;
  for (const VerifyProgress& p : progress_) {
    if (p.phase == VerifyProgress::Phase::kReplaying) ++replayed;
  }
  EXPECT_EQ(replayed, 5u);
}

TEST_F(RealChainDirTest, ChangedStateValueIsNamed) {
  Tamper([](leveldb::DB& db) {
    const std::string key = store_keys::State(LotStateKey("A"));
    std::string value;
    ASSERT_TRUE(db.Get(leveldb::ReadOptions(), key, &value).ok());
    v1::LotRecord lot;
    ASSERT_TRUE(lot.ParseFromString(value));
    lot.set_created_quantity_milli(lot.created_quantity_milli() +
                                   1);  // a little more tomato than was harvested
    ASSERT_TRUE(db.Put(leveldb::WriteOptions(), key, lot.SerializeAsString()).ok());
  });
  ExpectDataLoss(Check(), "state key \"lot/A\": different value (stored ");
}

TEST_F(RealChainDirTest, DeletedIndexEntryIsNamed) {
  std::string deleted;
  Tamper([&](leveldb::DB& db) {
    deleted = FirstIndexKey(db, "le/A");
    ASSERT_TRUE(db.Delete(leveldb::WriteOptions(), store_keys::Index(deleted)).ok());
  });
  ASSERT_FALSE(deleted.empty());
  ExpectDataLoss(Check(), "index entry \"" + PrintableKey(deleted) +
                              "\": missing (the blocks imply it, the store lacks it)");
}

TEST_F(RealChainDirTest, ExtraIndexEntryIsNamed) {
  const std::string extra = std::string("le/A\0", 5) + "\x01planted";
  Tamper([&](leveldb::DB& db) {
    ASSERT_TRUE(db.Put(leveldb::WriteOptions(), store_keys::Index(extra), "x").ok());
  });
  ExpectDataLoss(Check(),
                 "index entry \"le/A\\x00\\x01planted\": extra (in the store, not implied by "
                 "the blocks)");
}

TEST_F(RealChainDirTest, ChangedStoredResultIsNamed) {
  Tamper([](leveldb::DB& db) {
    std::string bytes;
    ASSERT_TRUE(db.Get(leveldb::ReadOptions(), store_keys::Results(4), &bytes).ok());
    v1::BlockResults results;
    ASSERT_TRUE(results.ParseFromString(bytes));
    ASSERT_NE(results.results(1).code(), 0u);  // the refused shipment
    results.mutable_results(1)->set_code(0);
    results.mutable_results(1)->clear_message();
    ASSERT_TRUE(
        db.Put(leveldb::WriteOptions(), store_keys::Results(4), results.SerializeAsString()).ok());
  });
  // The block checks see it first: the results no longer have the root the chain agreed on.
  ExpectDataLoss(Check(), "block 4: stored result root is not the root of its results");
}

TEST(PrintableKey, EscapesEverythingButPrintableAscii) {
  EXPECT_EQ(PrintableKey("lot/A-1"), "lot/A-1");
  EXPECT_EQ(PrintableKey(std::string("le/A\0\x01\x7f\xff", 8)), "le/A\\x00\\x01\\x7f\\xff");
  EXPECT_EQ(PrintableKey("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(PrintableKey("\xc3\xa9\n"), "\\xc3\\xa9\\x0a");
}

TEST(DescribeDifference, NamesSpaceKeyAndKind) {
  KeyDifference d;
  d.space = KeySpace::kIndex;
  d.kind = KeyDifferenceKind::kDifferentValue;
  d.key = std::string("e/\0", 3);
  d.stored = "abc";
  d.expected = "abcd";
  EXPECT_EQ(DescribeDifference(d),
            "index entry \"e/\\x00\": different value (stored 3 bytes, rebuilt from the "
            "blocks 4 bytes)");
  d.space = KeySpace::kState;
  d.kind = KeyDifferenceKind::kMissing;
  d.key = "lot/A";
  EXPECT_EQ(DescribeDifference(d),
            "state key \"lot/A\": missing (the blocks imply it, the store lacks it)");
}

}  // namespace
}  // namespace tadori::cli
