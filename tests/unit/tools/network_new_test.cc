// `tadori network new`: the files WriteConsortium leaves are a consortium the node accepts:
// a genesis that decodes, private files only their owner reads, configs that parse with the
// planned ports, node certificates that identify the right validator, and per organisation a
// member client certificate and a client config that the tools load.
#include "tools/cli/consortium.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "ledger/certificates.h"
#include "ledger/client_identity.h"
#include "ledger/files.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "node/config/node_config.h"
#include "tools/client/client_config.h"

namespace tadori::cli {
namespace {

namespace fs = std::filesystem;

class NetworkNewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("tadori-network-new-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Out() const { return (root_ / "net").string(); }

  static std::string Read(const fs::path& p) {
    Result<std::string> text = ReadFileToString(p.string(), 1 << 20);
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    return text.ok() ? *text : std::string();
  }

  static unsigned Mode(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
  }

  static ConsortiumOptions Options(int orgs, int per_org) {
    ConsortiumOptions o;
    o.orgs = orgs;
    o.validators_per_org = per_org;
    o.base_port = 17100;
    o.genesis_time_ms = 1'750'000'000'000;
    return o;
  }

  fs::path root_;
};

TEST_F(NetworkNewTest, WritesAConsortiumTheNodeAccepts) {
  Result<ConsortiumLayout> layout = WriteConsortium(Options(3, 2), Out());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  const fs::path out = Out();

  // The genesis decodes and names the story's first three organisations.
  Result<GenesisInfo> genesis = GenesisFromJson(Read(out / "genesis.json"));
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  const v1::Genesis& g = genesis->genesis;
  EXPECT_EQ(g.chain_id(), "tadori-kyushu");
  EXPECT_EQ(g.genesis_time_ms(), 1'750'000'000'000);
  EXPECT_EQ(genesis->hash.Hex(), layout->genesis_hash_hex);
  ASSERT_EQ(g.organizations_size(), 3);
  EXPECT_EQ(g.organizations(0).id(), "kyushu-farm");
  EXPECT_EQ(g.organizations(0).roles(0), "producer");
  EXPECT_EQ(g.organizations(1).id(), "hakata-wholesale");
  EXPECT_EQ(g.organizations(1).roles(0), "distributor");
  EXPECT_EQ(g.organizations(2).id(), "fukuoka-deli");
  EXPECT_EQ(g.organizations(2).name(), "Fukuoka Deli (福岡デリ, 中食)");
  EXPECT_EQ(g.organizations(2).roles(0), "processor");
  ASSERT_EQ(g.validators_size(), 6);
  ASSERT_EQ(layout->validators.size(), 6u);

  for (int o = 0; o < g.organizations_size(); ++o) {
    const v1::Organization& org = g.organizations(o);
    const fs::path org_dir = out / org.id();
    EXPECT_EQ(Mode(org_dir / "ca.key"), 0600u);
    EXPECT_EQ(Mode(org_dir / "admin.key"), 0600u);
    EXPECT_EQ(Read(org_dir / "ca.crt"), org.ca_certificate());
    Result<PrivateKey> admin = PrivateKey::FromPem(Read(org_dir / "admin.key"));
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    ASSERT_EQ(org.admin_public_keys_size(), 1);
    EXPECT_EQ(admin->public_key().ToPem(), org.admin_public_keys(0));
  }

  std::set<std::string> ids;
  for (int i = 0; i < g.validators_size(); ++i) {
    const v1::Validator& v = g.validators(i);
    ids.insert(v.id());
    const std::string org_id = g.organizations(i / 2).id();
    EXPECT_EQ(v.org_id(), org_id);
    EXPECT_EQ(v.id(), org_id + "-" + std::to_string(i % 2 + 1));
    EXPECT_EQ(v.address(), "127.0.0.1:" + std::to_string(17100 + i));
    EXPECT_EQ(v.weight(), 1u);

    const fs::path dir = out / org_id / v.id();
    EXPECT_EQ(Mode(dir / "node.key"), 0600u);
    EXPECT_EQ(Mode(dir / "consensus.key"), 0600u);
    Result<PrivateKey> consensus = PrivateKey::FromPem(Read(dir / "consensus.key"));
    ASSERT_TRUE(consensus.ok());
    EXPECT_EQ(consensus->public_key().ToPem(), v.consensus_public_key());

    // Its certificate, issued by its organisation's CA, identifies exactly it.
    Result<size_t> who = IdentifyPeerValidator(Read(dir / "node.crt"), *genesis);
    ASSERT_TRUE(who.ok()) << who.status().ToString();
    EXPECT_EQ(*who, static_cast<size_t>(i));

    // Its config parses, with the planned ports and paths that lead to its files.
    ASSERT_EQ(layout->validators[i].config_path, (dir / "node.toml").string());
    Result<NodeConfig> c = LoadNodeConfig((dir / "node.toml").string());
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->validator_id, v.id());
    EXPECT_EQ(c->peer_listen, "127.0.0.1:" + std::to_string(17100 + i));
    EXPECT_EQ(c->client_listen, "127.0.0.1:" + std::to_string(17200 + i));
    EXPECT_EQ(c->metrics_listen, "127.0.0.1:" + std::to_string(17300 + i));
    // The client API serves the same certificate over TLS.
    EXPECT_TRUE(fs::equivalent(c->client_tls_cert_path, dir / "node.crt"));
    EXPECT_TRUE(fs::equivalent(c->client_tls_key_path, dir / "node.key"));
    EXPECT_TRUE(fs::equivalent(c->genesis_path, out / "genesis.json"));
    EXPECT_TRUE(fs::equivalent(c->consensus_key_path, dir / "consensus.key"));
    EXPECT_TRUE(fs::equivalent(c->peer_tls_cert_path, dir / "node.crt"));
    EXPECT_TRUE(fs::equivalent(c->peer_tls_key_path, dir / "node.key"));
    EXPECT_EQ(c->data_dir, (dir / "data").string());
    ASSERT_EQ(c->peers.size(), 5u);
    EXPECT_EQ(c->peers.count(v.id()), 0u);
    for (const v1::Validator& other : g.validators()) {
      if (other.id() == v.id()) continue;
      EXPECT_EQ(c->peers.at(other.id()), other.address());
    }
  }
  EXPECT_EQ(ids.size(), 6u);
}

// Each organisation, validator or member, gets a client identity and a config the tools load:
// its member certificate names its admin key, and its node list starts with its own
// validators.
TEST_F(NetworkNewTest, WritesAClientIdentityAndConfigPerOrganisation) {
  ConsortiumOptions o = Options(3, 2);
  o.validator_orgs = 2;
  Result<ConsortiumLayout> layout = WriteConsortium(o, Out());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  const fs::path out = Out();
  Result<GenesisInfo> genesis = GenesisFromJson(Read(out / "genesis.json"));
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();

  // The bundle holds every organisation's CA, members' too.
  EXPECT_EQ(layout->ca_bundle_path, (out / "ca-bundle.pem").string());
  Result<std::string> roots = GenesisTrustRootsPem(*genesis);
  ASSERT_TRUE(roots.ok());
  EXPECT_EQ(Read(out / "ca-bundle.pem"), *roots);
  EXPECT_EQ(Mode(out / "ca-bundle.pem"), 0644u);

  const std::vector<std::vector<std::string>> want_nodes = {
      {"127.0.0.1:17200", "127.0.0.1:17201", "127.0.0.1:17202", "127.0.0.1:17203"},
      {"127.0.0.1:17202", "127.0.0.1:17203", "127.0.0.1:17200", "127.0.0.1:17201"},
      {"127.0.0.1:17200", "127.0.0.1:17201", "127.0.0.1:17202", "127.0.0.1:17203"}};
  ASSERT_EQ(layout->clients.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const ConsortiumClient& client = layout->clients[i];
    const std::string& org_id = genesis->genesis.organizations(static_cast<int>(i)).id();
    const fs::path org_dir = out / org_id;
    EXPECT_EQ(client.org_id, org_id);
    EXPECT_EQ(client.certificate_path, (org_dir / "client.crt").string());
    EXPECT_EQ(client.key_path, (org_dir / "client.key").string());
    EXPECT_EQ(client.config_path, (org_dir / "cli.toml").string());
    EXPECT_EQ(client.nodes, want_nodes[i]) << org_id;
    EXPECT_EQ(Mode(org_dir / "client.key"), 0600u);

    // The certificate identifies a member of the organisation by its admin key.
    Result<ClientIdentity> who = IdentifyClient(Read(org_dir / "client.crt"), *genesis);
    ASSERT_TRUE(who.ok()) << who.status().ToString();
    EXPECT_EQ(who->kind, ClientIdentity::Kind::kMember);
    EXPECT_EQ(who->org_id, org_id);
    Result<PrivateKey> admin = PrivateKey::FromPem(Read(org_dir / "admin.key"));
    ASSERT_TRUE(admin.ok());
    EXPECT_EQ(who->member_key, admin->public_key().id());

    // cli.toml parses, and through it the tools load exactly these files over TLS.
    Result<client::ClientConfigFile> config =
        client::ParseClientConfig(Read(org_dir / "cli.toml"), client.config_path);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    ASSERT_TRUE(config->ca && config->cert && config->cert_key);
    EXPECT_TRUE(fs::equivalent(config->ca->value, out / "ca-bundle.pem"));
    EXPECT_TRUE(fs::equivalent(config->cert->value, org_dir / "client.crt"));
    EXPECT_TRUE(fs::equivalent(config->cert_key->value, org_dir / "client.key"));
    Result<client::ClientSetup> setup =
        client::ResolveClientSetup({.config = client.config_path}, {}, root_.string());
    ASSERT_TRUE(setup.ok()) << setup.status().ToString();
    EXPECT_EQ(setup->nodes, want_nodes[i]);
    ASSERT_TRUE(setup->channel.tls.has_value());
    EXPECT_EQ(setup->channel.tls->trust_roots_pem, *roots);
    EXPECT_EQ(setup->channel.tls->certificate_pem, Read(org_dir / "client.crt"));
  }
}

TEST_F(NetworkNewTest, OrganisationsBeyondTheStoryAreProducers) {
  Result<ConsortiumLayout> layout = WriteConsortium(Options(10, 1), Out());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  Result<GenesisInfo> genesis = GenesisFromJson(Read(fs::path(Out()) / "genesis.json"));
  ASSERT_TRUE(genesis.ok());
  const v1::Genesis& g = genesis->genesis;
  ASSERT_EQ(g.organizations_size(), 10);
  EXPECT_EQ(g.organizations(4).roles(0), "carrier");
  EXPECT_EQ(g.organizations(7).id(), "fukuoka-food-safety");
  EXPECT_EQ(g.organizations(7).roles(0), "regulator");
  EXPECT_EQ(g.organizations(8).id(), "org-9");
  EXPECT_EQ(g.organizations(9).id(), "org-10");
  EXPECT_EQ(g.organizations(9).roles(0), "producer");
  EXPECT_EQ(g.validators(9).id(), "org-10-1");
  // A certificate of one organisation does not identify another's validator.
  Result<size_t> who =
      IdentifyPeerValidator(Read(fs::path(Out()) / "org-9" / "org-9-1" / "node.crt"), *genesis);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(*who, 8u);
}

TEST_F(NetworkNewTest, UsesAnEmptyDirectoryAndRefusesANonEmptyOne) {
  fs::create_directories(Out());
  ASSERT_TRUE(WriteConsortium(Options(1, 1), Out()).ok());
  const std::string genesis = Read(fs::path(Out()) / "genesis.json");

  Result<ConsortiumLayout> again = WriteConsortium(Options(1, 1), Out());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("not empty"), std::string::npos);
  EXPECT_EQ(Read(fs::path(Out()) / "genesis.json"), genesis);  // untouched

