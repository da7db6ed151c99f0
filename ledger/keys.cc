// Keys and signatures over OpenSSL 3 EVP. Every import path (DER, PEM, generation) ends in
// PublicKey::FromRaw or PrivateKey::FromRaw, which validate the point or scalar and build
// the canonical DER, so that a key has exactly one DER and one id.
//
// Canonical SubjectPublicKeyInfo DER (what der() returns and FromDer() accepts):
//   P-256:   30 59 30 13 06 07 <id-ecPublicKey> 06 08 <prime256v1> 03 42 00 04 X(32) Y(32)
//   Ed25519: 30 2a 30 05 06 03 <id-Ed25519> 03 21 00 A(32)
// Signatures: 64 bytes, P-256 as r || s (32 bytes each, big-endian, s <= n/2), converted
// to and from the DER ECDSA-Sig-Value OpenSSL speaks; Ed25519 as RFC 8032 R || S.
#include "ledger/keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>

#include "ledger/check.h"
#include "ledger/limits.h"
#include "ledger/openssl_owned.h"

namespace tadori {
namespace {

constexpr size_t kScalarBytes = 32;
constexpr size_t kP256UncompressedBytes = 65;
constexpr size_t kP256CompressedBytes = 33;
constexpr size_t kEd25519KeyBytes = 32;

// The fixed bytes before the key in each canonical SPKI (see the top of this file).
constexpr uint8_t kP256SpkiPrefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                       0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                       0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
constexpr uint8_t kEd25519SpkiPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                          0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

using PkeyPtr = OpenSslOwned<EVP_PKEY, EVP_PKEY_free>;
using BnPtr = OpenSslOwned<BIGNUM, BN_clear_free>;
using BnCtxPtr = OpenSslOwned<BN_CTX, BN_CTX_free>;
using PointPtr = OpenSslOwned<EC_POINT, EC_POINT_free>;
using MdCtxPtr = OpenSslOwned<EVP_MD_CTX, EVP_MD_CTX_free>;
using BioPtr = OpenSslOwned<BIO, BIO_free>;

// A failed OpenSSL call on untrusted input leaves entries in the thread's error queue;
// drop them so they are not misreported by a later, unrelated call.
Status Refuse(Code code, std::string message) {
  ERR_clear_error();
  return Status(code, std::move(message));
}
Status Invalid(std::string message) {
  return Refuse(Code::kInvalidArgument, std::move(message));
}

// The P-256 group and constants derived from it, built once and only read afterwards.
struct P256 {
  EC_GROUP* group;
  const BIGNUM* order;  // n
  BIGNUM* half_order;   // floor(n / 2): the largest low-S value
};

const P256& Curve() {
  static const P256 curve = [] {
    P256 c{};
    c.group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    TADORI_CHECK(c.group != nullptr);
    c.order = EC_GROUP_get0_order(c.group);
    c.half_order = BN_dup(c.order);
    TADORI_CHECK(c.half_order != nullptr && BN_rshift1(c.half_order, c.half_order) == 1);
    return c;
  }();
  return curve;
}

// Ed25519 field constants for point validation (RFC 8032 §5.1.3).
struct Ed25519Field {
  BIGNUM* p;         // 2^255 - 19
  BIGNUM* d;         // -121665 / 121666 mod p
  BIGNUM* legendre;  // (p - 1) / 2
};

const Ed25519Field& EdField() {
  static const Ed25519Field f = [] {
    Ed25519Field e{};
    BnCtxPtr ctx(BN_CTX_new());
    e.p = BN_new();
    e.d = BN_new();
    e.legendre = BN_new();
    BnPtr num(BN_new()), den(BN_new());
    TADORI_CHECK(ctx && e.p && e.d && e.legendre && num && den);
    TADORI_CHECK(BN_set_word(e.p, 1) && BN_lshift(e.p, e.p, 255) && BN_sub_word(e.p, 19));
    TADORI_CHECK(BN_set_word(num.get(), 121665) && BN_sub(num.get(), e.p, num.get()));
    TADORI_CHECK(BN_set_word(den.get(), 121666));
    TADORI_CHECK(BN_mod_inverse(den.get(), den.get(), e.p, ctx.get()) != nullptr);
    TADORI_CHECK(BN_mod_mul(e.d, num.get(), den.get(), e.p, ctx.get()));
    TADORI_CHECK(BN_copy(e.legendre, e.p) && BN_sub_word(e.legendre, 1) &&
                 BN_rshift1(e.legendre, e.legendre));
    return e;
  }();
  return f;
}

// True when `a` (32 bytes, little-endian y with the sign of x in the top bit) decodes to a
// point on edwards25519: y < p and (y^2 - 1) / (d y^2 + 1) is a square mod p.
bool IsEd25519Point(ByteView a) {
  const Ed25519Field& f = EdField();
  uint8_t be[kEd25519KeyBytes];
  for (size_t i = 0; i < kEd25519KeyBytes; ++i) be[i] = a[kEd25519KeyBytes - 1 - i];
  const bool x_odd = (be[0] & 0x80) != 0;
  be[0] &= 0x7f;
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr y(BN_bin2bn(be, sizeof be, nullptr)), u(BN_new()), v(BN_new()), x2(BN_new());
  TADORI_CHECK(ctx && y && u && v && x2);
  if (BN_cmp(y.get(), f.p) >= 0) return false;
  TADORI_CHECK(BN_mod_sqr(u.get(), y.get(), f.p, ctx.get()));       // y^2
  TADORI_CHECK(BN_mod_mul(v.get(), u.get(), f.d, f.p, ctx.get()));  // d y^2
  TADORI_CHECK(BN_mod_add(v.get(), v.get(), BN_value_one(), f.p, ctx.get()));
  TADORI_CHECK(BN_mod_sub(u.get(), u.get(), BN_value_one(), f.p, ctx.get()));
  TADORI_CHECK(BN_mod_inverse(v.get(), v.get(), f.p, ctx.get()) != nullptr);
  TADORI_CHECK(BN_mod_mul(x2.get(), u.get(), v.get(), f.p, ctx.get()));  // x^2
  if (BN_is_zero(x2.get())) return !x_odd;  // x = 0 has no negative (RFC 8032 §5.1.3 step 4)
  BnPtr euler(BN_new());
  TADORI_CHECK(euler && BN_mod_exp(euler.get(), x2.get(), f.legendre, f.p, ctx.get()));
  return BN_is_one(euler.get());
}

// The canonical SPKI is a fixed prefix and the raw key, so it is built by hand: OpenSSL 3's
// generic encoder (i2d_PUBKEY) costs far more than the rest of a key import.
Bytes SpkiDer(KeyType type, ByteView raw) {
  Bytes der;
  if (type == KeyType::kP256) {
    TADORI_CHECK(raw.size() == kP256UncompressedBytes && raw[0] == 0x04);
    der.assign(std::begin(kP256SpkiPrefix), std::end(kP256SpkiPrefix));
  } else {
    TADORI_CHECK(raw.size() == kEd25519KeyBytes);
    der.assign(std::begin(kEd25519SpkiPrefix), std::end(kEd25519SpkiPrefix));
  }
  der.insert(der.end(), raw.begin(), raw.end());
  return der;
}

// The raw key of a canonical SPKI, or an empty view when `der` is not one.
ByteView CanonicalSpkiKey(ByteView der, KeyType& type) {
  auto starts_with = [&](ByteView prefix, size_t total) {
    return der.size() == total && std::equal(prefix.begin(), prefix.end(), der.begin());
  };
  if (starts_with(kP256SpkiPrefix, sizeof kP256SpkiPrefix + kP256UncompressedBytes)) {
    type = KeyType::kP256;
    return der.subspan(sizeof kP256SpkiPrefix);
  }
  if (starts_with(kEd25519SpkiPrefix, sizeof kEd25519SpkiPrefix + kEd25519KeyBytes)) {
    type = KeyType::kEd25519;
    return der.subspan(sizeof kEd25519SpkiPrefix);
  }
  return {};
}

PkeyPtr FromParams(const char* algorithm, int selection, OSSL_PARAM_BLD* bld) {
  OpenSslOwned<OSSL_PARAM, OSSL_PARAM_free> params(OSSL_PARAM_BLD_to_param(bld));
  OpenSslOwned<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
  TADORI_CHECK(params && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1);
  EVP_PKEY* pkey = nullptr;
  TADORI_CHECK(EVP_PKEY_fromdata(ctx.get(), &pkey, selection, params.get()) == 1);
  return PkeyPtr(pkey);
}

// An EVP_PKEY for P-256 from the uncompressed point and, for a private key, the scalar.
PkeyPtr P256Pkey(const uint8_t (&point)[kP256UncompressedBytes], const BIGNUM* scalar) {
  OpenSslOwned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free> bld(OSSL_PARAM_BLD_new());
  TADORI_CHECK(bld);
  TADORI_CHECK(
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0));
  TADORI_CHECK(
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point));
  if (scalar != nullptr) {
    TADORI_CHECK(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar));
  }
  return FromParams("EC", scalar ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld.get());
}

}  // namespace

