// The registry: member keys and devices (registered and revoked by an org admin), locations
// (any member, for its own org) and products (producer or processor members).
//
//   register_device    signer is an admin; device_id new (ALREADY_EXISTS), PEM parses,
//                      1..kDeviceSensorTypesMax distinct non-empty sensor types.
//   revoke_device      NOT_FOUND unknown; PERMISSION_DENIED unless an admin of the device's
//                      org; FAILED_PRECONDITION when already revoked.
//   register_location  any active member; GLN new; coordinates within +-90 / +-180 degrees.
//   register_product   member of a producer or processor; GTIN new; storage ranges with
//                      min <= max, a unit, and distinct sensor types.
//
// Ownership. A product or location belongs to the org that registered it: a GTIN or GLN is
// registered once (ALREADY_EXISTS naming the owner, for its owner too), so nobody redefines
// a product's storage ranges or a location's description afterwards. GS1 company prefixes
// bind ids to companies (gs1_prefix.h): the first SGLN location ("urn:epc:id:sgln:CP.LOC.EXT")
// an org registers claims its company prefix CP; a location or product under a prefix
// another org claimed is refused (PERMISSION_DENIED), so no org squats another company's
// GTINs or GLNs. A GTIN or GLN-13 written as digits claims nothing (where its prefix ends is
// not written), but is checked against every claimed prefix it starts with. Ids that are not
// GS1 keys (no digit prefix) neither claim nor are checked. The same claims resolve PGLN
// parties of captured EPCIS events (epcis_capture.cc).
#include <set>

#include "chaincode/chaincode_limits.h"
#include "chaincode/checks.h"
#include "chaincode/contracts.h"
#include "chaincode/gs1_prefix.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/limits.h"

