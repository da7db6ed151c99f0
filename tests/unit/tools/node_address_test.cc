#include "tools/client/node_address.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace tadori::client {
namespace {

TEST(NodeAddressTest, AcceptsHostNamesIpv4Ipv6AndTargets) {
  for (const char* good : {"localhost:7050", "node-1.example.org:443", "127.0.0.1:1", "[::1]:7050",
                           "[fe80::1]:65535", "unix:/tmp/tadori.sock", "dns:///node1:7050"}) {
    EXPECT_TRUE(ValidateNodeAddress(good).ok()) << good;
  }
}

TEST(NodeAddressTest, RefusesMalformedAddresses) {
  // Whole messages: the one for a bad host is a prefix of the one for a bad port.
  constexpr char kBadHost[] = "is not HOST:PORT";
  constexpr char kBadPort[] = "is not HOST:PORT (port must be 1..65535)";
  const std::pair<const char*, const char*> bad[] = {{"", kBadHost},
                                                     {":7050", kBadHost},
                                                     {"host:", kBadPort},
                                                     {"host:0", kBadPort},
                                                     {"host:65536", kBadPort},
                                                     {"host:70a", kBadPort},
                                                     {"host name:7050", kBadHost},
                                                     {"[::1:7050", kBadHost},
                                                     {"[zz]:7050", kBadHost},
                                                     {"unix:", "names no target"},
                                                     {"dns:", "names no target"},
                                                     {"host:123456", kBadPort}};
  for (const auto& [address, problem] : bad) {
    Status s = ValidateNodeAddress(address);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << address << ": " << s.ToString();
    EXPECT_EQ(s.message(), "node address \"" + std::string(address) + "\" " + problem);
  }
}

}  // namespace
}  // namespace tadori::client
