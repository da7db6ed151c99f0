#include "ledger/store.h"

#include <gtest/gtest.h>
#include <leveldb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "ledger/chain_check.h"
#include "ledger/merkle.h"
#include "ledger/store_keys.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

using testing::MakeBlock;
using testing::MakeNetwork;
using testing::OkResults;
using testing::TempDir;
using testing::TestNetwork;

std::unique_ptr<Store> OpenOrDie(const std::string& dir) {
  Result<std::unique_ptr<Store>> store = Store::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) std::abort();
  return std::move(store).value();
}

// Writes `value` at `key` under the store's feet (the store must be closed).
void RawPut(const std::string& dir, const std::string& key, const std::string& value) {
  leveldb::DB* db = nullptr;
  ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), dir, &db).ok());
  ASSERT_TRUE(db->Put(leveldb::WriteOptions(), key, value).ok());
  delete db;
}

std::string RawGet(const std::string& dir, const std::string& key) {
  leveldb::DB* db = nullptr;
  EXPECT_TRUE(leveldb::DB::Open(leveldb::Options(), dir, &db).ok());
  std::string value;
  EXPECT_TRUE(db->Get(leveldb::ReadOptions(), key, &value).ok());
  delete db;
  return value;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    genesis_state_["org/farm"] = "farm record";
    ASSERT_TRUE(store_->InitGenesis(net_.genesis, genesis_state_).ok());
  }

  // Builds, signs and commits the next block with `tx_count` transactions.
  DecodedBlock CommitNext(size_t tx_count, const WriteSet& writes = {},
                          const std::vector<std::pair<std::string, std::string>>& index = {}) {
    DecodedBlock block = MakeBlock(net_, store_->Height() + 1, store_->HeadHash(),
                                   store_->HeadResultRoot(), tx_count);
    Status s = store_->CommitBlock(block, OkResults(tx_count), writes, index);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return block;
  }

  void Reopen() {
    store_.reset();
    store_ = OpenOrDie(dir_.path());
  }

  TempDir dir_;
  TestNetwork net_ = MakeNetwork(1);
  WriteSet genesis_state_;
  std::unique_ptr<Store> store_;
};

TEST(StoreOpen, CreatesMissingDirectories) {
  TempDir dir;
  const std::string nested = dir.path() + "/a/b/data";
  Result<std::unique_ptr<Store>> store = Store::Open(nested);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Height(), 0u);
  EXPECT_TRUE((*store)->HeadHash().IsZero());
}

TEST(StoreOpen, MissingWithoutCreateIsNotFound) {
  TempDir dir;
  EXPECT_EQ(Store::Open(dir.path() + "/none", false).status().code(), Code::kNotFound);
}

TEST(StoreOpen, SecondOpenIsUnavailable) {
  TempDir dir;
  std::unique_ptr<Store> first = OpenOrDie(dir.path());
  Status s = Store::Open(dir.path()).status();
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("data directory in use"), std::string::npos) << s.ToString();
}

TEST(StoreOpen, CommitBeforeGenesisRefused) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenOrDie(dir.path());
  TestNetwork net = MakeNetwork(1);
  DecodedBlock b = MakeBlock(net, 1, net.genesis.hash, MerkleRoot({}), 0);
  EXPECT_EQ(store->CommitBlock(b, OkResults(0), {}).code(), Code::kFailedPrecondition);
  EXPECT_EQ(store->Height(), 0u);
}

TEST_F(StoreTest, GenesisStoredWithHeadAtZero) {
  EXPECT_EQ(store_->Height(), 0u);
  EXPECT_EQ(store_->HeadHash(), net_.genesis.hash);
  EXPECT_EQ(store_->HeadResultRoot(), MerkleRoot({}));
  Result<std::optional<Bytes>> bytes = store_->GenesisBytes();
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(bytes->has_value());
  EXPECT_EQ(**bytes, net_.genesis.bytes);
  Result<std::optional<std::string>> org = store_->state().Get("org/farm");
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(*org, std::optional<std::string>("farm record"));
}

