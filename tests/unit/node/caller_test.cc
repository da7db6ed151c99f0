// Identifying client API callers by their TLS client certificates (node/api/caller.h): the
// certificate checks of ledger/client_identity.h plus the member's record on the ledger, a
// bounded cache, refusals counted by reason; and the whole path over real TLS through
// SetUpClientAccess and StartClientApi.
#include "node/api/caller.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "ledger/certificates.h"
#include "ledger/client_identity.h"
#include "node/daemon/client_api.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

using namespace std::chrono_literals;

// The trace chain's organisations, farm and mill with CAs in the genesis.
class CallerTest : public ::testing::Test {
 protected:
  CallerTest()
      : cas_(MakeCas()), chain_([this](v1::Genesis& g) {
          for (auto& org : *g.mutable_organizations()) {
            auto it = cas_.find(org.id());
            if (it != cas_.end()) org.set_ca_certificate(it->second.certificate_pem);
          }
        }) {}

  static std::map<std::string, PemKeyPair> MakeCas() {
    std::map<std::string, PemKeyPair> cas;
    for (const char* org : {"farm", "mill"})
      cas.emplace(org, testing::Must(NewOrganizationCa(org)));
    return cas;
  }
  std::string MemberCert(const std::string& ca_org, const std::string& org, const KeyId& key) {
    return testing::Must(IssueMemberCertificate(cas_.at(ca_org), org, key)).certificate_pem;
  }
  KeyId AdminKey(const std::string& org) const { return chain_.admin(org).public_key().id(); }

  std::map<std::string, PemKeyPair> cas_;
  testing::TraceChain chain_;
};

TEST_F(CallerTest, ARegisteredMemberIsIdentifiedWithItsOrganisationAndRoles) {
  CallerIdentifier identifier(chain_.genesis(), chain_.store());
  auto caller = identifier.IdentifyCertificate(MemberCert("farm", "farm", AdminKey("farm")));
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->kind, ApiCaller::Kind::kMember);
  EXPECT_EQ(caller->org_id, "farm");
  EXPECT_EQ(caller->member_key, AdminKey("farm"));
  EXPECT_EQ(caller->roles, std::vector<std::string>{"producer"});
}

