#include "node/daemon/node_start.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "chaincode/chaincode.h"
#include "node/daemon/run_until.h"

namespace tadori {

int ConfigError(const Status& s) {
  std::fprintf(stderr, "tadorid: %s\n", s.ToString().c_str());
  return kExitConfig;
}

Result<std::unique_ptr<Store>> OpenNodeStore(const NodeConfig& config, const GenesisInfo& genesis) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Status::Internal("creating " + config.data_dir + ": " + ec.message());
  TADORI_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                          Store::Open((std::filesystem::path(config.data_dir) / "db").string()));
  TADORI_ASSIGN_OR_RETURN(auto genesis_state, GenesisState(genesis.genesis));
  Status init = store->InitGenesis(genesis, genesis_state);
  if (!init.ok()) {
    return Status::InvalidArgument(
        init.WithContext("data directory " + config.data_dir + " belongs to another genesis")
            .message());
  }
  return store;
}

int StoreOpenError(const Status& s) {
  if (s.code() == Code::kInvalidArgument) return ConfigError(s);
  spdlog::error("opening store: {}", s.ToString());
  return kExitError;
}

bool StartMetricsServer(const std::string& listen, const MetricsRegistry& metrics,
                        std::unique_ptr<MetricsServer>* server) {
  if (listen.empty()) return true;
  auto m = MetricsServer::Start(listen, metrics);
  if (!m.ok()) {
    spdlog::error("metrics: {}", m.status().ToString());
    return false;
  }
  *server = std::move(*m);
  return true;
}

}  // namespace tadori
