#include "ledger/genesis.h"

#include <google/protobuf/util/json_util.h>

#include <array>
#include <set>

#include "ledger/check.h"
#include "ledger/limits.h"
#include "ledger/utf8.h"

namespace tadori {
namespace {

constexpr std::array<std::string_view, 8> kKnownRoles = {"producer", "processor", "distributor",
                                                         "carrier",  "retailer",  "municipality",
                                                         "auditor",  "regulator"};

Status Invalid(const std::string& where, const std::string& what) {
  return Status::InvalidArgument("genesis " + where + ": " + what);
}

Status CheckText(const std::string& where, const std::string& value, size_t bytes_max,
                 bool required) {
  if (required && value.empty()) return Invalid(where, "is empty");
  if (value.size() > bytes_max) {
    return Invalid(where, "is " + std::to_string(value.size()) + " bytes, more than " +
                              std::to_string(bytes_max));
  }
  return Status::Ok();
}

Status CheckOrganization(const v1::Organization& org, const std::string& where,
                         std::set<KeyId>& admin_keys) {
  TADORI_RETURN_IF_ERROR(CheckText(where + " name", org.name(), kStringFieldBytesMax, false));
  TADORI_RETURN_IF_ERROR(
      CheckText(where + " ca_certificate", org.ca_certificate(), kPemBytesMax, false));
  if (static_cast<size_t>(org.roles_size()) > kOrgRoleCountMax) {
    return Invalid(where, "has more than " + std::to_string(kOrgRoleCountMax) + " roles");
  }
  std::set<std::string> roles;
  for (const std::string& role : org.roles()) {
    if (!IsKnownRole(role)) {
      return Invalid(where, "unknown role \"" + PrintableExcerpt(role) + "\"");
    }
    if (!roles.insert(role).second) return Invalid(where, "role \"" + role + "\" listed twice");
  }
  if (org.admin_public_keys_size() == 0) return Invalid(where, "has no admin key");
  if (static_cast<size_t>(org.admin_public_keys_size()) > kOrgAdminKeyCountMax) {
    return Invalid(where, "has more than " + std::to_string(kOrgAdminKeyCountMax) + " admin keys");
  }
  for (int i = 0; i < org.admin_public_keys_size(); ++i) {
    const std::string key_where = where + " admin key " + std::to_string(i);
    const std::string& pem = org.admin_public_keys(i);
    TADORI_RETURN_IF_ERROR(CheckText(key_where, pem, kPemBytesMax, true));
    Result<PublicKey> key = PublicKey::FromPem(pem);
    if (!key.ok()) return key.status().WithContext("genesis " + key_where);
    if (!admin_keys.insert(key->id()).second) return Invalid(key_where, "is listed twice");
  }
  return Status::Ok();
}

Status CheckPolicyRoles(const std::string& where,
                        const google::protobuf::RepeatedPtrField<std::string>& roles) {
  if (static_cast<size_t>(roles.size()) > kKnownRoles.size()) {
    return Invalid(where, "has more than " + std::to_string(kKnownRoles.size()) + " roles");
  }
  std::set<std::string> seen;
  for (const std::string& role : roles) {
    if (!IsKnownRole(role)) {
      return Invalid(where, "unknown role \"" + PrintableExcerpt(role) + "\"");
    }
    if (!seen.insert(role).second) return Invalid(where, "role \"" + role + "\" listed twice");
  }
  return Status::Ok();
}

Status CheckReadPolicy(const v1::Genesis& g) {
  if (!g.has_read_policy()) return Status::Ok();
  TADORI_RETURN_IF_ERROR(
      CheckPolicyRoles("read_policy read_all_roles", g.read_policy().read_all_roles()));
  return CheckPolicyRoles("read_policy block_roles", g.read_policy().block_roles());
}

Status CheckOrganizations(const v1::Genesis& g, std::set<std::string>& org_ids) {
  if (g.organizations_size() == 0) return Invalid("organizations", "none listed");
  if (static_cast<size_t>(g.organizations_size()) > kGenesisOrgCountMax) {
    return Invalid("organizations", "more than " + std::to_string(kGenesisOrgCountMax));
  }
  std::set<KeyId> admin_keys;
  for (int i = 0; i < g.organizations_size(); ++i) {
    const v1::Organization& org = g.organizations(i);
    const std::string where = "organization " + std::to_string(i);
    TADORI_RETURN_IF_ERROR(CheckText(where + " id", org.id(), kStringFieldBytesMax, true));
    if (!org_ids.insert(org.id()).second) {
      return Invalid(where, "id \"" + org.id() + "\" is used twice");
    }
    TADORI_RETURN_IF_ERROR(CheckOrganization(org, where + " (" + org.id() + ")", admin_keys));
  }
  return Status::Ok();
}

Result<std::vector<PublicKey>> CheckValidators(const v1::Genesis& g,
                                               const std::set<std::string>& org_ids) {
  if (g.validators_size() == 0) return Invalid("validators", "none listed");
  if (static_cast<size_t>(g.validators_size()) > kGenesisValidatorCountMax) {
    return Invalid("validators", "more than " + std::to_string(kGenesisValidatorCountMax));
  }
  std::vector<PublicKey> keys;
  std::set<std::string> ids;
  std::set<KeyId> key_ids;
  for (int i = 0; i < g.validators_size(); ++i) {
    const v1::Validator& v = g.validators(i);
    const std::string where = "validator " + std::to_string(i);
    TADORI_RETURN_IF_ERROR(CheckText(where + " id", v.id(), kStringFieldBytesMax, true));
    if (!ids.insert(v.id()).second) return Invalid(where, "id \"" + v.id() + "\" is used twice");
    TADORI_RETURN_IF_ERROR(CheckText(where + " address", v.address(), kStringFieldBytesMax, false));
    if (org_ids.count(v.org_id()) == 0) {
      return Invalid(where,
                     "org_id \"" + PrintableExcerpt(v.org_id()) + "\" is not an organization");
    }
    TADORI_RETURN_IF_ERROR(
        CheckText(where + " consensus_public_key", v.consensus_public_key(), kPemBytesMax, true));
    Result<PublicKey> key = PublicKey::FromPem(v.consensus_public_key());
    if (!key.ok()) return key.status().WithContext("genesis " + where + " consensus_public_key");
    if (!key_ids.insert(key->id()).second) {
      return Invalid(where, "consensus key is shared with another validator");
    }
    keys.push_back(std::move(key).value());
  }
  return keys;
}

}  // namespace

ValidatorSet::ValidatorSet(std::vector<PublicKey> keys) : keys_(std::move(keys)) {
  std::set<KeyId> ids;
  for (const PublicKey& k : keys_) TADORI_CHECK(ids.insert(k.id()).second);
}

size_t ValidatorSet::Quorum() const {
  TADORI_CHECK(!keys_.empty());
  const size_t quorum = QuorumWeight(keys_.size());            // equal weights
  TADORI_CHECK(quorum <= keys_.size() - MaxFaulty());          // live with f silent
  TADORI_CHECK(2 * quorum >= keys_.size() + MaxFaulty() + 1);  // overlap holds an honest one
  return quorum;
}

std::optional<size_t> ValidatorSet::IndexOf(const KeyId& id) const {
  // Linear: at most kGenesisValidatorCountMax keys, and this keeps genesis order.
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].id() == id) return i;
  }
  return std::nullopt;
}

