#include "ledger/rfc3339.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace tadori {
namespace {

// Success when `s` is INVALID_ARGUMENT with a message containing `reason`: the check that
// refused is the one the caller meant, not merely some check.
::testing::AssertionResult Invalid(const Status& s, std::string_view reason) {
  if (s.code() == Code::kInvalidArgument && s.message().find(reason) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << s.ToString() << "; want INVALID_ARGUMENT saying \"" << reason << "\"";
}

struct BadText {
  const char* text;
  const char* reason;  // what the refusal must say
};

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
  EXPECT_TRUE(Invalid(ParseRfc3339Ms("2023-02-29T00:00:00Z").status(), "day out of range"));
  EXPECT_TRUE(Invalid(ParseRfc3339Ms("1900-02-29T00:00:00Z").status(), "day out of range"));
  EXPECT_EQ(*ParseRfc3339Ms("2024-03-01T00:00:00Z") - *ParseRfc3339Ms("2024-02-28T00:00:00Z"),
            2 * 86'400'000);
}

TEST(Rfc3339Test, RefusesMalformedText) {
  constexpr char kShort[] = "expected an RFC 3339 timestamp";
  constexpr char kNoDate[] = "expected a date YYYY-MM-DD";
  constexpr char kNoT[] = "expected YYYY-MM-DDTHH:MM:SS";
  constexpr char kNoOffset[] = "expected a UTC offset Z or +HH:MM";
  const BadText bad[] = {
      {"", kShort},
      {"2026-11-20", kShort},
      {"2026-11-20T06:30:00", kShort},       // no offset: shorter than any timestamp
      {"2026-11-20T06:30:00.5", kNoOffset},  // no offset after a fraction
      {"2026-11-20 06:30:00Z", kNoT},        // space
      {"2026-11-20t06:30:00Z", kNoT},        // lowercase t
      {"2026-11-20T06:30:00z", kNoOffset},   // lowercase z
      {"2026-13-01T00:00:00Z", "month out of range"},
      {"2026-00-01T00:00:00Z", "month out of range"},
      {"2026-04-31T00:00:00Z", "day out of range"},
      {"2026-11-20T24:00:00Z", "time of day out of range"},  // hour
      {"2026-11-20T23:60:00Z", "time of day out of range"},  // minute
      {"2026-11-20T23:59:60Z", "time of day out of range"},  // leap second
      {"2026-11-20T6:30:00.5Z", kNoT},                       // one-digit hour
      {"2026-11-20Tab:30:00Z", "expected HH:MM:SS"},
      {"2026-11-20T06:30:00.Z", "empty fraction"},
      {"2026-11-20T06:30:00.1234Z", "more than 3 fraction digits"},
      {"2026-11-20T06:30:00+0900", kNoOffset},                   // offset without colon
      {"2026-11-20T06:30:00+24:00", "UTC offset out of range"},  // offset hours
      {"2026-11-20T06:30:00+09:60", "UTC offset out of range"},  // offset minutes
      {"2026-11-20T06:30:00+09:00 ", kNoOffset},                 // trailing space
      {"+2026-11-20T06:30:00Z", kNoDate},
      // A one-digit month, with a fraction so that it is as long as a timestamp.
      {"2026-1-20T06:30:00.5Z", kNoDate},
      {"２０２６-11-20T06:30:00Z", kNoDate},
  };
  for (const BadText& bad_text : bad) {
    EXPECT_TRUE(Invalid(ParseRfc3339Ms(bad_text.text).status(), bad_text.reason)) << bad_text.text;
  }
}

TEST(Rfc3339Test, ParsesOffsets) {
  EXPECT_EQ(*ParseUtcOffsetMinutes("Z"), 0);
  EXPECT_EQ(*ParseUtcOffsetMinutes("+00:00"), 0);
  EXPECT_EQ(*ParseUtcOffsetMinutes("+09:00"), 540);
  EXPECT_EQ(*ParseUtcOffsetMinutes("-05:30"), -330);
  constexpr char kNotAnOffset[] = "expected a UTC offset Z or +HH:MM";
  const BadText bad[] = {
      {"", kNotAnOffset},
      {"09:00", kNotAnOffset},
      {"+9:00", kNotAnOffset},
      {"+09:0", kNotAnOffset},
      {"z", kNotAnOffset},
      {"+09-00", kNotAnOffset},
      {"+0a:00", kNotAnOffset},
      {"+24:00", "UTC offset out of range"},
      {"+09:60", "UTC offset out of range"},
  };
  for (const BadText& bad_offset : bad) {
    EXPECT_TRUE(Invalid(ParseUtcOffsetMinutes(bad_offset.text).status(), bad_offset.reason))
        << bad_offset.text;
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
  constexpr char kNotADate[] = "expected a date YYYY-MM-DD";
  const BadText bad[] = {
      {"", kNotADate},
      {"2017-4-01", kNotADate},
      {"2017-4-011", kNotADate},  // ten characters, the month still one digit
      {"2017-04-31", "day out of range"},
      {"2017-02-29", "day out of range"},
      {"2017-13-01", "month out of range"},
      {"2017-04-01T00:00:00Z", kNotADate},
      {"2017/04/01", kNotADate},
      {"20170401", kNotADate},
      {"2017-04-01 ", kNotADate},
  };
  for (const BadText& bad_date : bad) {
    EXPECT_TRUE(Invalid(ParseIsoDate(bad_date.text).status(), bad_date.reason)) << bad_date.text;
  }
}

}  // namespace
}  // namespace tadori
