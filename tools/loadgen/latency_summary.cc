#include "tools/loadgen/latency_summary.h"

#include <algorithm>
#include <cmath>

#include "ledger/check.h"

namespace tadori::loadgen {

int64_t NearestRank(const std::vector<int64_t>& sorted_us, double percentile) {
  TADORI_CHECK(!sorted_us.empty());
  TADORI_CHECK(percentile > 0.0 && percentile <= 100.0);
  const double n = static_cast<double>(sorted_us.size());
  auto rank = static_cast<size_t>(std::ceil(percentile / 100.0 * n));
  rank = std::clamp<size_t>(rank, 1, sorted_us.size());
  return sorted_us[rank - 1];
}

LatencySummary Summarize(std::vector<int64_t> samples_us) {
  LatencySummary s;
  s.count = samples_us.size();
  if (samples_us.empty()) return s;
  std::sort(samples_us.begin(), samples_us.end());
  s.p50_us = NearestRank(samples_us, 50.0);
  s.p90_us = NearestRank(samples_us, 90.0);
  s.p99_us = NearestRank(samples_us, 99.0);
  s.max_us = samples_us.back();
  return s;
}

}  // namespace tadori::loadgen
