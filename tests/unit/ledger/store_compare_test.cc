// CompareStateAndIndex: the whole chaincode state and query index of two stores, key by key.
#include "ledger/store/store_compare.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ledger/block.h"
#include "ledger/genesis.h"
#include "ledger/store/store.h"
#include "tests/support/temp_dir.h"

namespace tadori {
namespace {

GenesisInfo OneOrgGenesis(const PrivateKey& validator) {
  v1::Genesis g;
  g.set_chain_id("compare-test");
  v1::Organization* org = g.add_organizations();
  org->set_id("farm");
  org->set_name("Farm");
  org->add_roles("producer");
  org->add_admin_public_keys(validator.public_key().ToPem());
  v1::Validator* v = g.add_validators();
  v->set_id("v0");
  v->set_org_id("farm");
  v->set_consensus_public_key(validator.public_key().ToPem());
  v->set_address("127.0.0.1:7000");
  return SealGenesis(g).value();
}

class StoreCompareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stored_ = Open(stored_dir_);
    expected_ = Open(expected_dir_);
  }

  std::unique_ptr<Store> Open(const testing::TempDir& dir) {
    std::unique_ptr<Store> store = Store::Open(dir.path()).value();
    EXPECT_TRUE(store->InitGenesis(genesis_, {{"org/farm", "farm"}}).ok());
    return store;
  }

