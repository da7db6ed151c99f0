// The chaincode's state key layout. ledger/store maps these keys into its own private
// LevelDB layout; chaincode sees only these strings.
//
//   "org/" <organisation id>          -> serialized v1::OrgRecord
//   "member/" <key id, 64 lower hex>  -> serialized v1::MemberRecord
//   "lot/" <traceability lot code>    -> serialized v1::LotRecord
//
// The prefixes differ before their '/', so no id, key or lot code, whatever bytes it
// holds, makes a key of one kind collide with a key of another.
#pragma once

#include <string>
#include <string_view>

#include "ledger/keys.h"

namespace tadori {

std::string OrgStateKey(std::string_view org_id);
std::string MemberStateKey(const KeyId& key_id);
std::string LotStateKey(std::string_view lot_code);

}  // namespace tadori
