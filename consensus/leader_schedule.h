// Which validator leads a round, learned from the committed chain (leader reputation, as in
// DiemBFT v4 and Aptos): round-robin over the validators that the chain shows proposing or
// voting in a recent window of rounds, so a validator that crashed or lags stops costing
// the network a round timeout on every rotation, and comes back once a QC carries its
// signature again.
//
// The schedule for the rounds after a block A (the "anchor": the parent a proposal
// extends, or the block a vote is for) is a pure function of A and its ancestors: their
// rounds, proposers and QC signers, which are all part of the block ids (types.cc). Every
// honest node that holds A therefore computes the same leader, with no extra messages.
//
// What a Byzantine coalition of f can and cannot do with it (consensus/README.md):
//   - At least quorum weight (2f+1) stays eligible: absent validators are skipped only
//     while the rest reach a quorum, the least recently seen first. So at most f are
//     skipped at a time, and the f Byzantine hold at most f of every 2f+1 or more slots.
//   - Every `probation_cycles`-th rotation is plain round-robin over all validators, so
//     a validator kept out (by QCs that omit it, or by lagging) gets a slot to propose in
//     at least that often; one proposal of its that the chain keeps returns it.
#pragma once

#include <span>
#include <vector>

#include "consensus/types.h"

namespace tadori::consensus {

struct LeaderScheduleConfig {
  // Rounds a validator may go without proposing or signing a QC in the chain before it is
  // skipped; 0 means 2n. Short, so one crashed validator is skipped seconds after it stops.
  uint64_t window_rounds = 0;
  // One full round-robin rotation over every validator in this many; 0: never.
  uint64_t probation_cycles = 1024;
};

// What the schedule reads from one block: its round and proposer, and who signed the QC it
// carries (voters for its parent, in round qc_round).
struct ChainActivity {
  Round round = 0;
  ValidatorIndex proposer = 0;
  Round qc_round = 0;
  std::vector<ValidatorIndex> qc_signers;
  static ChainActivity Of(const Block& block);
};

// The schedule for the rounds after an anchor block.
struct Schedule {
  // A validator the schedule skips: not seen proposing or voting in the window.
  struct Absent {
    ValidatorIndex validator = 0;
    Round last_seen = 0;  // latest round it proposed or voted in, in the window before; 0: none
  };
  Round anchor_round = 0;
  Round window_first = 0;                // the window is [window_first, anchor_round]
  std::vector<ValidatorIndex> eligible;  // ascending; weight >= quorum weight
  std::vector<Absent> skipped;           // ascending by validator
};

class LeaderSchedule {
 public:
  LeaderSchedule(const ValidatorSet& validators, LeaderScheduleConfig config);

  uint64_t window_rounds() const { return window_rounds_; }
  // Blocks of committed history a node must keep (and hand the engine on restart) so that
  // the two windows the schedule reads (leader_schedule.cc) are complete for any anchor at
  // or above its committed tip.
  size_t history_blocks() const { return static_cast<size_t>(2 * window_rounds_); }

  // `chain`: the anchor's activity first, then its ancestors', newest first, at least back
  // to a block two windows below the anchor, or to genesis (round 0); older blocks are not
  // read. A chain younger than the window skips nobody.
  Schedule Compute(std::span<const ChainActivity> chain) const;
  // The leader of `round` (> schedule.anchor_round) under `schedule`.
  ValidatorIndex Leader(Round round, const Schedule& schedule) const;
  // Whether `round` belongs to a probation rotation (plain round-robin over all).
  bool InProbation(Round round) const;

 private:
  ValidatorSet validators_;
  uint64_t window_rounds_;
  uint64_t probation_cycles_;
};

}  // namespace tadori::consensus
