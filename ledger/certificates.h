// TLS identities of a consortium: each organisation runs a CA (its certificate is in the
// genesis), and each validator's node presents a certificate issued by its organisation's
// CA whose subject CN is the validator id and O the organisation id.
//
// Keys are ECDSA P-256; certificates are X.509 v3, SHA-256 signed. All functions are pure
// (apart from drawing key material) and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/status.h"

namespace tadori {

struct PemKeyPair {
  std::string certificate_pem;
  std::string private_key_pem;  // PKCS#8
};

// A self-signed CA certificate for organisation `org_id` (CN "<org_id> CA", O org_id),
// valid for `valid_days` from now, with basicConstraints CA:TRUE and keyCertSign.
Result<PemKeyPair> NewOrganizationCa(std::string_view org_id, int valid_days = 3650);

// A node certificate issued by `ca` for validator `validator_id` of `org_id`: CN
// validator_id, O org_id, subjectAltName DNS:<validator_id>, DNS:localhost and every entry of
// `dns_names` / `ip_addresses`, extendedKeyUsage serverAuth + clientAuth (the same certificate
// serves both ends of the peer link). INVALID_ARGUMENT for an unparsable CA or address.
Result<PemKeyPair> IssueNodeCertificate(const PemKeyPair& ca, std::string_view org_id,
                                        std::string_view validator_id,
                                        const std::vector<std::string>& dns_names,
                                        const std::vector<std::string>& ip_addresses,
                                        int valid_days = 825);

// How a TLS private key fits a certificate (both PEM). gRPC would only say it at the first
// handshake, as an opaque failure, so the daemon checks before it starts.
enum class TlsKeyFit {
  kMatches,
  kKeyNotPem,          // the key does not parse (checked first)
  kCertificateNotPem,  // the certificate does not parse
  kKeyOfAnotherCertificate,
};
TlsKeyFit CheckTlsKeyFit(std::string_view certificate_pem, std::string_view private_key_pem);

// CheckTlsKeyFit as a refusal: INVALID_ARGUMENT "<key_name> is not a PEM private key",
// "<certificate_name> is not a PEM certificate" or "<key_name> is not the private key of
// <certificate_name>"; the names are what the reader knows the files as (their paths).
Status CheckTlsKeyPair(std::string_view certificate_name, std::string_view certificate_pem,
                       std::string_view key_name, std::string_view private_key_pem);

// Every organisation CA certificate in the genesis, concatenated: the trust roots of the
// peer links. INVALID_ARGUMENT when an organisation has no CA certificate.
Result<std::string> GenesisTrustRootsPem(const GenesisInfo& genesis);

// Which genesis validator a peer's leaf certificate (PEM, as gRPC's auth context gives it)
// identifies: its CN names a validator, its O is that validator's organisation, it has no OU
// (member and observer certificates do), and it is
// signed by that organisation's CA certificate and currently valid. Returns the validator's
// genesis index; UNAUTHENTICATED with the reason otherwise (a certificate that chains to
// another organisation's CA cannot impersonate this organisation's validators).
Result<size_t> IdentifyPeerValidator(std::string_view leaf_certificate_pem,
                                     const GenesisInfo& genesis);

}  // namespace tadori
