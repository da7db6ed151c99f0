// GS1 company prefixes: which organisation owns which, so that no organisation registers a
// product or location, or is named as a party, under another's prefix. Private to chaincode/.
//
// A GS1 company prefix is 6 to 12 digits. It can be read off an EPC URN of the SGLN / PGLN
// kind ("urn:epc:id:sgln:4569951.10001.0": the digits before the first dot), but not off a
// GTIN or GLN written as digits (its length is not written anywhere). So:
//   - an SGLN location registration claims its prefix for the registering org
//     ("gs1-prefix/<prefix>" -> org id) unless another org owns it (PERMISSION_DENIED);
//   - a GTIN (12, 13 or 14 digits: the prefix follows the indicator digit of its GTIN-14
//     form) or GLN-13 is refused when some 6..12-digit prefix of it is owned by another org;
//   - a prefix inside a shorter claimed one ("45699510" inside "4569951") belongs to the
//     shorter one's owner. The reverse (a shorter prefix claimed after a longer one) is not
//     checked: state has point reads only, and GS1 allocates prefixes prefix-free.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/state.h"
#include "ledger/status.h"

namespace tadori {

inline constexpr size_t kGs1CompanyPrefixDigitsMin = 6;
inline constexpr size_t kGs1CompanyPrefixDigitsMax = 12;

// The company prefix of an EPC URN "<scheme><prefix>.<rest>" (scheme e.g.
// "urn:epc:id:sgln:"), or "" when `urn` is not of that scheme or its prefix is not 6..12
// digits.
std::string_view UrnCompanyPrefix(std::string_view urn, std::string_view scheme);

// Where a company prefix may start in a GS1 key written as digits: the GTIN-14 form of a
// 12-, 13- or 14-digit GTIN without its indicator digit, or a 13-digit GLN; "" otherwise.
std::string GtinPrefixDigits(std::string_view gtin);
std::string GlnPrefixDigits(std::string_view gln);

struct PrefixOwner {
  std::string prefix;
  std::string org_id;
};
// The owner of the claimed company prefix that starts `digits`, trying prefix lengths 6 up to
// min(12, max_length, digits.size()); nullopt when none is claimed. INTERNAL when the store
// fails.
Result<std::optional<PrefixOwner>> FindPrefixOwner(const StateReader& state,
                                                   std::string_view digits,
                                                   size_t max_length = kGs1CompanyPrefixDigitsMax);

}  // namespace tadori