  // Commits one empty block carrying `writes` and `index` to `store`.
  void Commit(Store& store, const WriteSet& writes, const IndexEntries& index = {}) {
    BlockDraft draft = DraftOnHead(store.head(), "compare-test", validator_.public_key().id());
    draft.timestamp_ms = static_cast<int64_t>(draft.height);
    DecodedBlock block = BuildBlock(draft);
    SignBlock(block, validator_);
    Status s = store.CommitBlock(block, v1::BlockResults(), writes, index, /*sync=*/false);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void CommitBoth(const WriteSet& writes, const IndexEntries& index = {}) {
    Commit(*stored_, writes, index);
    Commit(*expected_, writes, index);
  }

  StoreComparison Compare() {
    Result<StoreComparison> c = CompareStateAndIndex(*stored_, *expected_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : StoreComparison{};
  }

  PrivateKey validator_ = PrivateKey::Generate(KeyType::kP256).value();
  GenesisInfo genesis_ = OneOrgGenesis(validator_);
  testing::TempDir stored_dir_;
  testing::TempDir expected_dir_;
  std::unique_ptr<Store> stored_;
  std::unique_ptr<Store> expected_;
};

TEST_F(StoreCompareTest, SameStateAndIndexCountsEveryKey) {
  CommitBoth({{"lot/A", "a"}, {"lot/B", "b"}}, {{"e/1", "one"}, {"e/2", "two"}, {"x/9", ""}});
  CommitBoth({{"lot/A", std::nullopt}, {"lot/C", "c"}});
  StoreComparison c = Compare();
  EXPECT_FALSE(c.first_difference.has_value());
  EXPECT_EQ(c.state_keys, 3u);  // org/farm (genesis), lot/B, lot/C
  EXPECT_EQ(c.index_entries, 3u);
}

TEST_F(StoreCompareTest, DifferentStateValueIsNamed) {
  CommitBoth({{"lot/A", "a"}});
  Commit(*stored_, {{"lot/B", "changed"}});
  Commit(*expected_, {{"lot/B", "b"}});
  StoreComparison c = Compare();
  ASSERT_TRUE(c.first_difference.has_value());
  EXPECT_EQ(c.first_difference->space, KeySpace::kState);
  EXPECT_EQ(c.first_difference->kind, KeyDifferenceKind::kDifferentValue);
  EXPECT_EQ(c.first_difference->key, "lot/B");
  EXPECT_EQ(c.first_difference->stored, "changed");
  EXPECT_EQ(c.first_difference->expected, "b");
  EXPECT_EQ(c.state_keys, 1u);  // lot/A; org/farm sorts after lot/B
}

TEST_F(StoreCompareTest, MissingAndExtraStateKeys) {
  Commit(*expected_, {{"lot/A", "a"}});
  Commit(*stored_, {});
  StoreComparison missing = Compare();
  ASSERT_TRUE(missing.first_difference.has_value());
  EXPECT_EQ(missing.first_difference->kind, KeyDifferenceKind::kMissing);
  EXPECT_EQ(missing.first_difference->key, "lot/A");
  EXPECT_FALSE(missing.first_difference->stored.has_value());
  EXPECT_EQ(missing.first_difference->expected, "a");

  Commit(*stored_, {{"lot/A", "a"}, {"zzz/after-everything", "x"}});
  Commit(*expected_, {});
  StoreComparison extra = Compare();
  ASSERT_TRUE(extra.first_difference.has_value());
  EXPECT_EQ(extra.first_difference->kind, KeyDifferenceKind::kExtra);
  EXPECT_EQ(extra.first_difference->key, "zzz/after-everything");
  EXPECT_EQ(extra.first_difference->stored, "x");
  EXPECT_EQ(extra.state_keys, 2u);
}

TEST_F(StoreCompareTest, IndexIsComparedAfterEqualState) {
  CommitBoth({{"lot/A", "a"}}, {{"e/1", "one"}, {"e/3", "three"}});
  Commit(*stored_, {}, {{"e/2", "two"}});  // an entry no block implies
  Commit(*expected_, {});
  StoreComparison c = Compare();
  ASSERT_TRUE(c.first_difference.has_value());
  EXPECT_EQ(c.first_difference->space, KeySpace::kIndex);
  EXPECT_EQ(c.first_difference->kind, KeyDifferenceKind::kExtra);
  EXPECT_EQ(c.first_difference->key, "e/2");
  EXPECT_EQ(c.state_keys, 2u);
  EXPECT_EQ(c.index_entries, 1u);
}

TEST_F(StoreCompareTest, StateDifferenceStopsBeforeTheIndex) {
  Commit(*stored_, {{"lot/A", "a"}}, {{"e/1", "one"}});
  Commit(*expected_, {{"lot/A", "b"}}, {{"e/1", "other"}});
  StoreComparison c = Compare();
  ASSERT_TRUE(c.first_difference.has_value());
  EXPECT_EQ(c.first_difference->space, KeySpace::kState);
  EXPECT_EQ(c.index_entries, 0u);
}

TEST_F(StoreCompareTest, WalksBinaryKeysAcrossManyPages) {
  // Far more keys than one scan page, with bytes 0x00 and 0xff inside keys: order is bytewise.
  IndexEntries index;
  for (int i = 0; i < 3000; ++i) {
    std::string key = "r/";
    key.push_back(static_cast<char>(i >> 8));
    key.push_back(static_cast<char>(i & 0xff));
    index.emplace_back(key, std::to_string(i));
  }
  CommitBoth({}, index);
  EXPECT_EQ(Compare().index_entries, 3000u);

  std::string key_2100 = "r/";
  key_2100.push_back(static_cast<char>(2100 >> 8));
  key_2100.push_back(static_cast<char>(2100 & 0xff));
  // Sorts right after entry 2100: the 2101 entries up to it are equal.
  IndexEntries more = {{key_2100 + std::string(1, '\xff'), "late"}};
  Commit(*expected_, {}, more);
  Commit(*stored_, {});
  StoreComparison c = Compare();
  ASSERT_TRUE(c.first_difference.has_value());
  EXPECT_EQ(c.first_difference->kind, KeyDifferenceKind::kMissing);
  EXPECT_EQ(c.first_difference->key, more[0].first);
  EXPECT_EQ(c.index_entries, 2101u);
}

TEST_F(StoreCompareTest, ReportsProgressWhileWalking) {
  WriteSet writes;
  for (int i = 0; i < 2500; ++i) writes.emplace("k/" + std::to_string(10000 + i), "v");
  CommitBoth(writes);
  int calls = 0;
  uint64_t last = 0;
  Result<StoreComparison> c =
      CompareStateAndIndex(*stored_, *expected_, [&](const StoreComparison& at) {
        ++calls;
        EXPECT_GE(at.state_keys, last);
        last = at.state_keys;
      });
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_GE(calls, 2);
  EXPECT_EQ(last, 2501u);  // the last call has the totals
}

}  // namespace
}  // namespace tadori
