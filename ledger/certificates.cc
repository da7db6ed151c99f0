#include "ledger/certificates.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <climits>
#include <memory>

#include "ledger/certificate_internal.h"
#include "ledger/check.h"
#include "ledger/openssl_owned.h"

namespace tadori {

namespace {

using PkeyPtr = OpenSslOwned<EVP_PKEY, EVP_PKEY_free>;
using X509Ptr = OpenSslOwned<X509, X509_free>;
using BioPtr = OpenSslOwned<BIO, BIO_free>;
using BnPtr = OpenSslOwned<BIGNUM, BN_free>;
using ExtPtr = OpenSslOwned<X509_EXTENSION, X509_EXTENSION_free>;
using GeneralNamesPtr = OpenSslOwned<GENERAL_NAMES, GENERAL_NAMES_free>;
using GeneralNamePtr = OpenSslOwned<GENERAL_NAME, GENERAL_NAME_free>;
using Asn1StringPtr = OpenSslOwned<ASN1_STRING, ASN1_STRING_free>;

// Certificates are backdated by an hour so that a peer whose clock is slightly behind
// does not see them as not yet valid.
constexpr long kBackdateSeconds = 3600;

// OpenSSL's error queue is per thread: drain it so one failure does not leak its reason
// into an unrelated later call on the same thread.
std::string OpensslError(std::string_view what) {
  unsigned long err = ERR_get_error();
  std::string out(what);
  if (err != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    out += ": ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

Result<PkeyPtr> NewP256Key() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return Status::Internal(OpensslError("generating a P-256 key"));
  return key;
}

Result<X509Ptr> ParseCertificate(std::string_view pem) {
  if (pem.size() > INT_MAX) return Status::InvalidArgument("certificate PEM too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Status::Internal("BIO_new_mem_buf failed");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return Status::InvalidArgument(OpensslError("not a PEM certificate"));
  return cert;
}

Result<PkeyPtr> ParsePrivateKey(std::string_view pem) {
  if (pem.size() > INT_MAX) return Status::InvalidArgument("private key PEM too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Status::Internal("BIO_new_mem_buf failed");
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Status::InvalidArgument(OpensslError("not a PEM private key"));
  return key;
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

Result<std::string> CertificatePem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return Status::Internal(OpensslError("writing certificate PEM"));
  }
  return BioToString(bio.get());
}

Result<std::string> PrivateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  // PEM_write_bio_PrivateKey writes PKCS#8 ("PRIVATE KEY").
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Status::Internal(OpensslError("writing private key PEM"));
  }
  return BioToString(bio.get());
}

// 16 random bytes as a positive serial (top bit cleared so the DER integer stays 16 bytes,
// bottom bit set so it is never zero).
Status SetRandomSerial(X509* cert) {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) return Status::Internal(OpensslError("RAND_bytes"));
  raw[0] &= 0x7f;
  raw[15] |= 0x01;
  BnPtr bn(BN_bin2bn(raw, sizeof raw, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) {
    return Status::Internal(OpensslError("setting the serial number"));
  }
  return Status::Ok();
}

// O, then OU when given, then CN.
Status SetName(X509_NAME* name, std::string_view cn, std::string_view org,
               std::string_view unit = {}) {
  auto add = [&](const char* field, std::string_view value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.data()),
                                      static_cast<int>(value.size()), -1, 0) == 1;
  };
  if (cn.empty() || org.empty()) return Status::InvalidArgument("empty subject name field");
  if (!add("O", org) || (!unit.empty() && !add("OU", unit)) || !add("CN", cn)) {
    return Status::InvalidArgument(OpensslError("subject name"));
  }
  return Status::Ok();
}

