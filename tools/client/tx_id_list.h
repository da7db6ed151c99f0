// A file of transaction ids, as tadori-loadgen --acked-out writes it and `tadori tx check`
// reads it: one id per line, 64 lowercase hex digits, "\n" after each.
//
// Reading is lenient where it costs nothing: blanks around an id, "\r\n" line ends, empty
// lines and uppercase hex are accepted. Anything else on a line is an error naming the line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/hash.h"
#include "ledger/status.h"

namespace tadori::client {

// Most ids one list may hold: as many as one load run submits (loadgen kCountMax).
inline constexpr size_t kTxIdListMax = 1'000'000;
// The largest file that can hold that many ids, with room for "\r\n" and some blanks.
inline constexpr size_t kTxIdListBytesMax = kTxIdListMax * 80;

// The list's text: each id's Hex() and "\n".
std::string FormatTxIdList(const std::vector<Hash>& ids);

// The ids of `text`, in order (duplicates kept). INVALID_ARGUMENT "line N: ..." for a line
// that is not one id, or more than kTxIdListMax ids.
Result<std::vector<Hash>> ParseTxIdList(std::string_view text);

}  // namespace tadori::client
