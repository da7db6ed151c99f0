// Who is calling the client API, by the TLS client certificate it presented.
//
// Every client certificate is issued by an organisation's CA (the CA certificate in the
// genesis), ECDSA P-256, X.509 v3:
//   member     CN = lowercase hex of the member's key id (the key that signs its
//              transactions), O = org id, OU = "member", extendedKeyUsage clientAuth. The
//              certificate's own key is a fresh TLS key, not the signing key.
//   observer   CN = observer id, O = org id, OU = "observer", subjectAltName DNS:<id>,
//              DNS:localhost and the given names, serverAuth + clientAuth (it serves a client
//              API and calls validators).
//   validator  the node certificate of IssueNodeCertificate (no OU): CN = a genesis
//              validator of organisation O.
// IdentifyClient refuses with UNAUTHENTICATED and a message that starts with a stable reason
// word (ClientRefusalReason), usable as a metric label:
//   not_pem               not a PEM certificate
//   bad_subject           CN / O / OU missing or repeated, OU unknown, a member CN that is
//                         not 64 lowercase hex, a validator CN that is not a validator of O,
//                         a CA certificate
//   unknown_issuer        O is not a genesis organisation, or the certificate is not issued
//                         and signed by O's CA
//   expired               the certificate or O's CA is outside its validity period
//   observer_not_allowed  an observer of an organisation that neither runs a validator nor
//                         holds a read-all role (it would be a way around the read policy)
// Whether a member's key is registered and not revoked is ledger state: the node decides it.
//
// Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ledger/certificates.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/status.h"

namespace tadori {

inline constexpr std::string_view kMemberUnit = "member";
inline constexpr std::string_view kObserverUnit = "observer";

struct ClientIdentity {
  enum class Kind { kMember, kObserver, kValidator };
  Kind kind = Kind::kMember;
  std::string org_id;
  KeyId member_key;     // kMember
  std::string node_id;  // kObserver, kValidator
};

// A member's client certificate issued by `ca` (its organisation's CA) for `org_id`.
Result<PemKeyPair> IssueMemberCertificate(const PemKeyPair& ca, std::string_view org_id,
                                          const KeyId& member, int valid_days = 825);

// An observer node's certificate issued by `ca` for `org_id`. INVALID_ARGUMENT for an empty
// id or a bad DNS name or IP address.
Result<PemKeyPair> IssueObserverCertificate(const PemKeyPair& ca, std::string_view org_id,
                                            std::string_view observer_id,
                                            const std::vector<std::string>& dns_names,
                                            const std::vector<std::string>& ip_addresses,
                                            int valid_days = 825);

// Who the leaf certificate (PEM, as gRPC's auth context gives it) identifies; refusals as
// described above.
Result<ClientIdentity> IdentifyClient(std::string_view leaf_pem, const GenesisInfo& genesis);

// The reason word of an IdentifyClient refusal (the message up to the first ':'); "other"
// for a status that does not carry one.
std::string_view ClientRefusalReason(const Status& status);

std::string_view ClientKindName(ClientIdentity::Kind kind);  // "member", "observer", "validator"

}  // namespace tadori