struct PublicKey::Impl {
  KeyType type;
  PkeyPtr pkey;
  Bytes der;
  KeyId id;
  Bytes raw;  // P-256: 65-byte uncompressed point; Ed25519: 32 bytes
};

struct PrivateKey::Impl {
  KeyType type;
  PkeyPtr pkey;
  PublicKey public_key;
};

namespace {

PublicKey::Impl* NewPublicImpl(KeyType type, PkeyPtr pkey, Bytes raw) {
  auto* impl = new PublicKey::Impl{type, std::move(pkey), {}, {}, std::move(raw)};
  impl->der = SpkiDer(type, impl->raw);
  impl->id = Sha256(impl->der);
  return impl;
}

// Decodes a 33- or 65-byte SEC1 point, checking that it lies on P-256.
Result<PointPtr> DecodeP256Point(ByteView raw, BN_CTX* ctx) {
  const bool compressed = raw.size() == kP256CompressedBytes && (raw[0] == 0x02 || raw[0] == 0x03);
  const bool uncompressed = raw.size() == kP256UncompressedBytes && raw[0] == 0x04;
  if (!compressed && !uncompressed) {
    return Invalid(
        "P-256 public key must be a 33-byte compressed or 65-byte uncompressed "
        "SEC1 point");
  }
  PointPtr point(EC_POINT_new(Curve().group));
  TADORI_CHECK(point);
  if (EC_POINT_oct2point(Curve().group, point.get(), raw.data(), raw.size(), ctx) != 1 ||
      EC_POINT_is_at_infinity(Curve().group, point.get())) {
    return Invalid("P-256 public key is not a point on the curve");
  }
  return point;
}

void EncodeUncompressed(const EC_POINT* point, BN_CTX* ctx,
                        uint8_t (&out)[kP256UncompressedBytes]) {
  TADORI_CHECK(EC_POINT_point2oct(Curve().group, point, POINT_CONVERSION_UNCOMPRESSED, out,
                                  sizeof out, ctx) == sizeof out);
}

bool IsP256Group(EVP_PKEY* pkey) {
  char name[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &len) != 1) return false;
  std::string_view n(name, len);
  return n == "prime256v1" || n == "P-256" || n == "secp256r1";
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kP256:
      return "p256";
    case KeyType::kEd25519:
      return "ed25519";
  }
  return "unknown";
}

