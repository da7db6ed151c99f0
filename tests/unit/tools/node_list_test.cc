// --node for every tool: one address or a comma-separated list, and where it comes from.
#include "tools/client/node_list.h"

#include <gtest/gtest.h>

#include "tools/client/node_address.h"

namespace tadori::client {
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
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "node list \"\" has an empty entry"},
      {",", "node list \",\" has an empty entry"},
      {"a:1,", "node list \"a:1,\" has an empty entry"},
      {",a:1", "node list \",a:1\" has an empty entry"},
      {"a:1,,b:2", "node list \"a:1,,b:2\" has an empty entry"},
      {"a:1, ", "node list \"a:1, \" has an empty entry"},
      {"a:1,b", "node address \"b\" is not HOST:PORT"},
      {"a:1,b:0", "node address \"b:0\" is not HOST:PORT (port must be 1..65535)"},
      {"a:1,a:1", "node address \"a:1\" is listed twice"},
      {"a:1, a:1", "node address \"a:1\" is listed twice"}};
  for (const auto& [text, reason] : bad) {
    const Status s = ParseNodeList(text).status();
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << text << ": " << s.ToString();
    EXPECT_EQ(s.message(), reason) << text;
  }
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

  const Status bad_flag = ResolveNodeList(std::string("a:1,oops"), nullptr).status();
  EXPECT_EQ(bad_flag.code(), Code::kInvalidArgument) << bad_flag.ToString();
  EXPECT_EQ(bad_flag.message(), "--node: node address \"oops\" is not HOST:PORT");
  const Status bad_env = ResolveNodeList(std::nullopt, "a:1,,b:2").status();
  EXPECT_EQ(bad_env.code(), Code::kInvalidArgument) << bad_env.ToString();
  EXPECT_EQ(bad_env.message(), "$TADORI_NODE: node list \"a:1,,b:2\" has an empty entry");
}

TEST(NodeListTest, OneAddressResolvesAsItAlwaysDid) {
  Result<Nodes> flag = ResolveNodeList(std::string("node1:7051"), "node2:7052");
  ASSERT_TRUE(flag.ok()) << flag.status().ToString();
  EXPECT_EQ(*flag, Nodes{"node1:7051"});
  Result<Nodes> env = ResolveNodeList(std::nullopt, "10.0.0.5:9000");
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(*env, Nodes{"10.0.0.5:9000"});
  Result<Nodes> fallback = ResolveNodeList(std::string(""), "");
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(*fallback, Nodes{std::string(kDefaultNodeAddress)});
  Result<Nodes> bad = ResolveNodeList(std::string("localhost"), nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("--node"), std::string::npos);
  EXPECT_NE(bad.status().message().find("is not HOST:PORT"), std::string::npos);
  Result<Nodes> bad_env = ResolveNodeList(std::nullopt, "host:notaport");
  ASSERT_FALSE(bad_env.ok());
  EXPECT_NE(bad_env.status().message().find("$TADORI_NODE"), std::string::npos);
}

TEST(NodeListTest, RefusesMoreNodesThanTheBound) {
  std::string text;
  for (size_t i = 0; i <= kNodeListMax; ++i) {
    if (i > 0) text += ",";
    text += "n" + std::to_string(i) + ":7050";
  }
  Result<Nodes> n = ParseNodeList(text);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), Code::kInvalidArgument);
  EXPECT_NE(n.status().message().find("more than 64 nodes"), std::string::npos)
      << n.status().message();
  EXPECT_TRUE(ParseNodeList(text.substr(0, text.rfind(','))).ok());
}

TEST(NodeListTest, JoinsForMessages) {
  EXPECT_EQ(JoinNodeList({"a:1", "b:2"}), "a:1, b:2");
  EXPECT_EQ(JoinNodeList({"a:1"}), "a:1");
}

}  // namespace
}  // namespace tadori::client
