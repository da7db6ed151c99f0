// `tadorid --check-config`: a good validator config is accepted with a summary and nothing
// touched; each mistake an operator makes with the config or its files is reported with the
// file or key at fault, several at once when there are several.
#include "node/daemon/config_check.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ledger/files.h"
#include "node/config/node_config.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_consortium.h"

namespace tadori {
namespace {

namespace fs = std::filesystem;

class ConfigCheckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { consortium_ = new TlsConsortium(MakeTlsConsortium(4, "check")); }
  static void TearDownTestSuite() { delete consortium_; }

  // The files of validator "val-1" and a config naming them, as `tadori network new` lays
  // them out: paths relative to the config file.
  void SetUp() override {
    WriteTlsConsortiumFiles(*consortium_, dir_.path());
    config_.validator_id = "val-1";
    config_.data_dir = "data";
    config_.genesis_path = "genesis.json";
    config_.consensus_key_path = "consensus-1.key";
    config_.peer_listen = "127.0.0.1:7101";
    config_.peer_tls_cert_path = "node-1.crt";
    config_.peer_tls_key_path = "node-1.key";
    config_.client_listen = "127.0.0.1:7201";
    config_.metrics_listen = "127.0.0.1:7301";
  }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }
  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteNewFile(Path(name), text, 0600).ok()) << name;
  }

  // Writes config_ to node.toml and checks it.
  ConfigCheck Check() {
    std::ofstream(Path("node.toml"), std::ios::trunc) << RenderNodeConfig(config_);
    return CheckNodeConfigFile(Path("node.toml"));
  }

  static std::string All(const ConfigCheck& check) {
    std::string out;
    for (const Status& s : check.problems) out += s.ToString() + "\n";
    return out.empty() ? "no problem" : out;
  }

  // The one problem found, which must have `code` and contain `text`.
  static void ExpectOneProblem(const ConfigCheck& check, Code code, const std::string& text) {
    ASSERT_EQ(check.problems.size(), 1u) << All(check);
    EXPECT_EQ(check.problems[0].code(), code) << check.problems[0].ToString();
    EXPECT_NE(check.problems[0].message().find(text), std::string::npos)
        << "want \"" << text << "\", got " << check.problems[0].ToString();
    EXPECT_TRUE(check.summary.empty());
  }

  static TlsConsortium* consortium_;
  testing::TempDir dir_;
  NodeConfig config_;
};

TlsConsortium* ConfigCheckTest::consortium_ = nullptr;

TEST_F(ConfigCheckTest, GoodConfigIsAcceptedWithASummaryAndNothingCreated) {
  const ConfigCheck check = Check();
  ASSERT_TRUE(check.ok()) << All(check);
  EXPECT_EQ(check.summary.rfind("config OK: " + Path("node.toml") + "\n", 0), 0u) << check.summary;
  EXPECT_NE(check.summary.find("val-1 of org-1, 2 of 4 in the genesis (quorum 3)"),
            std::string::npos)
      << check.summary;
  EXPECT_NE(check.summary.find("\n  chain         check, genesis "), std::string::npos)
      << check.summary;
  EXPECT_NE(check.summary.find("127.0.0.1:7201 (plaintext, loopback)"), std::string::npos);
  EXPECT_NE(check.summary.find("http://127.0.0.1:7301/metrics"), std::string::npos);
  EXPECT_NE(check.summary.find(Path("data") + " (will be created at start)"), std::string::npos)
      << check.summary;
  EXPECT_FALSE(fs::exists(Path("data")));  // checked, not created
}

TEST_F(ConfigCheckTest, ExistingStoreIsNotOpened) {
  fs::create_directories(Path("data/db"));
  const ConfigCheck check = Check();
  ASSERT_TRUE(check.ok()) << All(check);
  EXPECT_NE(check.summary.find("(holds a store (not opened))"), std::string::npos) << check.summary;
  EXPECT_TRUE(fs::is_empty(Path("data/db")));
}

TEST_F(ConfigCheckTest, UnparsableTomlIsTheOnlyProblem) {
  std::ofstream(Path("node.toml")) << "validator_id = \"val-1\"\n[peer\nlisten = 1\n";
  const ConfigCheck check = CheckNodeConfigFile(Path("node.toml"));
  ExpectOneProblem(check, Code::kInvalidArgument, Path("node.toml") + ":2:");
  EXPECT_NE(check.problems[0].message().find("TOML syntax"), std::string::npos);
}

TEST_F(ConfigCheckTest, MissingConfigFileIsNotFound) {
  ExpectOneProblem(CheckNodeConfigFile(Path("absent.toml")), Code::kNotFound, Path("absent.toml"));
}

TEST_F(ConfigCheckTest, MissingGenesisIsNamed) {
  config_.genesis_path = "nowhere/genesis.json";
  ExpectOneProblem(Check(), Code::kNotFound, "genesis: reading " + Path("nowhere/genesis.json"));
}

