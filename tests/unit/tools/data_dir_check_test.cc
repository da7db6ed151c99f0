#include "tools/cli/data_dir_check.h"

#include <gtest/gtest.h>
#include <leveldb/db.h>

#include <filesystem>

#include "ledger/store/store.h"
#include "ledger/store/store_keys.h"
#include "tests/unit/ledger/test_chain.h"

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

TEST_F(DataDirCheckTest, VerifiesEveryStoredBlock) {
  Result<DataDirCheck> check = CheckDataDir(dir_.path());
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->height, 5u);
  EXPECT_EQ(check->report.blocks_checked, 5u);
  EXPECT_EQ(check->report.txs_checked, 15u);
  EXPECT_EQ(check->genesis_hash, net_.genesis.hash);
  EXPECT_EQ(check->chain_id, net_.genesis.genesis.chain_id());
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

}  // namespace
}  // namespace tadori::cli
