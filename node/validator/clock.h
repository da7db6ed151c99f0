// Clock: where a validator reads time. Wall time stamps the blocks it proposes (the only time
// chaincode sees) and bounds how far ahead a proposed block time may be; steady time runs its
// round timers and batching. The daemon gives SystemClock; the whole-validator simulator a
// simulated clock driven by its seeded scheduler.
#pragma once

#include <chrono>
#include <cstdint>

#include "ledger/wall_clock.h"

namespace tadori {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t WallMs() const = 0;    // ms since the Unix epoch
  virtual int64_t SteadyMs() const = 0;  // ms on a monotonic clock
};

class SystemClock final : public Clock {
 public:
  int64_t WallMs() const override { return WallClockMs(); }
  int64_t SteadyMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
  }
};

}  // namespace tadori
