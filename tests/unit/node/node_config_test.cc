// NodeConfig: a good file, every kind of mistake reported with file, line and key, the
// rendering read back, and which addresses count as loopback.
#include "node/config/node_config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace tadori {
namespace {

constexpr char kPath[] = "/etc/tadori/farm-1/node.toml";

// Line numbers matter to the tests below: validator_id is on line 1, [peer] on line 7,
// [client] on line 12, [consensus] on line 18, [peers] on line 22.
constexpr char kGood[] = R"(validator_id  = "farm-1"
data_dir      = "data"
genesis       = "../genesis.json"
consensus_key = "/keys/consensus.key"
log_level     = "debug"

[peer]
listen   = "0.0.0.0:7100"
tls_cert = "node.crt"
tls_key  = "node.key"

[client]
listen   = "127.0.0.1:7200"

[metrics]
listen = "127.0.0.1:7300"

[consensus]
block_tx_max     = 500
round_timeout_ms = 250

[peers]
wholesaler-1 = "10.0.0.2:7101"
"deli.1"     = "[::1]:7102"
)";

// kGood with line `line` (1-based) replaced by `text` ("" blanks the line).
std::string WithLine(int line, const std::string& text) {
  std::string out;
  std::string src = kGood;
  int n = 1;
  size_t start = 0;
  while (start < src.size()) {
    size_t end = src.find('\n', start);
    std::string l = src.substr(start, end - start);
    out += (n == line ? text : l) + "\n";
    start = end + 1;
    ++n;
  }
  return out;
}

// The parse fails with INVALID_ARGUMENT and a message naming the file, `line` and `key`,
// and saying `reason` (which check refused).
void ExpectError(const std::string& text, int line, const std::string& key,
                 const std::string& reason) {
  Result<NodeConfig> r = ParseNodeConfig(text, kPath);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().ToString() << "\n" << text;
  const std::string m = r.status().message();
  EXPECT_NE(m.find(std::string(kPath) + ":" + std::to_string(line) + ":"), std::string::npos) << m;
  EXPECT_NE(m.find(key), std::string::npos) << m;
  EXPECT_NE(m.find(reason), std::string::npos) << "want \"" << reason << "\", got " << m;
}

constexpr char kUnknownKey[] = ": unknown key";
constexpr char kMissingKey[] = ": required key is missing";
constexpr char kNotAnAddress[] = "is not a HOST:PORT address with a port in 1..65535";

TEST(NodeConfigTest, ReadsAGoodFileAndResolvesRelativePaths) {
  Result<NodeConfig> r = ParseNodeConfig(kGood, kPath);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const NodeConfig& c = *r;
  EXPECT_EQ(c.validator_id, "farm-1");
  EXPECT_EQ(c.data_dir, "/etc/tadori/farm-1/data");
  EXPECT_EQ(c.genesis_path, "/etc/tadori/farm-1/../genesis.json");
  EXPECT_EQ(c.consensus_key_path, "/keys/consensus.key");  // absolute: kept
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.peer_listen, "0.0.0.0:7100");
  EXPECT_EQ(c.peer_tls_cert_path, "/etc/tadori/farm-1/node.crt");
  EXPECT_EQ(c.peer_tls_key_path, "/etc/tadori/farm-1/node.key");
  EXPECT_EQ(c.client_listen, "127.0.0.1:7200");
  EXPECT_EQ(c.client_tls_cert_path, "");
  EXPECT_EQ(c.client_tls_key_path, "");
  EXPECT_EQ(c.metrics_listen, "127.0.0.1:7300");
  EXPECT_EQ(c.block_tx_max, 500u);
  EXPECT_EQ(c.round_timeout_ms, 250u);
  ASSERT_EQ(c.peers.size(), 2u);
  EXPECT_EQ(c.peers.at("wholesaler-1"), "10.0.0.2:7101");
  EXPECT_EQ(c.peers.at("deli.1"), "[::1]:7102");
}

