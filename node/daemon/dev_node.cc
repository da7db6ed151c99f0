#include "node/daemon/dev_node.h"

#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "chaincode/chaincode.h"
#include "ledger/store/store.h"
#include "node/api/ledger_service.h"
#include "node/api/trace_service.h"
#include "node/daemon/client_api.h"
#include "node/daemon/dev_identity.h"
#include "node/daemon/run_until.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"
#include "node/validator/solo_validator.h"

namespace tadori {

namespace {

// The store of a dev data directory, with its genesis (created on the first start).
Result<std::unique_ptr<Store>> OpenDevStore(const std::string& data_dir,
                                            std::optional<DevIdentity>& identity) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Status::Internal("creating data directory " + data_dir + ": " + ec.message());
  TADORI_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                          Store::Open((std::filesystem::path(data_dir) / "db").string()));
  Result<DevIdentity> loaded = LoadOrCreateDevIdentity(data_dir, *store);
  if (!loaded.ok()) return loaded.status().WithContext("dev identity");
  identity.emplace(std::move(*loaded));
  TADORI_ASSIGN_OR_RETURN(auto genesis_state, GenesisState(identity->genesis.genesis));
  TADORI_RETURN_IF_ERROR(store->InitGenesis(identity->genesis, genesis_state));
  return store;
}

}  // namespace

int RunDevNode(const DevNodeOptions& opt, const sigset_t& signals) {
  std::optional<DevIdentity> identity;
  Result<std::unique_ptr<Store>> opened = OpenDevStore(opt.data_dir, identity);
  if (!opened.ok()) {
    spdlog::error("{}", opened.status().ToString());
    return kExitError;
  }
  Store& store = **opened;
  const GenesisInfo& genesis = identity->genesis;
  spdlog::info("chain {} genesis {} height {}", genesis.genesis.chain_id(), genesis.hash.Hex(),
               store.Height());

  Mempool mempool;
  CommitFeed feed(store.Height());
  SoloValidatorOptions vopt;
  vopt.block_interval_ms = opt.block_interval_ms;
  vopt.block_tx_max = opt.block_tx_max;
  SoloValidator validator(store, mempool, feed, genesis, identity->validator_key, vopt);
  // The dev node serves plaintext on loopback: open, logged as such and shown in Status.
  Result<ClientAccessSetup> client_access = SetUpClientAccess(genesis, store, "", "", nullptr);
  if (!client_access.ok()) {
    spdlog::error("{}", client_access.status().ToString());
    return kExitError;
  }
  LedgerService service(LedgerServiceContext{
      .store = store,
      .mempool = mempool,
      .feed = feed,
      .genesis = genesis,
      .mode = "dev",
      .on_admitted = [&validator](const v1::SignedTransaction&) { validator.Nudge(); },
      .fill_status = {},
      .access = client_access->access,
  });
  TraceService trace_service(store, client_access->access);
  std::unique_ptr<grpc::Server> server =
      StartClientApi(opt.listen, client_access->credentials, service, trace_service);
  if (!server) return kExitError;
  server->GetHealthCheckService()->SetServingStatus(true);
  validator.Start();
  spdlog::info("tadorid --dev serving tadori.v1.Ledger on {} (data {})", opt.listen, opt.data_dir);

  const StopCause cause =
      RunUntilStopped(signals, [&validator] { return !validator.failure().ok(); });
  server->GetHealthCheckService()->SetServingStatus(false);
  feed.Shutdown();
  validator.Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  spdlog::info("stopped at height {}", store.Height());
  return cause == StopCause::kSignal ? kExitOk : kExitError;
}

}  // namespace tadori