TEST_F(StoreTest, SameGenesisAgainIsOkAndWritesNothing) {
  WriteSet other_state{{"org/farm", "changed"}};
  EXPECT_TRUE(store_->InitGenesis(net_.genesis, other_state).ok());
  EXPECT_EQ(store_->state().Get("org/farm").value(), std::optional<std::string>("farm record"));
  Reopen();
  EXPECT_TRUE(store_->InitGenesis(net_.genesis, genesis_state_).ok());
}

TEST_F(StoreTest, DifferentGenesisRefused) {
  TestNetwork other = MakeNetwork(1);
  EXPECT_EQ(store_->InitGenesis(other.genesis, {}).code(), Code::kFailedPrecondition);
  Reopen();
  EXPECT_EQ(store_->InitGenesis(other.genesis, {}).code(), Code::kFailedPrecondition);
  EXPECT_EQ(store_->HeadHash(), net_.genesis.hash);
}

TEST_F(StoreTest, CommitThenGetFind) {
  DecodedBlock b = CommitNext(3);
  EXPECT_EQ(store_->Height(), 1u);
  EXPECT_EQ(store_->HeadHash(), b.hash);
  EXPECT_EQ(store_->HeadResultRoot(), testing::ResultRootOf(b, OkResults(3)));

  Result<v1::Block> got = store_->GetBlock(1);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->SerializeAsString(), b.block.SerializeAsString());
  EXPECT_EQ(store_->HeightOfHash(b.hash).value(), 1u);
  EXPECT_EQ(store_->GetResults(1).value().results_size(), 3);
  for (uint32_t i = 0; i < 3; ++i) {
    Result<Store::TxLocation> loc = store_->FindTransaction(b.txs[i].id);
    ASSERT_TRUE(loc.ok());
    EXPECT_EQ(loc->height, 1u);
    EXPECT_EQ(loc->index, i);
  }
  const Hash unknown = Sha256(std::string_view("unknown"));
  EXPECT_EQ(store_->FindTransaction(unknown).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->HeightOfHash(unknown).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetBlock(0).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetBlock(2).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetResults(2).status().code(), Code::kNotFound);
}

TEST_F(StoreTest, RefusedCommitsWriteNothing) {
  DecodedBlock first = CommitNext(1);
  const Store::Head before = store_->head();
  const WriteSet writes{{"lot/x", "x"}};
  const std::vector<std::pair<std::string, std::string>> index{{"lot/x/1", "v"}};
  auto refuse = [&](const DecodedBlock& b, const v1::BlockResults& results, Code code) {
    EXPECT_EQ(store_->CommitBlock(b, results, writes, index).code(), code);
    EXPECT_EQ(store_->head().hash, before.hash);
    EXPECT_EQ(store_->Height(), before.height);
    EXPECT_EQ(store_->state().Get("lot/x").value(), std::nullopt);
    EXPECT_TRUE(store_->ScanIndex("", 10).value().empty());
    for (const DecodedTransaction& tx : b.txs) {
      EXPECT_EQ(store_->FindTransaction(tx.id).status().code(), Code::kNotFound);
    }
    EXPECT_EQ(store_->HeightOfHash(b.hash).status().code(), Code::kNotFound);
  };
  // Wrong height (3 instead of 2), same height again, wrong parent, wrong result root.
  refuse(MakeBlock(net_, 3, before.hash, before.result_root, 1), OkResults(1),
         Code::kFailedPrecondition);
  refuse(MakeBlock(net_, 1, net_.genesis.hash, MerkleRoot({}), 1), OkResults(1),
         Code::kFailedPrecondition);
  refuse(MakeBlock(net_, 2, net_.genesis.hash, before.result_root, 1), OkResults(1),
         Code::kFailedPrecondition);
  refuse(MakeBlock(net_, 2, before.hash, MerkleRoot({}), 1), OkResults(1),
         Code::kFailedPrecondition);
  // Results that do not match the transactions one to one.
  refuse(MakeBlock(net_, 2, before.hash, before.result_root, 2), OkResults(1),
         Code::kInvalidArgument);
  Reopen();
  EXPECT_EQ(store_->head().hash, first.hash);
}

TEST_F(StoreTest, ReopenYieldsSameHead) {
  for (int i = 0; i < 5; ++i) CommitNext(2);
  const Store::Head head = store_->head();
  Reopen();
  EXPECT_EQ(store_->Height(), 5u);
  EXPECT_EQ(store_->HeadHash(), head.hash);
  EXPECT_EQ(store_->HeadResultRoot(), head.result_root);
  EXPECT_TRUE(store_->InitGenesis(net_.genesis, genesis_state_).ok());
  CommitNext(1);  // the chain continues from the reopened head
  EXPECT_EQ(store_->Height(), 6u);
}

