#include "ledger/keys.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace tadori {
namespace {

Bytes Hex(std::string_view hex) {
  Result<Bytes> b = FromHex(hex);
  EXPECT_TRUE(b.ok()) << hex;
  return b.ok() ? *b : Bytes();
}

// Big-endian a - b for equal-length byte strings with a >= b.
Bytes SubtractBE(const Bytes& a, const Bytes& b) {
  Bytes out(a.size());
  int borrow = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int d = int(a[i]) - int(b[i]) - borrow;
    borrow = d < 0 ? 1 : 0;
    out[i] = uint8_t(d + 256 * borrow);
  }
  return out;
}

// Success when `s` has `code` and a message containing `reason`: the check that refused is
// the one the caller meant, not merely some check.
::testing::AssertionResult Refused(const Status& s, Code code, std::string_view reason) {
  if (s.code() == code && s.message().find(reason) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << s.ToString() << "; want " << CodeName(code) << " saying \"" << reason << "\"";
}

// P-256 group order n (SEC 2 / FIPS 186-4).
const char kOrderHex[] = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

// ---------------------------------------------------------------------------------------
// Ed25519: RFC 8032 §7.1 (TEST 1, 2, 3 and SHA(abc)).

struct Rfc8032Vector {
  const char* name;
  const char* secret;
  const char* public_key;
  const char* message;
  const char* signature;
};

const Rfc8032Vector kRfc8032[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
     "1cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613"
     "d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760"
     "984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23"
     "a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c6"
     "6431e0303dca179c138ac17ad9bef1177331a704"},
};

TEST(Ed25519, Rfc8032VectorsDerivePublicKeySignAndVerify) {
  for (const auto& v : kRfc8032) {
    SCOPED_TRACE(v.name);
    Result<PrivateKey> key = PrivateKey::FromRaw(KeyType::kEd25519, Hex(v.secret));
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(ToHex(key->public_key().ToRaw()), v.public_key);
    EXPECT_EQ(ToHex(key->ToRaw()), v.secret);
    const Bytes message = Hex(v.message);
    EXPECT_EQ(ToHex(key->Sign(message)), v.signature);

    Result<PublicKey> pub = PublicKey::FromRaw(KeyType::kEd25519, Hex(v.public_key));
    ASSERT_TRUE(pub.ok()) << pub.status().ToString();
    EXPECT_TRUE(pub->Verify(message, Hex(v.signature)).ok());
    EXPECT_EQ(pub->id(), key->public_key().id());
  }
}

TEST(Ed25519, TamperedSignatureOrMessageIsUnauthenticated) {
  const auto& v = kRfc8032[2];
  Result<PublicKey> pub = PublicKey::FromRaw(KeyType::kEd25519, Hex(v.public_key));
  ASSERT_TRUE(pub.ok());
  const Bytes message = Hex(v.message);
  const Bytes signature = Hex(v.signature);
  for (size_t i = 0; i < signature.size(); i += 7) {
    Bytes bad = signature;
    bad[i] ^= 0x01;
    EXPECT_TRUE(
        Refused(pub->Verify(message, bad), Code::kUnauthenticated, "signature does not verify"))
        << "byte " << i;
  }
  Bytes other = message;
  other[0] ^= 0x80;
  EXPECT_TRUE(
      Refused(pub->Verify(other, signature), Code::kUnauthenticated, "signature does not verify"));
}

