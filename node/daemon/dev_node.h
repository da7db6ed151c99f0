// `tadorid --dev`: a single-validator chain in a data directory. On the first start it creates
// the dev genesis and keys (dev_identity.h); it commits submitted transactions in blocks
// (validator/solo_validator.h) and serves the client API until SIGINT/SIGTERM. Restarting on
// the same directory continues at the same height.
#pragma once

#include <signal.h>

#include <cstddef>
#include <string>

namespace tadori {

struct DevNodeOptions {
  std::string data_dir = "./tadori-data";
  std::string listen = "127.0.0.1:7050";
  int block_interval_ms = 100;
  size_t block_tx_max = 2000;
};

// Runs until a stop signal (kExitOk) or a failure (kExitError); see run_until.h.
int RunDevNode(const DevNodeOptions& options, const sigset_t& signals);

}  // namespace tadori