  const std::string file = (root_ / "plain-file").string();
  std::ofstream(file) << "x";
  const Status over_file = WriteConsortium(Options(1, 1), file).status();
  EXPECT_EQ(over_file.code(), Code::kFailedPrecondition) << over_file.ToString();
  EXPECT_NE(over_file.message().find(file + " exists and is not a directory"), std::string::npos)
      << over_file.ToString();
}

TEST_F(NetworkNewTest, RefusesOptionsOutOfRangeAndWritesNothing) {
  ConsortiumOptions bad[] = {Options(0, 1), Options(33, 1), Options(1, 0), Options(1, 5),
                             Options(26, 4) /* 104 validators: ports would collide */};
  ConsortiumOptions high_port = Options(2, 1);
  high_port.base_port = 65400;
  ConsortiumOptions bad_host = Options(2, 1);
  bad_host.host = "not a host";
  ConsortiumOptions long_chain = Options(2, 1);
  long_chain.chain_id = std::string(65, 'c');
  const std::pair<ConsortiumOptions, std::string> refused[] = {
      {bad[0], "--orgs must be 1.."},
      {bad[1], "--orgs must be 1.."},
      {bad[2], "--validators-per-org must be 1.."},
      {bad[3], "--validators-per-org must be 1.."},
      {bad[4], "104 validators: at most"},
      {high_port, "--base-port 65400: ports base..base+201 must lie within 1..65535"},
      {bad_host, "--host 'not a host' is neither an IP address nor a DNS name"},
      {long_chain, "--chain-id must be 1.."}};
  for (const auto& [o, reason] : refused) {
    Result<ConsortiumLayout> r = WriteConsortium(o, Out());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument)
        << o.orgs << "x" << o.validators_per_org << " " << r.status().ToString();
    EXPECT_NE(r.status().message().find(reason), std::string::npos)
        << "want \"" << reason << "\", got " << r.status().ToString();
    EXPECT_FALSE(fs::exists(Out()));
  }
}

