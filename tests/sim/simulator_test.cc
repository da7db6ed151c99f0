#include "tests/sim/simulator.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace tadori::sim {
namespace {

// The planted-bug check: an engine that votes twice in a round must be caught within the CI
// seed budget. This is what shows the simulator can fail at all.
TEST(Simulator, FindsPlantedVoteTwiceBug) {
  constexpr uint64_t kSeedBudget = 200;
  uint64_t found_at = 0;
  for (uint64_t seed = 1; seed <= kSeedBudget && found_at == 0; ++seed) {
    SimOptions o;
    o.seed = seed;
    o.planted_bug = PlantedBug::kVoteTwiceInRound;
    if (!RunSimulation(o).ok()) found_at = seed;
  }
  EXPECT_NE(found_at, 0u) << "no violation in " << kSeedBudget << " seeds";
  std::cout << "planted vote-twice bug found at seed " << found_at << "\n";
}

// A deeper bug, committing on a single QC instead of the 2-chain rule, must be caught by the
// agreement check alone (the double-vote check is off): two honest validators commit
// different blocks at one height once a partition hides a QC from most of them.
TEST(Simulator, FindsPlantedOneChainCommitBugByAgreement) {
  constexpr uint64_t kSeedBudget = 300;
  uint64_t found_at = 0;
  std::string what;
  for (uint64_t seed = 1; seed <= kSeedBudget && found_at == 0; ++seed) {
    SimOptions o;
    o.seed = seed;
    o.mix = FaultMix::kPartitions;
    o.check_votes = false;
    o.planted_bug = PlantedBug::kCommitOnOneChain;
    SimResult r = RunSimulation(o);
    if (!r.ok()) {
      found_at = seed;
      what = r.violations.front();
    }
  }
  ASSERT_NE(found_at, 0u) << "no violation in " << kSeedBudget << " seeds";
  EXPECT_NE(what.find("agreement"), std::string::npos) << what;
  std::cout << "planted one-chain-commit bug found at seed " << found_at << ": " << what << "\n";
}

// The same seeds without the bug are clean: the violation above is the bug's, not noise.
TEST(Simulator, SameSeedsWithoutBugAreClean) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SimOptions o;
    o.seed = seed;
    SimResult r = RunSimulation(o);
    EXPECT_TRUE(r.ok()) << r.ReplayCommand() << ": " << r.violations.front();
  }
}

TEST(Simulator, ReplayIsExact) {
  SimOptions o;
  o.seed = 12345;
  o.mix = FaultMix::kChaos;
  o.byzantine = 2;
  std::ostringstream first, second;
  SimResult a = RunSimulation(o, &first);
  SimResult b = RunSimulation(o, &second);
  EXPECT_EQ(a.messages, b.messages);
  EXPECT_EQ(a.end_time_ms, b.end_time_ms);
  EXPECT_EQ(a.min_honest_height, b.min_honest_height);
  EXPECT_EQ(first.str(), second.str());
  EXPECT_GT(first.str().size(), 1000u);
}

// The replay line spells out what the seed derived; running with it must be the same run.
TEST(Simulator, SpelledOutOptionsReplayTheDerivedRun) {
  for (uint64_t seed : {3u, 29u, 4242u}) {
    SimOptions derived;
    derived.seed = seed;
    derived.planted_bug = PlantedBug::kCommitOnOneChain;
    derived.check_votes = false;
    SimResult a = RunSimulation(derived);
    SimOptions spelled = derived;
    spelled.nodes = a.nodes;
    spelled.byzantine = static_cast<int>(a.byzantine);
    spelled.mix = a.mix;
    SimResult b = RunSimulation(spelled);
    EXPECT_EQ(a.messages, b.messages) << seed;
    EXPECT_EQ(a.end_time_ms, b.end_time_ms) << seed;
    EXPECT_EQ(a.violations, b.violations) << seed;
  }
}

TEST(Simulator, DifferentSeedsDiffer) {
  SimOptions o;
  o.mix = FaultMix::kLossy;
  o.seed = 1;
  SimResult a = RunSimulation(o);
  o.seed = 2;
  SimResult b = RunSimulation(o);
  EXPECT_NE(std::make_pair(a.messages, a.end_time_ms), std::make_pair(b.messages, b.end_time_ms));
}

TEST(Simulator, ReplayCommandNamesEveryOption) {
  SimOptions o;
  o.seed = 77;
  o.twins = true;
  o.mix = FaultMix::kPartitions;
  o.nodes = 7;
  SimResult r = RunSimulation(o);
  EXPECT_EQ(r.ReplayCommand(),
            "tadori-sim --seed 77 --nodes 7 --byzantine 0 --mix partitions --twins --trace");
}

}  // namespace
}  // namespace tadori::sim
