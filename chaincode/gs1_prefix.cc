#include "chaincode/gs1_prefix.h"

#include <algorithm>

#include "chaincode/state_keys.h"

namespace tadori {
namespace {

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view UrnCompanyPrefix(std::string_view urn, std::string_view scheme) {
  if (urn.substr(0, scheme.size()) != scheme) return {};
  std::string_view rest = urn.substr(scheme.size());
  const size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return {};
  std::string_view prefix = rest.substr(0, dot);
  if (prefix.size() < kGs1CompanyPrefixDigitsMin || prefix.size() > kGs1CompanyPrefixDigitsMax ||
      !AllDigits(prefix)) {
    return {};
  }
  return prefix;
}

std::string GtinPrefixDigits(std::string_view gtin) {
  if (!AllDigits(gtin) || (gtin.size() != 12 && gtin.size() != 13 && gtin.size() != 14)) return {};
  std::string gtin14(14 - gtin.size(), '0');
  gtin14.append(gtin);
  return gtin14.substr(1);
}

std::string GlnPrefixDigits(std::string_view gln) {
  if (gln.size() != 13 || !AllDigits(gln)) return {};
  return std::string(gln);
}

Result<std::optional<PrefixOwner>> FindPrefixOwner(const StateReader& state,
                                                   std::string_view digits, size_t max_length) {
  const size_t longest = std::min({kGs1CompanyPrefixDigitsMax, max_length, digits.size()});
  for (size_t length = kGs1CompanyPrefixDigitsMin; length <= longest; ++length) {
    const std::string_view prefix = digits.substr(0, length);
    Result<std::optional<std::string>> owner = state.Get(Gs1CompanyPrefixStateKey(prefix));
    if (!owner.ok()) {
      return Status::Internal("reading the owner of GS1 company prefix " + std::string(prefix) +
                              ": " + owner.status().ToString());
    }
    if (owner->has_value())
      return std::optional<PrefixOwner>(PrefixOwner{std::string(prefix), **owner});
  }
  return std::optional<PrefixOwner>();
}

}  // namespace tadori