TEST_F(NetworkNewTest, AnotherHostGoesIntoTheGenesisAndCertificates) {
  ConsortiumOptions o = Options(2, 1);
  o.host = "10.20.30.40";
  o.chain_id = "kyushu-test";
  Result<ConsortiumLayout> layout = WriteConsortium(o, Out());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  Result<GenesisInfo> genesis = GenesisFromJson(Read(fs::path(Out()) / "genesis.json"));
  ASSERT_TRUE(genesis.ok());
  EXPECT_EQ(genesis->genesis.chain_id(), "kyushu-test");
  EXPECT_EQ(genesis->genesis.validators(1).address(), "10.20.30.40:17101");
  Result<NodeConfig> c = LoadNodeConfig(layout->validators[0].config_path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->peer_listen, "10.20.30.40:17100");
  EXPECT_EQ(c->client_listen, "127.0.0.1:17200");  // clients stay on loopback
  EXPECT_EQ(c->peers.at("hakata-wholesale-1"), "10.20.30.40:17101");
}

// The quickstart's network: four organisations run a validator each; the other four of the
// cast are members, with an admin key and a CA in the genesis but no validator.
TEST_F(NetworkNewTest, OnlyTheFirstValidatorOrgsRunValidators) {
  ConsortiumOptions o = Options(8, 1);
  o.validator_orgs = 4;
  Result<ConsortiumLayout> layout = WriteConsortium(o, Out());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  const fs::path out = Out();
  Result<GenesisInfo> genesis = GenesisFromJson(Read(out / "genesis.json"));
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  const v1::Genesis& g = genesis->genesis;
  ASSERT_EQ(g.organizations_size(), 8);
  ASSERT_EQ(g.validators_size(), 4);
  ASSERT_EQ(layout->validators.size(), 4u);
  EXPECT_EQ(layout->org_ids.size(), 8u);
  EXPECT_EQ(layout->validator_org_count, 4);
  const char* validator_orgs[] = {"kyushu-farm", "hakata-wholesale", "fukuoka-deli",
                                  "tenjin-bistro"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(g.validators(i).org_id(), validator_orgs[i]);
    EXPECT_EQ(g.validators(i).id(), std::string(validator_orgs[i]) + "-1");
    EXPECT_FALSE(g.organizations(i).ca_certificate().empty());
  }
  const char* member_orgs[] = {"kyushu-coldchain", "kyushu-iot-council", "kyushu-audit",
                               "fukuoka-food-safety"};
  for (int i = 0; i < 4; ++i) {
    const v1::Organization& org = g.organizations(4 + i);
    EXPECT_EQ(org.id(), member_orgs[i]);
    const fs::path org_dir = out / org.id();
    // The peer links trust every organisation's CA (GenesisTrustRootsPem), so members have one.
    EXPECT_EQ(Read(org_dir / "ca.crt"), org.ca_certificate());
    EXPECT_EQ(Mode(org_dir / "ca.key"), 0600u);
    EXPECT_EQ(Mode(org_dir / "admin.key"), 0600u);
    Result<PrivateKey> admin = PrivateKey::FromPem(Read(org_dir / "admin.key"));
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    ASSERT_EQ(org.admin_public_keys_size(), 1);
    EXPECT_EQ(admin->public_key().ToPem(), org.admin_public_keys(0));
    EXPECT_FALSE(fs::exists(org_dir / (org.id() + "-1"))) << org.id();
  }
  EXPECT_EQ(g.organizations(7).roles(0), "regulator");
  EXPECT_TRUE(GenesisTrustRootsPem(*genesis).ok());
  // Every validator dials only the other validators.
  Result<NodeConfig> c = LoadNodeConfig(layout->validators[3].config_path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->peers.size(), 3u);
}

