// Where the tools find their nodes and TLS identity: the config file, the search for
// .tadori.toml, flags over environment over file for each setting, and the TLS files checked
// before any connection.
#include "tools/client/client_config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "ledger/certificates.h"
#include "tools/client/client_tls.h"
#include "tools/client/node_address.h"

namespace tadori::client {
namespace {

namespace fs = std::filesystem;

class ClientConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tadori-client-config-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    // 0644 whatever the umask: a found config that others may write is refused.
    fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                           fs::perms::others_read);
    return p.string();
  }

  // A CA, and a certificate with its key issued by it, written as <prefix>ca.pem,
  // <prefix>cert.pem, <prefix>key.pem.
  struct Identity {
    std::string ca, cert, key;  // paths
    std::string ca_pem, cert_pem, key_pem;
  };
  Identity WriteIdentity(const std::string& prefix) {
    Result<PemKeyPair> ca = NewOrganizationCa("org-" + prefix);
    EXPECT_TRUE(ca.ok()) << ca.status().ToString();
    Result<PemKeyPair> leaf = IssueNodeCertificate(*ca, "org-" + prefix, prefix + "-1", {}, {});
    EXPECT_TRUE(leaf.ok()) << leaf.status().ToString();
    Identity id;
    id.ca_pem = ca->certificate_pem;
    id.cert_pem = leaf->certificate_pem;
    id.key_pem = leaf->private_key_pem;
    id.ca = Write(prefix + "ca.pem", id.ca_pem);
    id.cert = Write(prefix + "cert.pem", id.cert_pem);
    id.key = Write(prefix + "key.pem", id.key_pem);
    return id;
  }

  // True when no directory from dir_ up holds a .tadori.toml that this test did not write.
  bool NoStrayConfigAbove() const {
    for (fs::path p = dir_.parent_path();; p = p.parent_path()) {
      if (fs::exists(p / kDefaultConfigName)) return false;
      if (p == p.parent_path()) return true;
    }
  }

  fs::path dir_;
};

TEST_F(ClientConfigTest, ParsesEveryKeyWithPathsRelativeToTheFile) {
  const std::string path = (dir_ / "org" / "cli.toml").string();
  Result<ClientConfigFile> c = ParseClientConfig(
      "# a comment\n"
      "node = \"127.0.0.1:7200,127.0.0.1:7201\"\n"
      "ca = \"../ca-bundle.pem\"\n"
      "cert = \"client.crt\"\n"
      "cert_key = \"/abs/client.key\"\n",
      path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->path, path);
  ASSERT_TRUE(c->node && c->ca && c->cert && c->cert_key);
  EXPECT_EQ(c->node->value, "127.0.0.1:7200,127.0.0.1:7201");
  EXPECT_EQ(c->node->source, path + ":2 (node)");
  EXPECT_EQ(c->ca->value, (dir_ / "ca-bundle.pem").string());
  EXPECT_EQ(c->ca->source, path + ":3 (ca)");
  EXPECT_EQ(c->cert->value, (dir_ / "org" / "client.crt").string());
  EXPECT_EQ(c->cert_key->value, "/abs/client.key");

  Result<ClientConfigFile> empty = ParseClientConfig("", path);
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->node || empty->ca || empty->cert || empty->cert_key);
}

