// The deterministic simulator: N real consensus engines in one process on a seeded
// scheduler with simulated time, a hostile network, crashes, Byzantine validators and Twins.
//
// A run has two phases. Safety phase (safety_phase_ms): faults of the chosen mix are active.
// Then GST: partitions heal, crashed validators restart, loss and long delays stop (Byzantine
// validators keep misbehaving; in the crashed and slow mixes the validators crashed for good
// stay down and the slow ones stay slow). Liveness phase: every honest validator that runs
// must commit kLivenessBlocks blocks beyond the highest height any honest validator had at
// GST within liveness_phase_ms. Agreement, chain integrity and validity are checked on every
// commit, and leader agreement on every proposal an honest validator receives from another
// honest one: the schedule is a function of the chain the proposal extends, so an honest
// validator must never refuse an honest proposal as not the leader's (a schedule read from
// anything else, such as the node's own committed tip, splits honest validators on who
// leads; that only costs rounds, which the liveness bounds below tolerate, so it is checked
// where it happens). Everything derives from the seed: the same options replay the same
// run, event for event.
//
// The commit-stall bound (crashed and slow mixes without Byzantine or Twins). Up to f
// validators that never answer (crashed) or always answer too late (slow) must not cost the
// network a round timeout on each of their turns to lead: the leader schedule
// (consensus/leader_schedule.h) skips them once the chain shows them absent. The bound:
//   - Settling: it applies once the highest round of any running honest validator is
//     kStallSettleWindows windows (2n rounds each, the shipped schedule's window) past
//     where it was at GST, so the chain read by the schedule shows only post-GST behaviour.
//   - Then, for kStallMeasureMs of simulated time, the honest commit frontier (the highest
//     height any honest validator committed) must advance at least every kStallBoundMs
//     = 1.5x the base round timeout. One round led by a validator that does not answer costs
//     a timeout for its round and one for the round before it (whose votes went to it):
//     at least 2x the base timeout (skew shortens a timer to 0.8x) without a commit, so a
//     rotation through every validator exceeds the bound, and a healthy round (a few
//     message delays of at most 40 ms after GST) stays far below it.
//   - Excused: a stall whose rounds (the round frontier when it began to when it ended)
//     touch a probation rotation of the shipped schedule, which leads every validator in
//     turn on purpose; for the round before a probation round too, since its votes go to
//     the probation leader. The probation rounds come from a LeaderSchedule with the
//     shipped config (probation_cycles as SimOptions say), not from the engine under test,
//     so an engine configured to rotate plainly (--leader-schedule round-robin: every
//     rotation is probation) is not excused by its own config.
// Byzantine leaders are out of its scope: one that keeps signing stays eligible and may
// waste its rounds on every rotation; the liveness check above covers them.
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
  // Only when named (--mix); a seed derives one of the five above, so that adding these
  // left every earlier seed's run as it was.
  kCrashed,  // 1..f validators (seeded) down from the start for good; mild loss before GST
  kSlow,     // 1..f validators (seeded) whose every message in and out is 1.5-3x the base
             // round timeout late (each way), before and after GST; mild loss before GST
};
inline constexpr int kFaultMixCount = 7;
inline constexpr int kSeedDerivedMixCount = 5;  // kCalm..kChaos
std::string_view FaultMixName(FaultMix mix);
std::optional<FaultMix> ParseFaultMix(std::string_view name);

// How the engines choose leaders: the shipped reputation schedule, or plain round-robin
// (every rotation a probation rotation), the baseline the commit-stall bound must fail.
enum class LeaderRotation : uint8_t { kReputation, kRoundRobin };
std::string_view LeaderRotationName(LeaderRotation rotation);
std::optional<LeaderRotation> ParseLeaderRotation(std::string_view name);

struct SimOptions {
  uint64_t seed = 1;
  size_t nodes = 0;             // 0: derived from the seed, 4..10
  int byzantine = -1;           // -1: derived from the seed, 0..f
  bool twins = false;           // two honest instances share one identity (the f faulty)
  std::optional<FaultMix> mix;  // nullopt: derived from the seed
  PlantedBug planted_bug = PlantedBug::kNone;
  LeaderRotation leader_rotation = LeaderRotation::kReputation;
  // LeaderScheduleConfig::probation_cycles for the engines and for the stall bound's
  // excuses alike; 0: the shipped value. Lets a short run reach probation rotations.
  uint64_t probation_cycles = 0;
  // Also flag an honest validator that votes for two blocks in one round (a rule breach that
  // may or may not go on to break agreement). Off, only agreement/integrity/validity/liveness.
  bool check_votes = true;
  uint64_t safety_phase_ms = 15'000;
  uint64_t liveness_phase_ms = 60'000;
};

inline constexpr uint64_t kLivenessBlocks = 3;
// Every engine's round_timeout_ms_base in the simulator.
inline constexpr uint64_t kRoundTimeoutMsBase = 400;
// The commit-stall bound (see the top of this file).
inline constexpr uint64_t kStallBoundMs = kRoundTimeoutMsBase * 3 / 2;
inline constexpr uint64_t kStallSettleWindows = 3;
inline constexpr uint64_t kStallMeasureMs = 10'000;

struct SimResult {
  uint64_t seed = 0;
  size_t nodes = 0;
  size_t byzantine = 0;
  bool twins = false;
  FaultMix mix = FaultMix::kCalm;
  PlantedBug planted_bug = PlantedBug::kNone;
  LeaderRotation leader_rotation = LeaderRotation::kReputation;
  uint64_t probation_cycles = 0;
  bool check_votes = true;
  size_t crashed = 0;  // validators down for good (crashed mix)
  size_t slow = 0;     // slow validators (slow mix)
  std::vector<std::string> violations;
  uint64_t min_honest_height = 0;  // committed height of the slowest honest validator
  uint64_t max_round = 0;
  uint64_t messages = 0;
  uint64_t dropped_by_engines = 0;
  uint64_t end_time_ms = 0;
  // The commit-stall bound: whether its measurement ran to the end, the longest stall it
  // measured (excused ones included) and how many stalls over the bound it excused.
  bool stall_measured = false;
  uint64_t longest_stall_ms = 0;
  uint64_t excused_stalls = 0;

  bool ok() const { return violations.empty(); }
  // `tadori-sim ...` that replays exactly this run with its event log.
  std::string ReplayCommand() const;
};

// Runs one seed. With `trace` set, writes one line per event and action to it.
SimResult RunSimulation(const SimOptions& options, std::ostream* trace = nullptr);

}  // namespace tadori::sim
