// NodeConfig for role = "observer" (node/config/node_config.h): a good file, the keys of the
// other role refused in both directions with file, line and reason, [follow] checks, and
// RenderNodeConfig of an observer read back.
#include <gtest/gtest.h>

#include <string>

#include "node/config/node_config.h"

namespace tadori {
namespace {

constexpr char kPath[] = "/srv/tadori/audit/node.toml";

// Line numbers matter: role 1, node_id 2, [client] 7, [follow] 15, validators 16.
constexpr char kObserver[] = R"(role      = "observer"
node_id   = "audit-observer-1"
data_dir  = "data"
genesis   = "../genesis.json"
log_level = "info"

[client]
listen   = "0.0.0.0:7400"
tls_cert = "observer.crt"
tls_key  = "observer.key"

[metrics]
listen = "127.0.0.1:7500"

[follow]
validators = "10.0.0.1:7200, 10.0.0.2:7200,10.0.0.3:7200"
stall_ms   = 3000
)";

// The file with `extra` inserted after line `after` (1-based).
std::string Inserted(const std::string& base, int after, const std::string& extra) {
  std::string out;
  int n = 0;
  size_t start = 0;
  while (start < base.size()) {
    size_t end = base.find('\n', start);
    out += base.substr(start, end - start + 1);
    start = end + 1;
    if (++n == after) out += extra + "\n";
  }
  return out;
}

std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

void ExpectError(const std::string& text, int line, const std::string& key,
                 const std::string& reason) {
  Result<NodeConfig> r = ParseNodeConfig(text, kPath);
  ASSERT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().ToString() << "\n" << text;
  const std::string m = r.status().message();
  EXPECT_NE(m.find(std::string(kPath) + ":" + std::to_string(line) + ":"), std::string::npos) << m;
  EXPECT_NE(m.find(key), std::string::npos) << m;
  EXPECT_NE(m.find(reason), std::string::npos) << "want \"" << reason << "\", got " << m;
}

constexpr char kNotForObserver[] = "not used by an observer";
constexpr char kOnlyObserver[] = "only for role = \"observer\"";

TEST(ObserverConfigTest, ReadsAGoodObserverFile) {
  Result<NodeConfig> r = ParseNodeConfig(kObserver, kPath);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->role, NodeRole::kObserver);
  EXPECT_EQ(r->node_id, "audit-observer-1");
  EXPECT_TRUE(r->validator_id.empty());
  EXPECT_TRUE(r->consensus_key_path.empty());
  EXPECT_TRUE(r->peer_listen.empty());
  EXPECT_EQ(r->data_dir, "/srv/tadori/audit/data");
  EXPECT_EQ(r->client_tls_cert_path, "/srv/tadori/audit/observer.crt");
  EXPECT_EQ(r->follow_validators,
            (std::vector<std::string>{"10.0.0.1:7200", "10.0.0.2:7200", "10.0.0.3:7200"}));
  EXPECT_EQ(r->follow_stall_ms, 3000u);
  EXPECT_EQ(NodeRoleName(r->role), "observer");

  // An array works too, and stall_ms has its default.
  std::string array =
      Replaced(kObserver, "validators = \"10.0.0.1:7200, 10.0.0.2:7200,10.0.0.3:7200\"",
               "validators = [\"10.0.0.9:7200\"]");
  array = Replaced(array, "stall_ms   = 3000\n", "");
  Result<NodeConfig> a = ParseNodeConfig(array, kPath);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->follow_validators, std::vector<std::string>{"10.0.0.9:7200"});
  EXPECT_EQ(a->follow_stall_ms, kFollowStallMsDefault);
}

