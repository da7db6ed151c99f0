// Small checks every contract shares: text fields, roles, the event reference of the
// current transaction. Private to chaincode/.
#pragma once

#include <string>
#include <string_view>

#include "chaincode/contracts.h"
#include "ledger/status.h"

namespace tadori {

// INVALID_ARGUMENT "<action>: <field> must not be empty" / "... is longer than N bytes".
Status CheckRequiredText(std::string_view action, std::string_view field, std::string_view value,
                         size_t bytes_max);
// Like CheckRequiredText, but empty is allowed.
Status CheckOptionalText(std::string_view action, std::string_view field, std::string_view value,
                         size_t bytes_max);

// CheckRequiredText, and no NUL byte: ids end with "\0" inside index and state keys.
Status CheckId(std::string_view action, std::string_view field, std::string_view value,
               size_t bytes_max);

bool HasRole(const v1::OrgRecord& org, std::string_view role);

// The signer's organisation record; INTERNAL when absent (members only ever join existing
// organisations, so that is corrupt state).
Result<v1::OrgRecord> ReadCallerOrg(const Caller& caller, const StateReader& state);

// PERMISSION_DENIED "<action>: org '<id>' does not have the role '<a>' [or '<b>']" unless the
// caller's organisation has one of `roles`.
Status RequireRole(std::string_view action, const Caller& caller, const StateReader& state,
                   std::initializer_list<std::string_view> roles);

// Where the current transaction sits on the chain.
v1::EventRef CurrentEventRef(const TxContext& ctx);

// "<action>: " + message, as every refusal begins.
std::string Prefixed(std::string_view action, std::string_view message);

}  // namespace tadori
