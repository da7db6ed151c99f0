#include "ledger/store/store.h"

#include <gtest/gtest.h>
#include <leveldb/db.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "ledger/merkle.h"
#include "ledger/store/chain_check.h"
#include "ledger/store/store_keys.h"
#include "ledger/utf8.h"
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

// A refusal message cut inside a character (as chaincode once cut 22 x "あ" at byte 64)
// serializes, with a logged error, and then never parses again: every read of that block's
// results, on every node that committed it, would be DATA_LOSS. The store refuses to write
// what it could not read back, as its own bug, and the same refusal quoted on a character
// boundary commits and reads back.
TEST_F(StoreTest, ResultsThatWouldNotParseBackAreRefused) {
  std::string japanese;
  for (int i = 0; i < 22; ++i) japanese += "\xE3\x81\x82";
  const DecodedBlock b = MakeBlock(net_, 1, store_->HeadHash(), store_->HeadResultRoot(), 2);
  v1::BlockResults results = OkResults(2);
  v1::TxResult& refused = *results.mutable_results(1);
  refused.set_code(static_cast<uint32_t>(Code::kInvalidArgument));
  refused.set_message("record_event: biz_step '" + japanese.substr(0, 64) + "' is not known");

  Status s = store_->CommitBlock(b, results, {{"lot/x", "x"}}, {{"lot/x/1", "v"}});
  EXPECT_EQ(s.code(), Code::kInternal) << s.ToString();
  EXPECT_NE(s.message().find("block 1 result 1 message is not valid UTF-8"), std::string::npos)
      << s.ToString();
  Reopen();
  EXPECT_EQ(store_->Height(), 0u);
  EXPECT_EQ(store_->GetBlock(1).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->HeightOfHash(b.hash).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->FindTransaction(b.txs[0].id).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->state().Get("lot/x").value(), std::nullopt);
  EXPECT_TRUE(store_->ScanIndex("", 10).value().empty());

  refused.set_message("record_event: biz_step '" + PrintableExcerpt(japanese) + "' is not known");
  s = store_->CommitBlock(b, results, {{"lot/x", "x"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  Reopen();
  Result<v1::Block> block = store_->GetBlock(1);
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_EQ(block->SerializeAsString(), b.block.SerializeAsString());
  Result<v1::BlockResults> stored = store_->GetResults(1);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_EQ(stored->results_size(), 2);
  EXPECT_EQ(stored->results(1).code(), refused.code());
  EXPECT_EQ(stored->results(1).message(), refused.message());
  Result<ChainCheckReport> check = CheckChain(*store_, net_.genesis);
  EXPECT_TRUE(check.ok()) << check.status().ToString();
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

// --- Result roots by height, lagging result_height, pending consensus blocks. ---

// Block `height` on the head whose prev_result_root names block `result_height`'s results.
DecodedBlock LaggingBlock(const TestNetwork& net, const Store& store, uint64_t result_height,
                          const Hash& prev_result_root, size_t tx_count) {
  BlockDraft draft = DraftOnHead(store.head(), net.genesis.genesis.chain_id(),
                                 net.validator_keys[0].public_key().id());
  draft.result_height = result_height;
  draft.prev_result_root = prev_result_root;
  draft.timestamp_ms = 1'700'000'000'000 + static_cast<int64_t>(draft.height);
  for (size_t i = 0; i < tx_count; ++i) {
    draft.txs.push_back(
        testing::MakeTx(net.admin, draft.chain_id, draft.height + 100,
                        "lag-" + std::to_string(draft.height) + "-" + std::to_string(i)));
  }
  DecodedBlock block = BuildBlock(draft);
  SignBlock(block, net.validator_keys[0]);
  return block;
}

TEST_F(StoreTest, ResultRootAtEachHeight) {
  EXPECT_EQ(store_->ResultRootAt(0).value(), MerkleRoot({}));
  EXPECT_EQ(store_->ResultRootAt(1).status().code(), Code::kNotFound);
  std::vector<Hash> roots{MerkleRoot({})};
  for (size_t i = 1; i <= 4; ++i) {
    DecodedBlock b = CommitNext(i);
    roots.push_back(testing::ResultRootOf(b, OkResults(i)));
  }
  for (uint64_t h = 0; h <= 4; ++h) {
    Result<Hash> root = store_->ResultRootAt(h);
    ASSERT_TRUE(root.ok()) << h << ": " << root.status().ToString();
    EXPECT_EQ(*root, roots[h]) << h;
  }
  EXPECT_NE(roots[1], roots[2]);  // the checks above can tell heights apart
  EXPECT_EQ(store_->ResultRootAt(4).value(), store_->HeadResultRoot());
  EXPECT_EQ(store_->ResultRootAt(5).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->ResultRootAt(UINT64_MAX).status().code(), Code::kNotFound);
  Reopen();
  for (uint64_t h = 0; h <= 4; ++h) EXPECT_EQ(store_->ResultRootAt(h).value(), roots[h]) << h;
  EXPECT_EQ(store_->ResultRootAt(5).status().code(), Code::kNotFound);
}

TEST_F(StoreTest, MissingResultRootRecordIsDataLoss) {
  CommitNext(1);
  CommitNext(1);
  store_.reset();
  leveldb::DB* db = nullptr;
  ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), dir_.path(), &db).ok());
  ASSERT_TRUE(db->Delete(leveldb::WriteOptions(), store_keys::ResultRoot(1)).ok());
  delete db;
  RawPut(dir_.path(), store_keys::ResultRoot(2), "short");
  store_ = OpenOrDie(dir_.path());
  EXPECT_EQ(store_->ResultRootAt(1).status().code(), Code::kDataLoss);
  EXPECT_EQ(store_->ResultRootAt(2).status().code(), Code::kDataLoss);
}

TEST_F(StoreTest, CommitWithLaggingResultHeight) {
  std::vector<Hash> roots{MerkleRoot({})};
  for (size_t i = 1; i <= 3; ++i) {
    roots.push_back(testing::ResultRootOf(CommitNext(1), OkResults(1)));
  }
  // Block 4 agrees on block 2's results, block 5 on genesis (0), block 6 on block 5's.
  DecodedBlock b4 = LaggingBlock(net_, *store_, 2, roots[2], 2);
  Status s = store_->CommitBlock(b4, OkResults(2), {});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(store_->Height(), 4u);
  EXPECT_EQ(store_->HeadResultRoot(), testing::ResultRootOf(b4, OkResults(2)));
  EXPECT_EQ(store_->ResultRootAt(4).value(), store_->HeadResultRoot());
  roots.push_back(store_->HeadResultRoot());

  DecodedBlock b5 = LaggingBlock(net_, *store_, 0, roots[0], 1);
  s = store_->CommitBlock(b5, OkResults(1), {});
  ASSERT_TRUE(s.ok()) << s.ToString();
  roots.push_back(store_->HeadResultRoot());

  DecodedBlock b6 = LaggingBlock(net_, *store_, 5, roots[5], 1);
  s = store_->CommitBlock(b6, OkResults(1), {});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(store_->Height(), 6u);

  // CheckChain accepts lagging result heights too.
  Result<ChainCheckReport> report = CheckChain(*store_, net_.genesis);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->blocks_checked, 6u);
}

