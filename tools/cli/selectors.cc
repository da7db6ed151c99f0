#include "tools/cli/selectors.h"

#include <charconv>
#include <string>

#include <fmt/format.h>

namespace tadori::cli {

Result<v1::GetBlockRequest> ParseBlockSelector(std::string_view text) {
  v1::GetBlockRequest request;
  if (text.size() == Hash::kSize * 2) {
    Result<Hash> hash = Hash::FromHex(text);
    if (hash.ok()) {
      request.set_hash(hash->ToBinaryString());
      return request;
    }
  }
  uint64_t height = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), height);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument(
        fmt::format("\"{}\" is neither a block height nor a 64-hex-digit block hash", text));
  }
  request.set_height(height);
  return request;
}

Result<Hash> ParseTxId(std::string_view text) {
  Result<Hash> id = Hash::FromHex(text);
  if (!id.ok()) {
    return Status::InvalidArgument(
        fmt::format("\"{}\" is not a transaction id (64 hex digits)", text));
  }
  return id;
}

}  // namespace tadori::cli
