#include "ledger/store/chain_check.h"

#include <gtest/gtest.h>
#include <leveldb/db.h>

#include "ledger/merkle.h"
#include "ledger/store/store_keys.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

using testing::MakeBlock;
using testing::MakeNetwork;
using testing::OkResults;
using testing::TempDir;
using testing::TestNetwork;

class ChainCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenStore();
    ASSERT_TRUE(store_->InitGenesis(net_.genesis, {}).ok());
    for (int i = 0; i < kBlocks; ++i) {
      DecodedBlock b =
          MakeBlock(net_, store_->Height() + 1, store_->HeadHash(), store_->HeadResultRoot(), 2);
      ASSERT_TRUE(store_->CommitBlock(b, OkResults(2), {{"k", std::to_string(i)}}).ok());
      blocks_.push_back(b);
    }
  }

  void OpenStore() {
    Result<std::unique_ptr<Store>> s = Store::Open(dir_.path());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  // Closes the store, rewrites one LevelDB record as an attacker or bit rot would, reopens.
  void Alter(const std::string& key, const std::string& value) {
    store_.reset();
    leveldb::DB* db = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), dir_.path(), &db).ok());
    ASSERT_TRUE(db->Put(leveldb::WriteOptions(), key, value).ok());
    delete db;
    OpenStore();
  }

  void ExpectDataLossAt(uint64_t height, const std::string& needle) {
    Result<ChainCheckReport> r = CheckChain(*store_, net_.genesis);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kDataLoss) << r.status().ToString();
    EXPECT_NE(r.status().message().find("block " + std::to_string(height) + ":"), std::string::npos)
        << r.status().ToString();
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().ToString();
  }

  static constexpr int kBlocks = 8;
  TempDir dir_;
  TestNetwork net_ = MakeNetwork(4);
  std::unique_ptr<Store> store_;
  std::vector<DecodedBlock> blocks_;
};

TEST_F(ChainCheckTest, IntactChainPasses) {
  Result<ChainCheckReport> r = CheckChain(*store_, net_.genesis);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->blocks_checked, static_cast<uint64_t>(kBlocks));
  EXPECT_EQ(r->txs_checked, static_cast<uint64_t>(2 * kBlocks));
}

TEST_F(ChainCheckTest, ReportsProgressAfterEveryBlock) {
  std::vector<uint64_t> checked;
  Result<ChainCheckReport> r = CheckChain(
      *store_, net_.genesis, SignatureQuorum, [&](const ChainCheckReport& so_far, uint64_t height) {
        EXPECT_EQ(height, static_cast<uint64_t>(kBlocks));
        EXPECT_EQ(so_far.txs_checked, 2 * so_far.blocks_checked);
        checked.push_back(so_far.blocks_checked);
      });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(checked.size(), static_cast<size_t>(kBlocks));
  EXPECT_EQ(checked.front(), 1u);
  EXPECT_EQ(checked.back(), static_cast<uint64_t>(kBlocks));
}

TEST(ChainCheck, EmptyChainPasses) {
  TempDir dir;
  TestNetwork net = MakeNetwork(1);
  std::unique_ptr<Store> store = std::move(Store::Open(dir.path())).value();
  ASSERT_TRUE(store->InitGenesis(net.genesis, {}).ok());
  Result<ChainCheckReport> r = CheckChain(*store, net.genesis);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->blocks_checked, 0u);
}

TEST_F(ChainCheckTest, OtherGenesisIsDataLoss) {
  TestNetwork other = MakeNetwork(1);
  Status s = CheckChain(*store_, other.genesis).status();
  EXPECT_EQ(s.code(), Code::kDataLoss) << s.ToString();
  EXPECT_NE(s.message().find("stored genesis is not " + other.genesis.hash.ShortHex()),
            std::string::npos)
      << s.ToString();
}

TEST_F(ChainCheckTest, AlteredBlockBytesDetected) {
  v1::Block b = blocks_[4].block;  // height 5
  v1::BlockHeader h = blocks_[4].header;
  h.set_timestamp_ms(h.timestamp_ms() + 1);
  b.set_header(h.SerializeAsString());
  Alter(store_keys::Block(5), b.SerializeAsString());
  ExpectDataLossAt(5, "signatures");
}

TEST_F(ChainCheckTest, FlippedByteInStoredBlockDetected) {
  std::string bytes = blocks_[2].block.SerializeAsString();  // height 3
  bytes[bytes.size() / 2] ^= 0x10;                           // inside a transaction
  Alter(store_keys::Block(3), bytes);
  ExpectDataLossAt(3, "tx_root does not match its transactions");
}

TEST_F(ChainCheckTest, StrippedSignaturesDetected) {
  v1::Block b = blocks_[6].block;                // height 7
  b.mutable_signatures()->DeleteSubrange(0, 2);  // 2 of 4 left, quorum is 3
  Alter(store_keys::Block(7), b.SerializeAsString());
  ExpectDataLossAt(7, "signatures");
}

TEST_F(ChainCheckTest, BlockReplacedByValidForkDetected) {
  // A fully signed block at height 4 that follows block 3 but is not the block 5 follows,
  // stored with every index that points at it, so that block 4 passes on its own and only
  // the link from block 5 can give it away.
  DecodedBlock fork =
      MakeBlock(net_, 4, blocks_[2].hash,
                Hash::FromBytes(AsBytes(blocks_[3].header.prev_result_root())).value(), 2);
  ASSERT_NE(fork.hash, blocks_[3].hash);
  Alter(store_keys::Block(4), fork.block.SerializeAsString());
  Alter(store_keys::HeightByHash(fork.hash), store_keys::EncodeHeight(4));
  for (uint32_t i = 0; i < fork.txs.size(); ++i) {
    Alter(store_keys::TxLocator(fork.txs[i].id), store_keys::EncodeTxLocator(4, i));
  }
  Alter(store_keys::ResultRoot(4), testing::ResultRootOf(fork, OkResults(2)).ToBinaryString());
  ExpectDataLossAt(
      5, "prev_hash " + blocks_[3].hash.ShortHex() + " is not the parent " + fork.hash.ShortHex());
}