TEST(NodeConfigTest, OptionalPartsTakeTheirDefaults) {
  const std::string text = R"(validator_id = "v"
data_dir = "d"
genesis = "g.json"
consensus_key = "k"
[peer]
listen = "127.0.0.1:1"
tls_cert = "c"
tls_key = "k"
[client]
listen = "localhost:2"
)";
  // A file name without a directory leaves relative paths relative to the working directory.
  Result<NodeConfig> r = ParseNodeConfig(text, "node.toml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->data_dir, "d");
  EXPECT_EQ(r->log_level, "info");
  EXPECT_EQ(r->metrics_listen, "");
  EXPECT_EQ(r->block_tx_max, 2000u);
  EXPECT_EQ(r->round_timeout_ms, 1000u);
  EXPECT_TRUE(r->peers.empty());
}

TEST(NodeConfigTest, SyntaxErrorsNameTheLine) {
  ExpectError(WithLine(9, "tls_cert = \"node.crt"), 9, "TOML syntax", "Error while parsing string");
}

TEST(NodeConfigTest, UnknownTopLevelKey) {
  ExpectError(WithLine(5, "colour = \"blue\""), 5, "colour", kUnknownKey);
}

TEST(NodeConfigTest, UnknownSection) {
  ExpectError(WithLine(15, "[metric]"), 15, "[metric]", "unknown section [metric]");
}

TEST(NodeConfigTest, UnknownKeyInASection) {
  ExpectError(WithLine(10, "tls_ca = \"ca.crt\""), 10, "peer.tls_ca", kUnknownKey);
  ExpectError(WithLine(19, "block_size = 5"), 19, "consensus.block_size", kUnknownKey);
}

TEST(NodeConfigTest, WrongTypes) {
  ExpectError(WithLine(1, "validator_id = 7"), 1, "validator_id",
              "expected a string, found an integer");
  ExpectError(WithLine(8, "listen = 7100"), 8, "peer.listen",
              "expected a string, found an integer");
  ExpectError(WithLine(19, "block_tx_max = \"500\""), 19, "consensus.block_tx_max",
              "expected an integer, found a string");
  ExpectError(WithLine(20, "round_timeout_ms = 2.5"), 20, "consensus.round_timeout_ms",
              "expected an integer, found a float");
  // A section written as a plain value. It must come before the first [section] header to
  // be a top-level key (after one it is a key of that section, refused as unknown there).
  std::string text = WithLine(6, "metrics = \"on\"");
  const std::string metrics = "[metrics]\nlisten = \"127.0.0.1:7300\"\n";
  text.replace(text.find(metrics), metrics.size(), "\n\n");
  ExpectError(text, 6, "metrics", "expected a section (table), found a string");
  // Written after [client], the same line is a key of [client].
  text = kGood;
  text.replace(text.find(metrics), metrics.size(), "metrics = \"on\"\n\n");
  ExpectError(text, 15, "client.metrics", kUnknownKey);
}

TEST(NodeConfigTest, MissingRequiredKeys) {
  // A missing key inside a section is reported at the section's header.
  ExpectError(WithLine(9, ""), 7, "peer.tls_cert", kMissingKey);
  ExpectError(WithLine(13, ""), 12, "client.listen", kMissingKey);
  // A missing top-level key has no section header to point at: the file's first line.
  ExpectError(WithLine(2, ""), 1, "data_dir", kMissingKey);
  // An empty required string is as good as missing.
  ExpectError(WithLine(3, "genesis = \"\""), 3, "genesis", ": must not be empty");
}

TEST(NodeConfigTest, MissingRequiredSection) {
  std::string text = kGood;
  text.replace(text.find("[peer]\n"), 7, "[peerx]\n");
  ExpectError(text, 7, "[peerx]", "unknown section [peerx]");  // first the unknown one
  std::string without = kGood;
  size_t from = without.find("[peer]\n");
  size_t to = without.find("[client]\n");
  without.erase(from, to - from);
  ExpectError(without, 1, "[peer]", ": required section is missing");
}

