// Store scans with a start key and bounds, and Store::Snapshot read views.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/genesis.h"
#include "ledger/store/store.h"
#include "tests/support/temp_dir.h"

namespace tadori {
namespace {

// One org, one validator: enough to seal a genesis and sign empty blocks.
GenesisInfo SealOneOrgGenesis(const PrivateKey& validator) {
  v1::Genesis g;
  g.set_chain_id("scan-test");
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

struct Chain {
  PrivateKey validator = PrivateKey::Generate(KeyType::kP256).value();
  GenesisInfo genesis = SealOneOrgGenesis(validator);
};

std::vector<std::string> Keys(const Store::Entries& entries) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : entries) keys.push_back(key);
  return keys;
}

class StoreScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->InitGenesis(chain_.genesis, {{"org/farm", "farm"}}).ok());
  }

  void CommitNext(const WriteSet& writes, const IndexEntries& index = {}) {
    const Store::Head head = store_->head();
    BlockDraft draft = DraftOnHead(head, "scan-test", chain_.validator.public_key().id());
    draft.timestamp_ms = static_cast<int64_t>(draft.height);
    DecodedBlock block = BuildBlock(draft);
    SignBlock(block, chain_.validator);
    Status s = store_->CommitBlock(block, v1::BlockResults(), writes, index, /*sync=*/false);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::unique_ptr<Store::Snapshot> Snap() {
    auto snap = store_->NewSnapshot();
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    if (!snap.ok()) std::abort();
    return std::move(snap).value();
  }

  testing::TempDir dir_;
  Chain chain_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreScanTest, ScanIndexStartsAfterTheGivenKey) {
  CommitNext({}, {{"a/1", ""}, {"a/2", ""}, {"a/3", ""}, {"b/1", ""}});
  using V = std::vector<std::string>;
  EXPECT_EQ(Keys(store_->ScanIndex("a/", "", 10).value()), (V{"a/1", "a/2", "a/3"}));
  EXPECT_EQ(Keys(store_->ScanIndex("a/", "a/1", 10).value()), (V{"a/2", "a/3"}));
  // A start key that is not stored itself still starts right after its position.
  EXPECT_EQ(Keys(store_->ScanIndex("a/", "a/15", 10).value()), (V{"a/2", "a/3"}));
  EXPECT_TRUE(store_->ScanIndex("a/", "a/3", 10).value().empty());
  // A start key before the prefix scans the whole prefix; one after it scans nothing.
  EXPECT_EQ(Keys(store_->ScanIndex("b/", "a/2", 10).value()), (V{"b/1"}));
  EXPECT_TRUE(store_->ScanIndex("a/", "b/", 10).value().empty());
  EXPECT_EQ(Keys(store_->ScanIndex("a/", "a/1", 1).value()), (V{"a/2"}));
}

TEST_F(StoreScanTest, PagingVisitsEveryEntryOnce) {
  IndexEntries index;
  for (int i = 0; i < 57; ++i) index.emplace_back("p/" + std::to_string(1000 + i), "v");
  index.emplace_back("q/0", "v");
  CommitNext({}, index);
  auto snap = Snap();
  std::vector<std::string> seen;
  std::string after;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = snap->ScanIndex("p/", after, 10).value();
    if (page.empty()) break;
    for (const auto& [key, value] : page) seen.push_back(key);
    after = page.back().first;
  }
  ASSERT_EQ(seen.size(), 57u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], "p/" + std::to_string(1000 + i));
}

TEST_F(StoreScanTest, RangeScanHonoursBothBounds) {
  CommitNext({}, {{"t/1", "a"}, {"t/2", "b"}, {"t/3", "c"}, {"t/4", "d"}, {"u/0", "e"}});
  auto snap = Snap();
  using V = std::vector<std::string>;
  EXPECT_EQ(Keys(snap->ScanIndexRange("t/", "t/2", "t/4", 10).value()), (V{"t/2", "t/3"}));
  EXPECT_EQ(Keys(snap->ScanIndexRange("t/", "t/2", "", 10).value()), (V{"t/2", "t/3", "t/4"}));
  EXPECT_EQ(Keys(snap->ScanIndexRange("t/", "", "t/2", 10).value()), (V{"t/1"}));
  EXPECT_TRUE(snap->ScanIndexRange("t/", "t/3", "t/3", 10).value().empty());
  EXPECT_EQ(snap->ScanIndexRange("t/", "", "", 2).value().size(), 2u);
}

TEST_F(StoreScanTest, ScanStateReadsChaincodeKeysOnly) {
  CommitNext({{"pilot/a", "A"}, {"pilot/b", "B"}, {"pilot/c", std::nullopt}, {"pilots", "x"}},
             {{"pilot/z", "index, not state"}});
  CommitNext({{"pilot/b", std::nullopt}, {"pilot/c", "C"}});
  auto snap = Snap();
  auto all = snap->ScanState("pilot/", "", 10).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], (std::pair<std::string, std::string>("pilot/a", "A")));
  EXPECT_EQ(all[1], (std::pair<std::string, std::string>("pilot/c", "C")));
  EXPECT_EQ(Keys(snap->ScanState("pilot/", "pilot/a", 10).value()),
            (std::vector<std::string>{"pilot/c"}));
  EXPECT_EQ(snap->ScanState("org/", "", 10).value().size(), 1u);  // the genesis state
}

TEST_F(StoreScanTest, SnapshotKeepsItsHeightStateAndIndexWhileBlocksCommit) {
  CommitNext({{"lot/a", "v1"}}, {{"le/a/1", ""}});
  auto before = Snap();
  CommitNext({{"lot/a", "v2"}, {"lot/b", "new"}}, {{"le/a/2", ""}});
  auto after = Snap();

  EXPECT_EQ(before->Height(), 1u);
  EXPECT_EQ(after->Height(), 2u);
  EXPECT_EQ(after->Height(), store_->Height());
  EXPECT_EQ(before->Get("lot/a").value(), std::optional<std::string>("v1"));
  EXPECT_EQ(before->Get("lot/b").value(), std::nullopt);
  EXPECT_EQ(after->Get("lot/a").value(), std::optional<std::string>("v2"));
  EXPECT_EQ(before->ScanIndex("le/a/", "", 10).value().size(), 1u);
  EXPECT_EQ(after->ScanIndex("le/a/", "", 10).value().size(), 2u);
  EXPECT_EQ(before->GetIndex("le/a/2").value(), std::nullopt);
  EXPECT_EQ(after->GetIndex("le/a/2").value(), std::optional<std::string>(""));
  // Index keys are not state keys and state keys are not index keys.
  EXPECT_EQ(after->Get("le/a/1").value(), std::nullopt);
  EXPECT_EQ(after->GetIndex("lot/a").value(), std::nullopt);
}

TEST_F(StoreScanTest, SnapshotAtGenesisHasHeightZero) {
  auto snap = Snap();
  EXPECT_EQ(snap->Height(), 0u);
  EXPECT_EQ(snap->Get("org/farm").value(), std::optional<std::string>("farm"));
  const StateReader& reader = *snap;  // usable wherever chaincode reads state
  EXPECT_EQ(reader.Get("org/none").value(), std::nullopt);
}

}  // namespace
}  // namespace tadori