TEST(ObserverConfigTest, ValidatorKeysAreRefusedInAnObserverFile) {
  ExpectError(Inserted(kObserver, 2, "validator_id = \"farm-1\""), 3, "validator_id",
              kNotForObserver);
  ExpectError(Inserted(kObserver, 4, "consensus_key = \"consensus.key\""), 5, "consensus_key",
              kNotForObserver);
  ExpectError(Inserted(kObserver, 17, "[peer]\nlisten = \"127.0.0.1:7100\""), 18, "peer",
              kNotForObserver);
  ExpectError(Inserted(kObserver, 17, "[peers]\nv1 = \"127.0.0.1:7100\""), 18, "peers",
              kNotForObserver);
  ExpectError(Inserted(kObserver, 17, "[consensus]\nblock_tx_max = 5"), 18, "consensus",
              kNotForObserver);
  // And keys nobody knows, as for a validator.
  ExpectError(Inserted(kObserver, 5, "colour = \"blue\""), 6, "colour", ": unknown key");
  ExpectError(Inserted(kObserver, 17, "retries = 3"), 18, "follow.retries", ": unknown key");
}

TEST(ObserverConfigTest, ObserverKeysAreRefusedInAValidatorFile) {
  const std::string validator = R"(validator_id  = "farm-1"
data_dir      = "data"
genesis       = "../genesis.json"
consensus_key = "consensus.key"

[peer]
listen   = "127.0.0.1:7100"
tls_cert = "node.crt"
tls_key  = "node.key"

[client]
listen   = "127.0.0.1:7200"
)";
  Result<NodeConfig> ok = ParseNodeConfig(validator, kPath);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->role, NodeRole::kValidator);
  // role = "validator" said out loud is the same.
  Result<NodeConfig> said = ParseNodeConfig("role = \"validator\"\n" + validator, kPath);
  ASSERT_TRUE(said.ok()) << said.status().ToString();
  EXPECT_EQ(said->role, NodeRole::kValidator);
  ExpectError(Inserted(validator, 1, "node_id = \"obs\""), 2, "node_id", kOnlyObserver);
  ExpectError(validator + "[follow]\nvalidators = \"127.0.0.1:7200\"\n", 13, "follow",
              kOnlyObserver);
}

TEST(ObserverConfigTest, BadRoleAndNodeId) {
  ExpectError(Replaced(kObserver, "\"observer\"", "\"auditor\""), 1, "role",
              "'auditor' is not one of validator, observer");
  ExpectError(Replaced(kObserver, "role      = \"observer\"", "role = 7"), 1, "role",
              "expected a string");
  ExpectError(Replaced(kObserver, "node_id   = \"audit-observer-1\"\n", ""), 1, "node_id",
              "required key is missing");
  ExpectError(Replaced(kObserver, "audit-observer-1", "audit observer"), 2, "node_id",
              "has a character outside");
  ExpectError(Replaced(kObserver, "audit-observer-1", std::string(65, 'a')), 2, "node_id",
              "longer than 64 bytes");
}