// Version 3, random serial, validity [now - 1h, now + days], subject and public key.
Status FillCommon(X509* cert, EVP_PKEY* key, std::string_view cn, std::string_view org,
                  int valid_days, std::string_view unit = {}) {
  if (valid_days <= 0) return Status::InvalidArgument("valid_days must be positive");
  if (X509_set_version(cert, X509_VERSION_3) != 1) {
    return Status::Internal(OpensslError("X509_set_version"));
  }
  TADORI_RETURN_IF_ERROR(SetRandomSerial(cert));
  if (!X509_gmtime_adj(X509_getm_notBefore(cert), -kBackdateSeconds) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert), valid_days, 0, nullptr)) {
    return Status::Internal(OpensslError("setting the validity period"));
  }
  TADORI_RETURN_IF_ERROR(SetName(X509_get_subject_name(cert), cn, org, unit));
  if (X509_set_pubkey(cert, key) != 1) return Status::Internal(OpensslError("X509_set_pubkey"));
  return Status::Ok();
}

// An extension from OpenSSL's config syntax; `value` is a constant of this file, never
// caller input (that could inject further extension options).
Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Status::Internal(OpensslError(std::string("adding extension ") + OBJ_nid2sn(nid)));
  }
  return Status::Ok();
}

Status AddDnsName(GENERAL_NAMES* names, std::string_view dns) {
  if (dns.empty() || dns.size() > 253) {
    return Status::InvalidArgument("bad DNS name \"" + std::string(dns) + "\"");
  }
  Asn1StringPtr ia5(ASN1_IA5STRING_new());
  GeneralNamePtr name(GENERAL_NAME_new());
  if (!ia5 || !name || ASN1_STRING_set(ia5.get(), dns.data(), static_cast<int>(dns.size())) != 1) {
    return Status::Internal("allocating a DNS name");
  }
  GENERAL_NAME_set0_value(name.get(), GEN_DNS, ia5.release());
  if (sk_GENERAL_NAME_push(names, name.get()) == 0) return Status::Internal("sk push");
  name.release();
  return Status::Ok();
}

Status AddIpAddress(GENERAL_NAMES* names, const std::string& ip) {
  Asn1StringPtr octets(a2i_IPADDRESS(ip.c_str()));
  if (!octets) {
    ERR_clear_error();
    return Status::InvalidArgument("bad IP address \"" + ip + "\"");
  }
  GeneralNamePtr name(GENERAL_NAME_new());
  if (!name) return Status::Internal("allocating an IP name");
  GENERAL_NAME_set0_value(name.get(), GEN_IPADD, octets.release());
  if (sk_GENERAL_NAME_push(names, name.get()) == 0) return Status::Internal("sk push");
  name.release();
  return Status::Ok();
}

// The single value of `nid` in `name`; a certificate with the field missing or repeated
// does not name anything unambiguously.
Result<std::string> SingleNameEntry(X509_NAME* name, int nid, std::string_view what) {
  int pos = X509_NAME_get_index_by_NID(name, nid, -1);
  if (pos < 0) return Status::Unauthenticated("certificate has no " + std::string(what));
  if (X509_NAME_get_index_by_NID(name, nid, pos) >= 0) {
    return Status::Unauthenticated("certificate has several " + std::string(what) + " entries");
  }
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, pos));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) {
    ERR_clear_error();
    return Status::Unauthenticated("certificate " + std::string(what) + " is not a string");
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

// OK when `cert` is within its validity period now.
Status CheckValidNow(X509* cert, std::string_view what) {
  if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) {
    return Status::Unauthenticated(std::string(what) + " is not valid yet");
  }
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
    return Status::Unauthenticated(std::string(what) + " has expired");
  }
  return Status::Ok();
}

}  // namespace

