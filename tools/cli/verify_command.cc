// tadori verify --data-dir DIR: re-verifies a stopped node's stored chain offline, and
// rebuilds its chaincode state and query indexes from the blocks to compare them.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "tools/cli/commands.h"
#include "tools/cli/data_dir_check.h"

namespace tadori::cli {

namespace {

struct VerifyOptions {
  std::string data_dir = "./tadori-data";
  std::string scratch_dir;
  bool json = false;
  bool quiet = false;
  bool blocks_only = false;
};

double PerSecond(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

// A progress line on stderr at most about once a second, so a long run shows it is alive
// without flooding a log; nothing for runs shorter than that.
class ProgressLine {
 public:
  void operator()(const VerifyProgress& p) {
    const Clock::time_point now = Clock::now();
    if (!phase_ || p.phase != *phase_) {
      phase_ = p.phase;
      phase_start_ = now;
    }
    if (now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - phase_start_).count();
    if (p.phase != VerifyProgress::Phase::kComparing) {
      const bool checking = p.phase == VerifyProgress::Phase::kCheckingBlocks;
      std::fputs(fmt::format("verify: {} {}/{} blocks, {} txs ({:.0f} tx/s)\n",
                             checking ? "checked" : "re-executed", p.blocks_done, p.blocks_total,
                             p.txs_done, PerSecond(p.txs_done, seconds))
                     .c_str(),
                 stderr);
    } else {
      std::fputs(fmt::format("verify: compared {} state keys, {} index entries\n", p.state_keys,
                             p.index_entries)
                     .c_str(),
                 stderr);
    }
    std::fflush(stderr);
  }

 private:
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = start_;
  Clock::time_point phase_start_ = start_;
  std::optional<VerifyProgress::Phase> phase_;  // none before the first call
};

int RunVerify(const VerifyOptions& opt) {
  DataDirCheckOptions check_options;
  check_options.rebuild = !opt.blocks_only;
  check_options.scratch_parent = opt.scratch_dir;
  if (!opt.quiet) check_options.progress = ProgressLine();
  Result<DataDirCheck> check = CheckDataDir(opt.data_dir, check_options);
  if (!check.ok()) return ReportFailure("verifying " + opt.data_dir, check.status());
  const double blocks_per_s = PerSecond(check->blocks_replayed, check->replay_seconds);
  const double txs_per_s = PerSecond(check->txs_replayed, check->replay_seconds);
  if (opt.json) {
    nlohmann::json out = {{"chainId", check->chain_id},
                          {"genesisHash", check->genesis_hash.Hex()},
                          {"height", check->height},
                          {"headHash", check->head_hash.Hex()},
                          {"blocksChecked", check->report.blocks_checked},
                          {"txsChecked", check->report.txs_checked},
                          {"checkSeconds", check->check_seconds},
                          {"stateRebuilt", check->rebuilt}};
    if (check->rebuilt) {
      out["blocksReplayed"] = check->blocks_replayed;
      out["txsReplayed"] = check->txs_replayed;
      out["stateKeysCompared"] = check->state_keys;
      out["indexEntriesCompared"] = check->index_entries;
      out["replaySeconds"] = check->replay_seconds;
      out["compareSeconds"] = check->compare_seconds;
      out["blocksPerSecond"] = blocks_per_s;
      out["txsPerSecond"] = txs_per_s;
    }
    PrintLine(out.dump());
  } else {
    PrintLine(fmt::format(
        "verified chain {} (genesis {}): {} blocks, {} transactions, head {} "
        "at height {} ({:.1f} s)",
        check->chain_id, check->genesis_hash.ShortHex(), check->report.blocks_checked,
        check->report.txs_checked, check->head_hash.Hex(), check->height, check->check_seconds));
    if (check->rebuilt) {
      PrintLine(fmt::format(
          "rebuilt state and indexes from the blocks: {} blocks, {} transactions re-executed in "
          "{:.1f} s ({:.1f} blocks/s, {:.0f} tx/s), every result as stored; {} state keys and {} "
          "index entries compared in {:.1f} s, all equal",
          check->blocks_replayed, check->txs_replayed, check->replay_seconds, blocks_per_s,
          txs_per_s, check->state_keys, check->index_entries, check->compare_seconds));
    }
  }
  return kExitOk;
}

}  // namespace

void AddVerifyCommand(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "re-verify every block of a stopped node's data directory offline, then rebuild its "
      "chaincode state and query indexes from the blocks and compare");
  cmd->add_option("--data-dir", opt->data_dir, "the node's data directory")->capture_default_str();
  cmd->add_flag("--blocks-only", opt->blocks_only,
                "check the blocks only: no re-execution, no state or index comparison");
  cmd->add_option("--scratch-dir", opt->scratch_dir,
                  "where the rebuilt state goes for the run (a fresh folder made in it, removed "
                  "afterwards; default: $TMPDIR or /tmp); needs about the data directory's size");
  cmd->add_flag("--quiet", opt->quiet, "no progress lines on stderr");
  cmd->add_flag("--json", opt->json, "print the result as JSON");
  cmd->callback([opt, &ctx] { ctx.exit_code = RunVerify(*opt); });
}

}  // namespace tadori::cli
