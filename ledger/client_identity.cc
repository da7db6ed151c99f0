#include "ledger/client_identity.h"

#include "ledger/certificate_internal.h"
#include "ledger/limits.h"
#include "ledger/utf8.h"

namespace tadori {
namespace {

using certificate_internal::LeafReading;
using certificate_internal::LeafSubject;
using certificate_internal::LeafTrust;

Status Refuse(std::string_view reason, const std::string& detail) {
  return Status::Unauthenticated(std::string(reason) + ": " + detail);
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

const v1::Organization* FindOrganization(const v1::Genesis& genesis, std::string_view id) {
  for (const auto& org : genesis.organizations()) {
    if (org.id() == id) return &org;
  }
  return nullptr;
}

bool RunsValidator(const v1::Genesis& genesis, std::string_view org_id) {
  for (const auto& validator : genesis.validators()) {
    if (validator.org_id() == org_id) return true;
  }
  return false;
}

}  // namespace

Result<PemKeyPair> IssueMemberCertificate(const PemKeyPair& ca, std::string_view org_id,
                                          const KeyId& member, int valid_days) {
  const std::string cn = member.Hex();
  certificate_internal::LeafRequest request;
  request.org_id = org_id;
  request.common_name = cn;
  request.organizational_unit = kMemberUnit;
  request.extended_key_usage = "clientAuth";
  request.valid_days = valid_days;
  return certificate_internal::IssueLeafCertificate(ca, request);
}

Result<PemKeyPair> IssueObserverCertificate(const PemKeyPair& ca, std::string_view org_id,
                                            std::string_view observer_id,
                                            const std::vector<std::string>& dns_names,
                                            const std::vector<std::string>& ip_addresses,
                                            int valid_days) {
  if (observer_id.empty()) return Status::InvalidArgument("empty observer id");
  certificate_internal::LeafRequest request;
  request.org_id = org_id;
  request.common_name = observer_id;
  request.organizational_unit = kObserverUnit;
  request.dns_names.emplace_back(observer_id);
  if (observer_id != "localhost") request.dns_names.emplace_back("localhost");
  request.dns_names.insert(request.dns_names.end(), dns_names.begin(), dns_names.end());
  request.ip_addresses = ip_addresses;
  request.extended_key_usage = "serverAuth,clientAuth";
  request.valid_days = valid_days;
  return certificate_internal::IssueLeafCertificate(ca, request);
}

Result<ClientIdentity> IdentifyClient(std::string_view leaf_pem, const GenesisInfo& genesis) {
  if (leaf_pem.size() > kPemBytesMax * 4) {
    return Refuse("not_pem", "certificate is " + std::to_string(leaf_pem.size()) + " bytes");
  }
  LeafSubject subject;
  switch (certificate_internal::ReadLeafSubject(leaf_pem, &subject)) {
    case LeafReading::kOk:
      break;
    case LeafReading::kNotPem:
      return Refuse("not_pem", "the client certificate is not a PEM certificate");
    case LeafReading::kBadSubject:
      return Refuse("bad_subject", "the client certificate subject needs one CN and one O");
  }
  const std::string org_text = PrintableExcerpt(subject.organization);
  const std::string cn_text = PrintableExcerpt(subject.common_name);
  if (subject.is_ca) return Refuse("bad_subject", "a CA certificate is not a client");

  const v1::Organization* org = FindOrganization(genesis.genesis, subject.organization);
  if (org == nullptr || org->ca_certificate().empty()) {
    return Refuse("unknown_issuer", "organisation \"" + org_text + "\" has no CA in the genesis");
  }
  switch (certificate_internal::CheckLeafTrust(leaf_pem, org->ca_certificate())) {
    case LeafTrust::kTrusted:
      break;
    case LeafTrust::kUnknownIssuer:
      return Refuse("unknown_issuer",
                    "the client certificate is not issued by the CA of " + org_text);
    case LeafTrust::kOutsideValidity:
      return Refuse("expired", "the client certificate or the CA of " + org_text +
                                   " has expired or is not valid yet");
  }

  ClientIdentity identity;
  identity.org_id = subject.organization;
  if (!subject.organizational_unit.has_value()) {
    for (const auto& validator : genesis.genesis.validators()) {
      if (validator.id() == subject.common_name && validator.org_id() == subject.organization) {
        identity.kind = ClientIdentity::Kind::kValidator;
        identity.node_id = subject.common_name;
        return identity;
      }
    }
    return Refuse("bad_subject",
                  "CN \"" + cn_text + "\" is not a genesis validator of " + org_text);
  }
  const std::string& unit = *subject.organizational_unit;
  if (unit == kMemberUnit) {
    const std::string& cn = subject.common_name;
    if (cn.size() != 2 * Hash::kSize || !IsLowerHex(cn)) {
      return Refuse("bad_subject", "a member CN is the 64 lowercase hex digits of its key id");
    }
    auto key = Hash::FromHex(cn);
    if (!key.ok()) return Refuse("bad_subject", "member CN is not a key id");
    identity.kind = ClientIdentity::Kind::kMember;
    identity.member_key = *key;
    return identity;
  }
  if (unit == kObserverUnit) {
    if (subject.common_name.size() > kStringFieldBytesMax) {
      return Refuse("bad_subject", "observer id is too long");
    }
    const v1::ReadPolicy policy = EffectiveReadPolicy(genesis.genesis);
    if (!RunsValidator(genesis.genesis, org->id()) &&
        !OrgHasAnyRole(*org, policy.read_all_roles())) {
      return Refuse("observer_not_allowed",
                    org_text + " runs no validator and has no read-all role");
    }
    identity.kind = ClientIdentity::Kind::kObserver;
    identity.node_id = subject.common_name;
    return identity;
  }
  return Refuse("bad_subject", "OU \"" + PrintableExcerpt(unit) + "\" is neither " +
                                   std::string(kMemberUnit) + " nor " + std::string(kObserverUnit));
}

std::string_view ClientRefusalReason(const Status& status) {
  static constexpr std::string_view kReasons[] = {"not_pem", "bad_subject", "unknown_issuer",
                                                  "expired", "observer_not_allowed"};
  if (status.code() != Code::kUnauthenticated) return "other";
  std::string_view message = status.message();
  for (std::string_view reason : kReasons) {
    if (message.size() > reason.size() && message.substr(0, reason.size()) == reason &&
        message[reason.size()] == ':') {
      return reason;
    }
  }
  return "other";
}

std::string_view ClientKindName(ClientIdentity::Kind kind) {
  switch (kind) {
    case ClientIdentity::Kind::kMember:
      return "member";
    case ClientIdentity::Kind::kObserver:
      return "observer";
    case ClientIdentity::Kind::kValidator:
      return "validator";
  }
  return "unknown";
}

}  // namespace tadori
