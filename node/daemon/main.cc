// tadorid: the tadori node daemon. Wiring only: flags, signals, and one of
//   tadorid --dev [--data-dir DIR] [--listen HOST:PORT]   a single-validator chain (dev_node.h)
//   tadorid --config FILE.toml                            a BFT validator (validator_node.h),
//                                                         or an observer when the file says
//                                                         role = "observer" (observer_node.h)
//   tadorid --check-config FILE.toml                      check it, start nothing (config_check.h)
// Exit codes are in run_until.h.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "node/config/node_config.h"
#include "node/daemon/client_api.h"
#include "node/daemon/config_check.h"
#include "node/daemon/dev_node.h"
#include "node/daemon/observer_node.h"
#include "node/daemon/run_until.h"
#include "node/daemon/validator_node.h"

int main(int argc, char** argv) {
  using namespace tadori;
  DevNodeOptions dev;
  bool dev_mode = false;
  std::string config;
  std::string check_config;
  std::string log_level = "info";
  CLI::App app{"tadorid: the tadori ledger node"};
  app.add_flag("--dev", dev_mode, "run a single-validator development chain");
  app.add_option("--config", config,
                 "run a validator or, with role = \"observer\", an observer of a BFT network "
                 "(TOML file)");
  app.add_option("--check-config", check_config,
                 "check a validator's TOML file and the files it names, then exit: 0 when it "
                 "would start, 2 listing each problem (opens no database, binds no port)");
  app.add_option("--data-dir", dev.data_dir, "data directory (--dev)")->capture_default_str();
  app.add_option("--listen", dev.listen, "client API address HOST:PORT (--dev)")
      ->capture_default_str();
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str();
  app.add_option("--block-interval-ms", dev.block_interval_ms, "time between blocks (--dev)")
      ->check(CLI::Range(1, 60'000))
      ->capture_default_str();
  app.add_option("--block-tx-max", dev.block_tx_max, "transactions per block at most (--dev)")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 has its own exit codes (105, 109, ...); a service manager is told "bad command
    // line" by the daemon's one code for it, so it does not restart into the same mistake.
    return app.exit(e) == 0 ? kExitOk : kExitConfig;
  }

  spdlog::set_level(spdlog::level::from_str(log_level));
  SendProtobufLogsToDebug();
  if (!check_config.empty()) {
    if (dev_mode || !config.empty()) {
      std::fprintf(stderr, "tadorid: --check-config runs alone, without --dev or --config\n");
      return kExitConfig;
    }
    Result<NodeConfig> peek = LoadNodeConfig(check_config);
    if (peek.ok() && peek->role == NodeRole::kObserver) return RunObserverConfigCheck(check_config);
    return RunConfigCheck(check_config);
  }
  if (dev_mode == !config.empty()) {
    std::fprintf(stderr, "tadorid: give exactly one of --dev or --config FILE.toml\n");
    return kExitConfig;
  }
  const sigset_t signals = BlockStopSignals();
  if (dev_mode) return RunDevNode(dev, signals);
  // The role picks the daemon; a file that does not parse is reported by the validator's
  // start, as before.
  Result<NodeConfig> peek = LoadNodeConfig(config);
  if (peek.ok() && peek->role == NodeRole::kObserver) return RunObserverNode(config, signals);
  return RunValidatorNode(config, signals);
}