// --client-port places the client API of validator i at P+i, away from the peer and metrics
// ports, which stay at base+i and base+200+i.
TEST_F(NetworkNewTest, ClientPortPlacesTheClientApis) {
  ConsortiumOptions o = Options(8, 1);
  o.validator_orgs = 4;
  o.base_port = 7100;
  o.client_port = 7050;
  Result<ConsortiumLayout> layout = WriteConsortium(o, Out());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  for (int i = 0; i < 4; ++i) {
    const ConsortiumValidator& v = layout->validators[i];
    EXPECT_EQ(v.client_port, 7050 + i);
    EXPECT_EQ(v.peer_port, 7100 + i);
    EXPECT_EQ(v.metrics_port, 7300 + i);
    Result<NodeConfig> c = LoadNodeConfig(v.config_path);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->client_listen, "127.0.0.1:" + std::to_string(7050 + i));
    EXPECT_EQ(c->peer_listen, "127.0.0.1:" + std::to_string(7100 + i));
    EXPECT_EQ(c->metrics_listen, "127.0.0.1:" + std::to_string(7300 + i));
  }
  // Without it, clients stay 100 above the peers.
  EXPECT_EQ(WriteConsortium(Options(2, 1), (root_ / "default").string())->validators[1].client_port,
            17201);
}

