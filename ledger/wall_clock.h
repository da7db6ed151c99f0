// The wall clock, read in one place. Block timestamps (the only time chaincode sees) come
// from the proposer's wall clock, and clients stamp created_at_ms with theirs.
// consensus/ and chaincode/ must never read it (tools/check-layers refuses the include):
// their results may depend only on their inputs.
#pragma once

#include <chrono>
#include <cstdint>

namespace tadori {

// Milliseconds since the Unix epoch.
inline int64_t WallClockMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace tadori
