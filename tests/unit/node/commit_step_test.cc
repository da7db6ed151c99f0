// CommitStep (node/validator/commit_step.h) over a real store: a block becomes final
// (height, commit feed, mempool), or, when its result claim differs from this node's
// execution, nothing of it is visible.
#include "node/validator/commit_step.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/node/bft_chain.h"
#include "tests/unit/node/validator_fakes.h"

namespace tadori {
namespace {

using testing::BftChain;
using testing::ExpectStatus;

class CommitStepTest : public ::testing::Test {
 protected:
  // A deadline already passed: WaitForHeightAbove returns what is there now.
  static CommitFeed::Clock::time_point Now() { return CommitFeed::Clock::now(); }
  // A subscription whose deadline is far away; its outcome lands in `ended`.
  static CommitFeed::Token Subscribe(CommitFeed& feed, const Hash& id,
                                     std::optional<CommitFeed::TxWait>& ended) {
    auto token = feed.Subscribe(id, Now() + std::chrono::hours(1),
                                [&ended](const CommitFeed::TxWait& wait) { ended = wait; });
    EXPECT_TRUE(token.has_value());
    return token.value_or(0);
  }

  BftChain chain_;
  Mempool mempool_;
};

TEST_F(CommitStepTest, CommitsBlockPublishesAndEmptiesMempool) {
  chain_.CommitNext();
  CommitFeed feed(chain_.store().Height());
  const std::vector<DecodedTransaction> txs = {chain_.Tx("lot-a"), chain_.Tx("lot-b")};
  const DecodedTransaction other = chain_.Tx("lot-waiting");
  for (const DecodedTransaction& tx : txs) ASSERT_TRUE(mempool_.Add(tx).ok());
  ASSERT_TRUE(mempool_.Add(other).ok());
  std::optional<CommitFeed::TxWait> ended;
  Subscribe(feed, txs[1].id, ended);

  const DecodedBlock block = chain_.NextLedgerBlock(txs);
  Result<CommitOutcome> done = CommitStep(chain_.store(), mempool_, feed, block);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->height, 2u);
  EXPECT_EQ(done->tx_count, 2u);

  EXPECT_EQ(chain_.store().Height(), 2u);
  EXPECT_EQ(chain_.store().HeadHash(), block.hash);
  Result<Store::TxLocation> where = chain_.store().FindTransaction(txs[1].id);
  ASSERT_TRUE(where.ok()) << where.status().ToString();
  EXPECT_EQ(where->height, 2u);
  EXPECT_EQ(where->index, 1u);

  EXPECT_EQ(feed.WaitForHeightAbove(1, Now()), 2u);
  // Published before CommitStep returned, with the block's position and result.
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->end, CommitFeed::TxWaitEnd::kCommitted);
  EXPECT_EQ(ended->outcome.height, 2u);
  EXPECT_EQ(ended->outcome.index, 1u);
  Result<v1::BlockResults> stored = chain_.store().GetResults(2);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(ended->outcome.result.code(), stored->results(1).code());
  EXPECT_EQ(feed.subscriptions(), 0u);

  EXPECT_FALSE(mempool_.Contains(txs[0].id));
  EXPECT_FALSE(mempool_.Contains(txs[1].id));
  EXPECT_TRUE(mempool_.Contains(other.id));
  EXPECT_EQ(mempool_.size(), 1u);
}

TEST_F(CommitStepTest, DivergentResultRootFailsWithNothingVisible) {
  chain_.CommitNext({chain_.Tx("lot-first")});
  CommitFeed feed(chain_.store().Height());
  const DecodedTransaction tx = chain_.Tx("lot-a");
  ASSERT_TRUE(mempool_.Add(tx).ok());
  std::optional<CommitFeed::TxWait> ended;
  const CommitFeed::Token token = Subscribe(feed, tx.id, ended);

  // The chain agreed on other results for block 1 than this node's execution gave.
  BlockDraft draft = DraftOnHead(chain_.store().head(), chain_.chain_id(),
                                 chain_.net().validator_keys[2].public_key().id());
  draft.timestamp_ms = chain_.net().genesis.genesis.genesis_time_ms() + 2'000;
  draft.prev_result_root = Sha256(AsBytes(std::string("results this node never computed")));
  draft.txs = {tx};
  const DecodedBlock block = BuildBlock(draft);
  const Hash head_before = chain_.store().HeadHash();

  Result<CommitOutcome> done = CommitStep(chain_.store(), mempool_, feed, block);
  ASSERT_FALSE(done.ok());
  ExpectStatus(done.status(), Code::kFailedPrecondition,
               "committing block 2: block 2 prev_result_root");
  ExpectStatus(done.status(), Code::kFailedPrecondition,
               "this node's execution diverged from the chain's");

  EXPECT_EQ(chain_.store().Height(), 1u);
  EXPECT_EQ(chain_.store().HeadHash(), head_before);
  EXPECT_EQ(chain_.store().FindTransaction(tx.id).status().code(), Code::kNotFound);
  EXPECT_EQ(feed.WaitForHeightAbove(1, Now()), 1u);
  EXPECT_FALSE(ended.has_value());
  EXPECT_TRUE(feed.Cancel(token));  // still waiting: nothing was published
  EXPECT_TRUE(mempool_.Contains(tx.id));
}

}  // namespace
}  // namespace tadori
