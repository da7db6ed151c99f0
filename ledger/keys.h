// Keys and signatures: ECDSA P-256 (the default) and Ed25519.
//
// Signature encodings (fixed, 64 bytes for both algorithms):
//   P-256:   r || s, each a 32-byte big-endian integer, over SHA-256(message).
//            s must be in the lower half of the group order (low-S): Sign() always
//            produces low-S and Verify() refuses high-S, so a signature is not malleable.
//   Ed25519: the 64-byte signature of RFC 8032 (pure Ed25519, no pre-hash).
// Key id: SHA-256 of the public key's DER SubjectPublicKeyInfo. It names a key on the
// ledger (SignedTransaction.signer_key_id, member records, validator ids).
//
// Public and private keys are immutable, cheap to copy (shared ownership of the parsed
// OpenSSL key) and safe to use from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ledger/bytes.h"
#include "ledger/hash.h"
#include "ledger/status.h"

namespace tadori {

enum class KeyType : uint8_t { kP256 = 1, kEd25519 = 2 };

using KeyId = Hash;

inline constexpr size_t kSignatureBytes = 64;

// "p256" or "ed25519".
std::string_view KeyTypeName(KeyType type);
// Parses "p256"/"ed25519", else INVALID_ARGUMENT.
Result<KeyType> ParseKeyType(std::string_view name);

class PublicKey {
 public:
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo). Refuses other curves/algorithms, points
  // not on the curve and trailing garbage with INVALID_ARGUMENT.
  static Result<PublicKey> FromPem(std::string_view pem);
  // Accepts only the canonical DER, the bytes der() returns (for P-256 the uncompressed
  // point, named curve), so that one key has exactly one DER and one id. Anything else,
  // including a compressed-point SPKI or BER, is INVALID_ARGUMENT.
  static Result<PublicKey> FromDer(ByteView spki_der);
  // P-256: SEC1 point, 33 (compressed) or 65 (uncompressed) bytes; Ed25519: 32 bytes.
  static Result<PublicKey> FromRaw(KeyType type, ByteView raw);

  KeyType type() const;
  const KeyId& id() const;
  const Bytes& der() const;  // SubjectPublicKeyInfo
  std::string ToPem() const;
  // P-256: 33-byte compressed point; Ed25519: 32 bytes.
  Bytes ToRaw() const;

  // OK when `signature` is a valid signature of `message` by this key, else
  // UNAUTHENTICATED ("signature does not verify") or INVALID_ARGUMENT (wrong length,
  // high-S, r or s out of range).
  Status Verify(ByteView message, ByteView signature) const;

  struct Impl;

 private:
  explicit PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
  friend class PrivateKey;
};

class PrivateKey {
 public:
  // A fresh key from OpenSSL's CSPRNG.
  static Result<PrivateKey> Generate(KeyType type);
  // PEM "PRIVATE KEY" (PKCS#8) or "EC PRIVATE KEY" (SEC1).
  static Result<PrivateKey> FromPem(std::string_view pem);
  // P-256: the 32-byte big-endian scalar; Ed25519: the 32-byte seed.
  static Result<PrivateKey> FromRaw(KeyType type, ByteView raw);

  KeyType type() const;
  const PublicKey& public_key() const;
  std::string ToPem() const;  // PKCS#8
  Bytes ToRaw() const;

  // 64-byte signature as described at the top of this file.
  Bytes Sign(ByteView message) const;

  struct Impl;

 private:
  explicit PrivateKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// One PEM block: its label ("PUBLIC KEY") and the DER it carries. Refuses, with
// INVALID_ARGUMENT, text over kPemBytesMax, anything before "-----BEGIN" or after the END
// line other than whitespace, PEM headers (encrypted keys) and bad base64.
struct PemBlock {
  std::string label;
  Bytes der;
};
Result<PemBlock> DecodePem(std::string_view pem);

// Parsed keys by DER bytes, so hot paths (transaction admission, vote checks) parse each
// key once. Bounded: holds at most `capacity` keys and evicts the least recently used.
// Thread-safe.
class KeyCache {
 public:
  explicit KeyCache(size_t capacity = 4096);
  ~KeyCache();
  KeyCache(const KeyCache&) = delete;
  KeyCache& operator=(const KeyCache&) = delete;

  // Same contract as PublicKey::FromDer/FromPem. Failures are not cached.
  Result<PublicKey> FromDer(ByteView spki_der);
  Result<PublicKey> FromPem(std::string_view pem);
  size_t size() const;
  // Lookups answered from the cache, and lookups that had to parse (for metrics).
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tadori
