#include "ledger/client_identity.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "ledger/certificate_internal.h"
#include "ledger/keys.h"
#include "tests/support/tls_consortium.h"

namespace tadori {
namespace {

// The certificate `pem` with its notAfter moved to now - `seconds_ago` (notBefore an hour
// ago), signed again by `ca`: with seconds_ago > 0 a certificate the CA issued that expired.
std::string Expire(const std::string& pem, const PemKeyPair& ca, long seconds_ago) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
      BIO_new_mem_buf(ca.private_key_pem.data(), static_cast<int>(ca.private_key_pem.size())),
      &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  EXPECT_TRUE(cert && key);
  if (!cert || !key) return {};
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), -seconds_ago);
  EXPECT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509(out.get(), cert.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

class ClientIdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    consortium_ = new TlsConsortium(MakeTlsConsortium(3, "client-test"));
    // org-3: no validator, role auditor (a read-all role by default); org-4: no validator,
    // producer only.
    for (int i = 3; i <= 4; ++i) {
      const std::string id = "org-" + std::to_string(i);
      auto ca = NewOrganizationCa(id);
      ASSERT_TRUE(ca.ok());
      auto* org = consortium_->genesis.add_organizations();
      org->set_id(id);
      org->add_roles(i == 3 ? "auditor" : "producer");
      org->add_admin_public_keys(PrivateKey::Generate(KeyType::kP256)->public_key().ToPem());
      org->set_ca_certificate(ca->certificate_pem);
      consortium_->cas.push_back(*ca);
    }
    auto sealed = SealGenesis(consortium_->genesis);
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    consortium_->info = std::move(sealed).value();
  }
  static void TearDownTestSuite() { delete consortium_; }
  static const GenesisInfo& Info() { return *consortium_->info; }
  static const PemKeyPair& Ca(size_t i) { return consortium_->cas[i]; }
  static TlsConsortium* consortium_;

  static void ExpectRefused(std::string_view pem, std::string_view reason) {
    auto r = IdentifyClient(pem, Info());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
    EXPECT_EQ(ClientRefusalReason(r.status()), reason) << r.status().message();
  }
};
TlsConsortium* ClientIdentityTest::consortium_ = nullptr;

KeyId SomeKey() {
  return PrivateKey::Generate(KeyType::kP256)->public_key().id();
}

TEST_F(ClientIdentityTest, MemberCertificateIdentifiesOrgAndKeyId) {
  const KeyId key = SomeKey();
  auto cert = IssueMemberCertificate(Ca(1), "org-1", key);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  // The TLS key is fresh: it is not the member's signing key.
  EXPECT_TRUE(CheckTlsKeyPair("c", cert->certificate_pem, "k", cert->private_key_pem).ok());
  auto id = IdentifyClient(cert->certificate_pem, Info());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->kind, ClientIdentity::Kind::kMember);
  EXPECT_EQ(id->org_id, "org-1");
  EXPECT_EQ(id->member_key, key);
  EXPECT_TRUE(id->node_id.empty());
}

TEST_F(ClientIdentityTest, ObserverOfAValidatorOrgOrAReadAllRoleIsIdentified) {
  auto cert = IssueObserverCertificate(Ca(0), "org-0", "obs-0", {"obs.example"}, {"127.0.0.1"});
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  auto id = IdentifyClient(cert->certificate_pem, Info());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->kind, ClientIdentity::Kind::kObserver);
  EXPECT_EQ(id->org_id, "org-0");
  EXPECT_EQ(id->node_id, "obs-0");

  auto auditor = IssueObserverCertificate(Ca(3), "org-3", "audit-copy", {}, {});
  ASSERT_TRUE(auditor.ok());
  auto audit_id = IdentifyClient(auditor->certificate_pem, Info());
  ASSERT_TRUE(audit_id.ok()) << audit_id.status().ToString();
  EXPECT_EQ(audit_id->kind, ClientIdentity::Kind::kObserver);
}

TEST_F(ClientIdentityTest, ObserverOfAnOrgWithoutValidatorOrReadAllRoleIsRefused) {
  auto cert = IssueObserverCertificate(Ca(4), "org-4", "obs-4", {}, {});
  ASSERT_TRUE(cert.ok());
  ExpectRefused(cert->certificate_pem, "observer_not_allowed");
}

TEST_F(ClientIdentityTest, ValidatorNodeCertificateIdentifiesTheValidator) {
  auto id = IdentifyClient(consortium_->nodes[2].certificate_pem, Info());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->kind, ClientIdentity::Kind::kValidator);
  EXPECT_EQ(id->org_id, "org-2");
  EXPECT_EQ(id->node_id, "val-2");
}

