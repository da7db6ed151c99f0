#include "ledger/certificates.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>

#include "ledger/client_identity.h"
#include "ledger/keys.h"
#include "tests/support/tls_consortium.h"

namespace tadori {
namespace {

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
std::unique_ptr<X509, X509Deleter> Parse(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  return std::unique_ptr<X509, X509Deleter>(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

class TlsIdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    consortium_ = new TlsConsortium(MakeTlsConsortium(3, "tls-test"));
  }
  static void TearDownTestSuite() { delete consortium_; }
  static const GenesisInfo& Info() { return *consortium_->info; }
  static TlsConsortium* consortium_;
};
TlsConsortium* TlsIdentityTest::consortium_ = nullptr;

TEST_F(TlsIdentityTest, CaCertificateIsACa) {
  const auto& ca = consortium_->cas[0];
  EXPECT_NE(ca.private_key_pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  auto cert = Parse(ca.certificate_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_EQ(X509_check_issued(cert.get(), cert.get()), X509_V_OK);  // self-signed
  int bc = X509_get_ext_by_NID(cert.get(), NID_basic_constraints, -1);
  ASSERT_GE(bc, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(cert.get(), bc)), 1);
  EXPECT_TRUE(X509_get_key_usage(cert.get()) & KU_KEY_CERT_SIGN);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "org-0 CA");
}

TEST_F(TlsIdentityTest, NodeCertificateNamesAndUsages) {
  auto ca = Parse(consortium_->cas[1].certificate_pem);
  auto node_pair = IssueNodeCertificate(consortium_->cas[1], "org-1", "val-1", {"node1.example"},
                                        {"10.0.0.7", "::1"});
  ASSERT_TRUE(node_pair.ok()) << node_pair.status().ToString();
  auto node = Parse(node_pair->certificate_pem);
  ASSERT_TRUE(node);
  EXPECT_EQ(X509_check_ca(node.get()), 0);
  EXPECT_EQ(X509_check_issued(ca.get(), node.get()), X509_V_OK);
  EXPECT_EQ(X509_verify(node.get(), X509_get0_pubkey(ca.get())), 1);
  EXPECT_EQ(X509_check_host(node.get(), "val-1", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(node.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(node.get(), "node1.example", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(node.get(), "val-2", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(node.get(), "10.0.0.7", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(node.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(node.get(), "10.0.0.8", 0), 0);
  uint32_t eku = X509_get_extended_key_usage(node.get());
  EXPECT_TRUE(eku & XKU_SSL_SERVER);
  EXPECT_TRUE(eku & XKU_SSL_CLIENT);
  // notBefore is in the past (backdated), notAfter in the future.
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(node.get())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(node.get())), 0);
  // Two certificates never share a serial.
  auto again = IssueNodeCertificate(consortium_->cas[1], "org-1", "val-1", {}, {});
  ASSERT_TRUE(again.ok());
  auto other = Parse(again->certificate_pem);
  EXPECT_NE(
      ASN1_INTEGER_cmp(X509_get0_serialNumber(node.get()), X509_get0_serialNumber(other.get())), 0);
}

TEST_F(TlsIdentityTest, IssueRefusesBadInput) {
  const auto& ca = consortium_->cas[0];
  EXPECT_EQ(IssueNodeCertificate(ca, "org-0", "val-0", {}, {"not-an-ip"}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(IssueNodeCertificate(ca, "org-0", "", {}, {}).status().code(), Code::kInvalidArgument);
  PemKeyPair garbage{"garbage", ca.private_key_pem};
  EXPECT_EQ(IssueNodeCertificate(garbage, "org-0", "val-0", {}, {}).status().code(),
            Code::kInvalidArgument);
  // Another organisation's key with this CA certificate.
  PemKeyPair mixed{ca.certificate_pem, consortium_->cas[1].private_key_pem};
  EXPECT_EQ(IssueNodeCertificate(mixed, "org-0", "val-0", {}, {}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(NewOrganizationCa("").status().code(), Code::kInvalidArgument);
}

TEST_F(TlsIdentityTest, TrustRootsHoldEveryCa) {
  auto roots = GenesisTrustRootsPem(Info());
  ASSERT_TRUE(roots.ok()) << roots.status().ToString();
  for (const auto& ca : consortium_->cas) {
    EXPECT_NE(roots->find(ca.certificate_pem), std::string::npos);
  }
  GenesisInfo missing = Info();
  missing.genesis.mutable_organizations(1)->clear_ca_certificate();
  EXPECT_EQ(GenesisTrustRootsPem(missing).status().code(), Code::kInvalidArgument);
}

TEST_F(TlsIdentityTest, IdentifiesEachValidator) {
  for (size_t i = 0; i < consortium_->nodes.size(); ++i) {
    auto index = IdentifyPeerValidator(consortium_->nodes[i].certificate_pem, Info());
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    EXPECT_EQ(*index, i);
  }
}

TEST_F(TlsIdentityTest, RefusesCertificateWithAnotherOrganisation) {
  // Org 0's CA names org 1's validator with O = org-0: the O is not val-1's organisation.
  auto as_own_org = IssueNodeCertificate(consortium_->cas[0], "org-0", "val-1", {}, {});
  ASSERT_TRUE(as_own_org.ok());
  auto r = IdentifyPeerValidator(as_own_org->certificate_pem, Info());
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  // ... and with O = org-1: right names, but not signed by org 1's CA.
  auto forged = IssueNodeCertificate(consortium_->cas[0], "org-1", "val-1", {}, {});
  ASSERT_TRUE(forged.ok());
  r = IdentifyPeerValidator(forged->certificate_pem, Info());
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  EXPECT_NE(r.status().message().find("not"), std::string::npos) << r.status().message();
}

TEST_F(TlsIdentityTest, RefusesOutsideCa) {
  auto outsider = NewOrganizationCa("org-1");  // same name, different key
  ASSERT_TRUE(outsider.ok());
  auto cert = IssueNodeCertificate(*outsider, "org-1", "val-1", {}, {});
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(IdentifyPeerValidator(cert->certificate_pem, Info()).status().code(),
            Code::kUnauthenticated);
}

TEST_F(TlsIdentityTest, RefusesUnknownCnGarbageAndCas) {
  auto unknown = IssueNodeCertificate(consortium_->cas[0], "org-0", "val-9", {}, {});
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(IdentifyPeerValidator(unknown->certificate_pem, Info()).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(IdentifyPeerValidator("garbage", Info()).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(IdentifyPeerValidator("", Info()).status().code(), Code::kUnauthenticated);
  std::string truncated = consortium_->nodes[0].certificate_pem.substr(0, 200);
  EXPECT_EQ(IdentifyPeerValidator(truncated, Info()).status().code(), Code::kUnauthenticated);
  // The organisation's CA certificate itself is no validator's certificate.
  EXPECT_EQ(IdentifyPeerValidator(consortium_->cas[0].certificate_pem, Info()).status().code(),
            Code::kUnauthenticated);
}

TEST_F(TlsIdentityTest, RefusesObserverAndMemberCertificatesNamingAValidator) {
  // The organisation's own CA issued them, with CN = its validator's id: a client identity
  // (an observer's key, a member's TLS key) must not open a validator's peer link.
  auto observer = IssueObserverCertificate(consortium_->cas[0], "org-0", "val-0", {}, {});
  ASSERT_TRUE(observer.ok());
  auto r = IdentifyPeerValidator(observer->certificate_pem, Info());
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  EXPECT_NE(r.status().message().find("OU"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace tadori