namespace tadori {
namespace {

// PERMISSION_DENIED when a company prefix that `digits` starts with (at most `max_length`
// digits long) is claimed by an org other than the caller's.
Status CheckPrefixNotOthers(std::string_view action, const Caller& caller, const StateReader& state,
                            std::string_view id, std::string_view digits, size_t max_length) {
  TADORI_ASSIGN_OR_RETURN(std::optional<PrefixOwner> owner,
                          FindPrefixOwner(state, digits, max_length));
  if (owner.has_value() && owner->org_id != caller.member.org_id()) {
    return Status::PermissionDenied(
        Prefixed(action, "'" + std::string(id) + "' is under GS1 company prefix " + owner->prefix +
                             ", and company prefix " + owner->prefix + " belongs to org '" +
                             owner->org_id + "'"));
  }
  return Status::Ok();
}

}  // namespace

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

Status ExecuteRegisterDevice(const Caller& caller, const v1::RegisterDevice& payload,
                             StateView& view) {
  constexpr std::string_view kAction = "register_device";
  if (!caller.member.admin()) {
    return Status::PermissionDenied(
        Prefixed(kAction, "signer is not an admin of org '" + caller.member.org_id() + "'"));
  }
  TADORI_RETURN_IF_ERROR(CheckId(kAction, "device_id", payload.device_id(), kIdBytesMax));
  TADORI_RETURN_IF_ERROR(CheckOptionalText(kAction, "name", payload.name(), kStringFieldBytesMax));
  if (payload.public_key().size() > kPemBytesMax) {
    return Status::InvalidArgument(Prefixed(kAction, "public_key is too long"));
  }
  Result<PublicKey> key = PublicKey::FromPem(payload.public_key());
  if (!key.ok()) {
    return Status::InvalidArgument(Prefixed(kAction, "public_key: " + key.status().message()));
  }
  if (payload.sensor_types_size() == 0 ||
      static_cast<size_t>(payload.sensor_types_size()) > kDeviceSensorTypesMax) {
    return Status::InvalidArgument(
        Prefixed(kAction, "sensor_types must list 1 to " + std::to_string(kDeviceSensorTypesMax)));
  }
  std::set<std::string, std::less<>> types;
  for (const std::string& type : payload.sensor_types()) {
    TADORI_RETURN_IF_ERROR(CheckRequiredText(kAction, "sensor_types[]", type, kIdBytesMax));
    if (!types.insert(type).second) {
      return Status::InvalidArgument(Prefixed(kAction, "sensor type '" + type + "' is repeated"));
    }
  }
  const std::string state_key = DeviceStateKey(payload.device_id());
  v1::DeviceRecord record;
  TADORI_ASSIGN_OR_RETURN(bool exists, ReadRecord(view, state_key, record));
  if (exists) {
    return Status::AlreadyExists(Prefixed(kAction, "device '" + payload.device_id() +
                                                       "' is already registered to org '" +
                                                       record.org_id() + "'"));
  }
  record.set_device_id(payload.device_id());
  record.set_org_id(caller.member.org_id());
  record.set_public_key(key->ToPem());
  record.set_name(payload.name());
  *record.mutable_sensor_types() = payload.sensor_types();
  record.set_registered_height(caller.ctx.height);
  view.Put(state_key, EncodeRecord(record));
  return Status::Ok();
}

Status ExecuteRevokeDevice(const Caller& caller, const v1::RevokeDevice& payload, StateView& view) {
  constexpr std::string_view kAction = "revoke_device";
  TADORI_RETURN_IF_ERROR(CheckId(kAction, "device_id", payload.device_id(), kIdBytesMax));
  const std::string state_key = DeviceStateKey(payload.device_id());
  v1::DeviceRecord record;
  TADORI_ASSIGN_OR_RETURN(bool exists, ReadRecord(view, state_key, record));
  if (!exists) {
    return Status::NotFound(
        Prefixed(kAction, "device '" + payload.device_id() + "' is not registered"));
  }
  if (!caller.member.admin() || caller.member.org_id() != record.org_id()) {
    return Status::PermissionDenied(Prefixed(kAction, "only an admin of org '" + record.org_id() +
                                                          "' revokes device '" +
                                                          record.device_id() + "'"));
  }
  if (record.revoked_height() != 0) {
    return Status::FailedPrecondition(
        Prefixed(kAction, "device '" + record.device_id() + "' was already revoked at height " +
                              std::to_string(record.revoked_height())));
  }
  record.set_revoked_height(caller.ctx.height);
  view.Put(state_key, EncodeRecord(record));
  return Status::Ok();
}

Status ExecuteRegisterLocation(const Caller& caller, const v1::RegisterLocation& payload,
                               StateView& view) {
  constexpr std::string_view kAction = "register_location";
  TADORI_RETURN_IF_ERROR(CheckId(kAction, "gln", payload.gln(), kIdBytesMax));
  TADORI_RETURN_IF_ERROR(CheckRequiredText(kAction, "name", payload.name(), kStringFieldBytesMax));
  TADORI_RETURN_IF_ERROR(
      CheckOptionalText(kAction, "address", payload.address(), kStringFieldBytesMax));
  if (payload.has_coordinates()) {
    constexpr int64_t kLatitudeMicroMax = 90'000'000;
    constexpr int64_t kLongitudeMicroMax = 180'000'000;
    if (payload.latitude_micro() < -kLatitudeMicroMax ||
        payload.latitude_micro() > kLatitudeMicroMax) {
      return Status::InvalidArgument(Prefixed(kAction, "latitude_micro out of range"));
    }
    if (payload.longitude_micro() < -kLongitudeMicroMax ||
        payload.longitude_micro() > kLongitudeMicroMax) {
      return Status::InvalidArgument(Prefixed(kAction, "longitude_micro out of range"));
    }
  } else if (payload.latitude_micro() != 0 || payload.longitude_micro() != 0) {
    return Status::InvalidArgument(
        Prefixed(kAction, "coordinates given but has_coordinates is false"));
  }
  const std::string state_key = LocationStateKey(payload.gln());
  v1::LocationRecord record;
  TADORI_ASSIGN_OR_RETURN(bool exists, ReadRecord(view, state_key, record));
  if (exists) {
    return Status::AlreadyExists(Prefixed(
        kAction,
        "location '" + payload.gln() + "' is already registered to org '" + record.org_id() + "'"));
  }
  const std::string_view sgln_prefix = UrnCompanyPrefix(payload.gln(), "urn:epc:id:sgln:");
  if (!sgln_prefix.empty()) {
    TADORI_RETURN_IF_ERROR(CheckPrefixNotOthers(kAction, caller, view, payload.gln(), sgln_prefix,
                                                sgln_prefix.size()));
    const std::string prefix_key = Gs1CompanyPrefixStateKey(sgln_prefix);
    Result<std::optional<std::string>> claimed = view.Get(prefix_key);
    if (!claimed.ok()) {
      return Status::Internal("reading state key '" + prefix_key +
                              "': " + claimed.status().ToString());
    }
    if (!claimed->has_value()) view.Put(prefix_key, caller.member.org_id());
  } else if (const std::string digits = GlnPrefixDigits(payload.gln()); !digits.empty()) {
    TADORI_RETURN_IF_ERROR(CheckPrefixNotOthers(kAction, caller, view, payload.gln(), digits,
                                                kGs1CompanyPrefixDigitsMax));
  }
  *record.mutable_location() = payload;
  record.set_org_id(caller.member.org_id());
  record.set_registered_height(caller.ctx.height);
  view.Put(state_key, EncodeRecord(record));
  return Status::Ok();
}

Status ExecuteRegisterProduct(const Caller& caller, const v1::RegisterProduct& payload,
                              StateView& view) {
  constexpr std::string_view kAction = "register_product";
  TADORI_RETURN_IF_ERROR(RequireRole(kAction, caller, view, {"producer", "processor"}));
  TADORI_RETURN_IF_ERROR(CheckId(kAction, "gtin", payload.gtin(), kIdBytesMax));
  TADORI_RETURN_IF_ERROR(
      CheckRequiredText(kAction, "description", payload.description(), kStringFieldBytesMax));
  if (static_cast<size_t>(payload.storage_size()) > kProductStorageRangesMax) {
    return Status::InvalidArgument(Prefixed(
        kAction, "more than " + std::to_string(kProductStorageRangesMax) + " storage ranges"));
  }
  std::set<std::string, std::less<>> types;
  for (const v1::StorageRange& range : payload.storage()) {
    TADORI_RETURN_IF_ERROR(
        CheckRequiredText(kAction, "storage.sensor_type", range.sensor_type(), kIdBytesMax));
    TADORI_RETURN_IF_ERROR(CheckRequiredText(kAction, "storage.unit", range.unit(), kIdBytesMax));
    if (range.min_milli() > range.max_milli()) {
      return Status::InvalidArgument(
          Prefixed(kAction, "storage range for '" + range.sensor_type() + "' has min_milli " +
                                std::to_string(range.min_milli()) + " > max_milli " +
                                std::to_string(range.max_milli())));
    }
    if (!types.insert(range.sensor_type()).second) {
      return Status::InvalidArgument(
          Prefixed(kAction, "storage range for '" + range.sensor_type() + "' is given twice"));
    }
  }
  const std::string state_key = ProductStateKey(payload.gtin());
  v1::ProductRecord record;
  TADORI_ASSIGN_OR_RETURN(bool exists, ReadRecord(view, state_key, record));
  if (exists) {
    return Status::AlreadyExists(Prefixed(
        kAction,
        "product '" + payload.gtin() + "' is already registered by org '" + record.org_id() + "'"));
  }
  if (const std::string digits = GtinPrefixDigits(payload.gtin()); !digits.empty()) {
    TADORI_RETURN_IF_ERROR(CheckPrefixNotOthers(kAction, caller, view, payload.gtin(), digits,
                                                kGs1CompanyPrefixDigitsMax));
  }
  *record.mutable_product() = payload;
  record.set_org_id(caller.member.org_id());
  record.set_registered_height(caller.ctx.height);
  view.Put(state_key, EncodeRecord(record));
  return Status::Ok();
}

}  // namespace tadori
