// RFC 3339 timestamps and ISO 8601 calendar dates, as EPCIS and FSMA 204 records write them.
//
// Parsing is strict and deterministic: it uses no libc time-zone functions, no locale and no
// floating point, so every validator turns the same text into the same number. Accepted:
//   timestamp = YYYY "-" MM "-" DD "T" HH ":" MM ":" SS [ "." 1*3DIGIT ] ( "Z" / offset )
//   offset    = ( "+" / "-" ) HH ":" MM          (hours 00-23, minutes 00-59)
//   date      = YYYY "-" MM "-" DD
// with years 0000-9999, real month lengths (leap years included) and no leap seconds
// (second 60 is refused). Lowercase "t"/"z", spaces, and more than 3 fraction digits are
// refused. Every refusal is INVALID_ARGUMENT naming what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace tadori {

// A parsed timestamp: the instant (Unix milliseconds, UTC) and the offset it was written in.
struct Rfc3339Time {
  int64_t unix_ms = 0;
  int32_t offset_minutes = 0;  // "Z" is 0, "+09:00" is 540
};

Result<Rfc3339Time> ParseRfc3339(std::string_view text);

// The instant of `text` as Unix milliseconds (UTC).
Result<int64_t> ParseRfc3339Ms(std::string_view text);

// "+09:00" -> 540, "-05:30" -> -330, "Z" -> 0.
Result<int32_t> ParseUtcOffsetMinutes(std::string_view text);

// Writes `unix_ms` as local time at `offset_minutes`: "2026-11-20T06:30:00+09:00", with
// ".fff" only when the milliseconds are not zero and "Z" for offset 0. Parsing the result
// gives back `unix_ms`. Requires |offset_minutes| < 24 * 60 and a result year in
// 0000-9999; violating either is a caller bug and aborts.
std::string FormatRfc3339Ms(int64_t unix_ms, int32_t offset_minutes);

// "YYYY-MM-DD" -> days since 1970-01-01 (negative before).
Result<int32_t> ParseIsoDate(std::string_view text);

}  // namespace tadori
