// `tadorid --check-config FILE.toml`: everything `tadorid --config` checks before it starts,
// and a few things it would only find out later, without opening the data directory's
// database (a running node holds its lock) or binding a port. For an operator to run after
// editing a config or copying keys, and for a service manager before a restart.
//
// Checked, with every problem found reported (not only the first):
//   the TOML file parses, with known keys, types and ranges, and HOST:PORT listen addresses
//     (node/config/node_config.h); nothing else is checked when it does not;
//   every file the config names can be read: genesis, consensus key, peer and client TLS
//     certificate and key;
//   when they all can: PrepareValidator (validator_setup.h): the genesis is valid, names
//     validator_id, and its consensus key is the one in the file; the peer certificate is
//     this validator's, issued by its organisation's CA; [peers] names only validators;
//   each TLS private key parses and is the key of its certificate (gRPC would say so only at
//     the first handshake, as an opaque failure);
//   the peer, client and metrics addresses are not one and the same;
//   the data directory is a directory (or can be created) that this user may write.
// Not checked: whether the data directory belongs to this genesis (that needs the database),
// whether the ports are free, and whether the other validators are reachable.
#pragma once

#include <string>
#include <vector>

#include "ledger/status.h"

namespace tadori {

struct ConfigCheck {
  // Empty when the config would start; else each problem, naming the file or key at fault:
  // NOT_FOUND for a file that cannot be read, INVALID_ARGUMENT for the rest.
  std::vector<Status> problems;
  // For a good config, one line: validator, organisation, chain, genesis hash, addresses,
  // data directory.
  std::string summary;

  bool ok() const { return problems.empty(); }
};

ConfigCheck CheckNodeConfigFile(const std::string& config_path);

// `tadorid --check-config`: prints the summary on stdout and returns kExitOk (run_until.h), or
// prints each problem on stderr and returns kExitConfig.
int RunConfigCheck(const std::string& config_path);

}  // namespace tadori
