// PrepareValidator: what `tadorid --config` checks before it touches the data directory.
// Each mistake an operator can make with the files of a validator is refused with the code
// and a message naming the file, and a good setup yields the validator's index, key and
// where to dial each peer.
#include "node/daemon/validator_setup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "ledger/files.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_consortium.h"

namespace tadori {
namespace {

class ValidatorSetupTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { consortium_ = new TlsConsortium(MakeTlsConsortium(4, "setup")); }
  static void TearDownTestSuite() { delete consortium_; }

  // The files of validator `self` ("val-<self>"), and a config that names them.
  void SetUp() override {
    WriteTlsConsortiumFiles(*consortium_, dir_.path());
    config_.validator_id = "val-1";
    config_.data_dir = Path("data");
    config_.genesis_path = Path("genesis.json");
    config_.consensus_key_path = Path("consensus-1.key");
    config_.peer_listen = "127.0.0.1:0";
    config_.peer_tls_cert_path = Path("node-1.crt");
    config_.peer_tls_key_path = Path("node-1.key");
    config_.client_listen = "127.0.0.1:0";
  }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }
  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteNewFile(Path(name), text, 0600).ok()) << name;
  }

  // The refusal of PrepareValidator(config_), which must fail with `code`.
  std::string Refusal(Code code) {
    Result<ValidatorSetup> setup = PrepareValidator(config_);
    EXPECT_FALSE(setup.ok());
    if (setup.ok()) return "";
    EXPECT_EQ(setup.status().code(), code) << setup.status().ToString();
    return setup.status().message();
  }

  static TlsConsortium* consortium_;
  testing::TempDir dir_;
  NodeConfig config_;
};

TlsConsortium* ValidatorSetupTest::consortium_ = nullptr;

TEST_F(ValidatorSetupTest, GoodFilesGiveTheValidatorItsIndexKeyAndPeers) {
  config_.peers["val-3"] = "10.0.0.3:7103";
  Result<ValidatorSetup> setup = PrepareValidator(config_);
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  EXPECT_EQ(setup->self, 1u);
  EXPECT_EQ(setup->consensus_key.public_key().id(),
            consortium_->consensus_keys[1].public_key().id());
  EXPECT_EQ(setup->peer_tls_cert_pem, consortium_->nodes[1].certificate_pem);
  ASSERT_EQ(setup->dial_addresses.size(), 3u);
  EXPECT_EQ(setup->dial_addresses.at(0), "127.0.0.1:7100");  // from the genesis
  EXPECT_EQ(setup->dial_addresses.at(2), "127.0.0.1:7102");
  EXPECT_EQ(setup->dial_addresses.at(3), "10.0.0.3:7103");  // [peers] overrides it
  EXPECT_EQ(setup->dial_addresses.count(1), 0u);            // never itself
  EXPECT_TRUE(setup->client_tls_cert_pem.empty());
}

TEST_F(ValidatorSetupTest, MissingGenesisFileIsNotFound) {
  config_.genesis_path = Path("nowhere.json");
  EXPECT_NE(Refusal(Code::kNotFound).find("nowhere.json"), std::string::npos);
}

TEST_F(ValidatorSetupTest, GenesisThatDoesNotParseNamesTheFile) {
  Write("broken.json", "{\"chainId\": ");
  config_.genesis_path = Path("broken.json");
  EXPECT_NE(Refusal(Code::kInvalidArgument).find("broken.json"), std::string::npos);
}

TEST_F(ValidatorSetupTest, ValidatorIdOutsideTheGenesisIsRefused) {
  config_.validator_id = "val-9";
  EXPECT_NE(Refusal(Code::kInvalidArgument).find("\"val-9\" is not a validator of the genesis"),
            std::string::npos);
}

TEST_F(ValidatorSetupTest, AnotherValidatorsConsensusKeyIsRefused) {
  config_.consensus_key_path = Path("consensus-2.key");
  const std::string why = Refusal(Code::kInvalidArgument);
  EXPECT_NE(why.find("consensus-2.key is not the consensus key the genesis names for val-1"),
            std::string::npos)
      << why;
}

TEST_F(ValidatorSetupTest, AnotherValidatorsTlsCertificateIsRefused) {
  config_.peer_tls_cert_path = Path("node-2.crt");
  const std::string why = Refusal(Code::kInvalidArgument);
  EXPECT_NE(why.find("node-2.crt is not a certificate of validator val-1"), std::string::npos)
      << why;
}

// Found by `tadorid --check-config`: a peer key of another certificate got past the setup and
// failed only when the peer network started (exit 1, so systemd restarted it for ever).
TEST_F(ValidatorSetupTest, PeerTlsKeyOfAnotherCertificateIsRefused) {
  config_.peer_tls_key_path = Path("node-2.key");
  EXPECT_EQ(Refusal(Code::kInvalidArgument),
            Path("node-2.key") + " is not the private key of " + Path("node-1.crt"));
  Write("garbage.key", "not a key");
  config_.peer_tls_key_path = Path("garbage.key");
  EXPECT_EQ(Refusal(Code::kInvalidArgument), Path("garbage.key") + " is not a PEM private key");
}

TEST_F(ValidatorSetupTest, ClientTlsKeyOfAnotherCertificateIsRefused) {
  config_.client_listen = "0.0.0.0:7200";
  config_.client_tls_cert_path = Path("node-1.crt");
  config_.client_tls_key_path = Path("node-3.key");
  EXPECT_EQ(Refusal(Code::kInvalidArgument),
            Path("node-3.key") + " is not the private key of " + Path("node-1.crt"));
}

TEST_F(ValidatorSetupTest, PeersSectionNamingAStrangerIsRefused) {
  config_.peers["val-7"] = "10.0.0.7:7107";
  EXPECT_NE(Refusal(Code::kInvalidArgument).find("[peers] names \"val-7\""), std::string::npos);
}

TEST_F(ValidatorSetupTest, PlaintextClientApiOffLoopbackIsRefused) {
  config_.client_listen = "0.0.0.0:7200";
  EXPECT_NE(Refusal(Code::kInvalidArgument).find("is not loopback: set tls_cert/tls_key"),
            std::string::npos);
}

TEST_F(ValidatorSetupTest, ClientTlsFilesAreReadWhenSet) {
  config_.client_listen = "0.0.0.0:7200";
  config_.client_tls_cert_path = Path("node-1.crt");
  config_.client_tls_key_path = Path("missing.key");
  EXPECT_NE(Refusal(Code::kNotFound).find("missing.key"), std::string::npos);
  config_.client_tls_key_path = Path("node-1.key");
  Result<ValidatorSetup> setup = PrepareValidator(config_);
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  EXPECT_EQ(setup->client_tls_key_pem, consortium_->nodes[1].private_key_pem);
}

}  // namespace
}  // namespace tadori
