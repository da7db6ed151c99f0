#include "tools/cli/selectors.h"

#include <gtest/gtest.h>

namespace tadori::cli {
namespace {

const char* kHashHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

TEST(SelectorsTest, DecimalIsAHeight) {
  auto r = ParseBlockSelector("42");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->selector_case(), v1::GetBlockRequest::kHeight);
  EXPECT_EQ(r->height(), 42u);
  auto zero = ParseBlockSelector("0");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->selector_case(), v1::GetBlockRequest::kHeight);
}

TEST(SelectorsTest, SixtyFourHexDigitsAreAHash) {
  auto r = ParseBlockSelector(kHashHex);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->selector_case(), v1::GetBlockRequest::kHash);
  EXPECT_EQ(r->hash().size(), 32u);
  EXPECT_EQ(static_cast<uint8_t>(r->hash()[1]), 0x11);
}

TEST(SelectorsTest, RefusesOtherText) {
  for (const char* bad : {"", "-1", "12a", "0x10", "99999999999999999999999", "abc",
                          "00112233445566778899aabbccddeeff"}) {
    auto r = ParseBlockSelector(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  }
}

TEST(SelectorsTest, TxIdNeedsSixtyFourHexDigits) {
  auto id = ParseTxId(kHashHex);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->Hex(), kHashHex);
  EXPECT_FALSE(ParseTxId("1234").ok());
  EXPECT_FALSE(ParseTxId(std::string(64, 'g')).ok());
}

}  // namespace
}  // namespace tadori::cli