Result<KeyType> ParseKeyType(std::string_view name) {
  if (name == "p256") return KeyType::kP256;
  if (name == "ed25519") return KeyType::kEd25519;
  return Status::InvalidArgument("unknown key type \"" + std::string(name) +
                                 "\" (want p256 or ed25519)");
}

// ---------------------------------------------------------------------------------------
// PEM

Result<PemBlock> DecodePem(std::string_view pem) {
  if (pem.size() > kPemBytesMax) {
    return Invalid("PEM text is " + std::to_string(pem.size()) + " bytes, limit " +
                   std::to_string(kPemBytesMax));
  }
  const size_t start = pem.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || pem.substr(start).rfind("-----BEGIN ", 0) != 0) {
    return Invalid("PEM text must start with a -----BEGIN line");
  }
  const std::string_view body = pem.substr(start);  // OpenSSL wants BEGIN at a line start
  BioPtr bio(BIO_new_mem_buf(body.data(), static_cast<int>(body.size())));
  TADORI_CHECK(bio);
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
    return Invalid("malformed PEM (missing END line or bad base64)");
  }
  PemBlock block{name, Bytes(data, data + len)};
  const bool has_header = header[0] != '\0';
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (has_header) return Invalid("PEM headers (encrypted keys) are not supported");
  char rest[64];
  int n;
  while ((n = BIO_read(bio.get(), rest, sizeof rest)) > 0) {
    for (int i = 0; i < n; ++i) {
      if (std::strchr(" \t\r\n", rest[i]) == nullptr || rest[i] == '\0') {
        return Invalid("trailing data after the PEM END line");
      }
    }
  }
  ERR_clear_error();
  return block;
}