TEST_F(ClientConfigTest, RefusesUnknownKeysWrongTypesAndBadTomlNamingFileAndLine) {
  const std::pair<std::string, std::string> refused[] = {
      {"node = \"a:1\"\nkey = \"client.key\"\n",
       "cli.toml:2: unknown key 'key' (a tadori client config has node, ca, cert, cert_key; "
       "the certificate's TLS key is cert_key)"},
      {"nodes = \"a:1\"\n",
       "cli.toml:1: unknown key 'nodes' (a tadori client config has node, ca, cert, cert_key)"},
      {"\n\n[client]\nca = \"x\"\n", "cli.toml:3: unknown key 'client'"},
      {"ca = 7\n", "cli.toml:1: ca must be a non-empty string"},
      {"node = \"\"\n", "cli.toml:1: node must be a non-empty string"},
      {"cert = [\"a\"]\n", "cli.toml:1: cert must be a non-empty string"},
      {"node = \"a:1\"\nca = \n", "cli.toml:2:"},
  };
  for (const auto& [text, want] : refused) {
    Result<ClientConfigFile> c = ParseClientConfig(text, "cli.toml");
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(c.status().message().rfind(want, 0), 0u)
        << "want \"" << want << "\", got " << c.status().ToString();
  }
}

TEST_F(ClientConfigTest, FindsTheNearestDotTadoriTomlAboveTheWorkingDirectory) {
  Write("a/.tadori.toml", "node = \"outer:1\"\n");
  Write("a/b/.tadori.toml", "node = \"inner:1\"\n");
  fs::create_directories(dir_ / "a" / "b" / "c" / "d");

  Result<std::optional<ClientConfigFile>> nearest =
      FindClientConfig({}, {}, (dir_ / "a" / "b" / "c" / "d").string());
  ASSERT_TRUE(nearest.ok()) << nearest.status().ToString();
  ASSERT_TRUE(nearest->has_value());
  EXPECT_EQ((*nearest)->path, (dir_ / "a" / "b" / ".tadori.toml").string());
  EXPECT_EQ((*nearest)->node->value, "inner:1");

  Result<std::optional<ClientConfigFile>> here = FindClientConfig({}, {}, (dir_ / "a").string());
  ASSERT_TRUE(here.ok());
  ASSERT_TRUE(here->has_value());
  EXPECT_EQ((*here)->node->value, "outer:1");

  if (NoStrayConfigAbove()) {
    Result<std::optional<ClientConfigFile>> none = FindClientConfig({}, {}, dir_.string());
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
  }
}

// A .tadori.toml that others may write is not obeyed when found; named, it is the user's call.
TEST_F(ClientConfigTest, RefusesAFoundConfigOthersMayWrite) {
  const std::string path = Write(".tadori.toml", "node = \"planted:1\"\n");
  fs::permissions(path, fs::perms::others_write, fs::perm_options::add);
  Result<std::optional<ClientConfigFile>> found = FindClientConfig({}, {}, dir_.string());
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(found.status().message().rfind("config file " + path + " is writable by others", 0), 0u)
      << found.status().ToString();
  Result<std::optional<ClientConfigFile>> named =
      FindClientConfig({.config = path}, {}, dir_.string());
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ((*named)->node->value, "planted:1");
  fs::permissions(path, fs::perms::others_write, fs::perm_options::remove);
  EXPECT_TRUE(FindClientConfig({}, {}, dir_.string()).ok());
}

TEST_F(ClientConfigTest, ConfigFlagBeatsTheVariableWhichBeatsTheSearch) {
  Write(".tadori.toml", "node = \"found:1\"\n");
  const std::string by_env = Write("env.toml", "node = \"env:1\"\n");
  const std::string by_flag = Write("flag.toml", "node = \"flag:1\"\n");
  ClientEnv env;
  env.config = by_env.c_str();
  ClientFlags flags;
  flags.config = by_flag;

  auto node_of = [&](const ClientFlags& f, const ClientEnv& e) {
    Result<std::optional<ClientConfigFile>> c = FindClientConfig(f, e, dir_.string());
    EXPECT_TRUE(c.ok() && c->has_value()) << c.status().ToString();
    return c.ok() && c->has_value() ? (*c)->node->value : std::string();
  };
  EXPECT_EQ(node_of(flags, env), "flag:1");
  EXPECT_EQ(node_of({}, env), "env:1");
  EXPECT_EQ(node_of({}, {}), "found:1");

  // A file named by flag or variable must be there: a typo is not "no config".
  flags.config = (dir_ / "missing.toml").string();
  Result<std::optional<ClientConfigFile>> missing = FindClientConfig(flags, env, dir_.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message().rfind("--config " + flags.config, 0), 0u)
      << missing.status().ToString();
  const std::string missing_env = (dir_ / "gone.toml").string();
  env.config = missing_env.c_str();
  missing = FindClientConfig({}, env, dir_.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message().rfind("$TADORI_CONFIG " + missing_env, 0), 0u)
      << missing.status().ToString();
}