TEST(Ed25519, FromRawRefusesNonPointsAndWrongLengths) {
  Bytes y2(32, 0);  // y = 2: (y^2 - 1) / (d y^2 + 1) is not a square mod p
  y2[0] = 2;
  const char kNotAPoint[] = "Ed25519 public key is not a curve point";
  EXPECT_TRUE(Refused(PublicKey::FromRaw(KeyType::kEd25519, y2).status(), Code::kInvalidArgument,
                      kNotAPoint));
  Bytes too_big(32, 0xff);  // y = 2^255 - 1 >= p: not canonical
  too_big[31] = 0x7f;
  EXPECT_TRUE(Refused(PublicKey::FromRaw(KeyType::kEd25519, too_big).status(),
                      Code::kInvalidArgument, kNotAPoint));
  Bytes x_zero_negative(32, 0);  // y = 1 gives x = 0, which has no negative
  x_zero_negative[0] = 1;
  x_zero_negative[31] = 0x80;
  EXPECT_TRUE(Refused(PublicKey::FromRaw(KeyType::kEd25519, x_zero_negative).status(),
                      Code::kInvalidArgument, kNotAPoint));
  x_zero_negative[31] = 0x00;
  EXPECT_TRUE(PublicKey::FromRaw(KeyType::kEd25519, x_zero_negative).ok());
  EXPECT_TRUE(Refused(PublicKey::FromRaw(KeyType::kEd25519, Bytes(31, 1)).status(),
                      Code::kInvalidArgument, "Ed25519 public key must be 32 bytes"));
  EXPECT_TRUE(Refused(PrivateKey::FromRaw(KeyType::kEd25519, Bytes(33, 1)).status(),
                      Code::kInvalidArgument, "ed25519 private key must be 32 bytes"));
}

// ---------------------------------------------------------------------------------------
// P-256: RFC 6979 A.2.5.

const char kRfc6979Private[] = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
const char kRfc6979Ux[] = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
const char kRfc6979Uy[] = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
// SHA-256, message "sample": s is in the high half of the order.
const char kSampleR[] = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716";
const char kSampleS[] = "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
// SHA-256, message "test": s is already low.
const char kTestR[] = "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367";
const char kTestS[] = "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083";

PublicKey Rfc6979Public() {
  Result<PrivateKey> key = PrivateKey::FromRaw(KeyType::kP256, Hex(kRfc6979Private));
  EXPECT_TRUE(key.ok());
  return key->public_key();
}

TEST(P256, Rfc6979KeyDerivesThePublishedPublicKey) {
  Result<PrivateKey> key = PrivateKey::FromRaw(KeyType::kP256, Hex(kRfc6979Private));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(ToHex(key->ToRaw()), kRfc6979Private);
  const PublicKey& pub = key->public_key();
  // Uy is odd, so the compressed point starts with 03.
  EXPECT_EQ(ToHex(pub.ToRaw()), std::string("03") + kRfc6979Ux);
  // The canonical SPKI ends with the uncompressed point 04 || Ux || Uy.
  ASSERT_EQ(pub.der().size(), 91u);
  EXPECT_EQ(ToHex(ByteView(pub.der()).last(65)), std::string("04") + kRfc6979Ux + kRfc6979Uy);
  Result<PublicKey> from_uncompressed =
      PublicKey::FromRaw(KeyType::kP256, Hex(std::string("04") + kRfc6979Ux + kRfc6979Uy));
  ASSERT_TRUE(from_uncompressed.ok());
  EXPECT_EQ(from_uncompressed->id(), pub.id());
}

TEST(P256, Rfc6979SampleSignatureVerifiesOnlyInLowSForm) {
  const PublicKey pub = Rfc6979Public();
  const Bytes message = ToBytes("sample");
  Bytes high = Hex(std::string(kSampleR) + kSampleS);
  EXPECT_TRUE(
      Refused(pub.Verify(message, high), Code::kInvalidArgument, "P-256 signature is not low-S"));

  Bytes low = Hex(kSampleR);
  Bytes low_s = SubtractBE(Hex(kOrderHex), Hex(kSampleS));
  low.insert(low.end(), low_s.begin(), low_s.end());
  EXPECT_TRUE(pub.Verify(message, low).ok()) << pub.Verify(message, low).ToString();
  EXPECT_EQ(pub.Verify(ToBytes("samplf"), low).code(), Code::kUnauthenticated);
}

TEST(P256, Rfc6979TestSignatureVerifies) {
  const PublicKey pub = Rfc6979Public();
  Bytes sig = Hex(std::string(kTestR) + kTestS);
  EXPECT_TRUE(pub.Verify(ToBytes("test"), sig).ok());
  EXPECT_EQ(pub.Verify(ToBytes("sample"), sig).code(), Code::kUnauthenticated);
}