TEST_F(CallerTest, AKeyThatIsNotAMemberOfTheOrganisationIsRefused) {
  CallerIdentifier identifier(chain_.genesis(), chain_.store());
  const KeyId stranger = PrivateKey::Generate(KeyType::kP256)->public_key().id();
  auto caller = identifier.IdentifyCertificate(MemberCert("farm", "farm", stranger));
  EXPECT_EQ(caller.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(ClientRefusalReason(caller.status()), "other");  // ledger state, not the certificate
  EXPECT_EQ(caller.status().message().rfind("unknown_member:", 0), 0u) << caller.status().message();
  // The mill's admin key in a certificate the farm's CA issued for the farm: the key is a
  // member, but of another organisation.
  auto borrowed = identifier.IdentifyCertificate(MemberCert("farm", "farm", AdminKey("mill")));
  EXPECT_EQ(borrowed.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(identifier.refusals("unknown_member"), 2u);
}

TEST_F(CallerTest, ARevokedMemberIsRefusedAtItsNextCall) {
  CallerIdentifier identifier(chain_.genesis(), chain_.store());
  const PrivateKey packer = PrivateKey::Generate(KeyType::kP256).value();
  v1::TransactionBody reg;
  reg.mutable_register_member()->set_public_key(packer.public_key().ToPem());
  reg.mutable_register_member()->set_name("packing line 2");
  chain_.ExpectOk("farm", reg);
  const std::string cert = MemberCert("farm", "farm", packer.public_key().id());
  ASSERT_TRUE(identifier.IdentifyCertificate(cert).ok());
  v1::TransactionBody revoke;
  revoke.mutable_revoke_member()->set_key_id(packer.public_key().id().ToBinaryString());
  chain_.ExpectOk("farm", revoke);
  auto caller = identifier.IdentifyCertificate(cert);  // cached certificate, fresh record
  EXPECT_EQ(caller.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(caller.status().message().rfind("revoked:", 0), 0u) << caller.status().message();
  EXPECT_EQ(identifier.refusals("revoked"), 1u);
}

TEST_F(CallerTest, CertificateRefusalsAreCountedByReason) {
  CallerIdentifier identifier(chain_.genesis(), chain_.store());
  EXPECT_EQ(identifier.IdentifyCertificate("garbage").status().code(), Code::kUnauthenticated);
  // The farm's CA claiming a mill member.
  auto forged = identifier.IdentifyCertificate(MemberCert("farm", "mill", AdminKey("mill")));
  EXPECT_EQ(forged.status().code(), Code::kUnauthenticated);
  EXPECT_EQ(identifier.refusals("not_pem"), 1u);
  EXPECT_EQ(identifier.refusals("unknown_issuer"), 1u);
  EXPECT_EQ(identifier.refusals("expired"), 0u);
}

TEST_F(CallerTest, TheCacheIsBoundedByEntriesAndBytes) {
  CallerIdentifier by_count(chain_.genesis(), chain_.store(), {.entries_max = 2});
  std::vector<std::string> certs;
  for (int i = 0; i < 3; ++i) certs.push_back(MemberCert("farm", "farm", AdminKey("farm")));
  for (const std::string& cert : certs) ASSERT_TRUE(by_count.IdentifyCertificate(cert).ok());
  EXPECT_EQ(by_count.cached_entries(), 2u);
  // Room for one certificate's entry, not two.
  CallerIdentifier by_bytes(chain_.genesis(), chain_.store(),
                            {.bytes_max = certs[0].size() + 1024});
  for (const std::string& cert : certs) ASSERT_TRUE(by_bytes.IdentifyCertificate(cert).ok());
  EXPECT_EQ(by_bytes.cached_entries(), 1u);
  EXPECT_LE(by_bytes.cached_bytes(), certs[0].size() + 1024);
  // Nothing kept at all still identifies.
  CallerIdentifier none(chain_.genesis(), chain_.store(), {.entries_max = 0});
  EXPECT_TRUE(none.IdentifyCertificate(certs[0]).ok());
  EXPECT_EQ(none.cached_entries(), 0u);
}

// The client API over real TLS: the node's certificate from the farm's CA, clients with and
// without certificates.
class ClientTlsTest : public CallerTest {
 protected:
  void SetUp() override {
    chain_.ExpectOk("farm", testing::Harvest("farm", "A", 1'000, 0));
    const PemKeyPair node =
        testing::Must(IssueNodeCertificate(cas_.at("farm"), "farm", "v0", {}, {"127.0.0.1"}));
    auto setup = SetUpClientAccess(chain_.genesis(), chain_.store(), node.certificate_pem,
                                   node.private_key_pem, &metrics_);
    ASSERT_TRUE(setup.ok()) << setup.status().ToString();
    access_ = std::move(setup).value();
    feed_ = std::make_unique<CommitFeed>(chain_.store().Height());
    ledger_ = std::make_unique<LedgerService>(LedgerServiceContext{
        .store = chain_.store(),
        .mempool = mempool_,
        .feed = *feed_,
        .genesis = chain_.genesis(),
        .mode = "bft",
        .on_admitted = {},
        .fill_status = {},
        .access = access_.access,
    });
    trace_ = std::make_unique<TraceService>(chain_.store(), access_.access);
    int port = 0;
    server_ = StartClientApi("127.0.0.1:0", access_.credentials, *ledger_, *trace_,
                             {.bound_port = &port});
    ASSERT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override {
    feed_->Shutdown();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + 1s);
  }

  // A channel trusting the farm's CA, presenting `cert` (none when empty).
  std::shared_ptr<grpc::Channel> Channel(const PemKeyPair& cert) const {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = cas_.at("farm").certificate_pem;
    ssl.pem_private_key = cert.private_key_pem;
    ssl.pem_cert_chain = cert.certificate_pem;
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(address_, grpc::SslCredentials(ssl), args);
  }
  grpc::Status GetLot(const PemKeyPair& cert, const std::string& lot) const {
    auto stub = v1::Trace::NewStub(Channel(cert));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    v1::GetLotRequest req;
    req.set_lot_code(lot);
    v1::LotView view;
    return stub->GetLot(&ctx, req, &view);
  }

  MetricsRegistry metrics_;
  ClientAccessSetup access_;
  Mempool mempool_;
  std::unique_ptr<CommitFeed> feed_;
  std::unique_ptr<LedgerService> ledger_;
  std::unique_ptr<TraceService> trace_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST_F(ClientTlsTest, CallersAreIdentifiedByTheirCertificates) {
  const PemKeyPair farm =
      testing::Must(IssueMemberCertificate(cas_.at("farm"), "farm", AdminKey("farm")));
  const PemKeyPair mill =
      testing::Must(IssueMemberCertificate(cas_.at("mill"), "mill", AdminKey("mill")));
  grpc::Status s = GetLot(farm, "A");
  EXPECT_TRUE(s.ok()) << s.error_message();
  s = GetLot(mill, "A");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  // No certificate: Status only, and Status says the policy applies.
  s = GetLot(PemKeyPair{}, "A");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  auto stub = v1::Ledger::NewStub(Channel(PemKeyPair{}));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 10s);
  v1::StatusResponse status;
  s = stub->Status(&ctx, v1::StatusRequest(), &status);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(status.client_access(), "policy");
}

TEST_F(ClientTlsTest, ABadCertificateIsRefusedAndCounted) {
  // The farm's CA issuing a certificate that claims to be the mill's member.
  const PemKeyPair forged =
      testing::Must(IssueMemberCertificate(cas_.at("farm"), "mill", AdminKey("mill")));
  grpc::Status s = GetLot(forged, "A");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_NE(s.error_message().find("unknown_issuer"), std::string::npos) << s.error_message();
  const std::string rendered = metrics_.Render();
  EXPECT_NE(rendered.find("tadori_client_refusals_total{reason=\"unknown_issuer\"} 1"),
            std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("tadori_audited_reads_total{org=\"fda\",method=\"GetLot\"} 0"),
            std::string::npos);
}

}  // namespace
}  // namespace tadori