TEST_F(ChainCheckTest, BlockReplacedWithoutItsHashIndexDetected) {
  // The same fork written over block 4 alone: the hash index still names the old block.
  DecodedBlock fork =
      MakeBlock(net_, 4, blocks_[2].hash,
                Hash::FromBytes(AsBytes(blocks_[3].header.prev_result_root())).value(), 2);
  Alter(store_keys::Block(4), fork.block.SerializeAsString());
  ExpectDataLossAt(4, "NOT_FOUND: no block with hash " + fork.hash.ShortHex());
}

// Altered results no longer hash to the result root stored beside them at commit (which
// later blocks are checked against), so the block itself is reported.
TEST_F(ChainCheckTest, AlteredResultsDetectedByStoredRoot) {
  v1::BlockResults results = OkResults(2);
  results.mutable_results(1)->set_code(9);
  Alter(store_keys::Results(2), results.SerializeAsString());
  ExpectDataLossAt(2, "stored result root");
}

TEST_F(ChainCheckTest, AlteredHeadResultsDetectedByStoredRoot) {
  v1::BlockResults results = OkResults(2);
  results.mutable_results(0)->set_code(7);  // the root covers codes; messages are human text
  Alter(store_keys::Results(kBlocks), results.SerializeAsString());
  ExpectDataLossAt(kBlocks, "stored result root");
}

TEST_F(ChainCheckTest, AlteredResultsAndStoredRootDetectedByNextBlock) {
  v1::BlockResults results = OkResults(2);
  results.mutable_results(1)->set_code(9);
  Alter(store_keys::Results(2), results.SerializeAsString());
  std::vector<Hash> ids;
  for (const DecodedTransaction& tx : blocks_[1].txs) ids.push_back(tx.id);
  const std::vector<v1::TxResult> list(results.results().begin(), results.results().end());
  Alter(store_keys::ResultRoot(2), ResultRoot(ids, list).ToBinaryString());
  ExpectDataLossAt(3, "prev_result_root");
}

TEST_F(ChainCheckTest, MissingResultDetected) {
  Alter(store_keys::Results(6), OkResults(1).SerializeAsString());
  ExpectDataLossAt(6, "results");
}

TEST_F(ChainCheckTest, MisdirectedTxLocatorDetected) {
  Alter(store_keys::TxLocator(blocks_[1].txs[1].id), store_keys::EncodeTxLocator(2, 0));
  ExpectDataLossAt(2, "tx 1");
}

TEST_F(ChainCheckTest, HashIndexDetected) {
  Alter(store_keys::HeightByHash(blocks_[0].hash), store_keys::EncodeHeight(3));
  ExpectDataLossAt(1, "does not hash");
}

TEST_F(ChainCheckTest, AgreementCheckIsThePassedOne) {
  // Stripped signatures pass when the caller's check does not look at them...
  v1::Block stripped = blocks_[6].block;  // height 7
  stripped.clear_signatures();
  Alter(store_keys::Block(7), stripped.SerializeAsString());
  std::vector<uint64_t> seen;
  auto accept_all = [&](const DecodedBlock& block, const GenesisInfo& genesis) {
    EXPECT_EQ(genesis.hash, net_.genesis.hash);
    seen.push_back(block.header.height());
    return Status::Ok();
  };
  Result<ChainCheckReport> r = CheckChain(*store_, net_.genesis, accept_all);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->blocks_checked, static_cast<uint64_t>(kBlocks));
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  // ...the default one still refuses them...
  ExpectDataLossAt(7, "signatures");
  // ...and a refusal from the caller's check is DATA_LOSS at that block, with its reason.
  auto refuse_five = [](const DecodedBlock& block, const GenesisInfo&) {
    return block.header.height() == 5 ? Status::Unauthenticated("no certificate here")
                                      : Status::Ok();
  };
  r = CheckChain(*store_, net_.genesis, refuse_five);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kDataLoss) << r.status().ToString();
  EXPECT_NE(r.status().message().find("block 5:"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("no certificate here"), std::string::npos)
      << r.status().ToString();
}

TEST_F(ChainCheckTest, PrevResultRootOfAnotherResultHeightDetected) {
  // A fully signed head block that says it agrees on block 3's results but carries the root
  // of block 4's.
  BlockDraft draft;
  draft.chain_id = net_.genesis.genesis.chain_id();
  draft.height = kBlocks;
  draft.round = kBlocks;
  draft.prev_hash = blocks_[kBlocks - 2].hash;
  draft.result_height = 3;
  draft.prev_result_root = Hash::FromBytes(AsBytes(blocks_[4].header.prev_result_root())).value();
  draft.proposer = net_.validator_keys[0].public_key().id();
  draft.timestamp_ms = blocks_[kBlocks - 1].header.timestamp_ms();
  draft.txs = blocks_[kBlocks - 1].txs;
  DecodedBlock block = BuildBlock(draft);
  for (const PrivateKey& key : net_.validator_keys) SignBlock(block, key);
  Alter(store_keys::Block(kBlocks), block.block.SerializeAsString());
  ExpectDataLossAt(kBlocks, "prev_result_root is not the root of block 3's results");
}

}  // namespace
}  // namespace tadori
