// Where to put tick marks on the axes of a plot, and what to write at them. Values stay
// integers (milli-units, Unix milliseconds) from the chain to the label, so a label says
// exactly the number at its tick; only the pixel positions are floating point.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tadori::cli {

struct AxisTick {
  int64_t value = 0;  // milli-units, or Unix milliseconds on a time axis
  std::string label;  // "4.5"; "12:30" or "2026-11-21" on a time axis
  std::string date;   // time axis below one day per tick: the date where it changes, else ""
};

// Ticks at every multiple of a step of 1, 2 or 5 x 10^k milli-units inside [lo, hi], the
// smallest such step giving at most `ticks_max` ticks (>= 2). Labels have as many decimals
// as the step needs: "5" for steps of whole units, "4.5" for tenths. Requires lo <= hi.
std::vector<AxisTick> ValueTicks(int64_t lo_milli, int64_t hi_milli, int ticks_max);

// Ticks inside [lo, hi] at the smallest step of a fixed ladder (1 s ... 1000 years) giving at
// most `ticks_max` ticks, aligned to local time at `offset_minutes`: hours at :00, days at
// local midnight. Steps below a day are labelled "HH:MM" ("HH:MM:SS" below a minute) with
// the date on the first tick and wherever it changes; longer steps "YYYY-MM-DD". Times are
// clamped to the years 0000-9999 that RFC 3339 can write. Requires lo <= hi and
// |offset_minutes| < 24 * 60.
std::vector<AxisTick> TimeTicks(int64_t lo_ms, int64_t hi_ms, int32_t offset_minutes,
                                int ticks_max);

}  // namespace tadori::cli
