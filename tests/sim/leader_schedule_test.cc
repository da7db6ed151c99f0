#include "consensus/leader_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/sim/prng.h"

namespace tadori::consensus {
namespace {

// A chain of blocks, newest first, one per round from `last` down to 1, then genesis.
// `proposer(r)` and `signers(r)` say who proposed round r and who signed the QC it carries
// (for round r - 1).
template <typename Proposer, typename Signers>
std::vector<ChainActivity> Chain(Round last, Proposer proposer, Signers signers) {
  std::vector<ChainActivity> chain;
  for (Round r = last; r >= 1; --r) {
    chain.push_back(ChainActivity{r, proposer(r), r - 1, signers(r)});
  }
  chain.push_back(ChainActivity{});  // genesis
  return chain;
}

std::vector<ValidatorIndex> AllBut(size_t n, std::set<ValidatorIndex> out) {
  std::vector<ValidatorIndex> v;
  for (size_t i = 0; i < n; ++i) {
    if (!out.contains(static_cast<ValidatorIndex>(i))) v.push_back(static_cast<ValidatorIndex>(i));
  }
  return v;
}

TEST(LeaderScheduleTest, EveryoneTakesTurnsWhileEveryoneIsSeen) {
  ValidatorSet set = ValidatorSet::Equal(4);
  LeaderSchedule schedule(set, {});
  EXPECT_EQ(schedule.window_rounds(), 8u);
  auto chain = Chain(
      20, [](Round r) { return static_cast<ValidatorIndex>(r % 4); },
      [](Round) { return AllBut(4, {}); });
  Schedule s = schedule.Compute(chain);
  EXPECT_TRUE(s.skipped.empty());
  EXPECT_EQ(s.eligible.size(), 4u);
  for (Round r = 21; r < 40; ++r) EXPECT_EQ(schedule.Leader(r, s), set.Leader(r));
}

TEST(LeaderScheduleTest, AChainYoungerThanTheWindowSkipsNobody) {
  ValidatorSet set = ValidatorSet::Equal(4);
  LeaderSchedule schedule(set, {});
  // Validator 3 appears nowhere, but rounds 1..6 are all there is.
  auto chain = Chain(
      6, [](Round r) { return static_cast<ValidatorIndex>(r % 3); },
      [](Round) { return AllBut(4, {3}); });
  Schedule s = schedule.Compute(chain);
  EXPECT_TRUE(s.skipped.empty());
  EXPECT_EQ(schedule.Leader(7, s), 3u);
}

TEST(LeaderScheduleTest, SkipsAValidatorAbsentFromTheWindowAndSaysWhenItWasLastSeen) {
  ValidatorSet set = ValidatorSet::Equal(4);
  LeaderSchedule schedule(set, {});
  // Validator 2 proposed round 2 and signed QCs up to round 9, then stopped.
  auto chain = Chain(
      20, [](Round r) { return static_cast<ValidatorIndex>(r == 2 ? 2 : r % 2); },
      [](Round r) { return r - 1 <= 9 ? AllBut(4, {}) : AllBut(4, {2}); });
  Schedule s = schedule.Compute(chain);
  EXPECT_EQ(s.window_first, 13u);
  ASSERT_EQ(s.skipped.size(), 1u);
  EXPECT_EQ(s.skipped[0].validator, 2u);
  EXPECT_EQ(s.skipped[0].last_seen, 9u);
  EXPECT_EQ(s.eligible, (std::vector<ValidatorIndex>{0, 1, 3}));
  for (Round r = 21; r < 60; ++r) EXPECT_NE(schedule.Leader(r, s), 2u) << "round " << r;
}

TEST(LeaderScheduleTest, OneQcSignatureInTheWindowBringsAValidatorBack) {
  ValidatorSet set = ValidatorSet::Equal(4);
  LeaderSchedule schedule(set, {});
  auto chain = Chain(
      20, [](Round r) { return static_cast<ValidatorIndex>(r % 2); },
      [](Round r) { return r - 1 == 18 ? AllBut(4, {}) : AllBut(4, {2}); });
  Schedule s = schedule.Compute(chain);
  EXPECT_TRUE(s.skipped.empty());
  EXPECT_EQ(schedule.Leader(22, s), 2u);
}

TEST(LeaderScheduleTest, NeverSkipsMoreThanFAndKeepsTheMostRecentlySeen) {
  ValidatorSet set = ValidatorSet::Equal(4);  // f = 1
  LeaderSchedule schedule(set, {});
  // Validators 1 and 3 are both absent from the window; 3 was seen later (round 8).
  auto chain = Chain(
      20,
      [](Round r) {
        if (r == 4) return ValidatorIndex{1};
        if (r == 8) return ValidatorIndex{3};
        return static_cast<ValidatorIndex>((r % 2) * 2);  // 0 and 2
      },
      [](Round) {
        return std::vector<ValidatorIndex>{0, 2};
      });
  Schedule s = schedule.Compute(chain);
  ASSERT_EQ(s.skipped.size(), 1u);
  EXPECT_EQ(s.skipped[0].validator, 1u);
  EXPECT_EQ(s.eligible, (std::vector<ValidatorIndex>{0, 2, 3}));
}

// Nodes hold different lengths of history (a restarted node holds only what Started
// handed it); the schedule reads two windows back and nothing older, so they agree.
TEST(LeaderScheduleTest, HistoryOlderThanTwoWindowsChangesNothing) {
  ValidatorSet set = ValidatorSet::Equal(7);  // f = 2; window 14, two windows 28
  LeaderSchedule schedule(set, {});
  ASSERT_EQ(schedule.history_blocks(), 28u);
  // Validators 5 and 6 stop at rounds 30 and 10; 4 is absent from round 45 on but was seen
  // at 40. Anchor 60: window 47..60, memory 33..60.
  auto chain = Chain(
      60, [](Round r) { return static_cast<ValidatorIndex>(r % 4); },
      [](Round r) {
        std::vector<ValidatorIndex> signers = {0, 1, 2, 3};
        if (r - 1 <= 40) signers.push_back(4);
        if (r - 1 <= 30) signers.push_back(5);
        if (r - 1 <= 10) signers.push_back(6);
        return signers;
      });
  Schedule full = schedule.Compute(chain);
  std::vector<ChainActivity> recent(chain.begin(), chain.begin() + 28);  // rounds 60..33
  Schedule short_history = schedule.Compute(recent);
  EXPECT_EQ(full.eligible, short_history.eligible);
  ASSERT_EQ(full.skipped.size(), 2u);
  ASSERT_EQ(short_history.skipped.size(), 2u);
  EXPECT_EQ(full.skipped[0].validator, 5u);
  EXPECT_EQ(full.skipped[1].validator, 6u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(full.skipped[i].last_seen, short_history.skipped[i].last_seen);
    EXPECT_EQ(full.skipped[i].last_seen, 0u) << "seen only before the two windows";
  }
  EXPECT_EQ(full.eligible, (std::vector<ValidatorIndex>{0, 1, 2, 3, 4}));
}

TEST(LeaderScheduleTest, ProbationRotationsGiveEveryValidatorAGo) {
  ValidatorSet set = ValidatorSet::Equal(4);
  LeaderSchedule schedule(set, LeaderScheduleConfig{0, 4});  // every 4th rotation
  auto chain = Chain(
      20, [](Round r) { return static_cast<ValidatorIndex>(r % 3); },
      [](Round) { return AllBut(4, {3}); });
  Schedule s = schedule.Compute(chain);
  ASSERT_EQ(s.skipped.size(), 1u);
  // Rotation k covers rounds 4k .. 4k+3; rotations 3, 7, 11, ... are probation.
  EXPECT_FALSE(schedule.InProbation(27));
  EXPECT_TRUE(schedule.InProbation(28));
  EXPECT_TRUE(schedule.InProbation(31));
  EXPECT_FALSE(schedule.InProbation(32));
  EXPECT_EQ(schedule.Leader(31, s), 3u);
  std::set<ValidatorIndex> led;
  for (Round r = 21; r < 37; ++r) led.insert(schedule.Leader(r, s));
  EXPECT_TRUE(led.contains(3));
  EXPECT_EQ(LeaderSchedule(set, LeaderScheduleConfig{0, 0}).InProbation(31), false);
}

// Whatever the chain says (any absences, any signer sets), a coalition of f validators
// cannot hold every slot: at least quorum weight stays eligible, so in every stretch of
// as many rounds as there are eligible validators, at least f + 1 are led by others.
TEST(LeaderScheduleTest, FValidatorsNeverTakeEveryLeaderSlot) {
  sim::Prng prng(1717);
  for (size_t n : {4u, 5u, 7u, 10u}) {
    ValidatorSet set = ValidatorSet::Equal(n);
    LeaderSchedule schedule(set, {});
    const size_t f = (n - 1) / 3;
    for (int trial = 0; trial < 200; ++trial) {
      std::vector<ChainActivity> chain;
      Round r = 40 + prng.Below(40);
      while (r > 0) {
        ChainActivity a;
        a.round = r;
        a.proposer = static_cast<ValidatorIndex>(prng.Below(n));
        a.qc_round = r - 1;
        for (size_t v = 0; v < n; ++v) {
          if (prng.Below(3) == 0) a.qc_signers.push_back(static_cast<ValidatorIndex>(v));
        }
        chain.push_back(a);
        r -= std::min<Round>(r, 1 + prng.Below(3));
      }
      chain.push_back(ChainActivity{});
      Schedule s = schedule.Compute(chain);
      ASSERT_LE(s.skipped.size(), f);
      ASSERT_GE(s.eligible.size(), n - f);
      // The coalition: any f validators; take the f eligible ones with the lowest index.
      std::set<ValidatorIndex> coalition(s.eligible.begin(), s.eligible.begin() + f);
      size_t others = 0;
      const Round first = chain.front().round + 1;
      for (Round k = first; k < first + s.eligible.size(); ++k) {
        if (schedule.InProbation(k)) continue;
        if (!coalition.contains(schedule.Leader(k, s))) ++others;
      }
      EXPECT_GE(others + f, s.eligible.size());
    }
  }
}

}  // namespace
}  // namespace tadori::consensus
