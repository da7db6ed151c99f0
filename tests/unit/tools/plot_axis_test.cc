#include "tools/cli/plot_axis.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace tadori::cli {
namespace {

std::vector<std::string> Labels(const std::vector<AxisTick>& ticks) {
  std::vector<std::string> out;
  for (const AxisTick& t : ticks) out.push_back(t.label);
  return out;
}

TEST(ValueTicksTest, WholeUnitStepsForAColdChainRange) {
  const auto ticks = ValueTicks(-700, 9'300, 7);  // -0.7 .. 9.3 °C
  EXPECT_EQ(Labels(ticks), (std::vector<std::string>{"0", "2", "4", "6", "8"}));
  EXPECT_EQ(ticks[1].value, 2'000);
}

TEST(ValueTicksTest, FractionalStepsGetTheDecimalsTheyNeed) {
  EXPECT_EQ(Labels(ValueTicks(-250, 250, 6)),
            (std::vector<std::string>{"-0.2", "-0.1", "0.0", "0.1", "0.2"}));
  EXPECT_EQ(Labels(ValueTicks(1, 4, 7)),
            (std::vector<std::string>{"0.001", "0.002", "0.003", "0.004"}));
}

TEST(ValueTicksTest, TheWholeInt64RangeNeitherOverflowsNorFloods) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const auto ticks = ValueTicks(kMin, kMax, 7);
  ASSERT_GE(ticks.size(), 2u);
  ASSERT_LE(ticks.size(), 7u);
  for (size_t i = 1; i < ticks.size(); ++i) EXPECT_LT(ticks[i - 1].value, ticks[i].value);
  EXPECT_EQ(ticks.front().label, "-5000000000000000");  // -5e18 milli, exactly
  // Near the top end a step of one milli-unit still stops at kMax.
  const auto top = ValueTicks(kMax - 2, kMax, 7);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top.back().value, kMax);
}

TEST(TimeTicksTest, HalfHoursInLocalTimeWithTheDateOnceADay) {
  // 2026-11-20 11:08 .. 13:52 at +09:00: half-hour ticks, local clock labels.
  const int64_t lo = 1'795'140'480'000;  // 2026-11-20T02:08:00Z
  const int64_t hi = lo + (2 * 60 + 44) * 60'000;
  const auto ticks = TimeTicks(lo, hi, 9 * 60, 8);
  EXPECT_EQ(Labels(ticks), (std::vector<std::string>{"11:30", "12:00", "12:30", "13:00", "13:30"}));
  EXPECT_EQ(ticks[0].date, "2026-11-20");
  EXPECT_EQ(ticks[1].date, "");
}

TEST(TimeTicksTest, ADateChangeIsLabelled) {
  const int64_t lo = 1'795'179'600'000;  // 2026-11-20T13:00:00Z = 22:00 at +09:00
  const auto ticks = TimeTicks(lo, lo + 4 * 3'600'000, 9 * 60, 8);
  ASSERT_FALSE(ticks.empty());
  bool saw_next_day = false;
  for (const AxisTick& t : ticks) {
    if (t.label == "00:00") {
      EXPECT_EQ(t.date, "2026-11-21");
      saw_next_day = true;
    }
  }
  EXPECT_TRUE(saw_next_day);
}

TEST(TimeTicksTest, YearsApartGetDatesAndExtremesAreClamped) {
  const auto ticks = TimeTicks(0, 10LL * 365 * 86'400'000, 0, 8);  // 1970 .. 1979
  ASSERT_GE(ticks.size(), 2u);
  ASSERT_LE(ticks.size(), 8u);
  EXPECT_EQ(ticks[0].label.size(), 10u);  // YYYY-MM-DD
  EXPECT_EQ(ticks[0].date, "");
  const auto all = TimeTicks(std::numeric_limits<int64_t>::min(),
                             std::numeric_limits<int64_t>::max(), 14 * 60, 8);
  ASSERT_GE(all.size(), 2u);
  EXPECT_LE(all.size(), 11u);  // the largest step is 1000 years
  EXPECT_EQ(all.front().label.size(), 10u);
}

}  // namespace
}  // namespace tadori::cli