TEST(NodeConfigTest, OutOfRangeNumbers) {
  ExpectError(WithLine(19, "block_tx_max = 0"), 19, "consensus.block_tx_max",
              "0 is out of range 1..10000");
  ExpectError(WithLine(19, "block_tx_max = 10001"), 19, "consensus.block_tx_max",
              "10001 is out of range 1..10000");
  ExpectError(WithLine(20, "round_timeout_ms = 99"), 20, "consensus.round_timeout_ms",
              "99 is out of range 100..60000");
  ExpectError(WithLine(20, "round_timeout_ms = 60001"), 20, "consensus.round_timeout_ms",
              "60001 is out of range 100..60000");
  ExpectError(WithLine(20, "round_timeout_ms = -1"), 20, "consensus.round_timeout_ms",
              "-1 is out of range 100..60000");
  // Bounds themselves are fine.
  EXPECT_TRUE(ParseNodeConfig(WithLine(19, "block_tx_max = 10000"), kPath).ok());
  EXPECT_TRUE(ParseNodeConfig(WithLine(20, "round_timeout_ms = 100"), kPath).ok());
  ExpectError(WithLine(8, "listen = \"0.0.0.0:70000\""), 8, "peer.listen", kNotAnAddress);
  ExpectError(WithLine(8, "listen = \"0.0.0.0\""), 8, "peer.listen", kNotAnAddress);
}

TEST(NodeConfigTest, BadLogLevel) {
  ExpectError(WithLine(5, "log_level = \"verbose\""), 5, "log_level",
              "'verbose' is not one of trace, debug, info, warn, error");
}

TEST(NodeConfigTest, ClientOffLoopbackNeedsTls) {
  ExpectError(WithLine(13, "listen = \"0.0.0.0:7200\""), 13, "client.listen",
              "is not a loopback address");
  ExpectError(WithLine(13, "listen = \"10.1.2.3:7200\""), 13, "client.listen",
              "is not a loopback address");
  // With a certificate and key it is fine, and the paths resolve.
  std::string text = WithLine(13,
                              "listen = \"0.0.0.0:7200\"\ntls_cert = \"api.crt\"\n"
                              "tls_key = \"/k/api.key\"");
  Result<NodeConfig> r = ParseNodeConfig(text, kPath);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->client_tls_cert_path, "/etc/tadori/farm-1/api.crt");
  EXPECT_EQ(r->client_tls_key_path, "/k/api.key");
  // One without the other is a mistake even on loopback.
  ExpectError(WithLine(13, "listen = \"127.0.0.1:7200\"\ntls_cert = \"api.crt\""), 12,
              "client.tls_key", "required when the other of tls_cert / tls_key is set");
}

TEST(NodeConfigTest, PeersValuesMustBeAddressStrings) {
  ExpectError(WithLine(23, "wholesaler-1 = 7101"), 23, "peers.wholesaler-1",
              "expected a string, found an integer");
  ExpectError(WithLine(23, "wholesaler-1 = { host = \"x\" }"), 23, "peers.wholesaler-1",
              "expected a string, found a table");
  ExpectError(WithLine(23, "wholesaler-1 = \"10.0.0.2\""), 23, "peers.wholesaler-1",
              "'10.0.0.2' is not a HOST:PORT address");
}

NodeConfig FullConfig() {
  NodeConfig c;
  c.validator_id = "kyushu-farm-1";
  c.data_dir = "/srv/tadori/data";
  c.genesis_path = "/srv/tadori/genesis.json";
  c.consensus_key_path = "/srv/tadori/consensus.key";
  c.log_level = "warn";
  c.peer_listen = "[::]:7100";
  c.peer_tls_cert_path = "/srv/tadori/node \"a\".crt";  // quotes survive
  c.peer_tls_key_path = "/srv/tadori/node\\b.key";      // backslashes too
  c.client_listen = "0.0.0.0:7200";
  c.client_tls_cert_path = "/srv/tadori/api.crt";
  c.client_tls_key_path = "/srv/tadori/api.key";
  c.metrics_listen = "";
  c.block_tx_max = 1;
  c.round_timeout_ms = 60000;
  c.peers = {{"hakata-wholesale-1", "10.0.0.2:7101"}, {"博多.2", "[fe80::1]:7102"}};
  return c;
}

