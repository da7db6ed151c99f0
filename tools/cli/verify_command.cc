// tadori verify --data-dir DIR: re-verifies a stopped node's stored chain offline.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tools/cli/commands.h"
#include "tools/cli/data_dir_check.h"

namespace tadori::cli {

namespace {

struct VerifyOptions {
  std::string data_dir = "./tadori-data";
  bool json = false;
};

int RunVerify(const VerifyOptions& opt) {
  Result<DataDirCheck> check = CheckDataDir(opt.data_dir);
  if (!check.ok()) return ReportFailure("verifying " + opt.data_dir, check.status());
  if (opt.json) {
    nlohmann::json out = {{"chainId", check->chain_id},
                          {"genesisHash", check->genesis_hash.Hex()},
                          {"height", check->height},
                          {"headHash", check->head_hash.Hex()},
                          {"blocksChecked", check->report.blocks_checked},
                          {"txsChecked", check->report.txs_checked}};
    PrintLine(out.dump());
  } else {
    PrintLine(
        fmt::format("verified chain {} (genesis {}): {} blocks, {} transactions, head {} "
                    "at height {}",
                    check->chain_id, check->genesis_hash.ShortHex(), check->report.blocks_checked,
                    check->report.txs_checked, check->head_hash.Hex(), check->height));
  }
  return kExitOk;
}

}  // namespace

void AddVerifyCommand(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "re-verify every block of a stopped node's data directory, offline");
  cmd->add_option("--data-dir", opt->data_dir, "the node's data directory")->capture_default_str();
  cmd->add_flag("--json", opt->json, "print the result as JSON");
  cmd->callback([opt, &ctx] { ctx.exit_code = RunVerify(*opt); });
}

}  // namespace tadori::cli
