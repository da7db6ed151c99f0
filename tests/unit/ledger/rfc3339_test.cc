#include "ledger/rfc3339.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace tadori {
namespace {

TEST(Rfc3339Test, ParsesUtcAndOffsets) {
  EXPECT_EQ(*ParseRfc3339Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseRfc3339Ms("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(*ParseRfc3339Ms("1970-01-01T09:00:00+09:00"), 0);
  EXPECT_EQ(*ParseRfc3339Ms("1969-12-31T19:00:00-05:00"), 0);
  EXPECT_EQ(*ParseRfc3339Ms("1969-12-31T23:59:59.999Z"), -1);
  // 2026-11-20T06:30:00+09:00 is 2026-11-19T21:30:00Z.
  EXPECT_EQ(*ParseRfc3339Ms("2026-11-20T06:30:00+09:00"), *ParseRfc3339Ms("2026-11-19T21:30:00Z"));
  EXPECT_EQ(*ParseRfc3339Ms("2000-03-01T00:00:00Z"), 951868800000);
  Result<Rfc3339Time> time = ParseRfc3339("2026-11-20T06:30:00.120-03:30");
  ASSERT_TRUE(time.ok());
  EXPECT_EQ(time->offset_minutes, -210);
  EXPECT_EQ(time->unix_ms % 1000, 120);
}

TEST(Rfc3339Test, HandlesLeapYears) {
  EXPECT_TRUE(ParseRfc3339Ms("2024-02-29T00:00:00Z").ok());
  EXPECT_TRUE(ParseRfc3339Ms("2000-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339Ms("2023-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339Ms("1900-02-29T00:00:00Z").ok());
  EXPECT_EQ(*ParseRfc3339Ms("2024-03-01T00:00:00Z") - *ParseRfc3339Ms("2024-02-28T00:00:00Z"),
            2 * 86'400'000);
}

TEST(Rfc3339Test, RefusesMalformedText) {
  const char* bad[] = {
      "",
      "2026-11-20",
      "2026-11-20T06:30:00",   // no offset
      "2026-11-20 06:30:00Z",  // space
      "2026-11-20t06:30:00Z",  // lowercase t
      "2026-11-20T06:30:00z",  // lowercase z
      "2026-13-01T00:00:00Z",  // month
      "2026-00-01T00:00:00Z",
      "2026-04-31T00:00:00Z",        // day
      "2026-11-20T24:00:00Z",        // hour
      "2026-11-20T23:60:00Z",        // minute
      "2026-11-20T23:59:60Z",        // leap second
      "2026-11-20T06:30:00.Z",       // empty fraction
      "2026-11-20T06:30:00.1234Z",   // too many fraction digits
      "2026-11-20T06:30:00+0900",    // offset without colon
      "2026-11-20T06:30:00+24:00",   // offset hours
      "2026-11-20T06:30:00+09:60",   // offset minutes
      "2026-11-20T06:30:00+09:00 ",  // trailing space
      "+2026-11-20T06:30:00Z",
      "2026-1-20T06:30:00Z",
      "２０２６-11-20T06:30:00Z",
  };
  for (const char* text : bad) {
    Result<int64_t> ms = ParseRfc3339Ms(text);
    ASSERT_FALSE(ms.ok()) << text;
    EXPECT_EQ(ms.status().code(), Code::kInvalidArgument) << text;
  }
}

TEST(Rfc3339Test, ParsesOffsets) {
  EXPECT_EQ(*ParseUtcOffsetMinutes("Z"), 0);
  EXPECT_EQ(*ParseUtcOffsetMinutes("+00:00"), 0);
  EXPECT_EQ(*ParseUtcOffsetMinutes("+09:00"), 540);
  EXPECT_EQ(*ParseUtcOffsetMinutes("-05:30"), -330);
  for (const char* bad : {"", "09:00", "+9:00", "+09:0", "+24:00", "+09:60", "z", "+09-00"}) {
    EXPECT_FALSE(ParseUtcOffsetMinutes(bad).ok()) << bad;
  }
}

TEST(Rfc3339Test, FormatsLocalTime) {
  const int64_t ms = *ParseRfc3339Ms("2026-11-19T21:30:00Z");
  EXPECT_EQ(FormatRfc3339Ms(ms, 540), "2026-11-20T06:30:00+09:00");
  EXPECT_EQ(FormatRfc3339Ms(ms, 0), "2026-11-19T21:30:00Z");
  EXPECT_EQ(FormatRfc3339Ms(ms + 7, -330), "2026-11-19T16:00:00.007-05:30");
  EXPECT_EQ(FormatRfc3339Ms(-1, 0), "1969-12-31T23:59:59.999Z");
}

TEST(Rfc3339Test, FormatThenParseRoundTrips) {
  std::mt19937_64 rng(20261120);
  // Years 0001..9998, so any offset keeps the local time inside 0000..9999.
  const int64_t lo = *ParseRfc3339Ms("0001-01-01T00:00:00Z");
  const int64_t hi = *ParseRfc3339Ms("9998-12-31T23:59:59.999Z");
  std::uniform_int_distribution<int64_t> instant(lo, hi);
  std::uniform_int_distribution<int32_t> offset(-23 * 60 - 59, 23 * 60 + 59);
  for (int i = 0; i < 20'000; ++i) {
    const int64_t ms = instant(rng);
    const int32_t minutes = offset(rng);
    const std::string text = FormatRfc3339Ms(ms, minutes);
    Result<Rfc3339Time> parsed = ParseRfc3339(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->unix_ms, ms) << text;
    EXPECT_EQ(parsed->offset_minutes, minutes) << text;
  }
}

TEST(Rfc3339Test, ParsesIsoDates) {
  EXPECT_EQ(*ParseIsoDate("1970-01-01"), 0);
  EXPECT_EQ(*ParseIsoDate("1970-01-02"), 1);
  EXPECT_EQ(*ParseIsoDate("1969-12-31"), -1);
  EXPECT_EQ(*ParseIsoDate("2000-03-01"), 11017);
  EXPECT_EQ(*ParseIsoDate("2017-04-01") + 365, *ParseIsoDate("2018-04-01"));
  for (const char* bad : {"", "2017-4-01", "2017-04-31", "2017-02-29", "2017-04-01T00:00:00Z",
                          "2017/04/01", "20170401", "2017-04-01 "}) {
    EXPECT_FALSE(ParseIsoDate(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace tadori