namespace {
std::string EncodePem(const char* label, ByteView der) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  TADORI_CHECK(bio);
  TADORI_CHECK(PEM_write_bio(bio.get(), label, "", der.data(), static_cast<long>(der.size())) > 0);
  char* out = nullptr;
  long len = BIO_get_mem_data(bio.get(), &out);
  TADORI_CHECK(len > 0);
  return std::string(out, static_cast<size_t>(len));
}
}  // namespace

// ---------------------------------------------------------------------------------------
// PublicKey

Result<PublicKey> PublicKey::FromRaw(KeyType type, ByteView raw) {
  if (type == KeyType::kEd25519) {
    if (raw.size() != kEd25519KeyBytes) return Invalid("Ed25519 public key must be 32 bytes");
    if (!IsEd25519Point(raw)) return Invalid("Ed25519 public key is not a curve point");
    PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
    TADORI_CHECK(pkey);
    return PublicKey(std::shared_ptr<const Impl>(
        NewPublicImpl(type, std::move(pkey), Bytes(raw.begin(), raw.end()))));
  }
  if (type != KeyType::kP256) return Invalid("unknown key type");
  BnCtxPtr ctx(BN_CTX_new());
  TADORI_CHECK(ctx);
  TADORI_ASSIGN_OR_RETURN(PointPtr point, DecodeP256Point(raw, ctx.get()));
  uint8_t uncompressed[kP256UncompressedBytes];
  EncodeUncompressed(point.get(), ctx.get(), uncompressed);
  PkeyPtr pkey = P256Pkey(uncompressed, nullptr);
  return PublicKey(std::shared_ptr<const Impl>(NewPublicImpl(
      type, std::move(pkey), Bytes(uncompressed, uncompressed + sizeof uncompressed))));
}

Result<PublicKey> PublicKey::FromDer(ByteView spki_der) {
  KeyType type = KeyType::kP256;
  if (ByteView raw = CanonicalSpkiKey(spki_der, type); !raw.empty()) return FromRaw(type, raw);
  // Not canonical: parse it anyway, only to say precisely what is wrong with it.
  if (spki_der.size() > kPemBytesMax) return Invalid("public key DER too large");
  const unsigned char* p = spki_der.data();
  PkeyPtr parsed(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size())));
  if (!parsed) return Invalid("malformed SubjectPublicKeyInfo DER");
  if (p != spki_der.data() + spki_der.size()) return Invalid("trailing bytes after public key");

  Result<PublicKey> key = Invalid("unsupported public key algorithm (want P-256 or Ed25519)");
  if (EVP_PKEY_get_base_id(parsed.get()) == EVP_PKEY_ED25519) {
    uint8_t raw[kEd25519KeyBytes];
    size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(parsed.get(), raw, &len) != 1 || len != sizeof raw) {
      return Invalid("malformed Ed25519 public key");
    }
    key = FromRaw(KeyType::kEd25519, ByteView(raw, len));
  } else if (EVP_PKEY_get_base_id(parsed.get()) == EVP_PKEY_EC) {
    if (!IsP256Group(parsed.get())) return Invalid("unsupported EC curve (want P-256)");
    uint8_t raw[kP256UncompressedBytes];
    size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(parsed.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, raw,
                                        sizeof raw, &len) != 1) {
      return Invalid("malformed P-256 public key");
    }
    key = FromRaw(KeyType::kP256, ByteView(raw, len));
  }
  if (!key.ok()) return key;
  if (!std::equal(spki_der.begin(), spki_der.end(), key->der().begin(), key->der().end())) {
    return Invalid("public key DER is not in canonical form (uncompressed point, DER)");
  }
  return key;
}

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  TADORI_ASSIGN_OR_RETURN(PemBlock block, DecodePem(pem));
  if (block.label != "PUBLIC KEY") {
    return Invalid("expected a PEM \"PUBLIC KEY\" block, got \"" + block.label + "\"");
  }
  return FromDer(block.der);
}

KeyType PublicKey::type() const {
  return impl_->type;
}
const KeyId& PublicKey::id() const {
  return impl_->id;
}
const Bytes& PublicKey::der() const {
  return impl_->der;
}
std::string PublicKey::ToPem() const {
  return EncodePem("PUBLIC KEY", impl_->der);
}

