// ReplayChain: a stored chain re-executed from its genesis into a scratch store gives the same
// results, state and query index, and a stored result that execution does not give is named.
#include "node/validator/chain_replay.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "chaincode/chaincode.h"
#include "ledger/store/store.h"
#include "ledger/store/store_compare.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/ledger/test_chain.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

using testing::kSauce;
using testing::kTomato;

// A small supply story with every kind of index entry and one refused transaction.
void WriteStory(testing::TraceChain& chain) {
  chain.ExpectOk("farm", testing::Harvest("farm", "A", 1'000'000, 0));
  for (const v1::TxResult& r : chain.CommitBlock(
           {{"farm", testing::Harvest("farm", "B", 500'000, 1)},
            {"farm", testing::Ship("farm", "A", kTomato, 400'000, "mill", "truck", 2)}})) {
    EXPECT_EQ(r.code(), 0u) << r.message();
  }
  chain.ExpectOk("mill", testing::Receive("mill", "A", kTomato, 400'000, "farm", 3));
  chain.ExpectOk(
      "mill", testing::Transform("mill", {{"A", 400'000}}, kTomato, {{"S", 300'000}}, kSauce, 4));
  // Refused (the shop never held lot B): its result replays too, and it writes nothing.
  v1::TxResult refused =
      chain.Run("shop", testing::Ship("shop", "B", kTomato, 1'000, "mill", "", 5));
  EXPECT_NE(refused.code(), 0u);
  chain.ExpectOk("fda", testing::Recall("A", "test recall"));
}

TEST(ChainReplay, RebuildsTheSameResultsStateAndIndex) {
  testing::TraceChain chain;
  WriteStory(chain);
  testing::TempDir scratch_dir;
  std::unique_ptr<Store> scratch = Store::Open(scratch_dir.path()).value();
  std::vector<ReplayProgress> seen;
  Result<ReplayReport> report = ReplayChain(chain.store(), chain.genesis(), *scratch,
                                            [&](const ReplayProgress& p) { seen.push_back(p); });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const uint64_t height = chain.store().Height();
  EXPECT_EQ(report->blocks, height);
  EXPECT_EQ(report->txs, height + 1);  // one block holds two transactions
  ASSERT_EQ(seen.size(), height);
  EXPECT_EQ(seen.back().blocks_done, height);
  EXPECT_EQ(seen.back().blocks_total, height);
  EXPECT_EQ(seen.back().txs_done, height + 1);

  EXPECT_EQ(scratch->HeadHash(), chain.store().HeadHash());
  EXPECT_EQ(scratch->HeadResultRoot(), chain.store().HeadResultRoot());
  Result<StoreComparison> compared = CompareStateAndIndex(chain.store(), *scratch);
  ASSERT_TRUE(compared.ok()) << compared.status().ToString();
  EXPECT_FALSE(compared->first_difference.has_value());
  EXPECT_GT(compared->state_keys, 10u);
  EXPECT_GT(compared->index_entries, 10u);
}

TEST(ChainReplay, StoredResultThatExecutionDoesNotGiveIsDataLoss) {
  // Blocks committed with results that say OK, while the chaincode refuses these events (their
  // product was never registered, ...): what a store whose results were rewritten looks like.
  testing::TestNetwork net = testing::MakeNetwork(1);
  testing::TempDir dir;
  std::unique_ptr<Store> stored = Store::Open(dir.path()).value();
  ASSERT_TRUE(stored->InitGenesis(net.genesis, GenesisState(net.genesis_message).value()).ok());
  DecodedBlock block = testing::MakeBlock(net, 1, stored->HeadHash(), stored->HeadResultRoot(), 2);
  ASSERT_TRUE(stored->CommitBlock(block, testing::OkResults(2), {}).ok());

  testing::TempDir scratch_dir;
  std::unique_ptr<Store> scratch = Store::Open(scratch_dir.path()).value();
  Result<ReplayReport> report = ReplayChain(*stored, net.genesis, *scratch);
  ASSERT_EQ(report.status().code(), Code::kDataLoss) << report.status().ToString();
  EXPECT_NE(report.status().message().find("block 1 tx 0 (" + block.txs[0].id.Hex() +
                                           "): stored result OK but re-execution gives "),
            std::string::npos)
      << report.status().ToString();
  EXPECT_EQ(scratch->Height(), 0u);  // nothing of the differing block was committed
}

TEST(ChainReplay, RefusesAStoreThatAlreadyHoldsAChain) {
  testing::TraceChain chain;
  Result<ReplayReport> report = ReplayChain(chain.store(), chain.genesis(), chain.store());
  EXPECT_EQ(report.status().code(), Code::kFailedPrecondition) << report.status().ToString();
}

}  // namespace
}  // namespace tadori