TEST_F(NetworkNewTest, RefusesValidatorOrgsAndClientPortsThatDoNotFit) {
  auto with = [](int orgs, int validator_orgs, int per_org, int base, int client) {
    ConsortiumOptions o = Options(orgs, per_org);
    o.validator_orgs = validator_orgs;
    o.base_port = base;
    o.client_port = client;
    return o;
  };
  const std::pair<ConsortiumOptions, std::string> refused[] = {
      {with(4, 5, 1, 7100, 0), "--validator-orgs must be 1..4 (--orgs), not 5"},
      {with(4, -1, 1, 7100, 0), "--validator-orgs must be 1..4 (--orgs), not -1"},
      {with(4, 4, 1, 7100, 7102),
       "--client-port 7102: client ports 7102..7105 overlap the peer ports 7100..7103"},
      {with(4, 4, 1, 7100, 7098),
       "--client-port 7098: client ports 7098..7101 overlap the peer ports 7100..7103"},
      {with(4, 2, 2, 7100, 7301),
       "--client-port 7301: client ports 7301..7304 overlap the metrics ports 7300..7303"},
      {with(8, 4, 1, 7100, 65533), "--client-port 65533: client ports 65533..65536 must lie"},
      {with(8, 4, 1, 7100, -3), "--client-port -3: client ports -3..0 must lie"},
  };
  for (const auto& [o, reason] : refused) {
    Result<ConsortiumLayout> r = WriteConsortium(o, Out());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().ToString();
    EXPECT_NE(r.status().message().find(reason), std::string::npos)
        << "want \"" << reason << "\", got " << r.status().ToString();
    EXPECT_FALSE(fs::exists(Out()));
  }
  // Ports right next to the peers' are fine.
  EXPECT_TRUE(WriteConsortium(with(8, 4, 1, 7100, 7096), Out()).ok());
}