Bytes PublicKey::ToRaw() const {
  if (impl_->type == KeyType::kEd25519) return impl_->raw;
  // Compressed SEC1: 0x02 | parity of y, then x.
  Bytes out(kP256CompressedBytes);
  out[0] = 0x02 | (impl_->raw[kP256UncompressedBytes - 1] & 1);
  std::copy(impl_->raw.begin() + 1, impl_->raw.begin() + 1 + kScalarBytes, out.begin() + 1);
  return out;
}

namespace {

// EVP one-shot sign/verify wants a non-null pointer even for an empty message.
const uint8_t* MessageData(ByteView m) {
  static const uint8_t kEmpty = 0;
  return m.empty() ? &kEmpty : m.data();
}

// r || s (already range-checked) to the DER ECDSA-Sig-Value OpenSSL verifies.
Bytes EcdsaDer(BnPtr r, BnPtr s) {
  OpenSslOwned<ECDSA_SIG, ECDSA_SIG_free> sig(ECDSA_SIG_new());
  TADORI_CHECK(sig && ECDSA_SIG_set0(sig.get(), r.get(), s.get()) == 1);
  r.release();  // now owned by sig
  s.release();
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  TADORI_CHECK(len > 0);
  Bytes der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  TADORI_CHECK(i2d_ECDSA_SIG(sig.get(), &p) == len);
  return der;
}

Status VerifyP256(EVP_PKEY* pkey, ByteView message, ByteView signature) {
  BnPtr r(BN_bin2bn(signature.data(), kScalarBytes, nullptr));
  BnPtr s(BN_bin2bn(signature.data() + kScalarBytes, kScalarBytes, nullptr));
  TADORI_CHECK(r && s);
  const P256& c = Curve();
  if (BN_is_zero(r.get()) || BN_cmp(r.get(), c.order) >= 0) {
    return Invalid("P-256 signature r is out of range");
  }
  if (BN_is_zero(s.get()) || BN_cmp(s.get(), c.order) >= 0) {
    return Invalid("P-256 signature s is out of range");
  }
  if (BN_cmp(s.get(), c.half_order) > 0) return Invalid("P-256 signature is not low-S");
  Bytes der = EcdsaDer(std::move(r), std::move(s));
  MdCtxPtr md(EVP_MD_CTX_new());
  TADORI_CHECK(md);
  TADORI_CHECK(
      EVP_DigestVerifyInit_ex(md.get(), nullptr, "SHA256", nullptr, nullptr, pkey, nullptr) == 1);
  if (EVP_DigestVerify(md.get(), der.data(), der.size(), MessageData(message), message.size()) !=
      1) {
    return Refuse(Code::kUnauthenticated, "signature does not verify");
  }
  return Status::Ok();
}

Status VerifyEd25519(EVP_PKEY* pkey, ByteView message, ByteView signature) {
  MdCtxPtr md(EVP_MD_CTX_new());
  TADORI_CHECK(md);
  TADORI_CHECK(
      EVP_DigestVerifyInit_ex(md.get(), nullptr, nullptr, nullptr, nullptr, pkey, nullptr) == 1);
  if (EVP_DigestVerify(md.get(), signature.data(), signature.size(), MessageData(message),
                       message.size()) != 1) {
    return Refuse(Code::kUnauthenticated, "signature does not verify");
  }
  return Status::Ok();
}

}  // namespace

Status PublicKey::Verify(ByteView message, ByteView signature) const {
  if (signature.size() != kSignatureBytes) {
    return Status::InvalidArgument("signature must be " + std::to_string(kSignatureBytes) +
                                   " bytes, got " + std::to_string(signature.size()));
  }
  if (impl_->type == KeyType::kP256) return VerifyP256(impl_->pkey.get(), message, signature);
  return VerifyEd25519(impl_->pkey.get(), message, signature);
}

// ---------------------------------------------------------------------------------------
// PrivateKey

