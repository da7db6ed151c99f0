#include "node/daemon/observer_node.h"

#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "ledger/certificates.h"
#include "ledger/client_identity.h"
#include "ledger/files.h"
#include "ledger/limits.h"
#include "ledger/store/store.h"
#include "node/api/ledger_service.h"
#include "node/api/trace_service.h"
#include "node/daemon/client_api.h"
#include "node/daemon/metrics.h"
#include "node/daemon/node_start.h"
#include "node/daemon/run_until.h"
#include "node/daemon/validator_setup.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"

namespace tadori {

namespace {

using SteadyClock = std::chrono::steady_clock;

// A relayed Submit waits this long for each validator.
constexpr std::chrono::seconds kRelayDeadline{2};
// The largest StreamBlocks answer: a block and its results (the server's send cap).
constexpr int kFollowMessageBytesMax = static_cast<int>(2 * kBlockSizeBytesMax);
// Keepalive on the follow channels: a validator that vanished without closing the
// connection is noticed in seconds, not at the TCP timeout (the stall watchdog also would).
constexpr int kKeepaliveTimeMs = 10'000;
constexpr int kKeepaliveTimeoutMs = 5'000;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

// Codes that say the validator could not take the transaction now, so another may.
bool TryAnother(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNAUTHENTICATED:  // our certificate is not (yet) accepted there
      return true;
    default:
      return false;
  }
}

void RegisterMetrics(MetricsRegistry& m, const Store& store, const Mempool& mempool,
                     const ChainFollower& chain, const ValidatorFollower& follower) {
  m.AddGauge("tadori_height", "Committed height.", "",
             [&] { return static_cast<int64_t>(store.Height()); });
  m.AddGauge("tadori_observer_verified_height",
             "Highest certified block received and linked (committed plus pending).", "",
             [&] { return static_cast<int64_t>(chain.verified_height()); });
  m.AddGauge("tadori_observer_pending_blocks",
             "Certified blocks waiting for a proof that they are committed.", "",
             [&] { return static_cast<int64_t>(chain.pending_blocks()); });
  m.AddGauge("tadori_syncing", "1 while no validator stream brings blocks.", "",
             [&] { return int64_t{follower.following() ? 0 : 1}; });
  m.AddCounter("tadori_committed_blocks_total", "Blocks committed since start.", "",
               [&] { return chain.applied_blocks(); });
  m.AddGauge("tadori_mempool_transactions", "Relayed transactions waiting for their commit.", "",
             [&] { return static_cast<int64_t>(mempool.size()); });
  for (size_t r = 0; r < static_cast<size_t>(FollowRefusal::kCount); ++r) {
    const auto reason = static_cast<FollowRefusal>(r);
    m.AddCounter("tadori_observer_refused_blocks_total",
                 "Blocks from a validator refused, by reason (chain_follower.h).",
                 "reason=\"" + std::string(FollowRefusalName(reason)) + "\"",
                 [&chain, reason] { return chain.refused(reason); });
  }
  m.AddCounter("tadori_observer_dropped_runs_total",
               "Pending runs dropped because they outgrew their bounds.", "",
               [&] { return chain.dropped_runs(); });
  for (size_t c = 0; c < static_cast<size_t>(SourceSwitch::kCount); ++c) {
    const auto cause = static_cast<SourceSwitch>(c);
    m.AddCounter("tadori_observer_source_switches_total",
                 "Validator streams left for the next validator, by cause.",
                 "cause=\"" + std::string(SourceSwitchName(cause)) + "\"",
                 [&follower, cause] { return follower.switches(cause); });
  }
}

}  // namespace