// Each setting on its own: --flag, else $VARIABLE, else the config file.
TEST_F(ClientConfigTest, FlagsBeatEnvironmentWhichBeatsTheFileSettingBySetting) {
  const Identity file_id = WriteIdentity("file");
  const Identity env_id = WriteIdentity("env");
  const Identity flag_id = WriteIdentity("flag");
  const std::string config = Write("cli.toml",
                                   "node = \"127.0.0.1:1\"\n"
                                   "ca = \"fileca.pem\"\n"
                                   "cert = \"filecert.pem\"\n"
                                   "cert_key = \"filekey.pem\"\n");
  ClientFlags flags;
  flags.config = config;
  ClientEnv env;

  Result<ClientSetup> from_file = ResolveClientSetup(flags, env, dir_.string());
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(from_file->config_path, config);
  EXPECT_EQ(from_file->nodes, std::vector<std::string>{"127.0.0.1:1"});
  EXPECT_EQ(from_file->node_source, config + ":1 (node)");
  ASSERT_TRUE(from_file->channel.tls.has_value());
  EXPECT_EQ(from_file->channel.tls->trust_roots_pem, file_id.ca_pem);
  EXPECT_EQ(from_file->channel.tls->certificate_pem, file_id.cert_pem);
  EXPECT_EQ(from_file->channel.tls->private_key_pem, file_id.key_pem);

  env.node = "127.0.0.1:2,127.0.0.1:3";
  env.ca = env_id.ca.c_str();
  env.cert = env_id.cert.c_str();
  env.cert_key = env_id.key.c_str();
  Result<ClientSetup> from_env = ResolveClientSetup(flags, env, dir_.string());
  ASSERT_TRUE(from_env.ok()) << from_env.status().ToString();
  EXPECT_EQ(from_env->nodes, (std::vector<std::string>{"127.0.0.1:2", "127.0.0.1:3"}));
  EXPECT_EQ(from_env->node_source, "$TADORI_NODE");
  EXPECT_EQ(from_env->channel.tls->trust_roots_pem, env_id.ca_pem);
  EXPECT_EQ(from_env->channel.tls->certificate_pem, env_id.cert_pem);

  // The CA alone from a flag: the rest still comes from the environment.
  flags.ca = flag_id.ca;
  flags.node = "127.0.0.1:4";
  Result<ClientSetup> mixed = ResolveClientSetup(flags, env, dir_.string());
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->nodes, std::vector<std::string>{"127.0.0.1:4"});
  EXPECT_EQ(mixed->node_source, "--node");
  EXPECT_EQ(mixed->channel.tls->trust_roots_pem, flag_id.ca_pem);
  EXPECT_EQ(mixed->channel.tls->certificate_pem, env_id.cert_pem);
  EXPECT_EQ(mixed->channel.tls->private_key_pem, env_id.key_pem);

  flags.cert = flag_id.cert;
  flags.cert_key = flag_id.key;
  Result<ClientSetup> from_flags = ResolveClientSetup(flags, env, dir_.string());
  ASSERT_TRUE(from_flags.ok()) << from_flags.status().ToString();
  EXPECT_EQ(from_flags->channel.tls->certificate_pem, flag_id.cert_pem);
  EXPECT_EQ(from_flags->channel.tls->private_key_pem, flag_id.key_pem);

  // Empty variables count as unset.
  ClientEnv blank;
  blank.node = "";
  blank.ca = "";
  Result<ClientSetup> blank_env = ResolveClientSetup({.config = config}, blank, dir_.string());
  ASSERT_TRUE(blank_env.ok()) << blank_env.status().ToString();
  EXPECT_EQ(blank_env->nodes, std::vector<std::string>{"127.0.0.1:1"});
}

