// A client set up from `tadori network new`'s cli.toml reaches a node's client API over TLS
// and presents its member certificate, which names its organisation and admin key; the node
// certificate passes the client's host check at 127.0.0.1 even when the validators reach each
// other at another host. The node here is an in-process gRPC server with a validator's
// node.crt that asks for a client certificate without verifying it, as tadorid does.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <gtest/gtest.h>

#include "ledger/client_identity.h"
#include "ledger/files.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "tadori/v1/ledger.grpc.pb.h"
#include "tools/cli/consortium.h"
#include "tools/client/client_config.h"
#include "tools/client/failover.h"

namespace tadori::client {
namespace {

namespace fs = std::filesystem;

// Answers Status and remembers the client certificate each call came with ("" for none).
class CertRecordingNode final : public v1::Ledger::Service {
 public:
  CertRecordingNode(const std::string& trust_roots_pem, const PemKeyPair& identity) {
    grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
    ssl.pem_root_certs = trust_roots_pem;
    ssl.pem_key_cert_pairs.push_back({identity.private_key_pem, identity.certificate_pem});
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(ssl), &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_NE(port_, 0);
  }
  ~CertRecordingNode() override { server_->Shutdown(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  std::vector<std::string> certificates() {
    std::lock_guard lock(mu_);
    return certificates_;
  }

  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest*,
                      v1::StatusResponse* response) override {
    std::string leaf;
    for (const grpc::string_ref& v : context->auth_context()->FindPropertyValues("x509_pem_cert")) {
      leaf.assign(v.data(), v.size());
    }
    std::lock_guard lock(mu_);
    certificates_.push_back(leaf);
    response->set_chain_id("tls-test");
    return grpc::Status::OK;
  }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mu_;
  std::vector<std::string> certificates_;
};

class ClientTlsChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("tadori-client-tls-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    cli::ConsortiumOptions o;
    o.orgs = 2;
    o.base_port = 17100;
    o.host = "10.20.30.40";  // not where clients dial: the certificate must name 127.0.0.1
    Result<cli::ConsortiumLayout> layout = cli::WriteConsortium(o, Net().string());
    ASSERT_TRUE(layout.ok()) << layout.status().ToString();
    layout_ = *std::move(layout);
    Result<GenesisInfo> genesis = GenesisFromJson(Read(layout_.genesis_path));
    ASSERT_TRUE(genesis.ok()) << genesis.status().ToString();
    genesis_ = std::make_unique<GenesisInfo>(*std::move(genesis));
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path Net() const { return root_ / "net"; }

  static std::string Read(const fs::path& p) {
    Result<std::string> text = ReadFileToString(p.string(), 1 << 20);
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    return text.ok() ? *text : std::string();
  }

  // The first validator's identity, as its node.toml [client] names it.
  PemKeyPair NodeIdentity() const {
    const fs::path dir = Net() / "kyushu-farm" / "kyushu-farm-1";
    return PemKeyPair{Read(dir / "node.crt"), Read(dir / "node.key")};
  }

  static grpc::Status CallStatus(NodeSet& nodes, v1::StatusResponse* response) {
    return nodes.CallLedger(
        [&](v1::Ledger::Stub& stub, grpc::ClientContext& context) {
          return stub.Status(&context, v1::StatusRequest(), response);
        },
        5'000);
  }

  static constexpr FailoverPolicy kOnce{.attempts_max = 1, .connect_timeout_ms = 5'000};

  fs::path root_;
  cli::ConsortiumLayout layout_;
  std::unique_ptr<GenesisInfo> genesis_;
};

TEST_F(ClientTlsChannelTest, AMemberCertificateFromCliTomlReachesTheNode) {
  CertRecordingNode node(Read(layout_.ca_bundle_path), NodeIdentity());
  ClientFlags flags;
  flags.config = layout_.clients[1].config_path;  // hakata-wholesale's
  flags.node = node.address();
  Result<ClientSetup> setup = ResolveClientSetup(flags, {}, root_.string());
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  ASSERT_TRUE(setup->channel.tls.has_value());

  NodeSet nodes(setup->nodes, kOnce, 0, setup->channel);
  v1::StatusResponse response;
  const grpc::Status status = CallStatus(nodes, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.chain_id(), "tls-test");

  // The node saw hakata-wholesale's member certificate, naming its admin key.
  const std::vector<std::string> seen = node.certificates();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], Read(Net() / "hakata-wholesale" / "client.crt"));
  Result<ClientIdentity> who = IdentifyClient(seen[0], *genesis_);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->kind, ClientIdentity::Kind::kMember);
  EXPECT_EQ(who->org_id, "hakata-wholesale");
  Result<PrivateKey> admin = PrivateKey::FromPem(Read(Net() / "hakata-wholesale" / "admin.key"));
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(who->member_key, admin->public_key().id());
}

TEST_F(ClientTlsChannelTest, ACaAloneIsAnAnonymousCaller) {
  CertRecordingNode node(Read(layout_.ca_bundle_path), NodeIdentity());
  ClientFlags flags;
  flags.ca = layout_.ca_bundle_path;
  flags.node = node.address();
  Result<ClientSetup> setup = ResolveClientSetup(flags, {}, root_.string());
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  NodeSet nodes(setup->nodes, kOnce, 0, setup->channel);
  v1::StatusResponse response;
  ASSERT_TRUE(CallStatus(nodes, &response).ok());
  ASSERT_EQ(node.certificates().size(), 1u);
  EXPECT_EQ(node.certificates()[0], "");
}

TEST_F(ClientTlsChannelTest, PlaintextToATlsNodeFailsWithAHintAtTheCa) {
  CertRecordingNode node(Read(layout_.ca_bundle_path), NodeIdentity());
  ClientFlags flags;
  flags.node = node.address();
  Result<ClientSetup> setup = ResolveClientSetup(flags, {}, root_.string());
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  ASSERT_FALSE(setup->channel.tls.has_value());
  NodeSet nodes(setup->nodes, kOnce, 0, setup->channel);
  v1::StatusResponse response;
  const grpc::Status status = CallStatus(nodes, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_NE(ConnectionHint(*setup, Status::Unavailable(status.error_message())).find("--ca"),
            std::string::npos);
  EXPECT_TRUE(node.certificates().empty());
}

TEST_F(ClientTlsChannelTest, ANodeOutsideTheTrustedCasIsRefused) {
  // A node of another consortium: its CA is not in this consortium's bundle.
  cli::ConsortiumOptions o;
  o.orgs = 1;
  o.base_port = 18100;
  Result<cli::ConsortiumLayout> other = cli::WriteConsortium(o, (root_ / "other").string());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const fs::path dir = root_ / "other" / "kyushu-farm" / "kyushu-farm-1";
  CertRecordingNode node(Read(other->ca_bundle_path),
                         PemKeyPair{Read(dir / "node.crt"), Read(dir / "node.key")});
  ClientFlags flags;
  flags.config = layout_.clients[0].config_path;
  flags.node = node.address();
  Result<ClientSetup> setup = ResolveClientSetup(flags, {}, root_.string());
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  NodeSet nodes(setup->nodes, kOnce, 0, setup->channel);
  v1::StatusResponse response;
  const grpc::Status status = CallStatus(nodes, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_NE(ConnectionHint(*setup, Status::Unavailable(status.error_message()))
                .find("the node's certificate is not signed by a CA of"),
            std::string::npos)
      << status.error_message();
  EXPECT_TRUE(node.certificates().empty());
}

}  // namespace
}  // namespace tadori::client