Result<ObserverSetup> PrepareObserver(const NodeConfig& config) {
  if (config.role != NodeRole::kObserver) {
    return Status::InvalidArgument("the config's role is not \"observer\"");
  }
  TADORI_ASSIGN_OR_RETURN(std::string genesis_text,
                          ReadFileToString(config.genesis_path, kGenesisBytesMax));
  Result<GenesisInfo> genesis = GenesisFromJson(genesis_text);
  if (!genesis.ok()) return genesis.status().WithContext(config.genesis_path);
  for (const v1::Validator& v : genesis->genesis.validators()) {
    if (v.id() == config.node_id) {
      return Status::InvalidArgument("node_id \"" + config.node_id +
                                     "\" is a validator of the genesis " + config.genesis_path +
                                     "; an observer needs an id of its own");
    }
  }
  ObserverTls tls;
  if (!config.client_tls_cert_path.empty()) {
    TADORI_ASSIGN_OR_RETURN(tls.cert_pem,
                            ReadFileToString(config.client_tls_cert_path, kTlsFileBytesMax));
    TADORI_ASSIGN_OR_RETURN(tls.key_pem,
                            ReadFileToString(config.client_tls_key_path, kTlsFileBytesMax));
    TADORI_RETURN_IF_ERROR(CheckTlsKeyPair(config.client_tls_cert_path, tls.cert_pem,
                                           config.client_tls_key_path, tls.key_pem));
    Result<ClientIdentity> identity = IdentifyClient(tls.cert_pem, *genesis);
    if (!identity.ok()) {
      return Status::InvalidArgument(
          config.client_tls_cert_path +
          " is not an observer certificate the validators accept: " + identity.status().message());
    }
    if (identity->kind != ClientIdentity::Kind::kObserver || identity->node_id != config.node_id) {
      const std::string named = identity->kind == ClientIdentity::Kind::kMember
                                    ? identity->member_key.Hex()
                                    : identity->node_id;
      return Status::InvalidArgument(
          config.client_tls_cert_path + " is a " + std::string(ClientKindName(identity->kind)) +
          " certificate for \"" + named + "\", not the observer certificate of node_id \"" +
          config.node_id + "\"");
    }
    Result<std::string> roots = GenesisTrustRootsPem(*genesis);
    if (!roots.ok()) return roots.status().WithContext(config.genesis_path);
    tls.trust_roots_pem = std::move(*roots);
  }
  return ObserverSetup{.genesis = std::move(*genesis), .tls = std::move(tls)};
}

std::shared_ptr<grpc::Channel> ObserverChannel(const std::string& address, const ObserverTls& tls) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kFollowMessageBytesMax);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  // Our own subchannels, so that tests running several nodes in a process stay apart.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (tls.cert_pem.empty()) {
    return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = tls.trust_roots_pem;
  ssl.pem_cert_chain = tls.cert_pem;
  ssl.pem_private_key = tls.key_pem;
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

std::string_view SourceSwitchName(SourceSwitch cause) {
  switch (cause) {
    case SourceSwitch::kEnded:
      return "ended";
    case SourceSwitch::kFailed:
      return "failed";
    case SourceSwitch::kStalled:
      return "stalled";
    case SourceSwitch::kRefused:
      return "refused_block";
    case SourceSwitch::kDropped:
      return "pending_overflow";
    case SourceSwitch::kCount:
      break;
  }
  return "other";
}

ValidatorFollower::ValidatorFollower(ChainFollower& chain, ValidatorFollowerOptions options)
    : chain_(chain), options_(std::move(options)) {
  for (const std::string& address : options_.addresses) {
    stubs_.push_back(v1::Ledger::NewStub(options_.channel(address)));
  }
}

ValidatorFollower::~ValidatorFollower() {
  Stop();
}

void ValidatorFollower::Start() {
  if (stubs_.empty()) return;
  loop_ = std::thread([this] { Loop(); });
  watchdog_ = std::thread([this] { Watchdog(); });
}

void ValidatorFollower::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (current_ != nullptr) current_->TryCancel();
  }
  cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  if (watchdog_.joinable()) watchdog_.join();
}

Status ValidatorFollower::failure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

bool ValidatorFollower::following() const {
  const int64_t last = last_block_ms_.load();
  return last != 0 && SteadyMs() - last <= options_.stall.count();
}

void ValidatorFollower::Halt(Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (failure_.ok()) failure_ = std::move(status);
  stopping_ = true;
  cv_.notify_all();
}

void ValidatorFollower::Loop() {
  size_t index = 0;
  size_t idle_sources = 0;
  std::chrono::milliseconds backoff = options_.idle_backoff;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    bool progressed = false;
    const SourceSwitch cause = StreamFrom(index, &progressed);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    switches_[static_cast<size_t>(cause)]++;
    // The next stream starts at the committed tip: its blocks then all come from one source.
    chain_.Reset();
    index = (index + 1) % stubs_.size();
    if (progressed) {
      idle_sources = 0;
      backoff = options_.idle_backoff;
      continue;
    }
    if (++idle_sources < stubs_.size()) continue;
    idle_sources = 0;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, backoff, [this] { return stopping_; });
    backoff = std::min(backoff * 2, options_.idle_backoff * 8);
  }
}

