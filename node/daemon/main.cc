// tadorid: the tadori node daemon.
//
// `tadorid --config FILE.toml` runs one validator of a BFT network (node_config.h has the
// file's layout): peer links over mutual TLS (peer_network.h), the consensus engine driven
// by BftValidator, the client API (tadori.v1.Ledger, tadori.v1.Trace, gRPC health: NOT_SERVING
// while catching up) and Prometheus metrics. It exits 3 when the validator halts (its
// execution diverged from the chain, or the disk failed), and 2 on a configuration error.
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
#include "ledger/store/store.h"
#include "node/validator/bft_validator.h"
#include "node/validator/commit_feed.h"
#include "ledger/files.h"
#include "node/daemon/dev_identity.h"
#include "node/api/ledger_service.h"
#include "node/validator/mempool.h"
#include "node/daemon/metrics.h"
#include "node/config/node_config.h"
#include "node/net/peer_network.h"
#include "node/validator/solo_validator.h"
#include "ledger/certificates.h"
#include "node/api/trace_service.h"

namespace {

// protobuf logs an error line for every string field with invalid UTF-8 it parses; a peer or
// client sending garbage must not be able to flood the node's log, so those go to debug.
void ProtobufLogToDebug(google::protobuf::LogLevel, const char* file, int line,
                        const std::string& message) {
  spdlog::debug("protobuf {}:{}: {}", file, line, message);
}

struct Options {
  bool dev = false;
  std::string config;
  std::string data_dir = "./tadori-data";
  std::string listen = "127.0.0.1:7050";
  std::string log_level = "info";
  int block_interval_ms = 100;
  size_t block_tx_max = 2000;
};

// Serves the client API (Ledger, Trace, health, reflection) on `listen`; nullptr, logged,
// when it cannot listen there.
std::unique_ptr<grpc::Server> StartClientApi(const std::string& listen,
                                             std::shared_ptr<grpc::ServerCredentials> credentials,
                                             tadori::LedgerService& ledger,
                                             tadori::TraceService& trace) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(listen, std::move(credentials), &bound_port);
  builder.RegisterService(&ledger);
  builder.RegisterService(&trace);
  builder.SetMaxReceiveMessageSize(static_cast<int>(tadori::kBlockSizeBytesMax));
  builder.SetMaxSendMessageSize(static_cast<int>(tadori::kBlockSizeBytesMax + 1024 * 1024));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    spdlog::error("cannot listen on {}", listen);
    return nullptr;
  }
  return server;
}

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
      .on_admitted = [&validator](const v1::SignedTransaction&) { validator.Nudge(); },
      .fill_status = {},
  });

  TraceService trace_service(**store);

  std::unique_ptr<grpc::Server> server =
      StartClientApi(opt.listen, grpc::InsecureServerCredentials(), service, trace_service);
  if (!server) return 1;
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

constexpr int kExitConfig = 2;
constexpr int kExitHalted = 3;