TEST(P256, SignAlwaysProducesLowSThatVerifies) {
  Result<PrivateKey> key = PrivateKey::Generate(KeyType::kP256);
  ASSERT_TRUE(key.ok());
  const Bytes n = Hex(kOrderHex);
  for (int i = 0; i < 64; ++i) {
    Bytes message = ToBytes("message " + std::to_string(i));
    Bytes sig = key->Sign(message);
    ASSERT_EQ(sig.size(), kSignatureBytes);
    Bytes s(sig.begin() + 32, sig.end());
    // Low-S: s <= n - s.
    EXPECT_LE(s, SubtractBE(n, s)) << i;
    EXPECT_TRUE(key->public_key().Verify(message, sig).ok()) << i;
    // The high-S twin of a good signature is refused as malleated, not as forged.
    Bytes twin(sig.begin(), sig.begin() + 32);
    Bytes high = SubtractBE(n, s);
    twin.insert(twin.end(), high.begin(), high.end());
    EXPECT_TRUE(Refused(key->public_key().Verify(message, twin), Code::kInvalidArgument,
                        "P-256 signature is not low-S"))
        << i;
  }
}

TEST(P256, OutOfRangeAndWrongLengthSignaturesAreInvalidArgument) {
  const PublicKey pub = Rfc6979Public();
  const Bytes message = ToBytes("test");
  const Bytes good = Hex(std::string(kTestR) + kTestS);
  auto with = [&](const Bytes& r, const Bytes& s) {
    Bytes sig = r;
    sig.insert(sig.end(), s.begin(), s.end());
    return pub.Verify(message, sig);
  };
  const Bytes r(good.begin(), good.begin() + 32);
  const Bytes s(good.begin() + 32, good.end());
  const Bytes zero(32, 0);
  const Bytes n = Hex(kOrderHex);
  const char kROutOfRange[] = "P-256 signature r is out of range";
  const char kSOutOfRange[] = "P-256 signature s is out of range";
  EXPECT_TRUE(Refused(with(zero, s), Code::kInvalidArgument, kROutOfRange));
  EXPECT_TRUE(Refused(with(r, zero), Code::kInvalidArgument, kSOutOfRange));
  EXPECT_TRUE(Refused(with(n, s), Code::kInvalidArgument, kROutOfRange));
  EXPECT_TRUE(Refused(with(Bytes(32, 0xff), s), Code::kInvalidArgument, kROutOfRange));
  EXPECT_TRUE(Refused(with(r, n), Code::kInvalidArgument, kSOutOfRange));
  EXPECT_TRUE(Refused(pub.Verify(message, Bytes(63, 1)), Code::kInvalidArgument,
                      "signature must be 64 bytes, got 63"));
  EXPECT_TRUE(Refused(pub.Verify(message, Bytes(65, 1)), Code::kInvalidArgument,
                      "signature must be 64 bytes, got 65"));
  EXPECT_TRUE(Refused(pub.Verify(message, Bytes()), Code::kInvalidArgument,
                      "signature must be 64 bytes, got 0"));
  EXPECT_TRUE(pub.Verify(message, good).ok());
}

TEST(P256, FromRawRefusesPointsOffTheCurve) {
  Bytes point = Hex(std::string("04") + kRfc6979Ux + kRfc6979Uy);
  Bytes off = point;
  off[64] ^= 0x01;
  const char kOffCurve[] = "P-256 public key is not a point on the curve";
  const char kNotSec1[] = "P-256 public key must be a 33-byte compressed or 65-byte uncompressed";
  EXPECT_TRUE(
      Refused(PublicKey::FromRaw(KeyType::kP256, off).status(), Code::kInvalidArgument, kOffCurve));
  Bytes hybrid = point;  // SEC1 "hybrid" form is not accepted
  hybrid[0] = 0x07;
  EXPECT_TRUE(Refused(PublicKey::FromRaw(KeyType::kP256, hybrid).status(), Code::kInvalidArgument,
                      kNotSec1));
  Bytes compressed = Hex(std::string("02") + kRfc6979Ux);  // wrong parity: the other point
  Result<PublicKey> other = PublicKey::FromRaw(KeyType::kP256, compressed);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id(), Rfc6979Public().id());
  Bytes bad_x = Hex(std::string("02") + std::string(64, 'f'));  // x >= p
  EXPECT_TRUE(Refused(PublicKey::FromRaw(KeyType::kP256, bad_x).status(), Code::kInvalidArgument,
                      kOffCurve));
  // SEC1's one-byte encoding of the point at infinity is none of the accepted forms.
  EXPECT_TRUE(Refused(PublicKey::FromRaw(KeyType::kP256, Bytes(1, 0)).status(),
                      Code::kInvalidArgument, kNotSec1));
  EXPECT_TRUE(Refused(PublicKey::FromRaw(KeyType::kP256, Bytes(64, 4)).status(),
                      Code::kInvalidArgument, kNotSec1));
}