const PublicKey& ValidatorSet::key(size_t i) const {
  TADORI_CHECK(i < keys_.size());
  return keys_[i];
}

v1::ReadPolicy EffectiveReadPolicy(const v1::Genesis& genesis) {
  if (genesis.has_read_policy()) return genesis.read_policy();
  v1::ReadPolicy policy;
  for (const char* role : {"auditor", "regulator"}) {
    policy.add_read_all_roles(role);
    policy.add_block_roles(role);
  }
  return policy;
}

bool OrgHasAnyRole(const v1::Organization& org,
                   const google::protobuf::RepeatedPtrField<std::string>& roles) {
  for (const std::string& held : org.roles()) {
    for (const std::string& role : roles) {
      if (held == role) return true;
    }
  }
  return false;
}

bool IsKnownRole(std::string_view role) {
  for (std::string_view known : kKnownRoles) {
    if (role == known) return true;
  }
  return false;
}

Result<GenesisInfo> DecodeGenesis(ByteView bytes) {
  if (bytes.size() > kGenesisBytesMax) {
    return Invalid("bytes", "are " + std::to_string(bytes.size()) + " bytes, more than " +
                                std::to_string(kGenesisBytesMax));
  }
  v1::Genesis g;
  if (!g.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Invalid("bytes", "do not parse");
  }
  TADORI_RETURN_IF_ERROR(CheckText("chain_id", g.chain_id(), kChainIdBytesMax, true));
  std::set<std::string> org_ids;
  TADORI_RETURN_IF_ERROR(CheckOrganizations(g, org_ids));
  TADORI_RETURN_IF_ERROR(CheckReadPolicy(g));
  TADORI_ASSIGN_OR_RETURN(std::vector<PublicKey> keys, CheckValidators(g, org_ids));
  return GenesisInfo{std::move(g), Bytes(bytes.begin(), bytes.end()), Sha256(bytes),
                     ValidatorSet(std::move(keys))};
}

Result<GenesisInfo> SealGenesis(const v1::Genesis& genesis) {
  if (genesis.ByteSizeLong() > kGenesisBytesMax) {
    return Invalid("bytes", "more than " + std::to_string(kGenesisBytesMax));
  }
  std::string bytes;
  TADORI_CHECK(genesis.SerializeToString(&bytes));
  return DecodeGenesis(AsBytes(bytes));
}

Result<GenesisInfo> GenesisFromJson(std::string_view json) {
  if (json.size() > kGenesisBytesMax) {
    return Invalid("JSON", "is " + std::to_string(json.size()) + " bytes, more than " +
                               std::to_string(kGenesisBytesMax));
  }
  v1::Genesis g;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // a misspelt field must not be silently dropped
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &g, options);
  if (!status.ok()) return Invalid("JSON", std::string(status.message()));
  return SealGenesis(g);
}

std::string GenesisToJson(const v1::Genesis& genesis) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(genesis, &out, options);
  TADORI_CHECK(status.ok());  // every v1::Genesis has a JSON form
  return out;
}

}  // namespace tadori