SourceSwitch ValidatorFollower::StreamFrom(size_t index, bool* progressed) {
  const std::string& address = options_.addresses[index];
  grpc::ClientContext context;
  v1::StreamBlocksRequest request;
  request.set_from_height(chain_.next_height());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return SourceSwitch::kEnded;
    current_ = &context;
    last_progress_ = SteadyClock::now();
    stalled_ = false;
  }
  cv_.notify_all();
  streaming_from_ = static_cast<int>(index);
  spdlog::debug("following {} from height {}", address, request.from_height());
  std::unique_ptr<grpc::ClientReader<v1::GetBlockResponse>> reader =
      stubs_[index]->StreamBlocks(&context, request);
  v1::GetBlockResponse response;
  SourceSwitch cause = SourceSwitch::kEnded;
  bool left = false;
  while (reader->Read(&response)) {
    ChainFollower::OfferResult offered = chain_.Offer(response.block());
    if (offered.outcome == ChainFollower::Outcome::kFailed) {
      Halt(offered.status);
      cause = SourceSwitch::kFailed;
      left = true;
      break;
    }
    if (offered.outcome == ChainFollower::Outcome::kRefused) {
      spdlog::warn("refused a block from validator {}: {}", address, offered.status.ToString());
      cause = SourceSwitch::kRefused;
      left = true;
      break;
    }
    if (offered.outcome == ChainFollower::Outcome::kDropped) {
      spdlog::warn("validator {}: {} certified blocks without a commit proof; fetching again",
                   address, chain_.next_height() - 1);
      cause = SourceSwitch::kDropped;
      left = true;
      break;
    }
    *progressed = true;
    last_block_ms_ = SteadyMs();
    std::lock_guard<std::mutex> lock(mu_);
    last_progress_ = SteadyClock::now();
  }
  if (left) context.TryCancel();
  const grpc::Status finished = reader->Finish();
  {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = nullptr;
    if (!left) {
      if (stalled_) {
        cause = SourceSwitch::kStalled;
      } else if (!finished.ok() && finished.error_code() != grpc::StatusCode::CANCELLED) {
        cause = SourceSwitch::kFailed;
      }
    }
  }
  streaming_from_ = -1;
  if (cause == SourceSwitch::kStalled) {
    spdlog::warn("validator {} brought no new block for {} ms; trying the next", address,
                 options_.stall.count());
  } else if (cause == SourceSwitch::kFailed && !left) {
    spdlog::info("stream from validator {} failed: {} {}", address,
                 static_cast<int>(finished.error_code()), finished.error_message());
  }
  return cause;
}

void ValidatorFollower::Watchdog() {
  const auto tick =
      std::min<std::chrono::milliseconds>(options_.stall / 4, std::chrono::milliseconds(200));
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, tick, [this] { return stopping_; });
    if (stopping_) break;
    if (current_ != nullptr && !stalled_ && SteadyClock::now() - last_progress_ > options_.stall) {
      stalled_ = true;
      current_->TryCancel();
    }
  }
}

Status ValidatorFollower::Relay(const v1::SignedTransaction& tx) {
  const size_t n = stubs_.size();
  if (n == 0) return Status::Unavailable("no validator to relay the transaction to");
  const int now = streaming_from_.load();
  const size_t first = now >= 0 ? static_cast<size_t>(now) : 0;
  v1::SubmitRequest request;
  *request.mutable_tx() = tx;
  Status last = Status::Unavailable("no validator took the transaction");
  for (size_t i = 0; i < n; ++i) {
    const size_t index = (first + i) % n;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kRelayDeadline);
    v1::SubmitResponse response;
    const grpc::Status s = stubs_[index]->Submit(&context, request, &response);
    if (s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS) return Status::Ok();
    last = Status(static_cast<Code>(s.error_code()),
                  "validator " + options_.addresses[index] + ": " + s.error_message());
    if (!TryAnother(s.error_code())) break;  // the transaction itself was refused
  }
  return last;
}