TEST(P256, PrivateScalarMustBeInRange) {
  const char kOutOfRange[] = "P-256 private key is not in [1, n-1]";
  EXPECT_TRUE(Refused(PrivateKey::FromRaw(KeyType::kP256, Bytes(32, 0)).status(),
                      Code::kInvalidArgument, kOutOfRange));
  EXPECT_TRUE(Refused(PrivateKey::FromRaw(KeyType::kP256, Hex(kOrderHex)).status(),
                      Code::kInvalidArgument, kOutOfRange));
  EXPECT_TRUE(Refused(PrivateKey::FromRaw(KeyType::kP256, Bytes(32, 0xff)).status(),
                      Code::kInvalidArgument, kOutOfRange));
  EXPECT_TRUE(Refused(PrivateKey::FromRaw(KeyType::kP256, Bytes(31, 1)).status(),
                      Code::kInvalidArgument, "p256 private key must be 32 bytes"));
  Bytes n_minus_1 = Hex(kOrderHex);
  n_minus_1[31] -= 1;
  EXPECT_TRUE(PrivateKey::FromRaw(KeyType::kP256, n_minus_1).ok());
}

// ---------------------------------------------------------------------------------------
// Both algorithms.

class AnyKey : public ::testing::TestWithParam<KeyType> {};

TEST_P(AnyKey, SignVerifyRoundTripAndTampering) {
  Result<PrivateKey> key = PrivateKey::Generate(GetParam());
  Result<PrivateKey> stranger = PrivateKey::Generate(GetParam());
  ASSERT_TRUE(key.ok() && stranger.ok());
  EXPECT_EQ(key->type(), GetParam());
  for (size_t len : {0u, 1u, 32u, 1000u}) {
    Bytes message(len, 0x5a);
    Bytes sig = key->Sign(message);
    ASSERT_EQ(sig.size(), kSignatureBytes);
    EXPECT_TRUE(key->public_key().Verify(message, sig).ok()) << len;
    const char kForged[] = "signature does not verify";
    EXPECT_TRUE(
        Refused(stranger->public_key().Verify(message, sig), Code::kUnauthenticated, kForged));
    Bytes longer = message;
    longer.push_back(0);
    EXPECT_TRUE(Refused(key->public_key().Verify(longer, sig), Code::kUnauthenticated, kForged));
    Bytes flipped = sig;
    flipped[5] ^= 0x10;  // inside r (P-256) or R (Ed25519)
    EXPECT_TRUE(
        Refused(key->public_key().Verify(message, flipped), Code::kUnauthenticated, kForged));
  }
}

TEST_P(AnyKey, PemAndRawRoundTrips) {
  Result<PrivateKey> key = PrivateKey::Generate(GetParam());
  ASSERT_TRUE(key.ok());
  const std::string pem = key->ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u) << pem;
  Result<PrivateKey> back = PrivateKey::FromPem(pem);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToRaw(), key->ToRaw());
  EXPECT_EQ(back->public_key().id(), key->public_key().id());

  const PublicKey& pub = key->public_key();
  Result<PublicKey> pub_back = PublicKey::FromPem(pub.ToPem());
  ASSERT_TRUE(pub_back.ok()) << pub_back.status().ToString();
  EXPECT_EQ(pub_back->der(), pub.der());
  EXPECT_EQ(pub_back->id(), pub.id());
  EXPECT_EQ(pub_back->type(), GetParam());
  Result<PublicKey> raw_back = PublicKey::FromRaw(GetParam(), pub.ToRaw());
  ASSERT_TRUE(raw_back.ok());
  EXPECT_EQ(raw_back->id(), pub.id());
  Result<PrivateKey> raw_private = PrivateKey::FromRaw(GetParam(), key->ToRaw());
  ASSERT_TRUE(raw_private.ok());
  EXPECT_EQ(raw_private->public_key().id(), pub.id());
  // A signature from the reloaded key verifies under the original public key.
  EXPECT_TRUE(pub.Verify(AsBytes("x"), back->Sign(AsBytes("x"))).ok());
}