TEST_F(ClientIdentityTest, AnotherOrgsCaClaimingThisOrgIsUnknownIssuer) {
  auto forged = IssueMemberCertificate(Ca(0), "org-1", SomeKey());
  ASSERT_TRUE(forged.ok());
  ExpectRefused(forged->certificate_pem, "unknown_issuer");
  auto forged_node = IssueNodeCertificate(Ca(0), "org-1", "val-1", {}, {});
  ASSERT_TRUE(forged_node.ok());
  ExpectRefused(forged_node->certificate_pem, "unknown_issuer");
  // A CA outside the genesis with a genesis organisation's name.
  auto outsider = NewOrganizationCa("org-1");
  ASSERT_TRUE(outsider.ok());
  auto outside_cert = IssueMemberCertificate(*outsider, "org-1", SomeKey());
  ASSERT_TRUE(outside_cert.ok());
  ExpectRefused(outside_cert->certificate_pem, "unknown_issuer");
  // An organisation the genesis does not name.
  auto stranger_ca = NewOrganizationCa("org-9");
  ASSERT_TRUE(stranger_ca.ok());
  auto stranger = IssueMemberCertificate(*stranger_ca, "org-9", SomeKey());
  ASSERT_TRUE(stranger.ok());
  ExpectRefused(stranger->certificate_pem, "unknown_issuer");
}

TEST_F(ClientIdentityTest, ExpiredCertificateIsRefused) {
  auto cert = IssueMemberCertificate(Ca(1), "org-1", SomeKey());
  ASSERT_TRUE(cert.ok());
  const std::string expired = Expire(cert->certificate_pem, Ca(1), 600);
  ASSERT_FALSE(expired.empty());
  ExpectRefused(expired, "expired");
  // The same re-signing with a validity still ahead is accepted: the refusal was the date.
  EXPECT_TRUE(IdentifyClient(Expire(cert->certificate_pem, Ca(1), -600), Info()).ok());
}

TEST_F(ClientIdentityTest, GarbageIsNotPem) {
  ExpectRefused("garbage", "not_pem");
  ExpectRefused("", "not_pem");
  ExpectRefused(consortium_->nodes[0].certificate_pem.substr(0, 200), "not_pem");
}

TEST_F(ClientIdentityTest, BadSubjectsAreRefused) {
  certificate_internal::LeafRequest request;
  request.org_id = "org-1";
  request.organizational_unit = kMemberUnit;
  request.extended_key_usage = "clientAuth";
  // A member CN that is not 64 lowercase hex digits.
  for (std::string cn :
       {std::string("alice"), std::string(63, 'a'), std::string(64, 'A'), std::string(64, 'g')}) {
    request.common_name = cn;
    auto cert = certificate_internal::IssueLeafCertificate(Ca(1), request);
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    ExpectRefused(cert->certificate_pem, "bad_subject");
  }
  // An OU that is neither member nor observer.
  const std::string key_hex = SomeKey().Hex();
  request.common_name = key_hex;
  request.organizational_unit = "admin";
  auto admin = certificate_internal::IssueLeafCertificate(Ca(1), request);
  ASSERT_TRUE(admin.ok());
  ExpectRefused(admin->certificate_pem, "bad_subject");
  // No OU and a CN that is not a validator of the organisation.
  auto not_a_validator = IssueNodeCertificate(Ca(1), "org-1", "val-0", {}, {});
  ASSERT_TRUE(not_a_validator.ok());
  ExpectRefused(not_a_validator->certificate_pem, "bad_subject");
  // The CA certificate itself.
  ExpectRefused(Ca(1).certificate_pem, "bad_subject");
}

TEST_F(ClientIdentityTest, RefusalReasonOfOtherStatusesIsOther) {
  EXPECT_EQ(ClientRefusalReason(Status::Unauthenticated("expired")), "other");
  EXPECT_EQ(ClientRefusalReason(Status::PermissionDenied("expired: x")), "other");
  EXPECT_EQ(ClientRefusalReason(Status::Unauthenticated("expired: x")), "expired");
}

TEST_F(ClientIdentityTest, GenesisReadPolicyRolesAreChecked) {
  v1::Genesis genesis = consortium_->genesis;
  EXPECT_EQ(EffectiveReadPolicy(genesis).read_all_roles_size(), 2);
  genesis.mutable_read_policy()->add_read_all_roles("regulator");
  ASSERT_TRUE(SealGenesis(genesis).ok());
  EXPECT_EQ(EffectiveReadPolicy(genesis).read_all_roles_size(), 1);
  EXPECT_EQ(EffectiveReadPolicy(genesis).block_roles_size(), 0);
  genesis.mutable_read_policy()->add_read_all_roles("regulator");
  EXPECT_EQ(SealGenesis(genesis).status().code(), Code::kInvalidArgument);
  genesis.mutable_read_policy()->clear_read_all_roles();
  genesis.mutable_read_policy()->add_block_roles("root");
  EXPECT_EQ(SealGenesis(genesis).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tadori
