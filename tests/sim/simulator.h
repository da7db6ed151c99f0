// The deterministic simulator: N real consensus engines in one process on a seeded
// scheduler with simulated time, a hostile network, crashes, Byzantine validators and Twins.
//
// A run has two phases. Safety phase (safety_phase_ms): faults of the chosen mix are active.
// Then GST: partitions heal, crashed validators restart, loss and long delays stop (Byzantine
// validators keep misbehaving). Liveness phase: every honest validator must commit
// kLivenessBlocks blocks beyond the highest height any honest validator had at GST within
// liveness_phase_ms. Agreement, chain integrity and validity are checked on every commit.
// Everything derives from the seed: the same options replay the same run, event for event.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "consensus/engine.h"
#include "tests/sim/planted_bug.h"

namespace tadori::sim {

enum class FaultMix : uint8_t {
  kCalm,        // short delays only
  kLossy,       // loss, duplication, long-tail delays (reordering), clock skew
  kPartitions,  // partitions that form and heal, plus mild loss
  kCrashes,     // crashes and restarts, including between persist and send
  kChaos,       // all of the above at once
};
inline constexpr int kFaultMixCount = 5;
std::string_view FaultMixName(FaultMix mix);
std::optional<FaultMix> ParseFaultMix(std::string_view name);

struct SimOptions {
  uint64_t seed = 1;
  size_t nodes = 0;             // 0: derived from the seed, 4..10
  int byzantine = -1;           // -1: derived from the seed, 0..f
  bool twins = false;           // two honest instances share one identity (the f faulty)
  std::optional<FaultMix> mix;  // nullopt: derived from the seed
  PlantedBug planted_bug = PlantedBug::kNone;
  // Also flag an honest validator that votes for two blocks in one round (a rule breach that
  // may or may not go on to break agreement). Off, only agreement/integrity/validity/liveness.
  bool check_votes = true;
  uint64_t safety_phase_ms = 15'000;
  uint64_t liveness_phase_ms = 60'000;
};

inline constexpr uint64_t kLivenessBlocks = 3;

struct SimResult {
  uint64_t seed = 0;
  size_t nodes = 0;
  size_t byzantine = 0;
  bool twins = false;
  FaultMix mix = FaultMix::kCalm;
  PlantedBug planted_bug = PlantedBug::kNone;
  bool check_votes = true;
  std::vector<std::string> violations;
  uint64_t min_honest_height = 0;  // committed height of the slowest honest validator
  uint64_t max_round = 0;
  uint64_t messages = 0;
  uint64_t dropped_by_engines = 0;
  uint64_t end_time_ms = 0;

  bool ok() const { return violations.empty(); }
  // `tadori-sim ...` that replays exactly this run with its event log.
  std::string ReplayCommand() const;
};

// Runs one seed. With `trace` set, writes one line per event and action to it.
SimResult RunSimulation(const SimOptions& options, std::ostream* trace = nullptr);

}  // namespace tadori::sim