TEST_F(StoreTest, StateReadsAfterCommitAndDeletes) {
  CommitNext(1, {{"lot/a", "A1"}, {"lot/b", "B1"}});
  EXPECT_EQ(store_->state().Get("lot/a").value(), std::optional<std::string>("A1"));
  CommitNext(1, {{"lot/a", std::nullopt}, {"lot/b", "B2"}, {"org/farm", std::nullopt}});
  EXPECT_EQ(store_->state().Get("lot/a").value(), std::nullopt);
  EXPECT_EQ(store_->state().Get("lot/b").value(), std::optional<std::string>("B2"));
  EXPECT_EQ(store_->state().Get("org/farm").value(), std::nullopt);
  Reopen();
  EXPECT_EQ(store_->state().Get("lot/b").value(), std::optional<std::string>("B2"));
  EXPECT_EQ(store_->state().Get("lot/a").value(), std::nullopt);
}

TEST_F(StoreTest, StateKeysAndIndexKeysDoNotMix) {
  CommitNext(0, {{"k", "state"}}, {{"k", "index"}});
  EXPECT_EQ(store_->state().Get("k").value(), std::optional<std::string>("state"));
  auto scan = store_->ScanIndex("k", 10).value();
  ASSERT_EQ(scan.size(), 1u);
  EXPECT_EQ(scan[0].second, "index");
}

TEST_F(StoreTest, IndexScanOrderPrefixAndLimit) {
  CommitNext(0, {}, {{"lot/b/2", "b2"}, {"lot/a/1", "a1"}, {"lot/b/1", "b1"}, {"lou", "x"}});
  CommitNext(0, {}, {{"lot/b/0", "b0"}, {"lot/c", "c"}});
  auto all = store_->ScanIndex("lot/b/", 100).value();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], (std::pair<std::string, std::string>("lot/b/0", "b0")));
  EXPECT_EQ(all[1].first, "lot/b/1");
  EXPECT_EQ(all[2].first, "lot/b/2");
  EXPECT_EQ(store_->ScanIndex("lot/", 2).value().size(), 2u);
  EXPECT_EQ(store_->ScanIndex("lot/", 100).value().size(), 5u);
  EXPECT_EQ(store_->ScanIndex("", 100).value().size(), 6u);
  EXPECT_TRUE(store_->ScanIndex("lot/", 0).value().empty());
  EXPECT_TRUE(store_->ScanIndex("zzz", 10).value().empty());
  // Index keys never leak into state and vice versa.
  EXPECT_EQ(store_->state().Get("lot/c").value(), std::nullopt);
}

TEST_F(StoreTest, SafetyStateRoundTripSurvivesReopen) {
  EXPECT_EQ(store_->GetSafetyState().value(), std::nullopt);
  ASSERT_TRUE(store_->PutSafetyState(AsBytes("round 7")).ok());
  ASSERT_TRUE(store_->PutSafetyState(AsBytes("round 8")).ok());
  Reopen();
  EXPECT_EQ(store_->GetSafetyState().value(), std::optional<Bytes>(ToBytes("round 8")));
}

TEST_F(StoreTest, GarbageBlockBytesAreDataLoss) {
  CommitNext(1);
  store_.reset();
  RawPut(dir_.path(), store_keys::Block(1), "garbage");
  store_ = OpenOrDie(dir_.path());
  EXPECT_EQ(store_->GetBlock(1).status().code(), Code::kDataLoss);
}

TEST_F(StoreTest, BlockUnderWrongHeightIsDataLoss) {
  DecodedBlock b1 = CommitNext(1);
  CommitNext(1);
  store_.reset();
  RawPut(dir_.path(), store_keys::Block(2), RawGet(dir_.path(), store_keys::Block(1)));
  store_ = OpenOrDie(dir_.path());
  Status s = store_->GetBlock(2).status();
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_NE(s.message().find("names height"), std::string::npos) << s.ToString();
}

