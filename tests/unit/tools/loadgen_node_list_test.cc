// --node for tadori-loadgen: one address or a comma-separated list, and where it comes from.
#include "tools/loadgen/node_list.h"

#include <gtest/gtest.h>

#include "tools/client/node_address.h"
#include "tools/loadgen/report.h"

namespace tadori::loadgen {
namespace {

using Nodes = std::vector<std::string>;

TEST(NodeListTest, OneAddressIsAListOfOne) {
  Result<Nodes> n = ParseNodeList("127.0.0.1:7050");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, Nodes{"127.0.0.1:7050"});
}

TEST(NodeListTest, SplitsAtCommasKeepingOrderAndTrimmingBlanks) {
  Result<Nodes> n = ParseNodeList("node1:7050, node2:7050 ,[::1]:7052");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, (Nodes{"node1:7050", "node2:7050", "[::1]:7052"}));
}

TEST(NodeListTest, RejectsEmptyEntriesBadAddressesAndDuplicates) {
  for (const char* bad :
       {"", ",", "a:1,", ",a:1", "a:1,,b:2", "a:1, ", "a:1,b", "a:1,b:0", "a:1,a:1", "a:1, a:1"}) {
    Result<Nodes> n = ParseNodeList(bad);
    ASSERT_FALSE(n.ok()) << bad;
    EXPECT_EQ(n.status().code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParseNodeList("a:1,a:1").status().message().find("twice"), std::string::npos);
}

TEST(NodeListTest, ResolvesLikeASingleAddress) {
  Result<Nodes> flag = ResolveNodeList(std::string("a:1,b:2"), "c:3");
  ASSERT_TRUE(flag.ok());
  EXPECT_EQ(*flag, (Nodes{"a:1", "b:2"}));
  Result<Nodes> env = ResolveNodeList(std::string(""), "c:3,d:4");
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(*env, (Nodes{"c:3", "d:4"}));
  Result<Nodes> none = ResolveNodeList(std::nullopt, nullptr);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, Nodes{std::string(client::kDefaultNodeAddress)});

  Result<Nodes> bad_flag = ResolveNodeList(std::string("a:1,oops"), nullptr);
  ASSERT_FALSE(bad_flag.ok());
  EXPECT_NE(bad_flag.status().message().find("--node"), std::string::npos);
  Result<Nodes> bad_env = ResolveNodeList(std::nullopt, "a:1,,b:2");
  ASSERT_FALSE(bad_env.ok());
  EXPECT_NE(bad_env.status().message().find("$TADORI_NODE"), std::string::npos);
}

TEST(NodeListTest, ReportNamesTheNodesAndSplitsCommitsByNode) {
  std::vector<TxRecord> records(3);
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].fate = Fate::kCommitted;
    records[i].sent_ns = 0;
    records[i].done_ns = 1'000'000;
    records[i].node = i == 2 ? 1 : 0;
  }
  const Tally t = MakeTally(records, RunTiming{1'000'000'000, 0}, false);
  RunInfo info;
  info.nodes = {"a:1", "b:2", "c:3"};
  const std::string text = RenderReport(t, info);
  EXPECT_NE(text.find("nodes                3 (a:1, b:2, c:3)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("by node            a:1 2  b:2 1  c:3 0\n"), std::string::npos) << text;
  const nlohmann::json j = ReportJson(t, info);
  EXPECT_EQ(j.at("nodes"), nlohmann::json({"a:1", "b:2", "c:3"}));
  EXPECT_EQ(j.at("committedOkByNode"), nlohmann::json({2, 1, 0}));

  info.nodes = {"a:1"};  // one node: no split to show
  EXPECT_EQ(RenderReport(t, info).find("by node"), std::string::npos);
}

}  // namespace
}  // namespace tadori::loadgen
