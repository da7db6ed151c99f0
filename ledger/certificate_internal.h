// Pieces of ledger/certificates.cc that ledger/client_identity.cc shares: issuing a leaf
// certificate under an organisation CA, and reading and checking a presented leaf. Not for
// use outside ledger/ (the public functions are in certificates.h and client_identity.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/certificates.h"
#include "ledger/status.h"

namespace tadori::certificate_internal {

// What a leaf certificate under an organisation CA says about its holder.
struct LeafRequest {
  std::string_view org_id;
  std::string_view common_name;
  std::string_view organizational_unit;  // empty: the subject has no OU
  // subjectAltName entries in this order; no extension when both are empty.
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  // One of this library's constants ("clientAuth", "serverAuth,clientAuth"), never caller
  // text: it is parsed as OpenSSL config syntax.
  const char* extended_key_usage = "serverAuth,clientAuth";
  int valid_days = 825;
};

// A fresh P-256 key and its certificate issued by `ca` (basicConstraints CA:FALSE,
// digitalSignature, the request's extendedKeyUsage). INVALID_ARGUMENT for an unparsable CA,
// a CA key that is not its certificate's, a bad name or address.
Result<PemKeyPair> IssueLeafCertificate(const PemKeyPair& ca, const LeafRequest& request);

struct LeafSubject {
  std::string common_name;
  std::string organization;
  std::optional<std::string> organizational_unit;
  bool is_ca = false;
};

enum class LeafReading {
  kOk,
  kNotPem,      // does not parse as a PEM certificate
  kBadSubject,  // CN or O missing, repeated or not a string; OU repeated or not a string
};
// Reads the subject of a presented leaf certificate; `subject` is filled when kOk.
LeafReading ReadLeafSubject(std::string_view leaf_pem, LeafSubject* subject);

enum class LeafTrust {
  kTrusted,
  kUnknownIssuer,    // not issued and signed by the CA, or the CA is unusable
  kOutsideValidity,  // the leaf or the CA is expired or not valid yet
};
// Whether `leaf_pem` is issued and signed by the CA certificate `ca_pem` and both are
// within their validity now.
LeafTrust CheckLeafTrust(std::string_view leaf_pem, std::string_view ca_pem);

}  // namespace tadori::certificate_internal
