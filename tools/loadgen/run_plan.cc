#include "tools/loadgen/run_plan.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tools/loadgen/run.h"
#include "tools/loadgen/workload.h"

namespace tadori::loadgen {

std::string_view SubmitModeName(SubmitMode mode) {
  return mode == SubmitMode::kStream ? "stream" : "unary";
}

Result<SubmitMode> ChosenMode(std::optional<SubmitMode> mode, bool clients_given,
                              bool stream_flags_given) {
  if (clients_given && stream_flags_given) {
    return Status::InvalidArgument(
        "--clients is for --mode unary, --connections and --in-flight for --mode stream");
  }
  if (mode == SubmitMode::kStream && clients_given) {
    return Status::InvalidArgument("--clients is for --mode unary; streams take --connections");
  }
  if (mode == SubmitMode::kUnary && stream_flags_given) {
    return Status::InvalidArgument("--connections and --in-flight are for --mode stream");
  }
  if (mode.has_value()) return *mode;
  return clients_given ? SubmitMode::kUnary : SubmitMode::kStream;
}

Result<uint64_t> PlannedCount(std::optional<uint64_t> count, std::optional<double> duration_s,
                              double rate_per_s) {
  if (!count.has_value() && !duration_s.has_value()) {
    return Status::InvalidArgument("give --count, --duration, or both");
  }
  if (count.has_value() && (*count == 0 || *count > kCountMax)) {
    return Status::InvalidArgument(fmt::format("--count must be 1..{}", kCountMax));
  }
  // Written so that NaN fails too.
  if (duration_s.has_value() && !(*duration_s > 0 && *duration_s <= kDurationSMax)) {
    return Status::InvalidArgument(fmt::format("--duration must be in (0, {}] s", kDurationSMax));
  }
  if (count.has_value()) return *count;
  const double per_s = rate_per_s > 0 ? rate_per_s : kUnpacedPlanTxPerS;
  const double planned = std::ceil(per_s * *duration_s);
  return static_cast<uint64_t>(std::clamp(planned, 1.0, static_cast<double>(kCountMax)));
}

size_t SigningLeadTxs(SubmitMode mode, double rate_per_s) {
  if (mode == SubmitMode::kUnary) return kSignChunkTxs;
  if (rate_per_s <= 0) return kStreamSigningLeadTxsMax;
  const double lead = std::ceil(rate_per_s * kStreamSigningLeadS);
  return static_cast<size_t>(
      std::clamp(lead, 2.0 * kSignChunkTxs, static_cast<double>(kStreamSigningLeadTxsMax)));
}

size_t PresignedTxs(SubmitMode mode, double rate_per_s, uint64_t count) {
  const uint64_t wanted = SigningLeadTxs(mode, rate_per_s) + kSignChunkTxs;
  return static_cast<size_t>(std::min<uint64_t>(count, wanted));
}

}  // namespace tadori::loadgen
