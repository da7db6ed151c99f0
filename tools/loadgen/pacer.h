// Token pacing shared by all client threads: transaction i is due at start + i / rate,
// whichever client picks it up. A client that is late sends at once (it does not skip),
// and the lateness is recorded, so a run that could not offer the asked rate says so
// instead of quietly offering less.
#pragma once

#include <chrono>
#include <cstdint>

namespace tadori::loadgen {

class Pacer {
 public:
  // rate_per_s <= 0 means "as fast as the clients can": every transaction is due at once.
  explicit Pacer(double rate_per_s) : rate_per_s_(rate_per_s) {}

  bool unlimited() const { return rate_per_s_ <= 0.0; }
  double rate_per_s() const { return rate_per_s_; }

  // Offset from the start of the run at which transaction `index` is due.
  std::chrono::nanoseconds DueOffset(uint64_t index) const {
    if (unlimited()) return std::chrono::nanoseconds(0);
    return std::chrono::nanoseconds(
        static_cast<int64_t>(static_cast<double>(index) * 1e9 / rate_per_s_));
  }

 private:
  double rate_per_s_;
};

}  // namespace tadori::loadgen
