// `tadorid --config FILE.toml`: one validator of a BFT network (config/node_config.h has
// the file's layout). It checks the config (validator_setup.h), opens the store, links to the
// other validators over mutual TLS (net/peer_network.h), drives the consensus engine through
// BftValidator, and serves the client API (health NOT_SERVING while catching up) and
// Prometheus metrics until SIGINT/SIGTERM. Exit codes are in run_until.h: 2 for a config
// error, 3 when the validator halts (its execution diverged from the chain, or the disk).
#pragma once

#include <signal.h>

#include <string>

namespace tadori {

int RunValidatorNode(const std::string& config_path, const sigset_t& signals);

}  // namespace tadori