Result<PemKeyPair> NewOrganizationCa(std::string_view org_id, int valid_days) {
  if (org_id.empty()) return Status::InvalidArgument("empty organisation id");
  TADORI_ASSIGN_OR_RETURN(PkeyPtr key, NewP256Key());
  X509Ptr cert(X509_new());
  if (!cert) return Status::Internal("X509_new failed");
  TADORI_RETURN_IF_ERROR(
      FillCommon(cert.get(), key.get(), std::string(org_id) + " CA", org_id, valid_days));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1) {
    return Status::Internal(OpensslError("X509_set_issuer_name"));
  }
  TADORI_RETURN_IF_ERROR(
      AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  TADORI_RETURN_IF_ERROR(
      AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  TADORI_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    return Status::Internal(OpensslError("signing the CA certificate"));
  }
  PemKeyPair out;
  TADORI_ASSIGN_OR_RETURN(out.certificate_pem, CertificatePem(cert.get()));
  TADORI_ASSIGN_OR_RETURN(out.private_key_pem, PrivateKeyPem(key.get()));
  return out;
}

Result<PemKeyPair> IssueNodeCertificate(const PemKeyPair& ca, std::string_view org_id,
                                        std::string_view validator_id,
                                        const std::vector<std::string>& dns_names,
                                        const std::vector<std::string>& ip_addresses,
                                        int valid_days) {
  if (validator_id.empty()) return Status::InvalidArgument("empty validator id");
  certificate_internal::LeafRequest request;
  request.org_id = org_id;
  request.common_name = validator_id;
  request.dns_names.emplace_back(validator_id);
  if (validator_id != "localhost") request.dns_names.emplace_back("localhost");
  request.dns_names.insert(request.dns_names.end(), dns_names.begin(), dns_names.end());
  request.ip_addresses = ip_addresses;
  request.extended_key_usage = "serverAuth,clientAuth";
  request.valid_days = valid_days;
  return certificate_internal::IssueLeafCertificate(ca, request);
}

Result<std::string> GenesisTrustRootsPem(const GenesisInfo& genesis) {
  std::string out;
  for (const auto& org : genesis.genesis.organizations()) {
    if (org.ca_certificate().empty()) {
      return Status::InvalidArgument("organisation " + org.id() + " has no CA certificate");
    }
    auto cert = ParseCertificate(org.ca_certificate());
    if (!cert.ok()) return cert.status().WithContext("CA certificate of " + org.id());
    out += org.ca_certificate();
    if (out.back() != '\n') out += '\n';
  }
  if (out.empty()) return Status::InvalidArgument("the genesis has no organisations");
  return out;
}

Result<size_t> IdentifyPeerValidator(std::string_view leaf_certificate_pem,
                                     const GenesisInfo& genesis) {
  auto leaf = ParseCertificate(leaf_certificate_pem);
  if (!leaf.ok()) return Status::Unauthenticated(leaf.status().message());
  X509_NAME* subject = X509_get_subject_name(leaf->get());
  TADORI_ASSIGN_OR_RETURN(std::string cn, SingleNameEntry(subject, NID_commonName, "CN"));
  TADORI_ASSIGN_OR_RETURN(std::string org, SingleNameEntry(subject, NID_organizationName, "O"));
  // Member and observer certificates carry an OU (client_identity.h); the same CA issues them,
  // so a client's key must not pass for a validator whose id its CN happens to name.
  if (X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1) >= 0) {
    return Status::Unauthenticated("certificate of " + cn +
                                   " has an OU: a client certificate, not a validator's");
  }

  const auto& validators = genesis.genesis.validators();
  size_t index = 0;
  while (index < static_cast<size_t>(validators.size()) &&
         validators[static_cast<int>(index)].id() != cn) {
    ++index;
  }
  if (index == static_cast<size_t>(validators.size())) {
    return Status::Unauthenticated("certificate CN \"" + cn + "\" is not a genesis validator");
  }
  const auto& validator = validators[static_cast<int>(index)];
  if (org != validator.org_id()) {
    return Status::Unauthenticated("certificate O \"" + org + "\" is not the organisation of " +
                                   cn + " (" + validator.org_id() + ")");
  }
  const v1::Organization* organization = nullptr;
  for (const auto& o : genesis.genesis.organizations()) {
    if (o.id() == org) organization = &o;
  }
  if (organization == nullptr || organization->ca_certificate().empty()) {
    return Status::Unauthenticated("organisation " + org + " has no CA certificate");
  }
  auto ca = ParseCertificate(organization->ca_certificate());
  if (!ca.ok()) return Status::Unauthenticated("CA certificate of " + org + " does not parse");

  // A CA certificate (even one whose CN happened to equal a validator id) is not a node.
  if (X509_check_ca(leaf->get()) != 0) {
    return Status::Unauthenticated("certificate of " + cn + " is a CA certificate");
  }
  if (X509_NAME_cmp(X509_get_issuer_name(leaf->get()), X509_get_subject_name(ca->get())) != 0) {
    return Status::Unauthenticated("certificate of " + cn + " is not issued by the CA of " + org);
  }
  EVP_PKEY* ca_key = X509_get0_pubkey(ca->get());
  if (ca_key == nullptr || X509_verify(leaf->get(), ca_key) != 1) {
    ERR_clear_error();
    return Status::Unauthenticated("certificate of " + cn + " is not signed by the CA of " + org);
  }
  TADORI_RETURN_IF_ERROR(CheckValidNow(leaf->get(), "certificate of " + cn));
  TADORI_RETURN_IF_ERROR(CheckValidNow(ca->get(), "CA certificate of " + org));
  return index;
}