// --observers K: K observer nodes of the first organisation the read policy lets read
// everything (kyushu-audit, an auditor), each with a certificate the validators admit as an
// observer of it and a config that follows every validator, on ports of their own.
TEST_F(NetworkNewTest, WritesObserversThatFollowEveryValidator) {
  ConsortiumOptions o = Options(8, 1);
  o.validator_orgs = 4;
  o.observers = 2;
  Result<ConsortiumLayout> layout = WriteConsortium(o, Out());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  const fs::path out = Out();
  Result<GenesisInfo> genesis = GenesisFromJson(Read(out / "genesis.json"));
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
  EXPECT_EQ(genesis->genesis.validators_size(), 4);  // observers are not validators

  std::set<std::string> validator_clients;
  for (const ConsortiumValidator& v : layout->validators) {
    validator_clients.insert("127.0.0.1:" + std::to_string(v.client_port));
  }
  ASSERT_EQ(validator_clients.size(), 4u);

  ASSERT_EQ(layout->observers.size(), 2u);
  for (int k = 0; k < 2; ++k) {
    const ConsortiumObserver& obs = layout->observers[k];
    const std::string id = "kyushu-audit-observer-" + std::to_string(k + 1);
    EXPECT_EQ(obs.id, id);
    EXPECT_EQ(obs.org_id, "kyushu-audit");
    EXPECT_EQ(obs.client_port, 17400 + k);
    EXPECT_EQ(obs.metrics_port, 17500 + k);
    const fs::path dir = out / "kyushu-audit" / id;
    EXPECT_EQ(obs.config_path, (dir / "node.toml").string());
    EXPECT_EQ(Mode(dir / "observer.key"), 0600u);
    EXPECT_EQ(Mode(dir / "observer.crt"), 0644u);

    // The validators identify its certificate as this observer of kyushu-audit.
    Result<ClientIdentity> who = IdentifyClient(Read(dir / "observer.crt"), *genesis);
    ASSERT_TRUE(who.ok()) << who.status().ToString();
    EXPECT_EQ(who->kind, ClientIdentity::Kind::kObserver);
    EXPECT_EQ(who->org_id, "kyushu-audit");
    EXPECT_EQ(who->node_id, id);
    // Its key is the certificate's (the daemon refuses to start otherwise).
    EXPECT_EQ(CheckTlsKeyFit(Read(dir / "observer.crt"), Read(dir / "observer.key")),
              TlsKeyFit::kMatches);

    Result<NodeConfig> c = LoadNodeConfig(obs.config_path);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->role, NodeRole::kObserver);
    EXPECT_EQ(c->node_id, id);
    EXPECT_TRUE(c->validator_id.empty());
    EXPECT_TRUE(c->consensus_key_path.empty());
    EXPECT_EQ(c->data_dir, (dir / "data").string());
    EXPECT_TRUE(fs::equivalent(c->genesis_path, out / "genesis.json"));
    EXPECT_EQ(c->client_listen, "127.0.0.1:" + std::to_string(17400 + k));
    EXPECT_EQ(c->metrics_listen, "127.0.0.1:" + std::to_string(17500 + k));
    EXPECT_TRUE(fs::equivalent(c->client_tls_cert_path, dir / "observer.crt"));
    EXPECT_TRUE(fs::equivalent(c->client_tls_key_path, dir / "observer.key"));
    // It follows every validator, each once, over their client APIs.
    EXPECT_EQ(c->follow_validators.size(), 4u);
    EXPECT_EQ(std::set<std::string>(c->follow_validators.begin(), c->follow_validators.end()),
              validator_clients);
    EXPECT_EQ(c->follow_stall_ms, kFollowStallMsDefault);
  }

  // No two listeners share a port.
  std::set<int> ports;
  size_t listeners = 0;
  for (const ConsortiumValidator& v : layout->validators) {
    ports.insert({v.peer_port, v.client_port, v.metrics_port});
    listeners += 3;
  }
  for (const ConsortiumObserver& obs : layout->observers) {
    ports.insert({obs.client_port, obs.metrics_port});
    listeners += 2;
  }
  EXPECT_EQ(listeners, 16u);
  EXPECT_EQ(ports.size(), listeners);

  // Without --observers there are none.
  Result<ConsortiumLayout> none = WriteConsortium(Options(8, 1), (root_ / "none").string());
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->observers.empty());
  EXPECT_FALSE(fs::exists(root_ / "none" / "kyushu-audit" / "kyushu-audit-observer-1"));
}

