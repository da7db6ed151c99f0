#include "chaincode/state_keys.h"

namespace tadori {

std::string OrgStateKey(std::string_view org_id) {
  return "org/" + std::string(org_id);
}

std::string MemberStateKey(const KeyId& key_id) {
  return "member/" + key_id.Hex();
}

std::string LotStateKey(std::string_view lot_code) {
  return "lot/" + std::string(lot_code);
}

}  // namespace tadori