TEST_F(ConfigCheckTest, ConsensusKeyOfAnotherValidatorIsRefused) {
  config_.consensus_key_path = "consensus-2.key";
  ExpectOneProblem(
      Check(), Code::kInvalidArgument,
      Path("consensus-2.key") + " is not the consensus key the genesis names for " + "val-1");
}

TEST_F(ConfigCheckTest, ValidatorOutsideTheGenesisIsRefused) {
  config_.validator_id = "val-9";
  ExpectOneProblem(Check(), Code::kInvalidArgument, "\"val-9\" is not a validator of the genesis");
}

TEST_F(ConfigCheckTest, BadTlsCertificatePathIsNamed) {
  config_.peer_tls_cert_path = "certs/node-1.crt";
  ExpectOneProblem(Check(), Code::kNotFound, "peer.tls_cert: reading " + Path("certs/node-1.crt"));
}

TEST_F(ConfigCheckTest, TlsKeyOfAnotherCertificateIsRefused) {
  config_.peer_tls_key_path = "node-2.key";
  ExpectOneProblem(Check(), Code::kInvalidArgument,
                   Path("node-2.key") + " is not the private key of " + Path("node-1.crt"));
}

TEST_F(ConfigCheckTest, TlsKeyThatIsNotAKeyIsRefused) {
  Write("garbage.key", "not a key\n");
  config_.peer_tls_key_path = "garbage.key";
  ExpectOneProblem(Check(), Code::kInvalidArgument,
                   Path("garbage.key") + " is not a PEM private key");
}

TEST_F(ConfigCheckTest, UnparsableCertificateIsReportedOnce) {
  Write("garbage.crt", "not a certificate\n");
  config_.peer_tls_cert_path = "garbage.crt";
  ExpectOneProblem(Check(), Code::kInvalidArgument,
                   Path("garbage.crt") + " is not a certificate of validator val-1");
}

TEST_F(ConfigCheckTest, ClientTlsPairIsChecked) {
  config_.client_listen = "0.0.0.0:7201";
  config_.client_tls_cert_path = "node-1.crt";
  config_.client_tls_key_path = "node-3.key";
  ExpectOneProblem(Check(), Code::kInvalidArgument,
                   Path("node-3.key") + " is not the private key of " + Path("node-1.crt"));
}

TEST_F(ConfigCheckTest, EveryUnreadableFileIsReported) {
  config_.genesis_path = "a/genesis.json";
  config_.consensus_key_path = "b/consensus.key";
  config_.peer_tls_key_path = "c/node.key";
  const ConfigCheck check = Check();
  ASSERT_EQ(check.problems.size(), 3u) << All(check);
  EXPECT_NE(check.problems[0].message().find("genesis: reading " + Path("a/genesis.json")),
            std::string::npos);
  EXPECT_NE(check.problems[1].message().find("consensus_key: reading " + Path("b/consensus.key")),
            std::string::npos);
  EXPECT_NE(check.problems[2].message().find("peer.tls_key: reading " + Path("c/node.key")),
            std::string::npos);
  for (const Status& s : check.problems) EXPECT_EQ(s.code(), Code::kNotFound) << s.ToString();
}

TEST_F(ConfigCheckTest, ProblemsOfDifferentKindsAreAllReported) {
  config_.consensus_key_path = "consensus-3.key";
  config_.metrics_listen = "127.0.0.1:7201";
  Write("data", "a file, not a directory");
  const ConfigCheck check = Check();
  ASSERT_EQ(check.problems.size(), 3u) << All(check);
  EXPECT_NE(check.problems[0].message().find("is not the consensus key"), std::string::npos);
  EXPECT_NE(check.problems[1].message().find("client.listen 127.0.0.1:7201 and metrics.listen "
                                             "127.0.0.1:7201 are the same socket"),
            std::string::npos)
      << check.problems[1].ToString();
  EXPECT_NE(check.problems[2].message().find("data_dir " + Path("data") +
                                             " exists and is not a directory"),
            std::string::npos)
      << check.problems[2].ToString();
}

TEST_F(ConfigCheckTest, WildcardAddressSharesThePortWithEveryHost) {
  config_.peer_listen = "0.0.0.0:7201";
  ExpectOneProblem(Check(), Code::kInvalidArgument,
                   "peer.listen 0.0.0.0:7201 and client.listen 127.0.0.1:7201 are the same socket");
}

TEST_F(ConfigCheckTest, DataDirUnderAFileCannotBeCreated) {
  Write("plain", "x");
  config_.data_dir = "plain/data";
  ExpectOneProblem(Check(), Code::kInvalidArgument,
                   "data_dir " + Path("plain/data") + " does not exist and cannot be created");
}

}  // namespace
}  // namespace tadori