TEST(ObserverConfigTest, FollowSectionChecks) {
  ExpectError(Replaced(kObserver,
                       "[follow]\nvalidators = \"10.0.0.1:7200, "
                       "10.0.0.2:7200,10.0.0.3:7200\"\nstall_ms   = 3000\n",
                       ""),
              1, "[follow]", "required section is missing");
  ExpectError(
      Replaced(kObserver, "validators = \"10.0.0.1:7200, 10.0.0.2:7200,10.0.0.3:7200\"\n", ""), 15,
      "follow.validators", "required key is missing");
  ExpectError(Replaced(kObserver, "10.0.0.2:7200", "10.0.0.2"), 16, "follow.validators",
              "'10.0.0.2' is not a HOST:PORT address");
  ExpectError(Replaced(kObserver, "10.0.0.2:7200", "10.0.0.1:7200"), 16, "follow.validators",
              "'10.0.0.1:7200' is listed twice");
  ExpectError(Replaced(kObserver, "10.0.0.1:7200, 10.0.0.2:7200,10.0.0.3:7200", ""), 16,
              "follow.validators", "is not a HOST:PORT address");
  ExpectError(Replaced(kObserver, "\"10.0.0.1:7200, 10.0.0.2:7200,10.0.0.3:7200\"", "[]"), 16,
              "follow.validators", "names no validator to follow");
  ExpectError(Replaced(kObserver, "\"10.0.0.1:7200, 10.0.0.2:7200,10.0.0.3:7200\"", "[7200]"), 16,
              "follow.validators", "expected a string");
  ExpectError(Replaced(kObserver, "3000", "100"), 17, "follow.stall_ms",
              "100 is out of range 500..600000");
  // Without a certificate the observer calls validators in plaintext: loopback only.
  std::string plain =
      Replaced(kObserver, "tls_cert = \"observer.crt\"\ntls_key  = \"observer.key\"\n", "");
  plain = Replaced(plain, "0.0.0.0:7400", "127.0.0.1:7400");
  ExpectError(plain, 14, "follow.validators", "'10.0.0.1:7200' is not a loopback address");
  plain =
      Replaced(plain, "10.0.0.1:7200, 10.0.0.2:7200,10.0.0.3:7200", "127.0.0.1:7200,[::1]:7201");
  Result<NodeConfig> ok = ParseNodeConfig(plain, kPath);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->client_tls_cert_path.empty());
}

TEST(ObserverConfigTest, RenderedObserverReadsBackEqual) {
  NodeConfig c;
  c.role = NodeRole::kObserver;
  c.node_id = "audit-observer-1";
  c.data_dir = "data";
  c.genesis_path = "../../genesis.json";
  c.client_listen = "127.0.0.1:7400";
  c.client_tls_cert_path = "observer.crt";
  c.client_tls_key_path = "observer.key";
  c.metrics_listen = "127.0.0.1:7500";
  c.follow_validators = {"127.0.0.1:7200", "127.0.0.1:7201"};
  c.follow_stall_ms = 2500;
  const std::string text = RenderNodeConfig(c);
  EXPECT_EQ(text.find("validator_id"), std::string::npos) << text;
  EXPECT_EQ(text.find("[peer"), std::string::npos) << text;
  EXPECT_EQ(text.find("consensus"), std::string::npos) << text;
  Result<NodeConfig> r = ParseNodeConfig(text, "node.toml");
  ASSERT_TRUE(r.ok()) << r.status().ToString() << "\n" << text;
  EXPECT_EQ(r->role, NodeRole::kObserver);
  EXPECT_EQ(r->node_id, c.node_id);
  EXPECT_EQ(r->data_dir, c.data_dir);
  EXPECT_EQ(r->genesis_path, c.genesis_path);
  EXPECT_EQ(r->client_listen, c.client_listen);
  EXPECT_EQ(r->client_tls_cert_path, c.client_tls_cert_path);
  EXPECT_EQ(r->client_tls_key_path, c.client_tls_key_path);
  EXPECT_EQ(r->metrics_listen, c.metrics_listen);
  EXPECT_EQ(r->follow_validators, c.follow_validators);
  EXPECT_EQ(r->follow_stall_ms, c.follow_stall_ms);

  // A validator's rendering does not say role: files written before observers read the same.
  NodeConfig v;
  v.validator_id = "v-1";
  v.data_dir = "data";
  v.genesis_path = "g.json";
  v.consensus_key_path = "c.key";
  v.peer_listen = "127.0.0.1:7100";
  v.peer_tls_cert_path = "n.crt";
  v.peer_tls_key_path = "n.key";
  v.client_listen = "127.0.0.1:7200";
  const std::string vtext = RenderNodeConfig(v);
  EXPECT_EQ(vtext.find("role"), std::string::npos) << vtext;
  EXPECT_EQ(vtext.find("[follow]"), std::string::npos) << vtext;
  ASSERT_TRUE(ParseNodeConfig(vtext, "node.toml").ok());
}

}  // namespace
}  // namespace tadori
