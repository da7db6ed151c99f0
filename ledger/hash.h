// SHA-256 and the Hash value type that names blocks, transactions and keys.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "ledger/bytes.h"
#include "ledger/status.h"

namespace tadori {

// A 32-byte SHA-256 digest. Default-constructed, it is all zeros (IsZero()).
class Hash {
 public:
  static constexpr size_t kSize = 32;

  Hash() { bytes_.fill(0); }
  explicit Hash(const std::array<uint8_t, kSize>& b) : bytes_(b) {}

  // Exactly 32 bytes, else INVALID_ARGUMENT.
  static Result<Hash> FromBytes(ByteView b);
  // Exactly 64 hex digits, else INVALID_ARGUMENT.
  static Result<Hash> FromHex(std::string_view hex);

  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* data() { return bytes_.data(); }
  static constexpr size_t size() { return kSize; }
  ByteView view() const { return ByteView(bytes_.data(), kSize); }
  Bytes ToBytes() const { return Bytes(bytes_.begin(), bytes_.end()); }
  // Raw bytes as a std::string, the form protobuf `bytes` fields take.
  std::string ToBinaryString() const {
    return std::string(reinterpret_cast<const char*>(bytes_.data()), kSize);
  }
  std::string Hex() const;
  // First 8 hex digits, for logs and tables.
  std::string ShortHex() const { return Hex().substr(0, 8); }
  bool IsZero() const;

  friend auto operator<=>(const Hash&, const Hash&) = default;
  friend bool operator==(const Hash&, const Hash&) = default;

 private:
  std::array<uint8_t, kSize> bytes_;
};

struct HashHasher {
  size_t operator()(const Hash& h) const {
    size_t v;
    std::memcpy(&v, h.data(), sizeof v);
    return v;
  }
};

// One-shot SHA-256 (OpenSSL EVP).
Hash Sha256(ByteView data);
inline Hash Sha256(std::string_view data) {
  return Sha256(AsBytes(data));
}

// Incremental SHA-256 for data that arrives in parts (domain prefixes, streamed blocks).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  Sha256Hasher& Update(ByteView data);
  Sha256Hasher& Update(std::string_view data) { return Update(AsBytes(data)); }
  // Ends the hash; the hasher must not be updated afterwards.
  Hash Finish();

 private:
  void* ctx_;  // EVP_MD_CTX*, kept opaque so this header does not pull in OpenSSL
};

}  // namespace tadori

template <>
struct std::hash<tadori::Hash> {
  size_t operator()(const tadori::Hash& h) const { return tadori::HashHasher{}(h); }
};