TEST_F(StoreTest, DivergedResultRootRefusedAndWritesNothing) {
  std::vector<Hash> roots{MerkleRoot({})};
  for (size_t i = 1; i <= 3; ++i) {
    roots.push_back(testing::ResultRootOf(CommitNext(1), OkResults(1)));
  }
  const Store::Head before = store_->head();
  const WriteSet writes{{"lot/x", "x"}};
  const std::vector<std::pair<std::string, std::string>> index{{"lot/x/1", "v"}};
  auto refuse = [&](const DecodedBlock& b, const std::string& needle) {
    Status s = store_->CommitBlock(b, OkResults(b.txs.size()), writes, index);
    EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.ToString();
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.ToString();
    EXPECT_EQ(store_->Height(), before.height);
    EXPECT_EQ(store_->HeadHash(), before.hash);
    EXPECT_EQ(store_->HeadResultRoot(), before.result_root);
    EXPECT_EQ(store_->ResultRootAt(before.height + 1).status().code(), Code::kNotFound);
    EXPECT_EQ(store_->state().Get("lot/x").value(), std::nullopt);
    EXPECT_TRUE(store_->ScanIndex("", 10).value().empty());
    for (const DecodedTransaction& tx : b.txs) {
      EXPECT_EQ(store_->FindTransaction(tx.id).status().code(), Code::kNotFound);
    }
    EXPECT_EQ(store_->HeightOfHash(b.hash).status().code(), Code::kNotFound);
  };
  // The root of another height, of the head, and one nobody computed.
  refuse(LaggingBlock(net_, *store_, 2, roots[3], 1), "diverged");
  refuse(LaggingBlock(net_, *store_, 2, roots[1], 1), "diverged");
  refuse(LaggingBlock(net_, *store_, 3, roots[2], 1), "diverged");
  refuse(LaggingBlock(net_, *store_, 0, roots[3], 1), "diverged");
  refuse(LaggingBlock(net_, *store_, 1, Sha256(std::string_view("other")), 1), "diverged");

  // result_height above the head (only a header that skipped DecodeBlock can say so).
  DecodedBlock above = LaggingBlock(net_, *store_, 3, roots[3], 1);
  above.header.set_result_height(4);
  refuse(above, "above the head");
  above.header.set_result_height(UINT64_MAX);
  refuse(above, "above the head");

  Reopen();
  EXPECT_EQ(store_->head().hash, before.hash);
  EXPECT_EQ(store_->ResultRootAt(4).status().code(), Code::kNotFound);
  // The honest block still commits.
  Status s = store_->CommitBlock(LaggingBlock(net_, *store_, 2, roots[2], 1), OkResults(1), {});
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(StoreBlockCodec, DecodeRefusesResultHeightAtOrAboveHeight) {
  TestNetwork net = MakeNetwork(1);
  DecodedBlock block = MakeBlock(net, 3, net.genesis.hash, MerkleRoot({}), 1);
  ASSERT_EQ(block.header.result_height(), 2u);
  ASSERT_TRUE(DecodeBlock(block.block).ok());
  for (uint64_t result_height : {uint64_t{0}, uint64_t{2}, uint64_t{3}, uint64_t{4}, UINT64_MAX}) {
    v1::BlockHeader header = block.header;
    header.set_result_height(result_height);
    v1::Block wire = block.block;
    wire.set_header(header.SerializeAsString());
    Result<DecodedBlock> decoded = DecodeBlock(wire);
    if (result_height < 3) {
      ASSERT_TRUE(decoded.ok()) << result_height << ": " << decoded.status().ToString();
      EXPECT_EQ(decoded->header.result_height(), result_height);
    } else {
      EXPECT_EQ(decoded.status().code(), Code::kInvalidArgument) << result_height;
      EXPECT_NE(decoded.status().message().find("result_height"), std::string::npos)
          << decoded.status().ToString();
    }
  }
}

TEST_F(StoreTest, PendingBlocksAscendingSurviveReopenAndErase) {
  EXPECT_TRUE(store_->PendingBlocks().value().empty());
  // Within one height the order is by block id (the key layout); id_a sorts before id_b.
  const Hash id_a = Hash::FromBytes(Bytes(Hash::kSize, 0x01)).value();
  const Hash id_b = Hash::FromBytes(Bytes(Hash::kSize, 0x02)).value();
  // Out of order, two at height 4, heights that differ in a high byte of the u64.
  ASSERT_TRUE(store_->PutPendingBlock(5, id_a, AsBytes(std::string_view("five"))).ok());
  ASSERT_TRUE(store_->PutPendingBlock(3, id_b, AsBytes(std::string_view("three"))).ok());
  ASSERT_TRUE(store_->PutPendingBlock(4, id_b, AsBytes(std::string_view("four-b"))).ok());
  ASSERT_TRUE(store_->PutPendingBlock(4, id_a, AsBytes(std::string_view("four-a"))).ok());
  ASSERT_TRUE(store_->PutPendingBlock(256, id_a, AsBytes(std::string_view("256"))).ok());
  auto strings = [&] {
    std::vector<std::string> out;
    Result<std::vector<Bytes>> blocks = store_->PendingBlocks();
    EXPECT_TRUE(blocks.ok()) << blocks.status().ToString();
    for (const Bytes& b : *blocks) out.push_back(ToString(b));
    return out;
  };
  const std::vector<std::string> all{"three", "four-a", "four-b", "five", "256"};
  EXPECT_EQ(strings(), all);
  // Pending blocks are not chain data: the head and state are untouched.
  EXPECT_EQ(store_->Height(), 0u);
  Reopen();
  EXPECT_EQ(strings(), all);

  // The same (height, id) again replaces the bytes.
  ASSERT_TRUE(store_->PutPendingBlock(5, id_a, AsBytes(std::string_view("five'"))).ok());
  EXPECT_EQ(strings(), (std::vector<std::string>{"three", "four-a", "four-b", "five'", "256"}));

  ASSERT_TRUE(store_->ErasePendingBlocksThrough(2).ok());
  EXPECT_EQ(strings().size(), 5u);
  ASSERT_TRUE(store_->ErasePendingBlocksThrough(4).ok());
  EXPECT_EQ(strings(), (std::vector<std::string>{"five'", "256"}));
  Reopen();
  EXPECT_EQ(strings(), (std::vector<std::string>{"five'", "256"}));
  ASSERT_TRUE(store_->ErasePendingBlocksThrough(255).ok());
  EXPECT_EQ(strings(), (std::vector<std::string>{"256"}));
  ASSERT_TRUE(store_->ErasePendingBlocksThrough(256).ok());
  EXPECT_TRUE(strings().empty());
}

TEST_F(StoreTest, ErasingPendingBlocksLeavesChainDataAlone) {
  DecodedBlock b = CommitNext(1, {{"lot/y", "y"}}, {{"idx/1", "v"}});
  ASSERT_TRUE(store_->PutPendingBlock(2, b.hash, AsBytes(std::string_view("p"))).ok());
  ASSERT_TRUE(store_->ErasePendingBlocksThrough(10).ok());
  EXPECT_TRUE(store_->PendingBlocks().value().empty());
  EXPECT_EQ(store_->GetBlock(1).value().SerializeAsString(), b.block.SerializeAsString());
  EXPECT_EQ(store_->state().Get("lot/y").value(), std::optional<std::string>("y"));
  EXPECT_EQ(store_->ScanIndex("", 10).value().size(), 1u);
  EXPECT_EQ(store_->FindTransaction(b.txs[0].id).value().height, 1u);
  Reopen();
  EXPECT_EQ(store_->Height(), 1u);
}

}  // namespace
}  // namespace tadori
