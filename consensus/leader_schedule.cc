#include "consensus/leader_schedule.h"

#include <algorithm>

#include "ledger/check.h"

namespace tadori::consensus {

ChainActivity ChainActivity::Of(const Block& block) {
  ChainActivity a;
  a.round = block.round;
  a.proposer = block.proposer;
  a.qc_round = block.qc.round;
  a.qc_signers.reserve(block.qc.signatures.size());
  for (const QuorumCert::Signature& s : block.qc.signatures) a.qc_signers.push_back(s.signer);
  return a;
}

LeaderSchedule::LeaderSchedule(const ValidatorSet& validators, LeaderScheduleConfig config)
    : validators_(validators),
      window_rounds_(config.window_rounds != 0 ? config.window_rounds : 2 * validators.size()),
      probation_cycles_(config.probation_cycles) {
  // A window shorter than one rotation would skip validators that simply had no turn yet.
  TADORI_CHECK(window_rounds_ >= validators_.size());
}

Schedule LeaderSchedule::Compute(std::span<const ChainActivity> chain) const {
  TADORI_CHECK(!chain.empty());
  const size_t n = validators_.size();
  Schedule s;
  s.anchor_round = chain.front().round;
  if (s.anchor_round + 1 < window_rounds_) {
    // The window would reach back before genesis: too little history to call anyone absent.
    for (size_t v = 0; v < n; ++v) s.eligible.push_back(static_cast<ValidatorIndex>(v));
    return s;
  }
  s.window_first = s.anchor_round + 1 - window_rounds_;
  // Latest round each validator was seen in, looking back two windows: the window decides
  // who is absent, the window before it ranks the absent (and lets a skipped validator say
  // when it was last seen). Nothing older is read, however much of the chain a node holds,
  // so nodes that committed different heights still agree.
  const Round memory_first = s.anchor_round + 1 - std::min(s.anchor_round + 1, 2 * window_rounds_);
  std::vector<Round> last_seen(n, 0);
  auto seen = [&](ValidatorIndex v, Round round) {
    if (v < n && round >= memory_first) last_seen[v] = std::max(last_seen[v], round);
  };
  Round previous = s.anchor_round + 1;
  for (const ChainActivity& a : chain) {
    TADORI_CHECK(a.round < previous);  // newest first, one block per round at most
    previous = a.round;
    if (a.round == 0 || a.round < memory_first) break;  // genesis: nobody proposed it
    seen(a.proposer, a.round);
    for (ValidatorIndex v : a.qc_signers) seen(v, a.qc_round);
  }
  std::vector<ValidatorIndex> absent;
  Weight present_weight = 0;
  for (size_t v = 0; v < n; ++v) {
    const auto index = static_cast<ValidatorIndex>(v);
    if (last_seen[v] >= s.window_first) {
      present_weight += validators_.weight(index);
    } else {
      absent.push_back(index);
    }
  }
  // Keep at least a quorum eligible: readmit the most recently seen absentees first (ties:
  // lower index), so no more than f validators are ever skipped.
  std::stable_sort(absent.begin(), absent.end(),
                   [&](ValidatorIndex a, ValidatorIndex b) { return last_seen[a] > last_seen[b]; });
  std::vector<bool> eligible(n, false);
  for (size_t v = 0; v < n; ++v) eligible[v] = last_seen[v] >= s.window_first;
  for (ValidatorIndex v : absent) {
    if (present_weight >= validators_.quorum_weight()) {
      s.skipped.push_back({v, last_seen[v]});
    } else {
      eligible[v] = true;
      present_weight += validators_.weight(v);
    }
  }
  for (size_t v = 0; v < n; ++v) {
    if (eligible[v]) s.eligible.push_back(static_cast<ValidatorIndex>(v));
  }
  std::sort(s.skipped.begin(), s.skipped.end(),
            [](const Schedule::Absent& a, const Schedule::Absent& b) {
              return a.validator < b.validator;
            });
  TADORI_CHECK(present_weight >= validators_.quorum_weight());
  return s;
}

bool LeaderSchedule::InProbation(Round round) const {
  if (probation_cycles_ == 0) return false;
  const uint64_t n = validators_.size();
  return (round / n) % probation_cycles_ == probation_cycles_ - 1;
}

ValidatorIndex LeaderSchedule::Leader(Round round, const Schedule& schedule) const {
  TADORI_CHECK(!schedule.eligible.empty());
  if (schedule.skipped.empty() || InProbation(round)) return validators_.Leader(round);
  return schedule.eligible[round % schedule.eligible.size()];
}

}  // namespace tadori::consensus