int RunObserverNode(const std::string& config_path, const sigset_t& signals) {
  Result<NodeConfig> loaded = LoadNodeConfig(config_path);
  if (!loaded.ok()) return ConfigError(loaded.status());
  const NodeConfig& config = *loaded;
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  Result<ObserverSetup> prepared = PrepareObserver(config);
  if (!prepared.ok()) return ConfigError(prepared.status());
  const ObserverSetup& setup = *prepared;
  const GenesisInfo& genesis = setup.genesis;

  Result<std::unique_ptr<Store>> opened = OpenNodeStore(config, genesis);
  if (!opened.ok()) return StoreOpenError(opened.status());
  Store& store = **opened;
  spdlog::info("observer {} of chain {} genesis {} height {}", config.node_id,
               genesis.genesis.chain_id(), genesis.hash.Hex(), store.Height());

  Mempool mempool;
  CommitFeed feed(store.Height());
  ChainFollower chain(store, mempool, feed, genesis);
  if (Status started = chain.Start(); !started.ok()) {
    spdlog::critical("reading the committed tip: {}", started.ToString());
    return kExitHalted;
  }
  ValidatorFollowerOptions fopt;
  fopt.addresses = config.follow_validators;
  fopt.stall = std::chrono::milliseconds(config.follow_stall_ms);
  fopt.channel = [&setup](const std::string& address) {
    return ObserverChannel(address, setup.tls);
  };
  ValidatorFollower follower(chain, std::move(fopt));

  MetricsRegistry metrics;
  RegisterMetrics(metrics, store, mempool, chain, follower);
  // The same identification and read policy as a validator's client API.
  Result<ClientAccessSetup> client_access =
      SetUpClientAccess(genesis, store, setup.tls.cert_pem, setup.tls.key_pem, &metrics);
  if (!client_access.ok()) return ConfigError(client_access.status());
  const std::vector<std::string> followed = config.follow_validators;
  LedgerService service(LedgerServiceContext{
      .store = store,
      .mempool = mempool,
      .feed = feed,
      .genesis = genesis,
      .mode = "observer",
      .on_admitted =
          [&follower, &mempool](const v1::SignedTransaction& tx) {
            Status relayed = follower.Relay(tx);
            if (relayed.ok()) return;
            // Nobody will commit it: do not keep it, so that a retry is relayed anew.
            mempool.Remove({Sha256(AsBytes(tx.body()))});
            spdlog::warn("could not relay a transaction: {}", relayed.ToString());
          },
      .fill_status =
          [&follower, followed](v1::StatusResponse& r) {
            r.set_round(0);
            r.set_syncing(!follower.following());
            const int now = follower.streaming_from();
            for (size_t i = 0; i < followed.size(); ++i) {
              v1::PeerStatus* out = r.add_peers();
              out->set_address(followed[i]);
              out->set_connected(now == static_cast<int>(i));
            }
          },
      .access = client_access->access,
  });
  TraceService trace_service(store, client_access->access);
  std::unique_ptr<grpc::Server> server =
      StartClientApi(config.client_listen, client_access->credentials, service, trace_service);
  if (!server) return kExitError;
  server->GetHealthCheckService()->SetServingStatus(false);
  std::unique_ptr<MetricsServer> metrics_server;
  if (!StartMetricsServer(config.metrics_listen, metrics, &metrics_server)) return kExitError;
  follower.Start();
  spdlog::info("tadorid observer {} serving on {} (following {}; metrics on {})", config.node_id,
               config.client_listen, config.follow_validators.size(),
               config.metrics_listen.empty() ? "-" : config.metrics_listen);

  bool serving = false;
  const StopCause cause = RunUntilStopped(
      signals, [&follower] { return !follower.failure().ok(); },
      [&] {
        const bool following = follower.following();
        if (serving == following) return;
        serving = following;
        server->GetHealthCheckService()->SetServingStatus(serving);
        spdlog::info("health: {}", serving ? "SERVING" : "NOT_SERVING (no validator stream)");
      });
  if (cause == StopCause::kHalted) {
    spdlog::critical("halting: {}", follower.failure().ToString());
  }
  server->GetHealthCheckService()->SetServingStatus(false);
  feed.Shutdown();
  follower.Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  spdlog::info("stopped at height {}", store.Height());
  return cause == StopCause::kSignal ? kExitOk : kExitHalted;
}

int RunObserverConfigCheck(const std::string& config_path) {
  Result<NodeConfig> loaded = LoadNodeConfig(config_path);
  if (!loaded.ok()) return ConfigError(loaded.status());
  const NodeConfig& config = *loaded;
  Result<ObserverSetup> prepared = PrepareObserver(config);
  if (!prepared.ok()) return ConfigError(prepared.status());
  if (!config.metrics_listen.empty() && config.metrics_listen == config.client_listen) {
    return ConfigError(
        Status::InvalidArgument("[client] and [metrics] both listen on " + config.client_listen));
  }
  std::printf(
      "observer %s of chain %s genesis %s: client API %s (%s), following %zu "
      "validators, data %s\n",
      config.node_id.c_str(), prepared->genesis.genesis.chain_id().c_str(),
      prepared->genesis.hash.Hex().c_str(), config.client_listen.c_str(),
      prepared->tls.cert_pem.empty() ? "plaintext" : "TLS", config.follow_validators.size(),
      config.data_dir.c_str());
  return kExitOk;
}

}  // namespace tadori
