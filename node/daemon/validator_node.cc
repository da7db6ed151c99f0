#include "node/daemon/validator_node.h"

#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "ledger/store/store.h"
#include "node/api/ledger_service.h"
#include "node/api/trace_service.h"
#include "node/config/node_config.h"
#include "node/daemon/client_api.h"
#include "node/daemon/metrics.h"
#include "node/daemon/node_start.h"
#include "node/daemon/run_until.h"
#include "node/daemon/validator_setup.h"
#include "node/net/peer_network.h"
#include "node/validator/bft_validator.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"

namespace tadori {

namespace {

// The validator's view of the peer links (validator/peer_transport.h) over node/net.
class NetworkTransport final : public PeerTransport {
 public:
  explicit NetworkTransport(PeerNetwork& network) : network_(network) {}
  void Send(size_t to, const v1::PeerFrame& frame) override { network_.Send(to, frame); }
  void Broadcast(const v1::PeerFrame& frame) override { network_.Broadcast(frame); }
  std::vector<size_t> Connected() const override {
    std::vector<size_t> out;
    for (const PeerNetwork::PeerState& p : network_.Peers()) {
      if (p.connected) out.push_back(p.index);
    }
    return out;
  }

 private:
  PeerNetwork& network_;
};

void RegisterMetrics(MetricsRegistry& m, const Store& store, const Mempool& mempool,
                     const BftValidator& validator, const PeerNetwork& network) {
  m.AddGauge("tadori_height", "Committed height.", "",
             [&] { return static_cast<int64_t>(store.Height()); });
  m.AddGauge("tadori_round", "Current consensus round.", "",
             [&] { return static_cast<int64_t>(validator.stats().core.round); });
  m.AddGauge("tadori_syncing", "1 while catching up with the network.", "",
             [&] { return int64_t{validator.stats().core.syncing ? 1 : 0}; });
  m.AddCounter("tadori_committed_blocks_total", "Blocks committed since start.", "",
               [&] { return validator.stats().core.committed_blocks; });
  m.AddCounter("tadori_committed_transactions_total", "Transactions committed since start.", "",
               [&] { return validator.stats().core.committed_txs; });
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
                 [&validator, r] { return validator.stats().core.drops[r]; });
  }
  for (size_t r = 0; r < static_cast<size_t>(PeerRefusal::kCount); ++r) {
    const auto reason = static_cast<PeerRefusal>(r);
    m.AddCounter("tadori_peer_refusals_total", "Peer links or frames refused, by reason.",
                 "reason=\"" + std::string(PeerRefusalName(reason)) + "\"",
                 [&network, reason] { return network.refused(reason); });
  }
  m.AddCounter("tadori_consensus_inbox_overflow_total",
               "Consensus messages dropped because a peer's inbox share was full.", "",
               [&] { return validator.stats().inbox_dropped; });
  m.AddGauge("tadori_consensus_inbox_bytes", "Bytes of consensus messages waiting.", "",
             [&] { return static_cast<int64_t>(validator.stats().inbox_bytes); });
  m.AddCounter("tadori_sync_requests_total", "Peers' sync requests, by outcome.",
               "outcome=\"served\"", [&] { return validator.stats().sync_served; });
  m.AddCounter("tadori_sync_requests_total", "Peers' sync requests, by outcome.",
               "outcome=\"dropped\"", [&] { return validator.stats().sync_dropped; });
  m.AddCounter("tadori_gossip_transactions_total", "Relayed transactions, by outcome.",
               "outcome=\"admitted\"", [&] { return validator.stats().gossip_admitted; });
  m.AddCounter("tadori_gossip_transactions_total", "Relayed transactions, by outcome.",
               "outcome=\"refused\"", [&] { return validator.stats().gossip_refused; });
  m.AddCounter("tadori_refused_payloads_total", "Proposed blocks this validator refused.", "",
               [&] { return validator.stats().core.payloads_refused; });
}

// The leader schedule of the validator's current round, validators named by their genesis
// ids; nothing while the validator does not know it yet.
void FillLeaderSchedule(const ValidatorCore::Stats& stats, const GenesisInfo& genesis,
                        v1::StatusResponse& r) {
  if (!stats.leader_schedule) return;
  const consensus::Schedule& schedule = *stats.leader_schedule;
  v1::LeaderScheduleStatus* out = r.mutable_leader_schedule();
  out->set_window_first_round(schedule.window_first);
  out->set_window_last_round(schedule.anchor_round);
  out->set_probation(stats.leader_probation);
  const std::string window =
      std::to_string(schedule.window_first) + ".." + std::to_string(schedule.anchor_round);
  for (const consensus::Schedule::Absent& absent : schedule.skipped) {
    v1::SkippedLeader* skipped = out->add_skipped();
    skipped->set_validator_id(genesis.genesis.validators(static_cast<int>(absent.validator)).id());
    skipped->set_last_seen_round(absent.last_seen);
    skipped->set_reason("no proposal or QC signature in rounds " + window);
  }
}

}  // namespace

