#include "tools/client/node_address.h"

#include <gtest/gtest.h>

namespace tadori::client {
namespace {

TEST(NodeAddressTest, FlagWinsOverEnvironment) {
  Result<std::string> a = ResolveNodeAddress(std::string("node1:7051"), "node2:7052");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(*a, "node1:7051");
}

TEST(NodeAddressTest, EnvironmentUsedWithoutFlag) {
  Result<std::string> a = ResolveNodeAddress(std::nullopt, "10.0.0.5:9000");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "10.0.0.5:9000");
}

TEST(NodeAddressTest, EmptyFlagAndEnvironmentFallBackToDefault) {
  Result<std::string> a = ResolveNodeAddress(std::string(""), "");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, kDefaultNodeAddress);
  Result<std::string> b = ResolveNodeAddress(std::nullopt, nullptr);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, kDefaultNodeAddress);
}

TEST(NodeAddressTest, BadFlagNamesItsSource) {
  Result<std::string> a = ResolveNodeAddress(std::string("localhost"), nullptr);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Code::kInvalidArgument);
  EXPECT_NE(a.status().message().find("--node"), std::string::npos);
}

TEST(NodeAddressTest, BadEnvironmentNamesItsSource) {
  Result<std::string> a = ResolveNodeAddress(std::nullopt, "host:notaport");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("$TADORI_NODE"), std::string::npos);
}

TEST(NodeAddressTest, AcceptsHostNamesIpv4Ipv6AndTargets) {
  for (const char* good : {"localhost:7050", "node-1.example.org:443", "127.0.0.1:1", "[::1]:7050",
                           "[fe80::1]:65535", "unix:/tmp/tadori.sock", "dns:///node1:7050"}) {
    EXPECT_TRUE(ValidateNodeAddress(good).ok()) << good;
  }
}

TEST(NodeAddressTest, RefusesMalformedAddresses) {
  for (const char* bad : {"", ":7050", "host:", "host:0", "host:65536", "host:70a",
                          "host name:7050", "[::1:7050", "[zz]:7050", "unix:", "host:123456"}) {
    Status s = ValidateNodeAddress(bad);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace tadori::client