TlsKeyFit CheckTlsKeyFit(std::string_view certificate_pem, std::string_view private_key_pem) {
  if (private_key_pem.size() > INT_MAX) return TlsKeyFit::kKeyNotPem;
  if (certificate_pem.size() > INT_MAX) return TlsKeyFit::kCertificateNotPem;
  auto bio_of = [](std::string_view text) {
    return OpenSslOwned<BIO, BIO_free>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  };
  auto cert_bio = bio_of(certificate_pem);
  auto key_bio = bio_of(private_key_pem);
  TADORI_CHECK(cert_bio && key_bio);
  OpenSslOwned<EVP_PKEY, EVP_PKEY_free> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  OpenSslOwned<X509, X509_free> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  const bool matches = cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  if (!key) return TlsKeyFit::kKeyNotPem;
  if (!cert) return TlsKeyFit::kCertificateNotPem;
  return matches ? TlsKeyFit::kMatches : TlsKeyFit::kKeyOfAnotherCertificate;
}

Status CheckTlsKeyPair(std::string_view certificate_name, std::string_view certificate_pem,
                       std::string_view key_name, std::string_view private_key_pem) {
  switch (CheckTlsKeyFit(certificate_pem, private_key_pem)) {
    case TlsKeyFit::kMatches:
      return Status::Ok();
    case TlsKeyFit::kKeyNotPem:
      return Status::InvalidArgument(std::string(key_name) + " is not a PEM private key");
    case TlsKeyFit::kCertificateNotPem:
      return Status::InvalidArgument(std::string(certificate_name) + " is not a PEM certificate");
    case TlsKeyFit::kKeyOfAnotherCertificate:
      return Status::InvalidArgument(std::string(key_name) + " is not the private key of " +
                                     std::string(certificate_name));
  }
  return Status::Internal("unknown TLS key fit");
}

