// The state a genesis implies: its organisations and their admin keys.
#include <set>

#include "chaincode/chaincode.h"
#include "chaincode/chaincode_limits.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/limits.h"
#include "ledger/utf8.h"

namespace tadori {

Result<WriteSet> GenesisState(const v1::Genesis& genesis) {
  if (static_cast<size_t>(genesis.organizations_size()) > kGenesisOrgCountMax) {
    return Status::InvalidArgument("genesis: more than " + std::to_string(kGenesisOrgCountMax) +
                                   " organisations");
  }
  WriteSet writes;
  std::set<std::string, std::less<>> org_ids;
  std::set<KeyId> key_ids;
  for (const v1::Organization& org : genesis.organizations()) {
    if (org.id().empty()) return Status::InvalidArgument("genesis: an organisation has no id");
    if (org.id().size() > kIdBytesMax || org.id().find('\0') != std::string::npos) {
      // Org ids end with "\0" inside "held/" state keys and index keys.
      return Status::InvalidArgument("genesis: organisation id '" + PrintableExcerpt(org.id()) +
                                     "' is longer than " + std::to_string(kIdBytesMax) +
                                     " bytes or holds a NUL byte");
    }
    if (!org_ids.insert(org.id()).second) {
      return Status::InvalidArgument("genesis: organisation id '" + org.id() + "' is repeated");
    }
    if (static_cast<size_t>(org.admin_public_keys_size()) > kOrgAdminKeyCountMax) {
      return Status::InvalidArgument("genesis: org '" + org.id() + "' has more than " +
                                     std::to_string(kOrgAdminKeyCountMax) + " admin keys");
    }
    v1::OrgRecord org_record;
    org_record.set_id(org.id());
    org_record.set_name(org.name());
    *org_record.mutable_roles() = org.roles();
    writes.insert_or_assign(OrgStateKey(org.id()), EncodeRecord(org_record));

    for (const std::string& pem : org.admin_public_keys()) {
      Result<PublicKey> key = PublicKey::FromPem(pem);
      if (!key.ok()) {
        return Status::InvalidArgument("genesis: org '" + org.id() +
                                       "': admin key: " + key.status().message());
      }
      if (!key_ids.insert(key->id()).second) {
        return Status::InvalidArgument("genesis: org '" + org.id() + "': admin key " +
                                       key->id().Hex() + " is listed twice");
      }
      v1::MemberRecord member;
      member.set_key_id(key->id().ToBinaryString());
      member.set_org_id(org.id());
      member.set_public_key(key->ToPem());
      member.set_name("genesis admin");
      member.set_admin(true);
      member.set_registered_height(0);
      writes.insert_or_assign(MemberStateKey(key->id()), EncodeRecord(member));
    }
  }
  return writes;
}

}  // namespace tadori
