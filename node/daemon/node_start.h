// What the validator and observer daemons do alike before they serve: report a config
// mistake, open the data directory's store, start the metrics endpoint. One place, so the
// two roles exit with the same codes and messages for the same problems.
#pragma once

#include <memory>
#include <string>

#include "ledger/genesis.h"
#include "ledger/status.h"
#include "ledger/store/store.h"
#include "node/config/node_config.h"
#include "node/daemon/metrics.h"

namespace tadori {

// Prints `s` as tadorid's error and returns kExitConfig.
int ConfigError(const Status& s);

// Opens the data directory's store and binds it to the genesis (INVALID_ARGUMENT when it
// holds another chain).
Result<std::unique_ptr<Store>> OpenNodeStore(const NodeConfig& config, const GenesisInfo& genesis);

// The exit code for an OpenNodeStore failure, reported: kExitConfig when the data directory
// belongs to another chain (the operator's mistake), else kExitError.
int StoreOpenError(const Status& s);

// Starts the metrics endpoint into `*server` when `listen` is set (leaves it null when not);
// false, logged, when it cannot listen there.
bool StartMetricsServer(const std::string& listen, const MetricsRegistry& metrics,
                        std::unique_ptr<MetricsServer>* server);

}  // namespace tadori
