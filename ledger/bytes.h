// Byte strings and their hex form. Everything tadori hashes or signs is a Bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace tadori {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// Views a string's characters as bytes (no copy).
inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline Bytes ToBytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}
inline std::string ToString(ByteView b) {
  return std::string(b.begin(), b.end());
}

// Lower-case hex, two digits per byte.
std::string ToHex(ByteView bytes);
// Accepts upper or lower case; refuses odd lengths and non-hex digits.
Result<Bytes> FromHex(std::string_view hex);

// Big-endian fixed-width integers, used where a byte layout is specified by hand
// (store keys, signed messages) so that sort order and hashes never depend on the host.
void PutUint32BE(Bytes& out, uint32_t v);
void PutUint64BE(Bytes& out, uint64_t v);
uint32_t GetUint32BE(const uint8_t* p);
uint64_t GetUint64BE(const uint8_t* p);

}  // namespace tadori