TEST_P(AnyKey, KeyIdIsSha256OfCanonicalDer) {
  Result<PrivateKey> key = PrivateKey::Generate(GetParam());
  ASSERT_TRUE(key.ok());
  const PublicKey& pub = key->public_key();
  EXPECT_EQ(pub.id(), Sha256(pub.der()));
  Result<PublicKey> from_der = PublicKey::FromDer(pub.der());
  ASSERT_TRUE(from_der.ok());
  EXPECT_EQ(from_der->id(), pub.id());
  const size_t expected = GetParam() == KeyType::kP256 ? 91u : 44u;
  EXPECT_EQ(pub.der().size(), expected);
}

TEST_P(AnyKey, OneKeySignsAndVerifiesFromManyThreads) {
  Result<PrivateKey> key = PrivateKey::Generate(GetParam());
  ASSERT_TRUE(key.ok());
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Bytes message = ToBytes(std::to_string(t) + "/" + std::to_string(i));
        if (!key->public_key().Verify(message, key->Sign(message)).ok()) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

INSTANTIATE_TEST_SUITE_P(Keys, AnyKey, ::testing::Values(KeyType::kP256, KeyType::kEd25519),
                         [](const auto& info) { return std::string(KeyTypeName(info.param)); });

TEST(KeyId, DiffersAcrossAlgorithmsAndKeys) {
  // The same 32 secret bytes as a P-256 scalar and as an Ed25519 seed: different keys.
  const Bytes secret = Hex(kRfc6979Private);
  Result<PrivateKey> p256 = PrivateKey::FromRaw(KeyType::kP256, secret);
  Result<PrivateKey> ed = PrivateKey::FromRaw(KeyType::kEd25519, secret);
  Result<PrivateKey> fresh = PrivateKey::Generate(KeyType::kP256);
  ASSERT_TRUE(p256.ok() && ed.ok() && fresh.ok());
  EXPECT_NE(p256->public_key().id(), ed->public_key().id());
  EXPECT_NE(p256->public_key().id(), fresh->public_key().id());
  // A P-256 signature never verifies under an Ed25519 key or the reverse.
  const Bytes m = ToBytes("m");
  EXPECT_TRUE(Refused(ed->public_key().Verify(m, p256->Sign(m)), Code::kUnauthenticated,
                      "signature does not verify"));
  EXPECT_TRUE(Refused(p256->public_key().Verify(m, ed->Sign(m)), Code::kUnauthenticated,
                      "signature does not verify"));
}

TEST(KeyType, NamesRoundTrip) {
  for (KeyType t : {KeyType::kP256, KeyType::kEd25519}) {
    Result<KeyType> parsed = ParseKeyType(KeyTypeName(t));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_TRUE(
      Refused(ParseKeyType("P256").status(), Code::kInvalidArgument, "unknown key type \"P256\""));
  EXPECT_TRUE(
      Refused(ParseKeyType("rsa").status(), Code::kInvalidArgument, "unknown key type \"rsa\""));
}

// ---------------------------------------------------------------------------------------
// Malformed and foreign encodings. The PEMs below were made with the openssl CLI.

const char kP384PublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEDd4r+gQHUPQ0kGKfQJUboNLO1uJ8g7a9\n"
    "22XWzV5PnkCHwosUhLmaVRpc0IU/dYrhaUiR5HVMpKOHkCX1gTAOSFCeyYs/4lN8\n"
    "Urqg9cl4tEDjPoqrl/K14VNiMVoWGlp6\n"
    "-----END PUBLIC KEY-----\n";
const char kRsaPublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCtS+lRDtxvfDNwYJeTq/cygOa3\n"
    "957RV+mPyZE0mMcLQwyG5Wjxaz2caFuBmcrC2mbggFpvRm0XPlcX12f7/CwMZAZx\n"
    "w1ZiFXuiX6bTSjRJ4jiaCgRDTdz9BTWm5X5JSHEl0Lf5f/g+Q+anWg5uE5hx7mwa\n"
    "3HR90POxv/6mCdXLYwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";
const char kEd448PublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MEMwBQYDK2VxAzoAck1QldMzLa0Xa6JG/jYNJwCIE5BqhMMrhR30Uf1+BhXwtNRo\n"
    "zR+JnUMdgFkG3wNYi0QYuDt7eOqA\n"
    "-----END PUBLIC KEY-----\n";
// One P-256 key as a SEC1 private key and as uncompressed and compressed SPKI.
const char kSec1PrivatePem[] =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEINmj9C6YZg4I8Sib02wy9vzM/jodnj11hdWeC1iOsjEkoAoGCCqGSM49\n"
    "AwEHoUQDQgAEh0JRz19aSQ3TZtPY/6eO4jo2v+DRs0lwi6m5PEdDwDz86YD+6OUj\n"
    "JN8URFQZlIcbNtlTwhAuTioEMKsn56IFCQ==\n"
    "-----END EC PRIVATE KEY-----\n";
const char kSec1PublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEh0JRz19aSQ3TZtPY/6eO4jo2v+DR\n"
    "s0lwi6m5PEdDwDz86YD+6OUjJN8URFQZlIcbNtlTwhAuTioEMKsn56IFCQ==\n"
    "-----END PUBLIC KEY-----\n";
const char kSec1CompressedPublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgADh0JRz19aSQ3TZtPY/6eO4jo2v+DR\n"
    "s0lwi6m5PEdDwDw=\n"
    "-----END PUBLIC KEY-----\n";

TEST(Pem, RefusesOtherAlgorithmsAndCurves) {
  for (const char* pem : {kP384PublicPem, kRsaPublicPem, kEd448PublicPem}) {
    Result<PublicKey> key = PublicKey::FromPem(pem);
    EXPECT_EQ(key.status().code(), Code::kInvalidArgument) << pem;
    EXPECT_FALSE(key.status().message().empty());
  }
  EXPECT_NE(PublicKey::FromPem(kP384PublicPem).status().message().find("curve"), std::string::npos);
}

TEST(Pem, ReadsSec1PrivateKeyMatchingItsPublicKey) {
  Result<PrivateKey> key = PrivateKey::FromPem(kSec1PrivatePem);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  Result<PublicKey> pub = PublicKey::FromPem(kSec1PublicPem);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(key->public_key().id(), pub->id());
  EXPECT_EQ(key->public_key().ToPem(), kSec1PublicPem);
}

// RFC 8410 §10.1 and §10.3: an Ed25519 private key and its public key.
const char kRfc8410PrivatePem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
    "-----END PRIVATE KEY-----\n";
const char kRfc8410PublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
    "-----END PUBLIC KEY-----\n";

TEST(Pem, Rfc8410Ed25519KeysMatchTheirPublishedEncoding) {
  Result<PrivateKey> key = PrivateKey::FromPem(kRfc8410PrivatePem);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->type(), KeyType::kEd25519);
  EXPECT_EQ(key->ToPem(), kRfc8410PrivatePem);
  EXPECT_EQ(key->public_key().ToPem(), kRfc8410PublicPem);
  Result<PublicKey> pub = PublicKey::FromPem(kRfc8410PublicPem);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->id(), key->public_key().id());
}