TEST_F(ClientConfigTest, NothingGivenIsThePlaintextDefaultNode) {
  if (!NoStrayConfigAbove()) GTEST_SKIP() << "a .tadori.toml above " << dir_;
  Result<ClientSetup> setup = ResolveClientSetup({}, {}, dir_.string());
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  EXPECT_EQ(setup->nodes, std::vector<std::string>{std::string(kDefaultNodeAddress)});
  EXPECT_EQ(setup->node_source, "default");
  EXPECT_FALSE(setup->channel.tls.has_value());
  EXPECT_TRUE(setup->config_path.empty());
  // Plaintext to a node that does not answer: the failure hints at --ca.
  EXPECT_NE(ConnectionHint(*setup, Status::Unavailable("Socket closed")).find("--ca"),
            std::string::npos);
  EXPECT_EQ(ConnectionHint(*setup, Status::NotFound("no such lot")), "");
}

TEST_F(ClientConfigTest, ACaAloneIsAnAnonymousTlsClient) {
  const Identity id = WriteIdentity("x");
  ClientFlags flags;
  flags.ca = id.ca;
  Result<ClientSetup> setup = ResolveClientSetup(flags, {}, dir_.string());
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  ASSERT_TRUE(setup->channel.tls.has_value());
  EXPECT_EQ(setup->channel.tls->trust_roots_pem, id.ca_pem);
  EXPECT_TRUE(setup->channel.tls->certificate_pem.empty());
  EXPECT_TRUE(setup->channel.tls->private_key_pem.empty());
  EXPECT_EQ(setup->ca_source, id.ca + " (--ca)");
  EXPECT_EQ(ConnectionHint(*setup, Status::Unavailable("Connection refused")), "");
  EXPECT_EQ(ConnectionHint(*setup, Status::Unavailable(
                                       "Ssl handshake failed: SSL_ERROR_SSL: error:0A00010B:SSL "
                                       "routines::wrong version number")),
            "the node answered without TLS (as tadorid --dev does) but the CA bundle " + id.ca +
                " (--ca) asks for TLS; leave it out for a plaintext node");
  EXPECT_NE(ConnectionHint(*setup, Status::Unavailable("SSL routines::certificate verify failed"))
                .find("not signed by a CA of " + id.ca + " (--ca)"),
            std::string::npos);
}

