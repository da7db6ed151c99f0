// The leader's side (node/validator/proposal_builder.h): when it proposes, what time it
// stamps, and what it builds, which must pass CheckProposal on a validator whose chain is
// where the leader's is.
#include "node/validator/proposal_builder.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "ledger/block.h"
#include "ledger/merkle.h"
#include "node/validator/ledger_tip.h"
#include "node/validator/proposal_check.h"
#include "tests/unit/ledger/test_chain.h"
#include "tests/unit/node/validator_fakes.h"

namespace tadori {
namespace {

using testing::FakeProposalView;
using testing::MakeNetwork;
using testing::MakeTx;
using testing::TestNetwork;

constexpr char kChain[] = "builder-chain";
constexpr int64_t kGenesisMs = 1'700'000'000'000;

// --- ProposeNow ---------------------------------------------------------------------------

TEST(ProposeNowTest, ProposesAtOnceWhenBlockFull) {
  BatchPolicy policy;
  policy.block_tx_max = 10;
  policy.block_interval_ms = 50;
  EXPECT_TRUE(ProposeNow(policy, 0, 10, false));
  EXPECT_TRUE(ProposeNow(policy, 0, 11, true));
  EXPECT_FALSE(ProposeNow(policy, 0, 9, false));
}

// The default: no batching delay. A leader proposes as soon as it has a transaction.
TEST(ProposeNowTest, ProposesAtOnceWithATransactionByDefault) {
  const BatchPolicy policy;
  EXPECT_EQ(policy.block_interval_ms, 0u);
  EXPECT_TRUE(ProposeNow(policy, 0, 1, false));
}

TEST(ProposeNowTest, ProposesAfterIntervalWithTransactionsWhenOneIsSet) {
  BatchPolicy policy;
  policy.block_interval_ms = 50;
  EXPECT_FALSE(ProposeNow(policy, 0, 1, false));
  EXPECT_FALSE(ProposeNow(policy, policy.block_interval_ms - 1, 1, false));
  EXPECT_TRUE(ProposeNow(policy, policy.block_interval_ms, 1, false));
}

// Under the 2-chain rule an uncommitted ancestor commits only once a child is certified, so
// an empty child is worth proposing at once.
TEST(ProposeNowTest, ProposesEmptyChildAtOnceWhenItCommitsSomething) {
  const BatchPolicy policy;
  EXPECT_TRUE(ProposeNow(policy, 0, 0, true));
  BatchPolicy delayed;
  delayed.block_interval_ms = 50;
  EXPECT_FALSE(ProposeNow(delayed, delayed.block_interval_ms - 1, 0, true));
  EXPECT_TRUE(ProposeNow(delayed, delayed.block_interval_ms, 0, true));
}

// An idle network makes no blocks: with nothing to carry and nothing to commit a leader
// never proposes, however long it waits (it used to send an empty block after 400 ms).
TEST(ProposeNowTest, NeverProposesAnEmptyBlockThatCommitsNothing) {
  const BatchPolicy policy;
  EXPECT_FALSE(ProposeNow(policy, 0, 0, false));
  EXPECT_FALSE(ProposeNow(policy, 400, 0, false));
  EXPECT_FALSE(ProposeNow(policy, 1'000'000, 0, false));
}

// --- NextBlockTime ------------------------------------------------------------------------

TEST(NextBlockTimeTest, IsTheWallClockWhenAhead) {
  EXPECT_EQ(NextBlockTime(5'000, 4'000, 4'500), 5'000);
}

TEST(NextBlockTimeTest, NeverBeforeParent) {
  EXPECT_EQ(NextBlockTime(5'000, 6'000, 4'500), 6'000);
}

TEST(NextBlockTimeTest, NeverBeforePreviousWhenClockStepsBack) {
  int64_t previous = NextBlockTime(10'000, 9'000, 0);
  EXPECT_EQ(previous, 10'000);
  previous = NextBlockTime(7'000, 9'000, previous);  // the clock stepped back 3 s
  EXPECT_EQ(previous, 10'000);
  EXPECT_EQ(NextBlockTime(10'001, 9'000, previous), 10'001);
}

// --- BuildProposal ------------------------------------------------------------------------

// Block 1 is committed and executed; block 2 (certified, uncommitted) claims block 1's
// results and is the parent. The leader of round 5 is validator 1.
class BuildProposalTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kRound = 5;

  void SetUp() override {
    BlockDraft d1;
    d1.chain_id = kChain;
    d1.height = 1;
    d1.round = 1;
    d1.prev_hash = net_.genesis.hash;
    d1.prev_result_root = MerkleRoot({});
    d1.proposer = Proposer();
    d1.timestamp_ms = kGenesisMs + 1'000;
    d1.txs = {MakeTx(net_.admin, kChain, 100, "lot-1")};
    block1_ = BuildBlock(d1);

    BlockDraft d2 = d1;
    d2.height = 2;
    d2.round = 2;
    d2.prev_hash = block1_.hash;
    d2.prev_result_root = root1_;
    d2.result_height = 1;
    d2.timestamp_ms = kGenesisMs + 2'000;
    d2.txs = {MakeTx(net_.admin, kChain, 100, "lot-2")};
    block2_ = BuildBlock(d2);
    parent_ = LedgerTip::Of(block2_);
  }

  KeyId Proposer() const { return net_.validator_keys[1].public_key().id(); }

  ProposalPlan Plan(uint64_t executed_height, const Hash& executed_root) const {
    ProposalPlan plan;
    plan.chain_id = kChain;
    plan.round = kRound;
    plan.parent = &parent_;
    plan.proposer = Proposer();
    plan.executed_height = executed_height;
    plan.executed_root = executed_root;
    plan.timestamp_ms = kGenesisMs + 3'000;
    plan.txs = txs_;
    return plan;
  }

  // CheckProposal on a validator that executed through `executed_height`.
  Result<DecodedBlock> CheckOn(const DecodedBlock& block, uint64_t executed_height) {
    view_.executed_height = executed_height;
    view_.roots = {{0, MerkleRoot({})}, {1, root1_}};
    view_.committed = {block1_.txs[0].id};
    if (executed_height >= 2) {
      view_.roots[2] = root2_;
      view_.committed.insert(block2_.txs[0].id);
    }
    // Block 2 is an uncommitted ancestor until this validator executed it.
    std::set<Hash> ancestors;
    if (executed_height < 2) ancestors.insert(block2_.txs[0].id);
    payload_ = ToBytes(block.block.SerializeAsString());
    ProposalInput in;
    in.payload = payload_;
    in.height = 3;
    in.round = kRound;
    in.proposer = Proposer();
    in.digest = block.hash;
    in.parent = &parent_;
    in.ancestor_tx_ids = &ancestors;
    in.chain_id = kChain;
    in.now_ms = kGenesisMs + 3'000;
    return CheckProposal(in, view_);
  }

  TestNetwork net_ = MakeNetwork(4, kChain);
  Hash root1_ = Sha256(AsBytes(std::string("the results of block 1")));
  Hash root2_ = Sha256(AsBytes(std::string("the results of block 2")));
  DecodedBlock block1_;
  DecodedBlock block2_;
  LedgerTip parent_;
  std::vector<DecodedTransaction> txs_ = {MakeTx(net_.admin, kChain, 100, "lot-a"),
                                          MakeTx(net_.admin, kChain, 100, "lot-b")};
  FakeProposalView view_;
  Bytes payload_;
};

TEST_F(BuildProposalTest, LinksToParentWithRoundProposerTimeAndTransactions) {
  const DecodedBlock block = BuildProposal(Plan(1, root1_));
  const v1::BlockHeader& h = block.header;
  EXPECT_EQ(h.chain_id(), kChain);
  EXPECT_EQ(h.height(), 3u);
  EXPECT_EQ(h.prev_hash(), block2_.hash.ToBinaryString());
  EXPECT_EQ(h.round(), kRound);
  EXPECT_EQ(h.proposer(), Proposer().ToBinaryString());
  EXPECT_EQ(h.timestamp_ms(), kGenesisMs + 3'000);
  ASSERT_EQ(block.txs.size(), 2u);
  EXPECT_EQ(block.txs[0].id, txs_[0].id);
  EXPECT_EQ(block.txs[1].id, txs_[1].id);
  EXPECT_EQ(block.block.signatures_size(), 0);
  EXPECT_TRUE(block.block.certificate().empty());
  EXPECT_EQ(block.hash, Sha256(AsBytes(block.block.header())));
}

TEST_F(BuildProposalTest, ClaimsOwnExecution) {
  const DecodedBlock block = BuildProposal(Plan(2, root2_));
  EXPECT_EQ(block.header.result_height(), 2u);
  EXPECT_EQ(block.header.prev_result_root(), root2_.ToBinaryString());
}

TEST_F(BuildProposalTest, ClaimsOwnExecutionEqualToParents) {
  const DecodedBlock block = BuildProposal(Plan(1, root1_));
  EXPECT_EQ(block.header.result_height(), 1u);
  EXPECT_EQ(block.header.prev_result_root(), root1_.ToBinaryString());
}

TEST_F(BuildProposalTest, RepeatsParentsClaimWhenBehind) {
  const DecodedBlock block = BuildProposal(Plan(0, MerkleRoot({})));
  EXPECT_EQ(block.header.result_height(), 1u);
  EXPECT_EQ(block.header.prev_result_root(), root1_.ToBinaryString());
}

TEST_F(BuildProposalTest, PassesCheckProposalOnValidatorAtSameExecutedHeight) {
  for (uint64_t executed : {1u, 2u}) {
    SCOPED_TRACE("executed through " + std::to_string(executed));
    const DecodedBlock block = BuildProposal(Plan(executed, executed == 2 ? root2_ : root1_));
    Result<DecodedBlock> checked = CheckOn(block, executed);
    ASSERT_TRUE(checked.ok()) << checked.status().ToString();
    EXPECT_EQ(checked->hash, block.hash);
  }
}

TEST_F(BuildProposalTest, RepeatedParentClaimPassesCheckProposalOnValidatorHoldingParent) {
  const DecodedBlock block = BuildProposal(Plan(0, MerkleRoot({})));
  Result<DecodedBlock> checked = CheckOn(block, 1);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
}

// The leader that executed block 2 claims it; a validator still at 1 cannot check that
// claim and refuses it (CheckProposal's rule), so builder and checker agree on the bound.
TEST_F(BuildProposalTest, ClaimAboveValidatorsExecutionIsRefusedByIt) {
  const DecodedBlock block = BuildProposal(Plan(2, root2_));
  Result<DecodedBlock> checked = CheckOn(block, 1);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.status().code(), Code::kInvalidArgument);
  EXPECT_NE(checked.status().message().find("claims the results of block 2"), std::string::npos)
      << checked.status().ToString();
}

}  // namespace
}  // namespace tadori