void RegisterMetrics(tadori::MetricsRegistry& m, const tadori::Store& store,
                     const tadori::Mempool& mempool, const tadori::BftValidator& validator,
                     const tadori::PeerNetwork& network) {
  using namespace tadori;
  m.AddGauge("tadori_height", "Committed height.", "",
             [&] { return static_cast<int64_t>(store.Height()); });
  m.AddGauge("tadori_round", "Current consensus round.", "",
             [&] { return static_cast<int64_t>(validator.stats().round); });
  m.AddGauge("tadori_syncing", "1 while catching up with the network.", "",
             [&] { return int64_t{validator.stats().syncing ? 1 : 0}; });
  m.AddCounter("tadori_committed_blocks_total", "Blocks committed since start.", "",
               [&] { return validator.stats().committed_blocks; });
  m.AddCounter("tadori_committed_transactions_total", "Transactions committed since start.", "",
               [&] { return validator.stats().committed_txs; });
  m.AddGauge("tadori_mempool_transactions", "Transactions waiting in the mempool.", "",
             [&] { return static_cast<int64_t>(mempool.size()); });
  m.AddGauge("tadori_mempool_bytes", "Bytes of transactions waiting in the mempool.", "",
             [&] { return static_cast<int64_t>(mempool.bytes()); });
  m.AddGauge("tadori_peer_connections", "Validator links up.", "",
             [&] { return static_cast<int64_t>(network.connected_count()); });
  for (size_t r = 0; r < static_cast<size_t>(consensus::DropReason::kCount); ++r) {
    const auto reason = static_cast<consensus::DropReason>(r);
    m.AddCounter("tadori_rejected_messages_total",
                 "Consensus messages ignored, by reason (consensus/engine.h DropReason).",
                 "reason=\"" + std::string(consensus::DropReasonName(reason)) + "\"",
                 [&validator, r] { return validator.stats().drops[r]; });
  }
  for (size_t r = 0; r < static_cast<size_t>(PeerRefusal::kCount); ++r) {
    const auto reason = static_cast<PeerRefusal>(r);
    m.AddCounter("tadori_peer_refusals_total", "Peer links or frames refused, by reason.",
                 "reason=\"" + std::string(PeerRefusalName(reason)) + "\"",
                 [&network, reason] { return network.refused(reason); });
  }
  m.AddCounter("tadori_consensus_inbox_overflow_total",
               "Consensus messages dropped because the event loop was behind.", "",
               [&] { return validator.stats().inbox_overflow; });
  m.AddCounter("tadori_gossip_transactions_total", "Relayed transactions, by outcome.",
               "outcome=\"admitted\"", [&] { return validator.stats().gossip_admitted; });
  m.AddCounter("tadori_gossip_transactions_total", "Relayed transactions, by outcome.",
               "outcome=\"refused\"", [&] { return validator.stats().gossip_refused; });
  m.AddCounter("tadori_refused_payloads_total", "Proposed blocks this validator refused.", "",
               [&] { return validator.stats().payloads_refused; });
}