Result<PrivateKey> PrivateKey::FromRaw(KeyType type, ByteView raw) {
  if (raw.size() != kScalarBytes) {
    return Invalid(std::string(KeyTypeName(type)) + " private key must be 32 bytes");
  }
  if (type == KeyType::kEd25519) {
    PkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
    TADORI_CHECK(pkey);
    uint8_t pub[kEd25519KeyBytes];
    size_t len = sizeof pub;
    TADORI_CHECK(EVP_PKEY_get_raw_public_key(pkey.get(), pub, &len) == 1 && len == sizeof pub);
    TADORI_ASSIGN_OR_RETURN(PublicKey public_key, PublicKey::FromRaw(type, ByteView(pub, len)));
    return PrivateKey(std::make_shared<const Impl>(Impl{type, std::move(pkey), public_key}));
  }
  if (type != KeyType::kP256) return Invalid("unknown key type");
  BnPtr scalar(BN_secure_new());
  TADORI_CHECK(scalar && BN_bin2bn(raw.data(), kScalarBytes, scalar.get()) != nullptr);
  if (BN_is_zero(scalar.get()) || BN_cmp(scalar.get(), Curve().order) >= 0) {
    return Invalid("P-256 private key is not in [1, n-1]");
  }
  BnCtxPtr ctx(BN_CTX_secure_new());
  PointPtr point(EC_POINT_new(Curve().group));
  TADORI_CHECK(ctx && point);
  TADORI_CHECK(
      EC_POINT_mul(Curve().group, point.get(), scalar.get(), nullptr, nullptr, ctx.get()) == 1);
  uint8_t uncompressed[kP256UncompressedBytes];
  EncodeUncompressed(point.get(), ctx.get(), uncompressed);
  TADORI_ASSIGN_OR_RETURN(PublicKey public_key,
                          PublicKey::FromRaw(type, ByteView(uncompressed, sizeof uncompressed)));
  PkeyPtr pkey = P256Pkey(uncompressed, scalar.get());
  return PrivateKey(std::make_shared<const Impl>(Impl{type, std::move(pkey), public_key}));
}

Result<PrivateKey> PrivateKey::Generate(KeyType type) {
  // Rejection sampling keeps a P-256 scalar uniform in [1, n-1]; a retry is ~2^-32 likely.
  for (int attempt = 0; attempt < 64; ++attempt) {
    uint8_t raw[kScalarBytes];
    if (RAND_priv_bytes(raw, sizeof raw) != 1) {
      ERR_clear_error();
      return Status::Unavailable("OpenSSL random generator failed");
    }
    Result<PrivateKey> key = FromRaw(type, ByteView(raw, sizeof raw));
    OPENSSL_cleanse(raw, sizeof raw);
    if (key.ok()) return key;
  }
  return Status::Internal("could not generate a key");
}

namespace {
// Checks a public key embedded in a private key file against the one we derived.
Status CheckEmbeddedPublic(EVP_PKEY* parsed, const PublicKey& derived) {
  uint8_t embedded[kP256UncompressedBytes];
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(parsed, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, embedded,
                                      sizeof embedded, &len) != 1) {
    ERR_clear_error();
    return Status::Ok();  // no public key in the file
  }
  Result<PublicKey> as_key = PublicKey::FromRaw(KeyType::kP256, ByteView(embedded, len));
  if (!as_key.ok() || as_key->id() != derived.id()) {
    return Invalid("public key in the private key file does not match the private key");
  }
  return Status::Ok();
}
}  // namespace

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  TADORI_ASSIGN_OR_RETURN(PemBlock block, DecodePem(pem));
  const unsigned char* p = block.der.data();
  const long len = static_cast<long>(block.der.size());
  PkeyPtr parsed;
  if (block.label == "PRIVATE KEY") {
    parsed.reset(d2i_AutoPrivateKey(nullptr, &p, len));
  } else if (block.label == "EC PRIVATE KEY") {
    parsed.reset(d2i_PrivateKey(EVP_PKEY_EC, nullptr, &p, len));
  } else {
    return Invalid("expected a PEM \"PRIVATE KEY\" or \"EC PRIVATE KEY\" block, got \"" +
                   block.label + "\"");
  }
  OPENSSL_cleanse(block.der.data(), block.der.size());
  if (!parsed) return Invalid("malformed private key DER");
  if (p != block.der.data() + block.der.size()) return Invalid("trailing bytes after key");

  uint8_t raw[kScalarBytes];
  size_t raw_len = sizeof raw;
  Result<PrivateKey> key = Invalid("unsupported private key algorithm (want P-256 or Ed25519)");
  if (EVP_PKEY_get_base_id(parsed.get()) == EVP_PKEY_ED25519) {
    if (EVP_PKEY_get_raw_private_key(parsed.get(), raw, &raw_len) != 1) {
      return Invalid("malformed Ed25519 private key");
    }
    key = FromRaw(KeyType::kEd25519, ByteView(raw, raw_len));
  } else if (EVP_PKEY_get_base_id(parsed.get()) == EVP_PKEY_EC) {
    if (!IsP256Group(parsed.get())) return Invalid("unsupported EC curve (want P-256)");
    BIGNUM* d = nullptr;
    if (EVP_PKEY_get_bn_param(parsed.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1 ||
        BN_num_bytes(d) > static_cast<int>(kScalarBytes)) {
      BN_clear_free(d);
      return Invalid("malformed P-256 private key");
    }
    TADORI_CHECK(BN_bn2binpad(d, raw, sizeof raw) == sizeof raw);
    BN_clear_free(d);
    key = FromRaw(KeyType::kP256, ByteView(raw, raw_len));
    if (key.ok()) TADORI_RETURN_IF_ERROR(CheckEmbeddedPublic(parsed.get(), key->public_key()));
  }
  OPENSSL_cleanse(raw, sizeof raw);
  ERR_clear_error();
  return key;
}