// Without an auditor or a regulator, the observers belong to the first validator
// organisation: an observer of a member organisation that runs no validator would be refused.
TEST_F(NetworkNewTest, ObserversWithoutAReadAllOrganisationBelongToTheFirstValidatorOrg) {
  ConsortiumOptions o = Options(3, 2);
  o.validator_orgs = 2;
  o.observers = 1;
  Result<ConsortiumLayout> layout = WriteConsortium(o, Out());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  const fs::path out = Out();
  Result<GenesisInfo> genesis = GenesisFromJson(Read(out / "genesis.json"));
  ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();

  ASSERT_EQ(layout->observers.size(), 1u);
  const ConsortiumObserver& obs = layout->observers[0];
  EXPECT_EQ(obs.id, "kyushu-farm-observer-1");
  EXPECT_EQ(obs.org_id, "kyushu-farm");
  const fs::path dir = out / "kyushu-farm" / "kyushu-farm-observer-1";
  Result<ClientIdentity> who = IdentifyClient(Read(dir / "observer.crt"), *genesis);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->kind, ClientIdentity::Kind::kObserver);
  EXPECT_EQ(who->org_id, "kyushu-farm");

  // Its own organisation's validators come first in the follow list, then the others.
  Result<NodeConfig> c = LoadNodeConfig(obs.config_path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const std::vector<std::string> want = {"127.0.0.1:17200", "127.0.0.1:17201", "127.0.0.1:17202",
                                         "127.0.0.1:17203"};
  EXPECT_EQ(c->follow_validators, want);

  // The member fukuoka-deli (a processor, no validator) could not have had one.
  PemKeyPair deli_ca{Read(out / "fukuoka-deli" / "ca.crt"), Read(out / "fukuoka-deli" / "ca.key")};
  Result<PemKeyPair> deli =
      IssueObserverCertificate(deli_ca, "fukuoka-deli", "fukuoka-deli-observer-1", {}, {});
  ASSERT_TRUE(deli.ok()) << deli.status().ToString();
  Result<ClientIdentity> refused = IdentifyClient(deli->certificate_pem, *genesis);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(ClientRefusalReason(refused.status()), "observer_not_allowed");
}

TEST_F(NetworkNewTest, RefusesObserversThatDoNotFit) {
  auto with = [](int observers, int base, int client) {
    ConsortiumOptions o = Options(8, 1);
    o.validator_orgs = 4;
    o.observers = observers;
    o.base_port = base;
    o.client_port = client;
    return o;
  };
  const std::pair<ConsortiumOptions, std::string> refused[] = {
      {with(-1, 7100, 0), "--observers must be 0..8, not -1"},
      {with(9, 7100, 0), "--observers must be 0..8, not 9"},
      {with(1, 65200, 0), "--base-port 65200: ports base..base+400 must lie within 1..65535"},
      {with(8, 65129, 0), "--base-port 65129: ports base..base+407 must lie within 1..65535"},
      {with(2, 7100, 7398),
       "--client-port 7398: client ports 7398..7401 overlap the observers' client ports "
       "7400..7401"},
      {with(2, 7100, 7501),
       "--client-port 7501: client ports 7501..7504 overlap the observers' metrics ports "
       "7500..7501"},
  };
  for (const auto& [o, reason] : refused) {
    Result<ConsortiumLayout> r = WriteConsortium(o, Out());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().ToString();
    EXPECT_NE(r.status().message().find(reason), std::string::npos)
        << "want \"" << reason << "\", got " << r.status().ToString();
    EXPECT_FALSE(fs::exists(Out()));
  }
  // The same ports are free without observers, and next to theirs with them.
  EXPECT_TRUE(WriteConsortium(with(0, 65200, 0), Out()).ok());
  EXPECT_TRUE(WriteConsortium(with(8, 7100, 7396), (root_ / "next").string()).ok());
  EXPECT_TRUE(WriteConsortium(with(8, 65128, 0), (root_ / "top").string()).ok());  // ..65535
}

}  // namespace
}  // namespace tadori::cli