void ExpectSame(const NodeConfig& a, const NodeConfig& b) {
  EXPECT_EQ(a.validator_id, b.validator_id);
  EXPECT_EQ(a.data_dir, b.data_dir);
  EXPECT_EQ(a.genesis_path, b.genesis_path);
  EXPECT_EQ(a.consensus_key_path, b.consensus_key_path);
  EXPECT_EQ(a.log_level, b.log_level);
  EXPECT_EQ(a.peer_listen, b.peer_listen);
  EXPECT_EQ(a.peer_tls_cert_path, b.peer_tls_cert_path);
  EXPECT_EQ(a.peer_tls_key_path, b.peer_tls_key_path);
  EXPECT_EQ(a.client_listen, b.client_listen);
  EXPECT_EQ(a.client_tls_cert_path, b.client_tls_cert_path);
  EXPECT_EQ(a.client_tls_key_path, b.client_tls_key_path);
  EXPECT_EQ(a.metrics_listen, b.metrics_listen);
  EXPECT_EQ(a.block_tx_max, b.block_tx_max);
  EXPECT_EQ(a.round_timeout_ms, b.round_timeout_ms);
  EXPECT_EQ(a.peers, b.peers);
}

TEST(NodeConfigTest, RenderReadsBackEqual) {
  NodeConfig c = FullConfig();
  std::string text = RenderNodeConfig(c);
  Result<NodeConfig> r = ParseNodeConfig(text, "/elsewhere/node.toml");
  ASSERT_TRUE(r.ok()) << r.status().ToString() << "\n" << text;
  ExpectSame(*r, c);
  EXPECT_NE(text.find('#'), std::string::npos);  // commented for the people who edit it
}

TEST(NodeConfigTest, RenderWithRelativePathsAndLoopbackClient) {
  NodeConfig c;
  c.validator_id = "v-1";
  c.data_dir = "data";
  c.genesis_path = "../../genesis.json";
  c.consensus_key_path = "consensus.key";
  c.peer_listen = "127.0.0.1:7100";
  c.peer_tls_cert_path = "node.crt";
  c.peer_tls_key_path = "node.key";
  c.client_listen = "127.0.0.1:7200";
  c.metrics_listen = "127.0.0.1:7300";
  std::string text = RenderNodeConfig(c);
  EXPECT_EQ(text.find("tls_cert = \"\""), std::string::npos) << text;
  // Relative to the working directory: equal as written.
  Result<NodeConfig> same = ParseNodeConfig(text, "node.toml");
  ASSERT_TRUE(same.ok()) << same.status().ToString() << "\n" << text;
  ExpectSame(*same, c);
  // Relative to a directory: resolved.
  Result<NodeConfig> there = ParseNodeConfig(text, "/net/org/v-1/node.toml");
  ASSERT_TRUE(there.ok());
  EXPECT_EQ(there->genesis_path, "/net/org/v-1/../../genesis.json");
  EXPECT_EQ(there->consensus_key_path, "/net/org/v-1/consensus.key");
}

TEST(NodeConfigTest, LoadReadsAFileAndReportsAMissingOne) {
  auto dir = std::filesystem::temp_directory_path() /
             ("tadori-node-config-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "node.toml").string();
  std::ofstream(path) << kGood;
  Result<NodeConfig> r = LoadNodeConfig(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->data_dir, (dir / "data").string());
  Result<NodeConfig> missing = LoadNodeConfig((dir / "absent.toml").string());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(NodeConfigTest, LoopbackAddresses) {
  for (const char* yes :
       {"127.0.0.1:7200", "127.0.0.1", "127.1.2.3:1", "localhost:7200", "localhost", "LOCALHOST:9",
        "[::1]:7200", "::1", "[::1]", "[::ffff:127.0.0.1]:7200"}) {
    EXPECT_TRUE(IsLoopbackAddress(yes)) << yes;
  }
  for (const char* no :
       {"", "0.0.0.0:7200", "10.0.0.1:7200", "128.0.0.1:7200", "[::]:7200", "::", "[fe80::1]:7200",
        "example.com:7200", "localhost.evil:1", "127.0.0.1.nip.io:80", "[::1:7200", ":7200"}) {
    EXPECT_FALSE(IsLoopbackAddress(no)) << no;
  }
}

}  // namespace
}  // namespace tadori
