#include "tools/cli/selectors.h"

#include <gtest/gtest.h>

#include <string>

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
    const Status s = ParseBlockSelector(bad).status();
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << bad << ": " << s.ToString();
    EXPECT_EQ(s.message(), "\"" + std::string(bad) +
                               "\" is neither a block height nor a 64-hex-digit block hash");
  }
}

TEST(SelectorsTest, TxIdNeedsSixtyFourHexDigits) {
  auto id = ParseTxId(kHashHex);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->Hex(), kHashHex);
  for (const std::string& bad : {std::string("1234"), std::string(64, 'g')}) {
    const Status s = ParseTxId(bad).status();
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
    EXPECT_EQ(s.message(), "\"" + bad + "\" is not a transaction id (64 hex digits)");
  }
}

}  // namespace
}  // namespace tadori::cli