TEST(Pem, RefusesCompressedSpkiAsNonCanonical) {
  Result<PublicKey> key = PublicKey::FromPem(kSec1CompressedPublicPem);
  EXPECT_EQ(key.status().code(), Code::kInvalidArgument);
  EXPECT_NE(key.status().message().find("canonical"), std::string::npos);
}

TEST(Pem, RefusesGarbageAroundAndInsideTheBlock) {
  const std::string good = kSec1PublicPem;
  ASSERT_TRUE(PublicKey::FromPem(good).ok());
  ASSERT_TRUE(PublicKey::FromPem("\n  " + good + "\n\n").ok());  // whitespace is fine
  const std::string cases[] = {
      "",
      "not a key",
      good + "x",
      good + good,
      "junk\n" + good,
      good.substr(0, good.size() - 10),
      std::string(kSec1PublicPem).replace(40, 4, "!!!!"),
      std::string(kSec1PrivatePem),  // right format, wrong kind
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
      std::string(5000, ' ') + good,  // over kPemBytesMax
  };
  for (const auto& pem : cases) {
    Result<PublicKey> key = PublicKey::FromPem(pem);
    EXPECT_EQ(key.status().code(), Code::kInvalidArgument) << pem;
  }
  EXPECT_EQ(PrivateKey::FromPem(good).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PrivateKey::FromPem(std::string(kSec1PrivatePem) + "trailing").status().code(),
            Code::kInvalidArgument);
}

