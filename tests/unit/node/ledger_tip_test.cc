// LedgerTip (node/validator/ledger_tip.h): the facts of a block that its child is built and
// checked against.
#include "node/validator/ledger_tip.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger/merkle.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

using testing::MakeNetwork;
using testing::MakeTx;
using testing::TestNetwork;

TEST(LedgerTipTest, GenesisIsHeightZeroWithEmptyResultRoot) {
  const TestNetwork net = MakeNetwork(1, "tip-chain");
  const LedgerTip tip = LedgerTip::Genesis(net.genesis);
  EXPECT_EQ(tip.hash, net.genesis.hash);
  EXPECT_EQ(tip.height, 0u);
  EXPECT_EQ(tip.timestamp_ms, net.genesis.genesis.genesis_time_ms());
  EXPECT_EQ(tip.result_height, 0u);
  EXPECT_EQ(tip.result_root, MerkleRoot({}));
  EXPECT_TRUE(tip.tx_ids.empty());
}

TEST(LedgerTipTest, OfBlockKeepsHeaderFactsAndTransactionIdsInOrder) {
  const TestNetwork net = MakeNetwork(1, "tip-chain");
  BlockDraft d;
  d.chain_id = "tip-chain";
  d.height = 4;
  d.round = 9;
  d.prev_hash = Sha256(AsBytes(std::string("block 3")));
  d.prev_result_root = Sha256(AsBytes(std::string("results of 2")));
  d.result_height = 2;
  d.proposer = net.validator_keys[0].public_key().id();
  d.timestamp_ms = 1'700'000'123'456;
  d.txs = {MakeTx(net.admin, "tip-chain", 50, "lot-x"),
           MakeTx(net.admin, "tip-chain", 50, "lot-y")};
  const DecodedBlock block = BuildBlock(d);
  const LedgerTip tip = LedgerTip::Of(block);
  EXPECT_EQ(tip.hash, block.hash);
  EXPECT_EQ(tip.height, 4u);
  EXPECT_EQ(tip.timestamp_ms, 1'700'000'123'456);
  EXPECT_EQ(tip.result_height, 2u);
  EXPECT_EQ(tip.result_root, d.prev_result_root);
  EXPECT_EQ(tip.tx_ids, (std::vector<Hash>{d.txs[0].id, d.txs[1].id}));
}

}  // namespace
}  // namespace tadori
