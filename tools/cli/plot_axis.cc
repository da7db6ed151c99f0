#include "tools/cli/plot_axis.h"

#include <algorithm>
#include <array>

#include "ledger/check.h"
#include "ledger/rfc3339.h"
#include "tools/cli/render.h"

namespace tadori::cli {

namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr std::array<int64_t, 27> kTimeStepsMs = {
    kSecondMs,      5 * kSecondMs,  15 * kSecondMs, 30 * kSecondMs, kMinuteMs,    5 * kMinuteMs,
    10 * kMinuteMs, 15 * kMinuteMs, 30 * kMinuteMs, kHourMs,        2 * kHourMs,  3 * kHourMs,
    6 * kHourMs,    12 * kHourMs,   kDayMs,         2 * kDayMs,     7 * kDayMs,   14 * kDayMs,
    30 * kDayMs,    91 * kDayMs,    182 * kDayMs,   365 * kDayMs,   730 * kDayMs, 1826 * kDayMs,
    3652 * kDayMs,  36524 * kDayMs, 365242 * kDayMs};
// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: what FormatRfc3339Ms can write, with a
// day of margin either side for the local offset.
constexpr int64_t kTimeMinMs = -62'167'219'200'000 + kDayMs;
constexpr int64_t kTimeMaxMs = 253'402'300'799'999 - kDayMs;

// 1, 2 and 5 x 10^k milli-units up to 5 x 10^18, the largest that an int64 holds.
constexpr std::array<int64_t, 57> kValueSteps = [] {
  std::array<int64_t, 57> steps{};
  int64_t power = 1;
  for (size_t k = 0; k < 19; ++k) {
    steps[3 * k] = power;
    steps[3 * k + 1] = 2 * power;
    steps[3 * k + 2] = 5 * power;
    if (k < 18) power *= 10;
  }
  return steps;
}();
static_assert(kValueSteps.back() == 5'000'000'000'000'000'000);

// floor(a / step) and ceil(a / step) for step > 0, without overflow for any a.
int64_t FloorDiv(int64_t a, int64_t step) {
  return a / step - (a % step < 0 ? 1 : 0);
}
int64_t CeilDiv(int64_t a, int64_t step) {
  return a / step + (a % step > 0 ? 1 : 0);
}

// Whether [lo, hi] holds at most `ticks_max` multiples of `step`. The count can be 2^64 (step
// 1 over all of int64), so it is compared as count - 1 in unsigned arithmetic.
bool FitsTicks(int64_t lo, int64_t hi, int64_t step, int ticks_max) {
  const int64_t first = CeilDiv(lo, step);
  const int64_t last = FloorDiv(hi, step);
  if (last < first) return true;
  return static_cast<uint64_t>(last) - static_cast<uint64_t>(first) <
         static_cast<uint64_t>(ticks_max);
}

// Calls visit(k * step) for every multiple of `step` in [lo, hi], in order.
template <typename Visit>
void ForEachMultiple(int64_t lo, int64_t hi, int64_t step, Visit visit) {
  const int64_t first = CeilDiv(lo, step);
  const int64_t last = FloorDiv(hi, step);
  if (last < first) return;
  for (int64_t k = first;; ++k) {  // k * step lies in [lo, hi]: no overflow
    visit(k * step);
    if (k == last) break;
  }
}

}  // namespace

std::vector<AxisTick> ValueTicks(int64_t lo_milli, int64_t hi_milli, int ticks_max) {
  TADORI_CHECK(lo_milli <= hi_milli && ticks_max >= 2);
  int64_t step = kValueSteps.back();  // 5 x 10^18 splits any int64 range in 4
  for (const int64_t candidate : kValueSteps) {
    if (FitsTicks(lo_milli, hi_milli, candidate, ticks_max)) {
      step = candidate;
      break;
    }
  }
  const int decimals = step >= 1000 ? 0 : step >= 100 ? 1 : step >= 10 ? 2 : 3;
  std::vector<AxisTick> ticks;
  ForEachMultiple(lo_milli, hi_milli, step, [&](int64_t value) {
    std::string label = FormatMilli(value);  // "-4.500"
    label.resize(label.size() - static_cast<size_t>(3 - decimals));
    if (decimals == 0) label.pop_back();  // the '.'
    ticks.push_back({value, label, ""});
  });
  return ticks;
}

std::vector<AxisTick> TimeTicks(int64_t lo_ms, int64_t hi_ms, int32_t offset_minutes,
                                int ticks_max) {
  TADORI_CHECK(lo_ms <= hi_ms && ticks_max >= 2);
  TADORI_CHECK(offset_minutes > -24 * 60 && offset_minutes < 24 * 60);
  lo_ms = std::clamp(lo_ms, kTimeMinMs, kTimeMaxMs);
  hi_ms = std::clamp(hi_ms, kTimeMinMs, kTimeMaxMs);
  const int64_t offset_ms = int64_t{offset_minutes} * kMinuteMs;
  // Multiples of the step in local time are the round local hours and days.
  const int64_t local_lo = lo_ms + offset_ms;
  const int64_t local_hi = hi_ms + offset_ms;
  int64_t step = kTimeStepsMs.back();
  for (int64_t candidate : kTimeStepsMs) {
    if (FitsTicks(local_lo, local_hi, candidate, ticks_max)) {
      step = candidate;
      break;
    }
  }
  std::vector<AxisTick> ticks;
  std::string last_date;
  ForEachMultiple(local_lo, local_hi, step, [&](int64_t local) {
    const int64_t at = local - offset_ms;
    const std::string text = FormatRfc3339Ms(at, offset_minutes);  // YYYY-MM-DDTHH:MM:SS...
    AxisTick tick{at, "", ""};
    const std::string date = text.substr(0, 10);
    if (step >= kDayMs) {
      tick.label = date;
    } else {
      tick.label = text.substr(11, step >= kMinuteMs ? 5 : 8);
      if (date != last_date) tick.date = date;
    }
    last_date = date;
    ticks.push_back(std::move(tick));
  });
  return ticks;
}

}  // namespace tadori::cli
