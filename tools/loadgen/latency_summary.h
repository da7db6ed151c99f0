// Percentiles of measured latencies, by the nearest-rank method (no interpolation, so
// every figure printed is a latency that was actually observed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tadori::loadgen {

struct LatencySummary {
  size_t count = 0;  // samples; the figures below are 0 when there are none
  int64_t p50_us = 0;
  int64_t p90_us = 0;
  int64_t p99_us = 0;
  int64_t max_us = 0;
};

// The sample at nearest rank ceil(p/100 * n) of the sorted samples; `percentile` in
// (0, 100] (checked). `sorted_us` must be sorted ascending and non-empty (checked).
int64_t NearestRank(const std::vector<int64_t>& sorted_us, double percentile);

// Sorts `samples_us` and summarises them.
LatencySummary Summarize(std::vector<int64_t> samples_us);

}  // namespace tadori::loadgen
