#include "ledger/hash.h"

#include <openssl/evp.h>

#include "ledger/check.h"

namespace tadori {

Result<Hash> Hash::FromBytes(ByteView b) {
  if (b.size() != kSize) {
    return Status::InvalidArgument("hash must be 32 bytes, got " + std::to_string(b.size()));
  }
  Hash h;
  std::memcpy(h.bytes_.data(), b.data(), kSize);
  return h;
}

Result<Hash> Hash::FromHex(std::string_view hex) {
  if (hex.size() != 2 * kSize) {
    return Status::InvalidArgument("hash must be 64 hex digits, got " + std::to_string(hex.size()));
  }
  TADORI_ASSIGN_OR_RETURN(Bytes b, tadori::FromHex(hex));
  return FromBytes(b);
}

std::string Hash::Hex() const {
  return ToHex(view());
}

bool Hash::IsZero() const {
  for (uint8_t b : bytes_)
    if (b != 0) return false;
  return true;
}

Hash Sha256(ByteView data) {
  Hash h;
  unsigned int len = 0;
  int rc = EVP_Digest(data.data(), data.size(), h.data(), &len, EVP_sha256(), nullptr);
  TADORI_CHECK(rc == 1 && len == Hash::kSize);
  (void)rc;
  return h;
}

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  TADORI_CHECK(ctx_ != nullptr);
  int rc = EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr);
  TADORI_CHECK(rc == 1);
  (void)rc;
}

Sha256Hasher::~Sha256Hasher() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

Sha256Hasher& Sha256Hasher::Update(ByteView data) {
  int rc = EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size());
  TADORI_CHECK(rc == 1);
  (void)rc;
  return *this;
}

Hash Sha256Hasher::Finish() {
  Hash h;
  unsigned int len = 0;
  int rc = EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), h.data(), &len);
  TADORI_CHECK(rc == 1 && len == Hash::kSize);
  (void)rc;
  return h;
}

}  // namespace tadori