int RunValidatorNode(const std::string& config_path, const sigset_t& signals) {
  Result<NodeConfig> loaded = LoadNodeConfig(config_path);
  if (!loaded.ok()) return ConfigError(loaded.status());
  const NodeConfig& config = *loaded;
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  Result<ValidatorSetup> prepared = PrepareValidator(config);
  if (!prepared.ok()) return ConfigError(prepared.status());
  ValidatorSetup& setup = *prepared;
  const GenesisInfo& genesis = setup.genesis;

  Result<std::unique_ptr<Store>> opened = OpenNodeStore(config, genesis);
  if (!opened.ok()) return StoreOpenError(opened.status());
  Store& store = **opened;
  spdlog::info("validator {} of chain {} genesis {} height {}", config.validator_id,
               genesis.genesis.chain_id(), genesis.hash.Hex(), store.Height());

  Mempool mempool;
  CommitFeed feed(store.Height());
  MetricsRegistry metrics;
  BftValidatorOptions vopt;
  vopt.validator.batch.block_tx_max = config.block_tx_max;
  vopt.validator.round_timeout_ms = config.round_timeout_ms;
  Histogram& commit_latency = metrics.AddHistogram(
      "tadori_commit_latency_seconds", "From first seeing a block (proposal) to committing it.",
      {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  vopt.validator.observe_commit_latency = [&commit_latency](double seconds) {
    commit_latency.Observe(seconds);
  };
  BftValidator validator(store, mempool, feed, genesis, setup.self, setup.consensus_key, vopt);

  PeerNetworkOptions popt;
  popt.genesis = &genesis;
  popt.self = setup.self;
  popt.listen_address = config.peer_listen;
  popt.tls_certificate_pem = setup.peer_tls_cert_pem;
  popt.tls_private_key_pem = setup.peer_tls_key_pem;
  popt.dial_addresses = setup.dial_addresses;
  auto network = PeerNetwork::Start(std::move(popt), [&validator](size_t from, v1::PeerFrame f) {
    validator.OnFrame(from, std::move(f));
  });
  if (!network.ok()) {
    spdlog::error("peer network: {}", network.status().ToString());
    return kExitError;
  }
  PeerNetwork& peers = **network;
  NetworkTransport transport(peers);
  Status started = validator.Start(transport);
  if (!started.ok()) {
    spdlog::error("validator: {}", started.ToString());
    return kExitError;
  }
  RegisterMetrics(metrics, store, mempool, validator, peers);

  Result<ClientAccessSetup> client_access = SetUpClientAccess(
      genesis, store, setup.client_tls_cert_pem, setup.client_tls_key_pem, &metrics);
  if (!client_access.ok()) return ConfigError(client_access.status());

  const std::string validator_id = config.validator_id;
  LedgerService service(LedgerServiceContext{
      .store = store,
      .mempool = mempool,
      .feed = feed,
      .genesis = genesis,
      .mode = "bft",
      .on_admitted = [&validator](const v1::SignedTransaction& tx) { validator.OnAdmitted(tx); },
      .fill_status =
          [&validator, &peers, &genesis, validator_id](v1::StatusResponse& r) {
            const ValidatorCore::Stats stats = validator.stats().core;
            r.set_round(stats.round);
            r.set_syncing(stats.syncing);
            r.set_validator_id(validator_id);
            FillLeaderSchedule(stats, genesis, r);
            for (const PeerNetwork::PeerState& p : peers.Peers()) {
              v1::PeerStatus* out = r.add_peers();
              out->set_validator_id(p.validator_id);
              out->set_address(p.address);
              out->set_connected(p.connected);
            }
          },
      .access = client_access->access,
  });
  RegisterClientApiMetrics(metrics, service);
  TraceService trace_service(store, client_access->access);
  std::unique_ptr<grpc::Server> server =
      StartClientApi(config.client_listen, client_access->credentials, service, trace_service);
  if (!server) return kExitError;
  std::unique_ptr<MetricsServer> metrics_server;
  if (!StartMetricsServer(config.metrics_listen, metrics, &metrics_server)) return kExitError;
  spdlog::info("tadorid validator {} serving on {} (peers on {}, metrics on {})",
               config.validator_id, config.client_listen, config.peer_listen,
               config.metrics_listen.empty() ? "-" : config.metrics_listen);

  bool serving = false;
  const StopCause cause = RunUntilStopped(
      signals, [&validator] { return !validator.failure().ok(); },
      [&] {
        const bool syncing = validator.stats().core.syncing;
        if (serving != syncing) return;
        serving = !syncing;
        server->GetHealthCheckService()->SetServingStatus(serving);
        spdlog::info("health: {}", serving ? "SERVING" : "NOT_SERVING (syncing)");
      });
  if (cause == StopCause::kHalted) {
    spdlog::critical("halting: {}", validator.failure().ToString());
  }
  server->GetHealthCheckService()->SetServingStatus(false);
  feed.Shutdown();
  validator.Stop();
  peers.Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  spdlog::info("stopped at height {}", store.Height());
  return cause == StopCause::kSignal ? kExitOk : kExitHalted;
}

}  // namespace tadori