namespace certificate_internal {

Result<PemKeyPair> IssueLeafCertificate(const PemKeyPair& ca, const LeafRequest& request) {
  auto ca_cert = ParseCertificate(ca.certificate_pem);
  if (!ca_cert.ok()) return ca_cert.status().WithContext("CA certificate");
  auto ca_key = ParsePrivateKey(ca.private_key_pem);
  if (!ca_key.ok()) return ca_key.status().WithContext("CA private key");
  if (X509_check_private_key(ca_cert->get(), ca_key->get()) != 1) {
    return Status::InvalidArgument(OpensslError("CA private key does not match its certificate"));
  }

  // Names first: a bad address is the caller's error and should not cost a key generation.
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return Status::Internal("allocating subjectAltName");
  for (const auto& dns : request.dns_names) TADORI_RETURN_IF_ERROR(AddDnsName(names.get(), dns));
  for (const auto& ip : request.ip_addresses) {
    TADORI_RETURN_IF_ERROR(AddIpAddress(names.get(), ip));
  }

  TADORI_ASSIGN_OR_RETURN(PkeyPtr key, NewP256Key());
  X509Ptr cert(X509_new());
  if (!cert) return Status::Internal("X509_new failed");
  TADORI_RETURN_IF_ERROR(FillCommon(cert.get(), key.get(), request.common_name, request.org_id,
                                    request.valid_days, request.organizational_unit));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert->get())) != 1) {
    return Status::Internal(OpensslError("X509_set_issuer_name"));
  }
  if (sk_GENERAL_NAME_num(names.get()) > 0 &&
      X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) !=
          1) {
    return Status::Internal(OpensslError("adding subjectAltName"));
  }
  X509* issuer = ca_cert->get();
  TADORI_RETURN_IF_ERROR(
      AddExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE"));
  TADORI_RETURN_IF_ERROR(
      AddExtension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature"));
  TADORI_RETURN_IF_ERROR(
      AddExtension(cert.get(), issuer, NID_ext_key_usage, request.extended_key_usage));
  TADORI_RETURN_IF_ERROR(AddExtension(cert.get(), issuer, NID_subject_key_identifier, "hash"));
  TADORI_RETURN_IF_ERROR(AddExtension(cert.get(), issuer, NID_authority_key_identifier, "keyid"));
  if (X509_sign(cert.get(), ca_key->get(), EVP_sha256()) <= 0) {
    return Status::Internal(OpensslError("signing the certificate"));
  }
  PemKeyPair out;
  TADORI_ASSIGN_OR_RETURN(out.certificate_pem, CertificatePem(cert.get()));
  TADORI_ASSIGN_OR_RETURN(out.private_key_pem, PrivateKeyPem(key.get()));
  return out;
}

LeafReading ReadLeafSubject(std::string_view leaf_pem, LeafSubject* subject) {
  auto leaf = ParseCertificate(leaf_pem);
  if (!leaf.ok()) return LeafReading::kNotPem;
  X509_NAME* name = X509_get_subject_name(leaf->get());
  auto cn = SingleNameEntry(name, NID_commonName, "CN");
  auto org = SingleNameEntry(name, NID_organizationName, "O");
  if (!cn.ok() || !org.ok()) return LeafReading::kBadSubject;
  subject->common_name = std::move(cn).value();
  subject->organization = std::move(org).value();
  subject->organizational_unit.reset();
  if (X509_NAME_get_index_by_NID(name, NID_organizationalUnitName, -1) >= 0) {
    auto unit = SingleNameEntry(name, NID_organizationalUnitName, "OU");
    if (!unit.ok()) return LeafReading::kBadSubject;
    subject->organizational_unit = std::move(unit).value();
  }
  subject->is_ca = X509_check_ca(leaf->get()) != 0;
  return LeafReading::kOk;
}

LeafTrust CheckLeafTrust(std::string_view leaf_pem, std::string_view ca_pem) {
  auto leaf = ParseCertificate(leaf_pem);
  auto ca = ParseCertificate(ca_pem);
  if (!leaf.ok() || !ca.ok()) return LeafTrust::kUnknownIssuer;
  if (X509_NAME_cmp(X509_get_issuer_name(leaf->get()), X509_get_subject_name(ca->get())) != 0) {
    return LeafTrust::kUnknownIssuer;
  }
  EVP_PKEY* ca_key = X509_get0_pubkey(ca->get());
  if (ca_key == nullptr || X509_verify(leaf->get(), ca_key) != 1) {
    ERR_clear_error();
    return LeafTrust::kUnknownIssuer;
  }
  if (!CheckValidNow(leaf->get(), "certificate").ok() ||
      !CheckValidNow(ca->get(), "CA certificate").ok()) {
    return LeafTrust::kOutsideValidity;
  }
  return LeafTrust::kTrusted;
}

}  // namespace certificate_internal

}  // namespace tadori