KeyType PrivateKey::type() const {
  return impl_->type;
}
const PublicKey& PrivateKey::public_key() const {
  return impl_->public_key;
}

std::string PrivateKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  TADORI_CHECK(bio);
  TADORI_CHECK(PEM_write_bio_PKCS8PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0,
                                             nullptr, nullptr) == 1);
  char* out = nullptr;
  long len = BIO_get_mem_data(bio.get(), &out);
  TADORI_CHECK(len > 0);
  std::string pem(out, static_cast<size_t>(len));
  OPENSSL_cleanse(out, static_cast<size_t>(len));
  return pem;
}

Bytes PrivateKey::ToRaw() const {
  Bytes out(kScalarBytes);
  if (impl_->type == KeyType::kEd25519) {
    size_t len = out.size();
    TADORI_CHECK(EVP_PKEY_get_raw_private_key(impl_->pkey.get(), out.data(), &len) == 1 &&
                 len == kScalarBytes);
    return out;
  }
  BIGNUM* d = nullptr;
  TADORI_CHECK(EVP_PKEY_get_bn_param(impl_->pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) == 1);
  TADORI_CHECK(BN_bn2binpad(d, out.data(), static_cast<int>(out.size())) == kScalarBytes);
  BN_clear_free(d);
  return out;
}

namespace {

// DER ECDSA-Sig-Value from OpenSSL to fixed r || s with s normalised to the low half.
Bytes EcdsaFixed(ByteView der) {
  const unsigned char* p = der.data();
  OpenSslOwned<ECDSA_SIG, ECDSA_SIG_free> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  TADORI_CHECK(sig);
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  BnPtr s(BN_dup(ECDSA_SIG_get0_s(sig.get())));
  TADORI_CHECK(s);
  const P256& c = Curve();
  if (BN_cmp(s.get(), c.half_order) > 0) TADORI_CHECK(BN_sub(s.get(), c.order, s.get()));
  Bytes out(kSignatureBytes);
  TADORI_CHECK(BN_bn2binpad(r, out.data(), kScalarBytes) == kScalarBytes);
  TADORI_CHECK(BN_bn2binpad(s.get(), out.data() + kScalarBytes, kScalarBytes) == kScalarBytes);
  return out;
}

}  // namespace

Bytes PrivateKey::Sign(ByteView message) const {
  MdCtxPtr md(EVP_MD_CTX_new());
  TADORI_CHECK(md);
  const bool p256 = impl_->type == KeyType::kP256;
  TADORI_CHECK(EVP_DigestSignInit_ex(md.get(), nullptr, p256 ? "SHA256" : nullptr, nullptr, nullptr,
                                     impl_->pkey.get(), nullptr) == 1);
  size_t len = 0;
  TADORI_CHECK(EVP_DigestSign(md.get(), nullptr, &len, MessageData(message), message.size()) == 1);
  Bytes sig(len);
  TADORI_CHECK(EVP_DigestSign(md.get(), sig.data(), &len, MessageData(message), message.size()) ==
               1);
  sig.resize(len);
  if (!p256) {
    TADORI_CHECK(sig.size() == kSignatureBytes);
    return sig;
  }
  return EcdsaFixed(sig);
}

}  // namespace tadori