TEST(Der, RefusesTruncatedExtendedAndForeignDer) {
  Result<PrivateKey> key = PrivateKey::Generate(KeyType::kP256);
  ASSERT_TRUE(key.ok());
  const Bytes der = key->public_key().der();
  for (size_t cut = 0; cut < der.size(); cut += 5) {
    Bytes truncated(der.begin(), der.begin() + cut);
    EXPECT_TRUE(Refused(PublicKey::FromDer(truncated).status(), Code::kInvalidArgument,
                        "malformed SubjectPublicKeyInfo DER"))
        << cut;
  }
  Bytes extended = der;
  extended.push_back(0);
  EXPECT_TRUE(Refused(PublicKey::FromDer(extended).status(), Code::kInvalidArgument,
                      "trailing bytes after public key"));
  Bytes off_curve = der;
  off_curve.back() ^= 1;
  EXPECT_TRUE(Refused(PublicKey::FromDer(off_curve).status(), Code::kInvalidArgument,
                      "P-256 public key is not a point on the curve"));
  // The canonical length, but not DER at all.
  EXPECT_TRUE(Refused(PublicKey::FromDer(Bytes(91, 0x30)).status(), Code::kInvalidArgument,
                      "malformed SubjectPublicKeyInfo DER"));
}

// ---------------------------------------------------------------------------------------
// KeyCache.

TEST(KeyCache, HitsReturnTheSameKeyAndTheLeastRecentlyUsedIsEvicted) {
  std::vector<PublicKey> keys;
  for (int i = 0; i < 3; ++i) {
    Result<PrivateKey> k = PrivateKey::Generate(i == 1 ? KeyType::kEd25519 : KeyType::kP256);
    ASSERT_TRUE(k.ok());
    keys.push_back(k->public_key());
  }
  KeyCache cache(2);
  ASSERT_TRUE(cache.FromDer(keys[0].der()).ok());
  ASSERT_TRUE(cache.FromDer(keys[1].der()).ok());
  EXPECT_EQ(cache.misses(), 2u);
  Result<PublicKey> again = cache.FromDer(keys[0].der());  // keys[0] now most recent
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id(), keys[0].id());
  EXPECT_EQ(cache.hits(), 1u);
  ASSERT_TRUE(cache.FromDer(keys[2].der()).ok());  // evicts keys[1]
  EXPECT_EQ(cache.size(), 2u);
  ASSERT_TRUE(cache.FromDer(keys[0].der()).ok());
  EXPECT_EQ(cache.hits(), 2u);
  ASSERT_TRUE(cache.FromDer(keys[1].der()).ok());
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 4u);
  ASSERT_TRUE(cache.FromPem(keys[1].ToPem()).ok());  // PEM lookups share the DER entry
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(KeyCache, FailuresAreReportedAndNotCached) {
  KeyCache cache(4);
  EXPECT_EQ(cache.FromDer(Bytes(10, 1)).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(cache.FromPem(kRsaPublicPem).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(cache.FromPem(kSec1PrivatePem).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(KeyCache, ConcurrentLookupsStayBoundedAndCorrect) {
  std::vector<PublicKey> keys;
  for (int i = 0; i < 8; ++i) {
    Result<PrivateKey> k = PrivateKey::Generate(i % 2 ? KeyType::kEd25519 : KeyType::kP256);
    ASSERT_TRUE(k.ok());
    keys.push_back(k->public_key());
  }
  KeyCache cache(4);
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const PublicKey& want = keys[(i * 3 + t) % keys.size()];
        Result<PublicKey> got = cache.FromDer(want.der());
        if (!got.ok() || got->id() != want.id()) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
  EXPECT_LE(cache.size(), 4u);
  EXPECT_EQ(cache.hits() + cache.misses(), 800u);
}

}  // namespace
}  // namespace tadori
