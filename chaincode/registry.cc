// Member registry: org admins register and revoke their organisation's member keys.
#include "chaincode/contracts.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/limits.h"

namespace tadori {

Status ExecuteRegisterMember(const Caller& caller, const v1::RegisterMember& payload,
                             StateView& view) {
  if (!caller.member.admin()) {
    return Status::PermissionDenied("register_member: signer key " + caller.ctx.signer.Hex() +
                                    " is not an admin of org '" + caller.member.org_id() + "'");
  }
  if (payload.public_key().size() > kPemBytesMax) {
    return Status::InvalidArgument("register_member: public_key is longer than " +
                                   std::to_string(kPemBytesMax) + " bytes");
  }
  if (payload.name().size() > kStringFieldBytesMax) {
    return Status::InvalidArgument("register_member: name is longer than " +
                                   std::to_string(kStringFieldBytesMax) + " bytes");
  }
  Result<PublicKey> key = PublicKey::FromPem(payload.public_key());
  if (!key.ok()) {
    return Status::InvalidArgument("register_member: public_key: " + key.status().message());
  }
  const std::string state_key = MemberStateKey(key->id());
  v1::MemberRecord existing;
  TADORI_ASSIGN_OR_RETURN(bool exists, ReadRecord(view, state_key, existing));
  if (exists) {
    // Revoked keys stay on record, so a key id is never reused: an auditor reading an old
    // signature sees one history per key.
    return Status::AlreadyExists("register_member: key " + key->id().Hex() +
                                 " is already registered to org '" + existing.org_id() + "'");
  }
  v1::MemberRecord record;
  record.set_key_id(key->id().ToBinaryString());
  record.set_org_id(caller.member.org_id());
  record.set_public_key(key->ToPem());  // canonical form, whatever whitespace came in
  record.set_name(payload.name());
  record.set_admin(false);
  record.set_registered_height(caller.ctx.height);
  view.Put(state_key, EncodeRecord(record));
  return Status::Ok();
}

Status ExecuteRevokeMember(const Caller& caller, const v1::RevokeMember& payload, StateView& view) {
  if (!caller.member.admin()) {
    return Status::PermissionDenied("revoke_member: signer key " + caller.ctx.signer.Hex() +
                                    " is not an admin of org '" + caller.member.org_id() + "'");
  }
  Result<Hash> key_id = Hash::FromBytes(AsBytes(payload.key_id()));
  if (!key_id.ok()) {
    return Status::InvalidArgument("revoke_member: key_id must be 32 bytes");
  }
  const std::string state_key = MemberStateKey(*key_id);
  v1::MemberRecord target;
  TADORI_ASSIGN_OR_RETURN(bool exists, ReadRecord(view, state_key, target));
  if (!exists) {
    return Status::NotFound("revoke_member: key " + key_id->Hex() + " is not registered");
  }
  if (target.org_id() != caller.member.org_id()) {
    return Status::PermissionDenied("revoke_member: key " + key_id->Hex() + " belongs to org '" +
                                    target.org_id() + "'; only its own org's admins revoke it");
  }
  if (target.admin()) {
    return Status::PermissionDenied("revoke_member: key " + key_id->Hex() +
                                    " is an admin key; admin keys change through governance");
  }
  if (target.revoked_height() != 0) {
    return Status::FailedPrecondition("revoke_member: key " + key_id->Hex() +
                                      " was already revoked at height " +
                                      std::to_string(target.revoked_height()));
  }
  target.set_revoked_height(caller.ctx.height);
  view.Put(state_key, EncodeRecord(target));
  return Status::Ok();
}

}  // namespace tadori
