// libFuzzer target: untrusted key and signature bytes. Every input must produce a value or
// an error Status; none may crash, leak or trip an invariant.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ledger/check.h"
#include "ledger/keys.h"

namespace {

using tadori::ByteView;
using tadori::KeyType;
using tadori::PrivateKey;
using tadori::PublicKey;

// RFC 8032 TEST 1 seed and RFC 6979 A.2.5 scalar: fixed keys to verify against.
const PublicKey& FixedKey(KeyType type) {
  static const PublicKey ed = [] {
    auto seed = tadori::FromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    return PrivateKey::FromRaw(KeyType::kEd25519, *seed)->public_key();
  }();
  static const PublicKey p256 = [] {
    auto d = tadori::FromHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
    return PrivateKey::FromRaw(KeyType::kP256, *d)->public_key();
  }();
  return type == KeyType::kEd25519 ? ed : p256;
}

void CheckParsedKey(const tadori::Result<PublicKey>& key) {
  if (!key.ok()) return;
  // A key that parses re-encodes to itself and keeps its id.
  auto again = PublicKey::FromDer(key->der());
  TADORI_CHECK(again.ok() && again->id() == key->id());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView bytes(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  CheckParsedKey(PublicKey::FromDer(bytes));
  CheckParsedKey(PublicKey::FromPem(text));
  CheckParsedKey(PublicKey::FromRaw(KeyType::kP256, bytes));
  CheckParsedKey(PublicKey::FromRaw(KeyType::kEd25519, bytes));
  auto priv = PrivateKey::FromPem(text);
  if (priv.ok()) {
    const uint8_t msg[] = {'f', 'u', 'z', 'z'};
    TADORI_CHECK(priv->public_key().Verify(msg, priv->Sign(msg)).ok());
  }
  (void)PrivateKey::FromRaw(KeyType::kP256, bytes);

  static const uint8_t kMessage[] = {'t', 'e', 's', 't'};
  for (KeyType type : {KeyType::kP256, KeyType::kEd25519}) {
    const PublicKey& key = FixedKey(type);
    // The input as a signature over a fixed message, and split as message || signature.
    (void)key.Verify(kMessage, bytes);
    if (size >= tadori::kSignatureBytes) {
      const size_t split = size - tadori::kSignatureBytes;
      (void)key.Verify(bytes.first(split), bytes.subspan(split));
    }
  }
  return 0;
}
