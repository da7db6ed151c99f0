// Parsing what users type to name ledger objects.
#pragma once

#include <string_view>

#include "ledger/hash.h"
#include "ledger/status.h"
#include "tadori/v1/ledger.pb.h"

namespace tadori::cli {

// A block by height (decimal digits, e.g. "42") or by hash (64 hex digits).
// Anything else, or a height that does not fit 64 bits, is INVALID_ARGUMENT.
Result<v1::GetBlockRequest> ParseBlockSelector(std::string_view text);

// A transaction id: 64 hex digits, else INVALID_ARGUMENT.
Result<Hash> ParseTxId(std::string_view text);

}  // namespace tadori::cli
