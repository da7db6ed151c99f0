#include "ledger/rfc3339.h"

#include <cstdio>

#include "ledger/check.h"
#include "ledger/utf8.h"

namespace tadori {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `width` decimal digits at `pos`; -1 when any is not a digit.
int ReadDigits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (!IsDigit(c)) return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date. Counts whole 400-year eras (146097
// days each) from 0000-03-01 so that February, with its leap day, ends each counted year.
int64_t DaysFromCivil(int year, int month, int day) {
  const int y = month <= 2 ? year - 1 : year;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int year_of_era = y - era * 400;
  const int month_from_march = month > 2 ? month - 3 : month + 9;
  const int day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return static_cast<int64_t>(era) * 146097 + day_of_era - 719468;
}

struct CivilDate {
  int year;
  int month;
  int day;
};

// The inverse of DaysFromCivil.
CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

Status Invalid(std::string_view what, std::string_view text) {
  return Status::InvalidArgument(std::string(what) + " in '" + PrintableExcerpt(text) + "'");
}

// Parses "YYYY-MM-DD" at the start of `text` (exactly 10 characters).
Result<int64_t> ParseDatePart(std::string_view text) {
  const int year = ReadDigits(text, 0, 4);
  const int month = ReadDigits(text, 5, 2);
  const int day = ReadDigits(text, 8, 2);
  if (text.size() < 10 || year < 0 || month < 0 || day < 0 || text[4] != '-' || text[7] != '-') {
    return Invalid("expected a date YYYY-MM-DD", text);
  }
  if (month < 1 || month > 12) return Invalid("month out of range", text);
  if (day < 1 || day > DaysInMonth(year, month)) return Invalid("day out of range", text);
  return DaysFromCivil(year, month, day);
}

}  // namespace

Result<int32_t> ParseUtcOffsetMinutes(std::string_view text) {
  if (text == "Z") return 0;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') {
    return Invalid("expected a UTC offset Z or +HH:MM", text);
  }
  const int hours = ReadDigits(text, 1, 2);
  const int minutes = ReadDigits(text, 4, 2);
  if (hours < 0 || minutes < 0) return Invalid("expected a UTC offset Z or +HH:MM", text);
  if (hours > 23 || minutes > 59) return Invalid("UTC offset out of range", text);
  const int32_t total = hours * 60 + minutes;
  return text[0] == '-' ? -total : total;
}

Result<Rfc3339Time> ParseRfc3339(std::string_view text) {
  if (text.size() < 20) return Invalid("expected an RFC 3339 timestamp", text);
  TADORI_ASSIGN_OR_RETURN(int64_t days, ParseDatePart(text));
  if (text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return Invalid("expected YYYY-MM-DDTHH:MM:SS", text);
  }
  const int hour = ReadDigits(text, 11, 2);
  const int minute = ReadDigits(text, 14, 2);
  const int second = ReadDigits(text, 17, 2);
  if (hour < 0 || minute < 0 || second < 0) return Invalid("expected HH:MM:SS", text);
  if (hour > 23 || minute > 59 || second > 59) return Invalid("time of day out of range", text);
  size_t pos = 19;
  int64_t millis = 0;
  if (text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    int64_t scale = 100;
    while (pos < text.size() && IsDigit(text[pos])) {
      if (++digits > 3) return Invalid("more than 3 fraction digits", text);
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (digits == 0) return Invalid("empty fraction", text);
  }
  TADORI_ASSIGN_OR_RETURN(int32_t offset, ParseUtcOffsetMinutes(text.substr(pos)));
  Rfc3339Time out;
  out.offset_minutes = offset;
  out.unix_ms = days * kMsPerDay + ((hour * 60 + minute) * 60 + second) * int64_t{1000} + millis -
                int64_t{offset} * 60'000;
  return out;
}

Result<int64_t> ParseRfc3339Ms(std::string_view text) {
  TADORI_ASSIGN_OR_RETURN(Rfc3339Time time, ParseRfc3339(text));
  return time.unix_ms;
}

Result<int32_t> ParseIsoDate(std::string_view text) {
  if (text.size() != 10) return Invalid("expected a date YYYY-MM-DD", text);
  TADORI_ASSIGN_OR_RETURN(int64_t days, ParseDatePart(text));
  return static_cast<int32_t>(days);
}

std::string FormatRfc3339Ms(int64_t unix_ms, int32_t offset_minutes) {
  TADORI_CHECK(offset_minutes > -24 * 60 && offset_minutes < 24 * 60);
  const int64_t local_ms = unix_ms + int64_t{offset_minutes} * 60'000;
  int64_t days = local_ms / kMsPerDay;
  int64_t ms_of_day = local_ms % kMsPerDay;
  if (ms_of_day < 0) {
    ms_of_day += kMsPerDay;
    --days;
  }
  const CivilDate date = CivilFromDays(days);
  TADORI_CHECK(date.year >= 0 && date.year <= 9999);
  const int64_t seconds_of_day = ms_of_day / 1000;
  const int millis = static_cast<int>(ms_of_day % 1000);
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", date.year, date.month,
                        date.day, static_cast<int>(seconds_of_day / 3600),
                        static_cast<int>(seconds_of_day / 60 % 60),
                        static_cast<int>(seconds_of_day % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (millis != 0) {
    n = std::snprintf(buf, sizeof buf, ".%03d", millis);
    out.append(buf, static_cast<size_t>(n));
  }
  if (offset_minutes == 0) {
    out += 'Z';
  } else {
    const int32_t magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    n = std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+',
                      magnitude / 60, magnitude % 60);
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace tadori
