#include "ledger/hash.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace tadori {
namespace {

// FIPS 180-2 / NIST CSRC example vectors.
TEST(Sha256, EmptyString) {
  EXPECT_EQ(Sha256(std::string_view("")).Hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) {
  EXPECT_EQ(Sha256(std::string_view("abc")).Hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessage) {
  EXPECT_EQ(
      Sha256(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).Hex(),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MillionA) {
  std::string a(1000000, 'a');
  EXPECT_EQ(Sha256(std::string_view(a)).Hex(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalMatchesOneShot) {
  Sha256Hasher h;
  h.Update(std::string_view("ab")).Update(std::string_view("c"));
  EXPECT_EQ(h.Finish(), Sha256(std::string_view("abc")));
}

TEST(Hash, HexRoundTrip) {
  Hash h = Sha256(std::string_view("abc"));
  auto back = Hash::FromHex(h.Hex());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, h);
  EXPECT_EQ(h.ShortHex(), "ba7816bf");
}

TEST(Hash, RefusesWrongLengths) {
  Status short_hex = Hash::FromHex("abcd").status();
  EXPECT_EQ(short_hex.code(), Code::kInvalidArgument);
  EXPECT_EQ(short_hex.message(), "hash must be 64 hex digits, got 4");
  Status short_bytes = Hash::FromBytes(Bytes(31, 0)).status();
  EXPECT_EQ(short_bytes.code(), Code::kInvalidArgument);
  EXPECT_EQ(short_bytes.message(), "hash must be 32 bytes, got 31");
  // The right length of text that is not hex.
  Status not_hex = Hash::FromHex(std::string(64, 'z')).status();
  EXPECT_EQ(not_hex.code(), Code::kInvalidArgument);
  EXPECT_EQ(not_hex.message(), "not a hex digit in hex string");
}

TEST(Hash, OrderAndSetMembership) {
  Hash a = Sha256(std::string_view("a"));
  Hash b = Sha256(std::string_view("b"));
  EXPECT_NE(a, b);
  EXPECT_TRUE((a < b) != (b < a));
  std::unordered_set<Hash> set{a, b, a};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(Hash().IsZero());
  EXPECT_FALSE(a.IsZero());
}

TEST(Hex, RoundTripAndErrors) {
  Bytes b{0x00, 0x7f, 0xff};
  EXPECT_EQ(ToHex(b), "007fff");
  auto back = FromHex("007FFF");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, b);
  Status odd = FromHex("abc").status();
  EXPECT_EQ(odd.code(), Code::kInvalidArgument);
  EXPECT_EQ(odd.message(), "hex string has odd length");
  Status not_hex = FromHex("0g").status();
  EXPECT_EQ(not_hex.code(), Code::kInvalidArgument);
  EXPECT_EQ(not_hex.message(), "not a hex digit in hex string");
}

TEST(BigEndian, FixedWidthRoundTrip) {
  Bytes out;
  PutUint32BE(out, 0x01020304u);
  PutUint64BE(out, 0x0102030405060708ull);
  ASSERT_EQ(out.size(), 12u);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(GetUint32BE(out.data()), 0x01020304u);
  EXPECT_EQ(GetUint64BE(out.data() + 4), 0x0102030405060708ull);
}

TEST(StatusType, CodesAndContext) {
  Status s = Status::NotFound("lot L1");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.message(), "lot L1");
  EXPECT_EQ(s.ToString(), "NOT_FOUND: lot L1");
  EXPECT_EQ(s.WithContext("trace").message(), "trace: lot L1");
  EXPECT_TRUE(Status::Ok().ok());
  Result<int> r = Status::InvalidArgument("x");
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  Result<int> v = 7;
  EXPECT_EQ(*v, 7);
}

}  // namespace
}  // namespace tadori