TEST_F(ClientConfigTest, RefusesIncompleteOrWrongTlsFilesNamingWhereTheyCameFrom) {
  const Identity a = WriteIdentity("a");
  const Identity b = WriteIdentity("b");
  const std::string junk = Write("junk.pem", "hello\n");
  const std::string bundle = Write("bundle.pem", a.ca_pem + "\n" + b.ca_pem);
  struct Case {
    ClientFlags flags;
    Code code;
    std::string want;
  };
  const Case cases[] = {
      {{.cert = a.cert, .cert_key = a.key},
       Code::kInvalidArgument,
       a.cert + " (--cert) is a client identity, which is presented only over TLS: give the CA "
                "bundle"},
      {{.cert_key = a.key}, Code::kInvalidArgument, a.key + " (--cert-key) is a client identity"},
      {{.ca = a.ca, .cert = a.cert},
       Code::kInvalidArgument,
       a.cert + " (--cert) is given without its private key"},
      {{.ca = a.ca, .cert_key = a.key},
       Code::kInvalidArgument,
       a.key + " (--cert-key) is given without its certificate"},
      {{.ca = (dir_ / "nope.pem").string()}, Code::kNotFound, "--ca: reading "},
      {{.ca = junk},
       Code::kInvalidArgument,
       junk + " (--ca) is not PEM: it holds no -----BEGIN CERTIFICATE----- block"},
      {{.ca = a.key}, Code::kInvalidArgument, a.key + " (--ca) holds a PRIVATE KEY"},
      {{.ca = a.ca, .cert = junk, .cert_key = a.key},
       Code::kInvalidArgument,
       junk + " (--cert) is not a PEM certificate"},
      {{.ca = a.ca, .cert = a.cert, .cert_key = junk},
       Code::kInvalidArgument,
       junk + " (--cert-key) is not a PEM private key"},
      {{.ca = a.ca, .cert = a.cert, .cert_key = b.key},
       Code::kInvalidArgument,
       b.key + " (--cert-key) is not the private key of " + a.cert + " (--cert)"},
      {{.node = "127.0.0.1:1,,x:2", .ca = bundle}, Code::kInvalidArgument, "--node: node list"},
  };
  for (const Case& c : cases) {
    Result<ClientSetup> setup = ResolveClientSetup(c.flags, {}, dir_.string());
    ASSERT_FALSE(setup.ok()) << c.want;
    EXPECT_EQ(setup.status().code(), c.code) << setup.status().ToString();
    EXPECT_EQ(setup.status().message().rfind(c.want, 0), 0u)
        << "want \"" << c.want << "\", got " << setup.status().ToString();
  }

  // From the environment, the message names the variable.
  ClientEnv env;
  env.cert = a.cert.c_str();
  env.cert_key = a.key.c_str();
  Result<ClientSetup> no_ca = ResolveClientSetup({}, env, dir_.string());
  ASSERT_FALSE(no_ca.ok());
  EXPECT_EQ(no_ca.status().message().rfind(a.cert + " ($TADORI_CERT) is a client identity", 0), 0u)
      << no_ca.status().ToString();
  // And a bundle of two CAs is trust roots.
  Result<ClientSetup> two = ResolveClientSetup({.ca = bundle}, {}, dir_.string());
  ASSERT_TRUE(two.ok()) << two.status().ToString();
}

TEST_F(ClientConfigTest, ABadNodeListInTheFileNamesTheFileAndLine) {
  const std::string config = Write("cli.toml", "\nnode = \"127.0.0.1:1,127.0.0.1:1\"\n");
  Result<ClientSetup> setup = ResolveClientSetup({.config = config}, {}, dir_.string());
  ASSERT_FALSE(setup.ok());
  EXPECT_EQ(setup.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(setup.status().message().rfind(config + ":2 (node): node address", 0), 0u)
      << setup.status().ToString();
}

TEST(ClientTlsBundleTest, AcceptsCertificatesWithTextBetweenAndRefusesTheRest) {
  Result<PemKeyPair> ca = NewOrganizationCa("org-z");
  ASSERT_TRUE(ca.ok());
  EXPECT_TRUE(CheckCertificateBundle("b", ca->certificate_pem).ok());
  EXPECT_TRUE(CheckCertificateBundle(
                  "b", "# org-z\n" + ca->certificate_pem + "\n# again\n" + ca->certificate_pem)
                  .ok());
  // One base64 line short: the DER inside no longer adds up.
  std::string broken = ca->certificate_pem;
  const size_t line = broken.find('\n', broken.size() / 2) + 1;
  broken.erase(line, broken.find('\n', line) + 1 - line);
  EXPECT_EQ(CheckCertificateBundle("b", broken).message(), "b: certificate 1 does not parse");
  std::string cut = ca->certificate_pem.substr(0, ca->certificate_pem.size() / 2);
  EXPECT_EQ(CheckCertificateBundle("b", cut).message(), "b has a certificate without its END line");
  EXPECT_EQ(CheckCertificateBundle("b", "").message(),
            "b is not PEM: it holds no -----BEGIN CERTIFICATE----- block");
}

}  // namespace
}  // namespace tadori::client
