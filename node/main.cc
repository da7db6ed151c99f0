// tadorid: the tadori node daemon.
//
// `tadorid --dev` runs a single-validator chain in a data directory: it creates the dev
// genesis and keys on first start, commits submitted transactions in blocks, and serves
// tadori.v1.Ledger (with gRPC health checking and server reflection) until SIGINT/SIGTERM.
// Restarting on the same directory continues at the same height.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <google/protobuf/stubs/logging.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <thread>

#include "chaincode/chaincode.h"
#include "ledger/store.h"
#include "node/commit_feed.h"
#include "node/dev_identity.h"
#include "node/ledger_service.h"
#include "node/mempool.h"
#include "node/solo_validator.h"
#include "node/trace_service.h"

namespace {

// protobuf logs an error line for every string field with invalid UTF-8 it parses; a peer or
// client sending garbage must not be able to flood the node's log, so those go to debug.
void ProtobufLogToDebug(google::protobuf::LogLevel, const char* file, int line,
                        const std::string& message) {
  spdlog::debug("protobuf {}:{}: {}", file, line, message);
}

struct Options {
  bool dev = false;
  std::string data_dir = "./tadori-data";
  std::string listen = "127.0.0.1:7050";
  std::string log_level = "info";
  int block_interval_ms = 100;
  size_t block_tx_max = 2000;
};

int RunDev(const Options& opt, const sigset_t& signals) {
  using namespace tadori;
  std::error_code ec;
  std::filesystem::create_directories(opt.data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data directory {}: {}", opt.data_dir, ec.message());
    return 1;
  }
  auto store = Store::Open((std::filesystem::path(opt.data_dir) / "db").string());
  if (!store.ok()) {
    spdlog::error("opening store: {}", store.status().ToString());
    return 1;
  }
  auto identity = LoadOrCreateDevIdentity(opt.data_dir, **store);
  if (!identity.ok()) {
    spdlog::error("dev identity: {}", identity.status().ToString());
    return 1;
  }
  const GenesisInfo& genesis = identity->genesis;
  auto genesis_state = GenesisState(genesis.genesis);
  if (!genesis_state.ok()) {
    spdlog::error("genesis state: {}", genesis_state.status().ToString());
    return 1;
  }
  Status init = (*store)->InitGenesis(genesis, *genesis_state);
  if (!init.ok()) {
    spdlog::error("genesis: {}", init.ToString());
    return 1;
  }
  spdlog::info("chain {} genesis {} height {}", genesis.genesis.chain_id(), genesis.hash.Hex(),
               (*store)->Height());

  Mempool mempool;
  CommitFeed feed((*store)->Height());
  SoloValidatorOptions vopt;
  vopt.block_interval_ms = opt.block_interval_ms;
  vopt.block_tx_max = opt.block_tx_max;
  SoloValidator validator(**store, mempool, feed, genesis, identity->validator_key, vopt);

  LedgerService service(LedgerServiceContext{
      .store = **store,
      .mempool = mempool,
      .feed = feed,
      .genesis = genesis,
      .mode = "dev",
      .on_admitted = [&validator] { validator.Nudge(); },
  });

  TraceService trace_service(**store);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(opt.listen, grpc::InsecureServerCredentials(), &bound_port);
  builder.RegisterService(&service);
  builder.RegisterService(&trace_service);
  builder.SetMaxReceiveMessageSize(static_cast<int>(kBlockSizeBytesMax));
  builder.SetMaxSendMessageSize(static_cast<int>(kBlockSizeBytesMax + 1024 * 1024));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    spdlog::error("cannot listen on {}", opt.listen);
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  validator.Start();
  spdlog::info("tadorid --dev serving tadori.v1.Ledger on {} (data {})", opt.listen, opt.data_dir);

  // Wait for a signal, or for block production to fail.
  int exit_code = 0;
  for (;;) {
    timespec tick{0, 200'000'000};
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("signal {}: shutting down", sig);
      break;
    }
    if (!validator.failure().ok()) {
      exit_code = 1;
      break;
    }
  }
  server->GetHealthCheckService()->SetServingStatus(false);
  feed.Shutdown();
  validator.Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  spdlog::info("stopped at height {}", (*store)->Height());
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"tadorid: the tadori ledger node"};
  app.add_flag("--dev", opt.dev, "run a single-validator development chain");
  app.add_option("--data-dir", opt.data_dir, "data directory")->capture_default_str();
  app.add_option("--listen", opt.listen, "client API address HOST:PORT")->capture_default_str();
  app.add_option("--log-level", opt.log_level, "trace|debug|info|warn|error")
      ->capture_default_str();
  app.add_option("--block-interval-ms", opt.block_interval_ms, "time between blocks")
      ->check(CLI::Range(1, 60'000))
      ->capture_default_str();
  app.add_option("--block-tx-max", opt.block_tx_max, "transactions per block at most")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  spdlog::set_level(spdlog::level::from_str(opt.log_level));
  google::protobuf::SetLogHandler(&ProtobufLogToDebug);
  if (!opt.dev) {
    std::fprintf(stderr,
                 "tadorid: only --dev (a single-validator chain) is built so far; the "
                 "multi-validator network (--config) is not\n");
    return 2;
  }
  // Signals are taken synchronously by the main thread; every other thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return RunDev(opt, signals);
}
