#include "chaincode/checks.h"

#include <algorithm>

#include "chaincode/records.h"
#include "chaincode/state_keys.h"

namespace tadori {

std::string Prefixed(std::string_view action, std::string_view message) {
  std::string out(action);
  out += ": ";
  out += message;
  return out;
}

Status CheckOptionalText(std::string_view action, std::string_view field, std::string_view value,
                         size_t bytes_max) {
  if (value.size() > bytes_max) {
    std::string message(field);
    message.append(" is longer than ").append(std::to_string(bytes_max)).append(" bytes");
    return Status::InvalidArgument(Prefixed(action, message));
  }
  return Status::Ok();
}

Status CheckRequiredText(std::string_view action, std::string_view field, std::string_view value,
                         size_t bytes_max) {
  if (value.empty()) {
    std::string message(field);
    message.append(" must not be empty");
    return Status::InvalidArgument(Prefixed(action, message));
  }
  return CheckOptionalText(action, field, value, bytes_max);
}

Status CheckId(std::string_view action, std::string_view field, std::string_view value,
               size_t bytes_max) {
  TADORI_RETURN_IF_ERROR(CheckRequiredText(action, field, value, bytes_max));
  if (value.find('\0') != std::string_view::npos) {
    std::string message(field);
    message.append(" must not contain a NUL byte");
    return Status::InvalidArgument(Prefixed(action, message));
  }
  return Status::Ok();
}

bool HasRole(const v1::OrgRecord& org, std::string_view role) {
  return std::find(org.roles().begin(), org.roles().end(), role) != org.roles().end();
}

Result<v1::OrgRecord> ReadCallerOrg(const Caller& caller, const StateReader& state) {
  v1::OrgRecord org;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, OrgStateKey(caller.member.org_id()), org));
  if (!found) {
    return Status::Internal("signer's org '" + caller.member.org_id() + "' has no record");
  }
  return org;
}

Status RequireRole(std::string_view action, const Caller& caller, const StateReader& state,
                   std::initializer_list<std::string_view> roles) {
  TADORI_ASSIGN_OR_RETURN(v1::OrgRecord org, ReadCallerOrg(caller, state));
  std::string wanted;
  for (std::string_view role : roles) {
    if (HasRole(org, role)) return Status::Ok();
    if (!wanted.empty()) wanted.append(" or ");
    wanted.append("'").append(role).append("'");
  }
  return Status::PermissionDenied(
      Prefixed(action, "org '" + org.id() + "' does not have the role " + wanted));
}

v1::EventRef CurrentEventRef(const TxContext& ctx) {
  v1::EventRef ref;
  ref.set_height(ctx.height);
  ref.set_index(ctx.index);
  ref.set_tx_id(ctx.tx_id.ToBinaryString());
  return ref;
}

}  // namespace tadori