TEST_F(StoreTest, HashIndexPointingElsewhereIsDataLoss) {
  DecodedBlock b1 = CommitNext(1);
  CommitNext(1);
  store_.reset();
  RawPut(dir_.path(), store_keys::HeightByHash(b1.hash), store_keys::EncodeHeight(2));
  store_ = OpenOrDie(dir_.path());
  EXPECT_EQ(store_->HeightOfHash(b1.hash).status().code(), Code::kDataLoss);
}

TEST_F(StoreTest, MalformedHeadRecordIsDataLossAtOpen) {
  store_.reset();
  RawPut(dir_.path(), store_keys::MetaHead(), "short");
  EXPECT_EQ(Store::Open(dir_.path()).status().code(), Code::kDataLoss);
}

TEST_F(StoreTest, MalformedTxLocatorIsDataLoss) {
  DecodedBlock b = CommitNext(1);
  store_.reset();
  RawPut(dir_.path(), store_keys::TxLocator(b.txs[0].id), "xx");
  store_ = OpenOrDie(dir_.path());
  EXPECT_EQ(store_->FindTransaction(b.txs[0].id).status().code(), Code::kDataLoss);
}

TEST_F(StoreTest, ReadersSeeConsistentHeadsWhileCommitting) {
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::thread reader([&] {
    while (!done.load()) {
      const Store::Head head = store_->head();
      if (head.height == 0) continue;
      Result<v1::Block> block = store_->GetBlock(head.height);
      if (!block.ok() || Sha256(AsBytes(block->header())) != head.hash) failures.fetch_add(1);
    }
  });
  for (int i = 0; i < 30; ++i) CommitNext(1);
  done.store(true);
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store_->Height(), 30u);
}

// A child process commits blocks with sync=true and reports each committed height through
// a pipe; the parent kills it with SIGKILL at a random moment, reopens the store and
// checks that every reported block survived and that the whole chain verifies.
TEST_F(StoreTest, SurvivesSigkillDuringCommits) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  store_.reset();
  uint64_t reported_max = 0;
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      Result<std::unique_ptr<Store>> opened = Store::Open(dir_.path());
      if (!opened.ok()) _exit(2);
      Store& store = **opened;
      for (int i = 0; i < 2000; ++i) {
        const uint64_t height = store.Height() + 1;
        DecodedBlock b = MakeBlock(net_, height, store.HeadHash(), store.HeadResultRoot(), 2);
        WriteSet writes{{"height", std::to_string(height)}};
        if (!store.CommitBlock(b, OkResults(2), writes, {{"h/" + std::to_string(height), ""}})
                 .ok()) {
          _exit(3);
        }
        if (write(fds[1], &height, sizeof height) != sizeof height) _exit(4);
      }
      _exit(0);
    }
    close(fds[1]);
    uint64_t height = 0;
    // Let the child commit at least one block, then kill it somewhere in the next ones.
    ASSERT_EQ(read(fds[0], &height, sizeof height), static_cast<ssize_t>(sizeof height));
    reported_max = std::max(reported_max, height);
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 50'000));
    kill(pid, SIGKILL);
    int wstatus = 0;
    ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
    // The child must have died by our SIGKILL (not failed or finished on its own), or this
    // round tested nothing.
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exit status " << WEXITSTATUS(wstatus);
    while (read(fds[0], &height, sizeof height) == static_cast<ssize_t>(sizeof height)) {
      reported_max = std::max(reported_max, height);
    }
    close(fds[0]);

    std::unique_ptr<Store> store = OpenOrDie(dir_.path());
    EXPECT_GE(store->Height(), reported_max) << "round " << round;
    Result<v1::Block> head = store->GetBlock(store->Height());
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    ASSERT_TRUE(DecodeBlock(*head).ok());
    Result<ChainCheckReport> check = CheckChain(*store, net_.genesis);
    ASSERT_TRUE(check.ok()) << check.status().ToString();
    EXPECT_EQ(check->blocks_checked, store->Height());
    for (uint64_t h = 1; h <= reported_max; ++h) EXPECT_TRUE(store->GetBlock(h).ok()) << h;
    EXPECT_EQ(store->state().Get("height").value(),
              std::optional<std::string>(std::to_string(store->Height())));
  }
}

}  // namespace
}  // namespace tadori