int RunNetwork(const Options& opt, const sigset_t& signals) {
  using namespace tadori;
  Result<NodeConfig> loaded = LoadNodeConfig(opt.config);
  if (!loaded.ok()) {
    std::fprintf(stderr, "tadorid: %s\n", loaded.status().ToString().c_str());
    return kExitConfig;
  }
  const NodeConfig& config = *loaded;
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  auto fail_config = [](const Status& s) {
    std::fprintf(stderr, "tadorid: %s\n", s.ToString().c_str());
    return kExitConfig;
  };

  Result<std::string> genesis_text = ReadFileToString(config.genesis_path, kGenesisBytesMax);
  if (!genesis_text.ok()) return fail_config(genesis_text.status());
  Result<GenesisInfo> genesis_or = GenesisFromJson(*genesis_text);
  if (!genesis_or.ok()) return fail_config(genesis_or.status().WithContext(config.genesis_path));
  const GenesisInfo genesis = std::move(*genesis_or);
  std::optional<size_t> self;
  for (int i = 0; i < genesis.genesis.validators_size(); ++i) {
    if (genesis.genesis.validators(i).id() == config.validator_id) self = static_cast<size_t>(i);
  }
  if (!self) {
    return fail_config(Status::InvalidArgument("validator_id \"" + config.validator_id +
                                               "\" is not a validator of the genesis"));
  }
  Result<std::string> key_pem = ReadFileToString(config.consensus_key_path, kPemBytesMax);
  if (!key_pem.ok()) return fail_config(key_pem.status());
  Result<PrivateKey> key = PrivateKey::FromPem(*key_pem);
  if (!key.ok()) return fail_config(key.status().WithContext(config.consensus_key_path));
  if (key->public_key().id() != genesis.validators.key(*self).id()) {
    return fail_config(Status::InvalidArgument(config.consensus_key_path +
                                               " is not the consensus key the genesis names for " +
                                               config.validator_id));
  }
  constexpr size_t kTlsFileBytesMax = 64 * 1024;
  Result<std::string> tls_cert = ReadFileToString(config.peer_tls_cert_path, kTlsFileBytesMax);
  if (!tls_cert.ok()) return fail_config(tls_cert.status());
  Result<std::string> tls_key = ReadFileToString(config.peer_tls_key_path, kTlsFileBytesMax);
  if (!tls_key.ok()) return fail_config(tls_key.status());
  Result<size_t> cert_names = IdentifyPeerValidator(*tls_cert, genesis);
  if (!cert_names.ok() || *cert_names != *self) {
    return fail_config(Status::InvalidArgument(
        config.peer_tls_cert_path + " is not a certificate of validator " + config.validator_id +
        " issued by its organisation's CA in the genesis" +
        (cert_names.ok() ? "" : ": " + cert_names.status().ToString())));
  }

  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return fail_config(Status::Internal("creating " + config.data_dir + ": " + ec.message()));
  auto store = Store::Open((std::filesystem::path(config.data_dir) / "db").string());
  if (!store.ok()) {
    spdlog::error("opening store: {}", store.status().ToString());
    return 1;
  }
  auto genesis_state = GenesisState(genesis.genesis);
  if (!genesis_state.ok()) return fail_config(genesis_state.status());
  Status init = (*store)->InitGenesis(genesis, *genesis_state);
  if (!init.ok()) {
    return fail_config(
        init.WithContext("data directory " + config.data_dir + " belongs to another genesis"));
  }
  spdlog::info("validator {} of chain {} genesis {} height {}", config.validator_id,
               genesis.genesis.chain_id(), genesis.hash.Hex(), (*store)->Height());

  Mempool mempool;
  CommitFeed feed((*store)->Height());
  MetricsRegistry metrics;
  BftValidatorOptions vopt;
  vopt.block_tx_max = config.block_tx_max;
  vopt.round_timeout_ms = config.round_timeout_ms;
  vopt.idle_block_interval_ms = config.round_timeout_ms * 2 / 5;
  Histogram& commit_latency = metrics.AddHistogram(
      "tadori_commit_latency_seconds", "From first seeing a block (proposal) to committing it.",
      {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  vopt.observe_commit_latency = [&commit_latency](double seconds) {
    commit_latency.Observe(seconds);
  };
  BftValidator validator(**store, mempool, feed, genesis, *self, std::move(*key), vopt);

  PeerNetworkOptions popt;
  popt.genesis = &genesis;
  popt.self = *self;
  popt.listen_address = config.peer_listen;
  popt.tls_certificate_pem = *tls_cert;
  popt.tls_private_key_pem = *tls_key;
  for (int i = 0; i < genesis.genesis.validators_size(); ++i) {
    if (static_cast<size_t>(i) == *self) continue;
    const v1::Validator& v = genesis.genesis.validators(i);
    auto configured = config.peers.find(v.id());
    popt.dial_addresses[static_cast<size_t>(i)] =
        configured != config.peers.end() ? configured->second : v.address();
  }
  for (const auto& [id, address] : config.peers) {
    bool known = false;
    for (const v1::Validator& v : genesis.genesis.validators()) known = known || v.id() == id;
    if (!known) {
      return fail_config(Status::InvalidArgument("[peers] names \"" + id +
                                                 "\", which is not a validator of the genesis"));
    }
  }
  auto network = PeerNetwork::Start(std::move(popt), [&validator](size_t from, v1::PeerFrame f) {
    validator.OnFrame(from, std::move(f));
  });
  if (!network.ok()) {
    spdlog::error("peer network: {}", network.status().ToString());
    return 1;
  }
  Status started = validator.Start(**network);
  if (!started.ok()) {
    spdlog::error("validator: {}", started.ToString());
    return 1;
  }
  RegisterMetrics(metrics, **store, mempool, validator, **network);

  PeerNetwork& peers = **network;
  const std::string validator_id = config.validator_id;
  LedgerService service(LedgerServiceContext{
      .store = **store,
      .mempool = mempool,
      .feed = feed,
      .genesis = genesis,
      .mode = "bft",
      .on_admitted = [&validator](const v1::SignedTransaction& tx) { validator.OnAdmitted(tx); },
      .fill_status =
          [&validator, &peers, validator_id](v1::StatusResponse& r) {
            const BftValidator::Stats stats = validator.stats();
            r.set_round(stats.round);
            r.set_syncing(stats.syncing);
            r.set_validator_id(validator_id);
            for (const PeerNetwork::PeerState& p : peers.Peers()) {
              v1::PeerStatus* out = r.add_peers();
              out->set_validator_id(p.validator_id);
              out->set_address(p.address);
              out->set_connected(p.connected);
            }
          },
  });
  TraceService trace_service(**store);

  std::shared_ptr<grpc::ServerCredentials> client_credentials;
  if (config.client_tls_cert_path.empty()) {
    if (!IsLoopbackAddress(config.client_listen)) {
      return fail_config(Status::InvalidArgument("[client] listen " + config.client_listen +
                                                 " is not loopback: set tls_cert/tls_key"));
    }
    client_credentials = grpc::InsecureServerCredentials();
  } else {
    Result<std::string> cert = ReadFileToString(config.client_tls_cert_path, kTlsFileBytesMax);
    if (!cert.ok()) return fail_config(cert.status());
    Result<std::string> pkey = ReadFileToString(config.client_tls_key_path, kTlsFileBytesMax);
    if (!pkey.ok()) return fail_config(pkey.status());
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*pkey, *cert});
    client_credentials = grpc::SslServerCredentials(ssl);
  }
  std::unique_ptr<grpc::Server> server =
      StartClientApi(config.client_listen, client_credentials, service, trace_service);
  if (!server) return 1;
  std::unique_ptr<MetricsServer> metrics_server;
  if (!config.metrics_listen.empty()) {
    auto m = MetricsServer::Start(config.metrics_listen, metrics);
    if (!m.ok()) {
      spdlog::error("metrics: {}", m.status().ToString());
      return 1;
    }
    metrics_server = std::move(*m);
  }
  spdlog::info("tadorid validator {} serving on {} (peers on {}, metrics on {})",
               config.validator_id, config.client_listen, config.peer_listen,
               config.metrics_listen.empty() ? "-" : config.metrics_listen);

  int exit_code = 0;
  bool serving = false;
  for (;;) {
    const bool syncing = validator.stats().syncing;
    if (serving == syncing) {
      serving = !syncing;
      server->GetHealthCheckService()->SetServingStatus(serving);
      spdlog::info("health: {}", serving ? "SERVING" : "NOT_SERVING (syncing)");
    }
    timespec tick{0, 200'000'000};
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("signal {}: shutting down", sig);
      break;
    }
    if (!validator.failure().ok()) {
      spdlog::critical("halting: {}", validator.failure().ToString());
      exit_code = kExitHalted;
      break;
    }
  }
  server->GetHealthCheckService()->SetServingStatus(false);
  feed.Shutdown();
  validator.Stop();
  peers.Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  spdlog::info("stopped at height {}", (*store)->Height());
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"tadorid: the tadori ledger node"};
  app.add_flag("--dev", opt.dev, "run a single-validator development chain");
  app.add_option("--config", opt.config, "run a validator of a BFT network (TOML file)");
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
  if (opt.dev == !opt.config.empty()) {
    std::fprintf(stderr, "tadorid: give exactly one of --dev or --config FILE.toml\n");
    return kExitConfig;
  }
  // Signals are taken synchronously by the main thread; every other thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return opt.dev ? RunDev(opt, signals) : RunNetwork(opt, signals);
}
