// TraceBack / TraceForward over a real chain: exactly the ancestors / descendants, depth
// limits, and what each node carries (custody, holdings, shipments in transit).
#include <random>
#include <set>

#include "node/query/trace_query.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

using testing::Harvest;
using testing::Must;
using testing::Quantity;
using testing::TraceChain;

std::set<std::string> NodeCodes(const v1::TraceGraph& g) {
  std::set<std::string> codes;
  for (const v1::TraceNode& n : g.nodes()) codes.insert(n.lot_code());
  return codes;
}

std::set<std::pair<std::string, std::string>> EdgeSet(const v1::TraceGraph& g) {
  std::set<std::pair<std::string, std::string>> edges;
  for (const v1::TraceEdge& e : g.edges()) edges.emplace(e.from_lot(), e.to_lot());
  return edges;
}

v1::TraceRequest Ask(const std::string& lot, uint32_t depth = 0) {
  v1::TraceRequest r;
  r.set_lot_code(lot);
  r.set_depth(depth);
  return r;
}

// A seeded random supply network at one processor: harvested lots, then transformations of
// one to three held lots into one or two new lots. The test keeps its own parent lists and
// checks the traces against the closure it computes.
class RandomNetworkTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(RandomNetworkTest, TracesReturnExactlyAncestorsAndDescendants) {
  TraceChain chain;
  std::mt19937 rng(GetParam());
  std::map<std::string, std::vector<std::string>> parents;
  std::map<std::string, int64_t> held;
  std::vector<std::string> lots;
  for (int i = 0; i < 8; ++i) {
    const std::string lot = "H" + std::to_string(i);
    chain.ExpectOk("farm", Harvest("farm", lot, 1'000'000, i));
    parents[lot] = {};
    held[lot] = 1'000'000;
    lots.push_back(lot);
  }
  for (int t = 0; t < 24; ++t) {
    std::set<std::string> inputs;
    const int want = 1 + static_cast<int>(rng() % 3);
    for (int tries = 0; tries < 20 && static_cast<int>(inputs.size()) < want; ++tries) {
      const std::string& pick = lots[rng() % lots.size()];
      if (held[pick] >= 1'000) inputs.insert(pick);
    }
    if (inputs.empty()) continue;
    std::vector<Quantity> in;
    for (const std::string& lot : inputs) {
      in.push_back({lot, 1'000});
      held[lot] -= 1'000;
    }
    std::vector<Quantity> out;
    const int outputs = 1 + static_cast<int>(rng() % 2);
    for (int o = 0; o < outputs; ++o) {
      const std::string lot = "T" + std::to_string(t) + "-" + std::to_string(o);
      out.push_back({lot, 500'000});
      parents[lot] = std::vector<std::string>(inputs.begin(), inputs.end());
      held[lot] = 500'000;
      lots.push_back(lot);
    }
    chain.ExpectOk(
        "farm", testing::Transform("farm", in, testing::kTomato, out, testing::kTomato, 100 + t));
  }
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& [lot, ps] : parents) {
    for (const std::string& p : ps) children[p].push_back(lot);
  }
  auto closure = [](const std::string& from,
                    std::map<std::string, std::vector<std::string>>& next) {
    std::set<std::string> seen{from};
    std::vector<std::string> stack{from};
    while (!stack.empty()) {
      const std::string at = stack.back();
      stack.pop_back();
      for (const std::string& n : next[at]) {
        if (seen.insert(n).second) stack.push_back(n);
      }
    }
    return seen;
  };

  auto snap = chain.Snapshot();
  for (const std::string& lot : lots) {
    const v1::TraceGraph back = Must(TraceBack(*snap, Ask(lot, 64)));
    const v1::TraceGraph fwd = Must(TraceForward(*snap, Ask(lot, 64)));
    EXPECT_EQ(NodeCodes(back), closure(lot, parents)) << lot;
    EXPECT_EQ(NodeCodes(fwd), closure(lot, children)) << lot;
    EXPECT_FALSE(back.truncated());
    EXPECT_FALSE(fwd.truncated());
    EXPECT_EQ(back.nodes(0).lot_code(), lot);
    EXPECT_EQ(back.nodes(0).depth(), 0u);
    EXPECT_EQ(static_cast<size_t>(back.nodes_size()), NodeCodes(back).size()) << "no repeats";
    // Every edge of the back trace is a real parent link between two nodes of the graph,
    // and every parent link among its nodes is an edge.
    std::set<std::pair<std::string, std::string>> expected;
    for (const std::string& n : NodeCodes(back)) {
      for (const std::string& p : parents[n]) expected.emplace(p, n);
    }
    EXPECT_EQ(EdgeSet(back), expected) << lot;
    for (const v1::TraceEdge& e : back.edges()) EXPECT_GT(e.transformation().height(), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomNetworkTest, ::testing::Values(1u, 2u, 3u));

// L0 -> L1 -> ... -> L5, one transformation each.
class ChainOfLotsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_.ExpectOk("farm", Harvest("farm", "L0", 100'000, 0));
    for (int i = 1; i <= 5; ++i) {
      const std::string in = "L" + std::to_string(i - 1);
      const std::string out = "L" + std::to_string(i);
      chain_.ExpectOk("farm", testing::Transform("farm", {{in, 10'000}}, testing::kTomato,
                                                 {{out, 50'000}}, testing::kTomato, i));
    }
  }
  TraceChain chain_;
};

TEST_F(ChainOfLotsTest, DepthLimitTruncates) {
  auto snap = chain_.Snapshot();
  const v1::TraceGraph two = Must(TraceBack(*snap, Ask("L5", 2)));
  EXPECT_EQ(NodeCodes(two), (std::set<std::string>{"L5", "L4", "L3"}));
  EXPECT_TRUE(two.truncated());
  EXPECT_EQ(two.nodes(2).depth(), 2u);
  const v1::TraceGraph all = Must(TraceBack(*snap, Ask("L5", 5)));
  EXPECT_EQ(all.nodes_size(), 6);
  EXPECT_FALSE(all.truncated());
  const v1::TraceGraph fwd = Must(TraceForward(*snap, Ask("L0", 1)));
  EXPECT_EQ(NodeCodes(fwd), (std::set<std::string>{"L0", "L1"}));
  EXPECT_TRUE(fwd.truncated());
  // A leaf at the depth limit has nothing beyond it: not truncated.
  EXPECT_FALSE(Must(TraceForward(*snap, Ask("L4", 1))).truncated());
  // Depth 0 is the default (10), which reaches everything here.
  EXPECT_EQ(Must(TraceBack(*snap, Ask("L5", 0))).nodes_size(), 6);
  EXPECT_EQ(testing::CodeOf(TraceBack(*snap, Ask("L5", 65))), Code::kInvalidArgument);
  EXPECT_EQ(Must(TraceBack(*snap, Ask("L5", 64))).nodes_size(), 6);
}

TEST_F(ChainOfLotsTest, UnknownOrEmptyLotIsRefused) {
  auto snap = chain_.Snapshot();
  EXPECT_EQ(testing::CodeOf(TraceBack(*snap, Ask("nope"))), Code::kNotFound);
  EXPECT_EQ(testing::CodeOf(TraceForward(*snap, Ask("nope"))), Code::kNotFound);
  EXPECT_EQ(testing::CodeOf(TraceBack(*snap, Ask(""))), Code::kInvalidArgument);
  EXPECT_EQ(testing::CodeOf(TraceForward(*snap, Ask(std::string(200, 'x')))),
            Code::kInvalidArgument);
}

TEST_F(ChainOfLotsTest, ReadAtHeightIsTheSnapshotHeight) {
  auto before = chain_.Snapshot();
  const uint64_t height = chain_.store().Height();
  chain_.ExpectOk("farm", testing::Transform("farm", {{"L5", 1'000}}, testing::kTomato,
                                             {{"L6", 1'000}}, testing::kTomato, 9));
  // The old snapshot still answers at its height, without the new lot.
  const v1::TraceGraph old = Must(TraceForward(*before, Ask("L4")));
  EXPECT_EQ(old.read_at_height(), height);
  EXPECT_EQ(NodeCodes(old), (std::set<std::string>{"L4", "L5"}));
  EXPECT_EQ(testing::CodeOf(TraceBack(*before, Ask("L6"))), Code::kNotFound);
  auto now = chain_.Snapshot();
  const v1::TraceGraph fresh = Must(TraceForward(*now, Ask("L4")));
  EXPECT_EQ(fresh.read_at_height(), chain_.store().Height());
  EXPECT_EQ(fresh.read_at_height(), height + 1);
  EXPECT_EQ(NodeCodes(fresh), (std::set<std::string>{"L4", "L5", "L6"}));
}

TEST(TraceNodeTest, NodesCarryCustodyHoldingsAndShipmentsInTransit) {
  TraceChain chain;
  chain.ExpectOk("farm", Harvest("farm", "A", 1'000'000, 0));
  chain.ExpectOk("farm",
                 testing::Ship("farm", "A", testing::kTomato, 1'000'000, "mill", "truck", 1));
  chain.ExpectOk("mill", testing::Receive("mill", "A", testing::kTomato, 1'000'000, "farm", 2));
  chain.ExpectOk("mill", testing::Ship("mill", "A", testing::kTomato, 300'000, "shop", "", 3));
  chain.ExpectOk("mill", testing::Transform("mill", {{"A", 200'000}}, testing::kTomato,
                                            {{"S", 150'000}}, testing::kSauce, 4));
  auto snap = chain.Snapshot();
  const v1::TraceGraph g = Must(TraceBack(*snap, Ask("S")));
  ASSERT_EQ(g.nodes_size(), 2);
  const v1::TraceNode& sauce = g.nodes(0);
  const v1::TraceNode& a = g.nodes(1);
  EXPECT_EQ(sauce.product(), testing::kSauce);
  EXPECT_EQ(sauce.creator_org(), "mill");
  EXPECT_EQ(std::vector<std::string>(sauce.custody_orgs().begin(), sauce.custody_orgs().end()),
            std::vector<std::string>{"mill"});
  EXPECT_EQ(a.depth(), 1u);
  EXPECT_EQ(std::vector<std::string>(a.custody_orgs().begin(), a.custody_orgs().end()),
            (std::vector<std::string>{"farm", "mill"}));
  ASSERT_EQ(a.holdings_size(), 1);
  EXPECT_EQ(a.holdings(0).org_id(), "mill");
  EXPECT_EQ(a.holdings(0).quantity_milli(), 500'000);
  ASSERT_EQ(a.in_transit_size(), 1);
  EXPECT_EQ(a.in_transit(0).to_org(), "shop");
  EXPECT_EQ(a.in_transit(0).quantity_milli(), 300'000);
  ASSERT_EQ(g.edges_size(), 1);
  EXPECT_EQ(g.edges(0).from_lot(), "A");
  EXPECT_EQ(g.edges(0).to_lot(), "S");
  EXPECT_EQ(g.edges(0).transformation().height(), chain.store().Height());
}

}  // namespace
}  // namespace tadori
