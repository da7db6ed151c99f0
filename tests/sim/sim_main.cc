// tadori-sim: runs the consensus simulator over a range of seeds, or replays one; with
// --whole, the whole-validator simulator (tests/sim/node_sim.h) instead.
//
//   tadori-sim [--whole] --seeds N --first-seed S [--nodes n] [--byzantine f] [--mix m]
//   tadori-sim [--whole] --seed S --trace [same options as printed in a failure's replay line]
// Ends with one summary line containing "seeds: N" and "violations: K"; exits 1 when K > 0.
// For the crashed and slow mixes the summary also gives the longest commit stall measured
// under the stall bound (tests/sim/simulator.h) over all seeds.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "tests/sim/node_sim.h"
#include "tests/sim/simulator.h"

int main(int argc, char** argv) {
  using tadori::sim::SimOptions;
  CLI::App app{"tadori consensus simulator"};
  uint64_t seeds = 100;
  uint64_t first_seed = 1;
  std::optional<uint64_t> single_seed;
  bool trace = false;
  int nodes = 0;
  int byzantine = -1;
  bool twins = false;
  std::string mix_name;
  std::string bug_name = "none";
  std::string rotation_name = "reputation";
  uint64_t probation_cycles = 0;
  uint64_t safety_ms = SimOptions{}.safety_phase_ms;
  uint64_t liveness_ms = SimOptions{}.liveness_phase_ms;
  app.add_option("--seeds", seeds, "number of seeds to run")->check(CLI::Range(1, 100'000'000));
  app.add_option("--first-seed", first_seed, "first seed of the range");
  app.add_option("--seed", single_seed, "run (replay) exactly this seed");
  app.add_flag("--trace", trace, "print the event log (with --seed)");
  app.add_option("--nodes", nodes, "validators, 4..10 (default: from the seed)")
      ->check(CLI::Range(4, 64));
  app.add_option("--byzantine", byzantine, "Byzantine validators, capped at f (default: seed)")
      ->check(CLI::Range(0, 21));
  app.add_flag("--twins", twins, "one identity runs as two honest instances (the f faulty)");
  app.add_option("--mix", mix_name,
                 "calm|lossy|partitions|crashes|chaos (default: seed), or crashed|slow");
  app.add_option("--planted-bug", bug_name,
                 "none|vote-twice|commit-one-chain|sync-by-parent-link|unchecked-result-claim|"
                 "leader-from-tip|single-attestation");
  app.add_option("--leader-schedule", rotation_name,
                 "reputation (shipped) | round-robin (every rotation probation: the baseline "
                 "the stall bound must catch)");
  app.add_option("--probation-cycles", probation_cycles,
                 "one probation rotation in this many, for the engines and the stall bound "
                 "(default: the shipped value)");
  app.add_option("--safety-ms", safety_ms, "simulated length of the fault phase");
  app.add_option("--liveness-ms", liveness_ms, "bound on commits after GST");
  bool whole = false;
  app.add_flag("--whole", whole, "whole validators (store, chaincode, sync) instead of engines");
  bool byzantine_attester = false;
  app.add_flag("--byzantine-attester", byzantine_attester,
               "with --whole: every Byzantine validator also attacks batch attestations");
  bool no_attestations = false;
  app.add_flag("--no-attestations", no_attestations,
               "with --whole: honest relays send no batch attestations (every validator verifies "
               "every transaction, as before them), to compare the verify budget");
  bool no_vote_check = false;
  app.add_flag("--no-vote-check", no_vote_check,
               "do not flag honest double votes; only agreement, integrity, validity, liveness");
  CLI11_PARSE(app, argc, argv);

  SimOptions base;
  base.nodes = static_cast<size_t>(nodes);
  base.byzantine = byzantine;
  base.twins = twins;
  base.check_votes = !no_vote_check;
  base.safety_phase_ms = safety_ms;
  base.liveness_phase_ms = liveness_ms;
  if (!mix_name.empty()) {
    base.mix = tadori::sim::ParseFaultMix(mix_name);
    if (!base.mix) {
      std::cerr << "unknown --mix " << mix_name << "\n";
      return 2;
    }
    if (whole && (*base.mix == tadori::sim::FaultMix::kCrashed ||
                  *base.mix == tadori::sim::FaultMix::kSlow)) {
      std::cerr << "--mix " << mix_name << " is the engine simulator's only (not --whole)\n";
      return 2;
    }
  }
  auto rotation = tadori::sim::ParseLeaderRotation(rotation_name);
  if (!rotation ||
      (whole && (*rotation != tadori::sim::LeaderRotation::kReputation || probation_cycles != 0))) {
    std::cerr << "bad --leader-schedule " << rotation_name
              << " (--leader-schedule and --probation-cycles are not for --whole)\n";
    return 2;
  }
  base.leader_rotation = *rotation;
  base.probation_cycles = probation_cycles;
  auto bug = tadori::sim::ParsePlantedBug(bug_name);
  if (!bug) {
    std::cerr << "unknown --planted-bug " << bug_name << "\n";
    return 2;
  }
  base.planted_bug = *bug;
  if (single_seed) {
    first_seed = *single_seed;
    seeds = 1;
  }

  auto started = std::chrono::steady_clock::now();
  uint64_t violations = 0;
  uint64_t commits = 0;
  uint64_t stall_measured = 0;
  uint64_t longest_stall_ms = 0;
  // Whole-validator batch attestation totals (honest nodes).
  uint64_t bad_offered = 0, bad_refused = 0, vouched = 0, fallback = 0, att_refused = 0,
           sigs_checked = 0, verifies = 0, committed_txs = 0;
  std::ostream* trace_to = trace && single_seed ? &std::cout : nullptr;
  // Counts one seed's result, printing a failure's replay line (or, for one seed, `detail`).
  auto tally = [&](uint64_t s, const auto& r, const std::string& detail) {
    commits += r.min_honest_height;
    if (!r.ok()) {
      ++violations;
      std::cout << "FAIL seed " << s << ": " << r.violations.front()
                << "\n  replay: " << r.ReplayCommand() << "\n";
    } else if (single_seed) {
      std::cout << "seed " << s << " ok: nodes " << r.nodes << " byzantine " << r.byzantine
                << " mix " << tadori::sim::FaultMixName(r.mix) << " height " << r.min_honest_height
                << detail << " end " << r.end_time_ms << "ms\n";
    }
  };
  for (uint64_t s = first_seed; s < first_seed + seeds; ++s) {
    if (whole) {
      tadori::sim::NodeSimOptions options;
      options.seed = s;
      options.nodes = base.nodes;
      options.byzantine = base.byzantine;
      options.mix = base.mix;
      options.planted_bug = base.planted_bug;
      options.byzantine_attester = byzantine_attester;
      options.no_attestations = no_attestations;
      if (app.count("--safety-ms") != 0) options.safety_phase_ms = safety_ms;
      if (app.count("--liveness-ms") != 0) options.liveness_phase_ms = liveness_ms;
      const auto r = tadori::sim::RunNodeSimulation(options, trace_to);
      bad_offered += r.bad_signature_offered;
      bad_refused += r.bad_signature_refusals;
      vouched += r.batches_vouched;
      fallback += r.batches_fallback_verified;
      att_refused += r.attestations_refused;
      sigs_checked += r.committed_signatures_checked;
      verifies +=
          r.submit_signature_verifies + r.relay_signature_verifies + r.proposal_signature_verifies;
      committed_txs += r.committed_txs;
      tally(s, r,
            " acknowledged txs " + std::to_string(r.acknowledged_txs) + " crashes " +
                std::to_string(r.crashes) + " wipes " + std::to_string(r.wipes) +
                (r.one_stayed_down ? " one down for good" : "") + " messages " +
                std::to_string(r.messages) + " bad-signature txs offered " +
                std::to_string(r.bad_signature_offered) + " refused " +
                std::to_string(r.bad_signature_refusals) + " batches vouched " +
                std::to_string(r.batches_vouched) + " fallback-verified " +
                std::to_string(r.batches_fallback_verified));
    } else {
      SimOptions options = base;
      options.seed = s;
      const auto r = tadori::sim::RunSimulation(options, trace_to);
      if (r.stall_measured) {
        ++stall_measured;
        longest_stall_ms = std::max(longest_stall_ms, r.longest_stall_ms);
      }
      std::string faults;
      if (r.crashed != 0) faults += " crashed " + std::to_string(r.crashed);
      if (r.slow != 0) faults += " slow " + std::to_string(r.slow);
      if (r.stall_measured) {
        faults += " longest stall " + std::to_string(r.longest_stall_ms) + "ms (excused " +
                  std::to_string(r.excused_stalls) + ")";
      }
      tally(s, r,
            faults + " max round " + std::to_string(r.max_round) + " messages " +
                std::to_string(r.messages) + " engine drops " +
                std::to_string(r.dropped_by_engines));
    }
  }
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string stalls;
  if (stall_measured != 0) {
    stalls = " stall-measured: " + std::to_string(stall_measured) +
             " longest-stall: " + std::to_string(longest_stall_ms) + "ms";
  }
  if (whole) {
    stalls += " bad-signature-txs-offered: " + std::to_string(bad_offered) +
              " honest-refusals: " + std::to_string(bad_refused) +
              " batches-vouched: " + std::to_string(vouched) +
              " fallback-verified: " + std::to_string(fallback) +
              " attestations-refused: " + std::to_string(att_refused) +
              " committed-signatures-checked: " + std::to_string(sigs_checked) +
              " signature-verifies: " + std::to_string(verifies) +
              " committed-txs: " + std::to_string(committed_txs);
    if (committed_txs != 0) {
      char per_tx[32];
      std::snprintf(per_tx, sizeof per_tx, "%.2f",
                    static_cast<double>(verifies) / static_cast<double>(committed_txs));
      stalls += " verifies-per-committed-tx: " + std::string(per_tx);
    }
  }
  std::printf(
      "tadori-sim%s summary: seeds: %llu violations: %llu first-seed: %llu "
      "honest-commits: %llu wall: %.1fs%s\n",
      whole ? " --whole" : "", static_cast<unsigned long long>(seeds),
      static_cast<unsigned long long>(violations), static_cast<unsigned long long>(first_seed),
      static_cast<unsigned long long>(commits), wall_s, stalls.c_str());
  return violations > 0 ? 1 : 0;
}
