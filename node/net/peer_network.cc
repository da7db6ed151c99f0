#include "node/net/peer_network.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "ledger/certificates.h"
#include "node/net/grpc_status.h"
#include "tadori/v1/peer.grpc.pb.h"

namespace tadori {

std::string_view PeerRefusalName(PeerRefusal reason) {
  switch (reason) {
    case PeerRefusal::kBadCertificate:
      return "bad_certificate";
    case PeerRefusal::kWrongServer:
      return "wrong_server";
    case PeerRefusal::kBadHello:
      return "bad_hello";
    case PeerRefusal::kGenesisMismatch:
      return "genesis_mismatch";
    case PeerRefusal::kQueueOverflow:
      return "queue_overflow";
    case PeerRefusal::kHelloTimeout:
      return "hello_timeout";
    case PeerRefusal::kCount:
      break;
  }
  return "unknown";
}

namespace {

constexpr uint32_t kProtocolVersion = 1;
static_assert(kPeerFrameBytesMax < (size_t{1} << 31), "gRPC message sizes are ints");
constexpr int kMessageSizeMax = static_cast<int>(kPeerFrameBytesMax);
constexpr auto kBackoffInitial = std::chrono::milliseconds(100);
constexpr auto kBackoffMax = std::chrono::milliseconds(5000);
// Keepalive pings every 2 s, answered within 2 s: a peer that vanished without closing its
// connection (kill -9, a pulled cable) is noticed within a few seconds.
constexpr int kKeepaliveTimeMs = 2000;
constexpr int kKeepaliveTimeoutMs = 2000;
// Stop() lets in-flight calls this long to notice their cancellation before the server
// cancels them itself.
constexpr auto kShutdownGrace = std::chrono::milliseconds(500);

using Frame = std::shared_ptr<const v1::PeerFrame>;
// A frame in a peer's outbound queue with its serialized size, counted once when queued.
struct QueuedFrame {
  Frame frame;
  size_t bytes = 0;
};

// host:port with a non-empty host and a port in 0..65535 (IPv6 hosts in brackets).
bool LooksLikeHostPort(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  if (address.size() - colon - 1 > 5) return false;
  for (size_t i = colon + 1; i < address.size(); ++i) {
    if (address[i] < '0' || address[i] > '9') return false;
  }
  return std::stoi(address.substr(colon + 1)) <= 65535;
}

}  // namespace

// One established link to a peer: its outbound queue and how to cut it.
struct PeerLink {
  size_t peer = 0;
  std::function<void()> cancel;  // TryCancel on the call; valid while the link is registered

  std::mutex mu;
  std::condition_variable cv;
  std::deque<QueuedFrame> queue;  // guarded by mu
  size_t queued_bytes = 0;        // guarded by mu; the sum of queue[i].bytes
  bool closed = false;            // guarded by mu
};

struct PeerNetwork::Impl final : public v1::Peer::Service {
  PeerNetworkOptions options;
  FrameHandler on_frame;
  std::string genesis_hash;  // raw 32 bytes, as in PeerHello
  std::string trust_roots;
  int port = 0;

  std::array<std::atomic<uint64_t>, static_cast<size_t>(PeerRefusal::kCount)> refusals{};
  std::atomic<uint64_t> received{0};
  std::atomic<uint64_t> sent{0};

  mutable std::mutex mu;
  std::condition_variable stop_cv;                    // wakes dialers out of their backoff
  bool stopping = false;                              // guarded by mu
  std::map<size_t, std::shared_ptr<PeerLink>> links;  // guarded by mu; by peer index
  // Every call in progress (dials and accepted streams, before and after the Hello), so
  // that Stop() can cut them all. Guarded by mu.
  std::map<uint64_t, std::function<void()>> calls;
  uint64_t next_call_id = 0;  // guarded by mu

  // Streams still in their Hello exchange, by call id, each cut by the watchdog thread at its
  // deadline. Guarded by mu.
  struct HelloWatch {
    std::chrono::steady_clock::time_point deadline;
    std::function<void()> cancel;
    std::string who;  // for the log: the peer and its address
    bool expired = false;
  };
  std::map<uint64_t, HelloWatch> hello_watches;
  std::condition_variable hello_cv;  // wakes the watchdog: a new watch, or stopping
  std::thread hello_watchdog;

  std::unique_ptr<grpc::Server> server;
  std::vector<std::thread> dialers;
  std::mutex stop_mu;    // serialises Stop()
  bool stopped = false;  // guarded by stop_mu

  // Counts a refusal and says why in the log (queue overflows only count: under load they
  // would flood it).
  void Refuse(PeerRefusal reason, std::string_view why = {}) {
    refusals[static_cast<size_t>(reason)]++;
    if (reason != PeerRefusal::kQueueOverflow) {
      spdlog::warn("peer link refused ({}): {}", PeerRefusalName(reason), why);
    }
  }

  const std::string& ValidatorId(size_t index) const {
    return options.genesis->genesis.validators(static_cast<int>(index)).id();
  }

  v1::PeerFrame OwnHello() const {
    v1::PeerFrame frame;
    auto* hello = frame.mutable_hello();
    hello->set_genesis_hash(genesis_hash);
    hello->set_validator_id(ValidatorId(options.self));
    hello->set_protocol_version(kProtocolVersion);
    return frame;
  }

  // The peer's first frame must be a Hello for our genesis from the validator its
  // certificate names. Counts the refusal.
  Status CheckHello(const v1::PeerFrame& frame, size_t peer) {
    auto refuse = [&](PeerRefusal reason, const std::string& why) {
      Refuse(reason, ValidatorId(peer) + ": " + why);
      return Status::FailedPrecondition(why);
    };
    if (!frame.has_hello()) return refuse(PeerRefusal::kBadHello, "first frame is not a Hello");
    const auto& hello = frame.hello();
    if (hello.genesis_hash() != genesis_hash) {
      return refuse(PeerRefusal::kGenesisMismatch, "Hello for another genesis");
    }
    if (hello.validator_id() != ValidatorId(peer)) {
      return refuse(PeerRefusal::kBadHello, "Hello from \"" + hello.validator_id() +
                                                "\" over the certificate of " + ValidatorId(peer));
    }
    if (hello.protocol_version() != kProtocolVersion) {
      return refuse(PeerRefusal::kBadHello,
                    "unsupported protocol version " + std::to_string(hello.protocol_version()));
    }
    return Status::Ok();
  }

  // Registers a call's canceller; 0 when the network is stopping (the call is then
  // cancelled at once).
  uint64_t RegisterCall(std::function<void()> cancel) {
    std::lock_guard<std::mutex> lock(mu);
    if (stopping) {
      cancel();
      return 0;
    }
    uint64_t id = ++next_call_id;
    calls.emplace(id, std::move(cancel));
    return id;
  }
  void UnregisterCall(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu);
    calls.erase(id);
  }

  // Starts the Hello deadline of call `call` (its RegisterCall id): `cancel` runs at the
  // deadline unless EndHelloWatch came first.
  void StartHelloWatch(uint64_t call, std::function<void()> cancel, std::string who) {
    {
      std::lock_guard<std::mutex> lock(mu);
      hello_watches[call] = HelloWatch{std::chrono::steady_clock::now() + options.hello_timeout,
                                       std::move(cancel), std::move(who)};
    }
    hello_cv.notify_one();
  }
  // Ends the watch; true when the deadline had already passed (the call was cancelled, and
  // the Hello exchange counts as failed even if it completed meanwhile).
  bool EndHelloWatch(uint64_t call) {
    std::lock_guard<std::mutex> lock(mu);
    auto it = hello_watches.find(call);
    if (it == hello_watches.end()) return false;
    bool expired = it->second.expired;
    hello_watches.erase(it);
    return expired;
  }
  // Ends a call's Hello watch however the call leaves its scope.
  class HelloWatchScope {
   public:
    HelloWatchScope(Impl& impl, uint64_t call) : impl_(impl), call_(call) {}
    ~HelloWatchScope() { End(); }
    HelloWatchScope(const HelloWatchScope&) = delete;
    HelloWatchScope& operator=(const HelloWatchScope&) = delete;
    bool End() {  // EndHelloWatch, once
      if (!open_) return expired_;
      open_ = false;
      expired_ = impl_.EndHelloWatch(call_);
      return expired_;
    }

   private:
    Impl& impl_;
    const uint64_t call_;
    bool open_ = true;
    bool expired_ = false;
  };

  void HelloWatchdog() {
    std::unique_lock<std::mutex> lock(mu);
    while (!stopping) {
      auto now = std::chrono::steady_clock::now();
      auto next = std::chrono::steady_clock::time_point::max();
      for (auto& [call, watch] : hello_watches) {
        if (watch.expired) continue;
        if (watch.deadline <= now) {
          watch.expired = true;
          Refuse(PeerRefusal::kHelloTimeout, watch.who + ": no Hello within " +
                                                 std::to_string(options.hello_timeout.count()) +
                                                 " ms");
          watch.cancel();
        } else {
          next = std::min(next, watch.deadline);
        }
      }
      if (next == std::chrono::steady_clock::time_point::max()) {
        hello_cv.wait(lock);
      } else {
        hello_cv.wait_until(lock, next);
      }
    }
  }

  // After both Hellos: registers the link (replacing an older one to the same peer), runs
  // a writer thread and reads frames on this thread until the stream ends. Returns when
  // the link is down and the writer joined.
  template <typename Stream>
  void RunLink(size_t peer, Stream* stream, std::function<void()> cancel) {
    auto link = std::make_shared<PeerLink>();
    link->peer = peer;
    link->cancel = cancel;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopping) return;
      auto it = links.find(peer);
      if (it != links.end()) it->second->cancel();  // the newer link wins
      links[peer] = link;
    }
    spdlog::info("peer link to {} up", ValidatorId(peer));

    std::thread writer([this, link, stream] {
      for (;;) {
        Frame frame;
        {
          std::unique_lock<std::mutex> lock(link->mu);
          link->cv.wait(lock, [&] { return link->closed || !link->queue.empty(); });
          if (link->closed) return;
          frame = std::move(link->queue.front().frame);
          link->queued_bytes -= link->queue.front().bytes;
          link->queue.pop_front();
        }
        if (!stream->Write(*frame)) {
          link->cancel();  // the stream is broken: make the reader see it too
          return;
        }
        sent++;
      }
    });

    v1::PeerFrame frame;
    while (stream->Read(&frame)) {
      if (frame.has_hello()) {
        Refuse(PeerRefusal::kBadHello, ValidatorId(peer) + ": a second Hello");
        break;
      }
      received++;
      on_frame(peer, std::move(frame));
      frame.Clear();
    }

    {
      std::lock_guard<std::mutex> lock(mu);
      auto it = links.find(peer);
      if (it != links.end() && it->second == link) links.erase(it);
    }
    cancel();  // unblocks a writer stuck in Write on a peer that stopped reading
    {
      std::lock_guard<std::mutex> lock(link->mu);
      link->closed = true;
      link->queue.clear();
      link->queued_bytes = 0;
    }
    link->cv.notify_all();
    writer.join();
    spdlog::info("peer link to {} down", ValidatorId(peer));
  }

  // tadori.v1.Peer/Connect: an accepted stream from a lower-index validator.
  grpc::Status Connect(grpc::ServerContext* context,
                       grpc::ServerReaderWriter<v1::PeerFrame, v1::PeerFrame>* stream) override {
    auto refuse_certificate = [&](const std::string& why) {
      Refuse(PeerRefusal::kBadCertificate, context->peer() + ": " + why);
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, why);
    };
    auto auth = context->auth_context();
    auto pems = auth ? auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME)
                     : std::vector<grpc::string_ref>{};
    if (pems.empty()) return refuse_certificate("no client certificate");
    auto identified =
        IdentifyPeerValidator(std::string_view(pems[0].data(), pems[0].size()), *options.genesis);
    if (!identified.ok()) return refuse_certificate(identified.status().message());
    size_t peer = *identified;
    if (peer == options.self) return refuse_certificate("client presents our own certificate");
    if (peer > options.self) {
      // The lower index dials; accepting too would leave two links for one pair.
      spdlog::warn("peer {} ({}) dialled us, but we dial it", ValidatorId(peer), context->peer());
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "validator " + ValidatorId(options.self) + " dials " + ValidatorId(peer) +
                              ", not the reverse");
    }

    uint64_t call = RegisterCall([context] { context->TryCancel(); });
    if (call == 0) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down");
    grpc::Status status = Accept(context, stream, peer, call);
    UnregisterCall(call);
    if (context->IsCancelled()) return grpc::Status::CANCELLED;
    return status;
  }

  grpc::Status Accept(grpc::ServerContext* context,
                      grpc::ServerReaderWriter<v1::PeerFrame, v1::PeerFrame>* stream, size_t peer,
                      uint64_t call) {
    // The deadline covers our Write too: a client that never reads could block it.
    StartHelloWatch(
        call, [context] { context->TryCancel(); },
        "accepted " + ValidatorId(peer) + " at " + context->peer());
    HelloWatchScope watch(*this, call);
    if (!stream->Write(OwnHello())) return grpc::Status::CANCELLED;
    v1::PeerFrame first;
    if (!stream->Read(&first)) return grpc::Status::CANCELLED;
    if (watch.End()) return grpc::Status::CANCELLED;
    Status hello = CheckHello(first, peer);
    if (!hello.ok()) return ToGrpc(hello);
    RunLink(peer, stream, [context] { context->TryCancel(); });
    return grpc::Status::OK;
  }

  // One dial attempt to `peer`, from the call to the end of the link. True when the
  // Hellos were exchanged (the backoff starts over).
  bool DialOnce(size_t peer, v1::Peer::Stub& stub) {
    grpc::ClientContext context;
    uint64_t call = RegisterCall([&context] { context.TryCancel(); });
    if (call == 0) return false;
    // From the call to the peer's Hello: a server that accepts the connection and then says
    // nothing must not hold this dialer for ever.
    StartHelloWatch(
        call, [&context] { context.TryCancel(); }, "dialled " + ValidatorId(peer));
    HelloWatchScope watch(*this, call);
    bool hello_done = false;
    auto stream = stub.Connect(&context);
    stream->WaitForInitialMetadata();
    // The auth context is read once the server has answered: before that the call may not
    // be on a connection yet (and ClientContext caches the first answer).
    auto auth = context.auth_context();
    auto pems = auth ? auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME)
                     : std::vector<grpc::string_ref>{};
    if (!pems.empty()) {
      auto identified =
          IdentifyPeerValidator(std::string_view(pems[0].data(), pems[0].size()), *options.genesis);
      if (!identified.ok() || *identified != peer) {
        Refuse(PeerRefusal::kWrongServer,
               "dialled " + ValidatorId(peer) + " at " + context.peer() + ", certificate: " +
                   (identified.ok() ? ValidatorId(*identified) : identified.status().message()));
        context.TryCancel();
      } else if (stream->Write(OwnHello())) {
        v1::PeerFrame first;
        if (stream->Read(&first) && !watch.End()) {
          if (CheckHello(first, peer).ok()) {
            hello_done = true;
            RunLink(peer, stream.get(), [&context] { context.TryCancel(); });
          } else {
            context.TryCancel();
          }
        }
      }
    } else {
      context.TryCancel();  // the call failed before reaching a server
    }
    watch.End();
    grpc::Status finish = stream->Finish();
    // Failed attempts repeat every few seconds while a peer is down: debug only. Refusals
    // were logged where they were counted.
    if (!hello_done) {
      spdlog::debug("dialling {}: {} {}", ValidatorId(peer), static_cast<int>(finish.error_code()),
                    finish.error_message());
    }
    UnregisterCall(call);
    return hello_done;
  }

  void DialLoop(size_t peer, std::string address) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = trust_roots;
    ssl.pem_private_key = options.tls_private_key_pem;
    ssl.pem_cert_chain = options.tls_certificate_pem;
    grpc::ChannelArguments args;
    // The peer's certificate carries DNS:<validator id>, whatever address it is reached at.
    args.SetSslTargetNameOverride(ValidatorId(peer));
    args.SetMaxReceiveMessageSize(kMessageSizeMax);
    args.SetMaxSendMessageSize(kMessageSizeMax);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, static_cast<int>(kBackoffInitial.count()));
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(kBackoffMax.count()));
    // Our own subchannels: a restart of one network in a process (tests) must not inherit
    // the connection state of another.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
    auto stub = v1::Peer::NewStub(channel);

    auto backoff = std::chrono::milliseconds(kBackoffInitial);
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stopping) return;
      }
      if (DialOnce(peer, *stub)) backoff = kBackoffInitial;
      std::unique_lock<std::mutex> lock(mu);
      if (stop_cv.wait_for(lock, backoff, [this] { return stopping; })) return;
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, kBackoffMax);
    }
  }

  // Queues `frame` (`bytes` serialized) for the link, first dropping the oldest frames until
  // it fits both bounds. A frame that could never be sent (over kPeerFrameBytesMax, so over
  // the budget too) is dropped itself: writing it would fail and cut the link.
  void Enqueue(PeerLink& link, const Frame& frame, size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(link.mu);
      if (link.closed) return;
      if (bytes > kPeerFrameBytesMax) {
        Refuse(PeerRefusal::kQueueOverflow);
        return;
      }
      while (!link.queue.empty() && (link.queue.size() >= options.queue_frames_max ||
                                     link.queued_bytes + bytes > options.queue_bytes_max)) {
        link.queued_bytes -= link.queue.front().bytes;
        link.queue.pop_front();
        Refuse(PeerRefusal::kQueueOverflow);
      }
      link.queue.push_back({frame, bytes});
      link.queued_bytes += bytes;
    }
    link.cv.notify_one();
  }

  void Stop() {
    std::lock_guard<std::mutex> stop_lock(stop_mu);
    if (stopped) return;
    stopped = true;
    {
      std::lock_guard<std::mutex> lock(mu);
      stopping = true;
      for (auto& [id, cancel] : calls) cancel();
    }
    stop_cv.notify_all();
    hello_cv.notify_all();
    if (hello_watchdog.joinable()) hello_watchdog.join();
    if (server) {
      server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
      server->Wait();
    }
    for (auto& dialer : dialers) dialer.join();
    dialers.clear();
    server.reset();
  }
};

PeerNetwork::PeerNetwork(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PeerNetwork::~PeerNetwork() {
  Stop();
}

void PeerNetwork::Stop() {
  impl_->Stop();
}

Result<std::unique_ptr<PeerNetwork>> PeerNetwork::Start(PeerNetworkOptions options,
                                                        FrameHandler on_frame) {
  if (options.genesis == nullptr) return Status::InvalidArgument("no genesis");
  const auto& genesis = *options.genesis;
  size_t validator_count = static_cast<size_t>(genesis.genesis.validators_size());
  if (options.self >= validator_count) {
    return Status::InvalidArgument("self index " + std::to_string(options.self) +
                                   " is not a genesis validator");
  }
  if (!on_frame) return Status::InvalidArgument("no frame handler");
  if (options.queue_frames_max == 0) return Status::InvalidArgument("queue_frames_max is 0");
  if (options.queue_bytes_max < kPeerFrameBytesMax) {
    return Status::InvalidArgument("queue_bytes_max " + std::to_string(options.queue_bytes_max) +
                                   " cannot hold the largest frame (" +
                                   std::to_string(kPeerFrameBytesMax) + " bytes)");
  }
  if (options.hello_timeout <= std::chrono::milliseconds::zero()) {
    return Status::InvalidArgument("hello_timeout must be positive");
  }
  if (!LooksLikeHostPort(options.listen_address)) {
    return Status::InvalidArgument("listen address \"" + options.listen_address +
                                   "\" is not host:port");
  }
  for (const auto& [index, address] : options.dial_addresses) {
    if (index >= validator_count || index == options.self) {
      return Status::InvalidArgument("dial address for validator index " + std::to_string(index) +
                                     ", which is not another genesis validator");
    }
    if (!LooksLikeHostPort(address)) {
      return Status::InvalidArgument("dial address \"" + address + "\" is not host:port");
    }
  }
  TADORI_RETURN_IF_ERROR(CheckTlsKeyPair("TLS certificate", options.tls_certificate_pem,
                                         "TLS private key", options.tls_private_key_pem));
  auto own = IdentifyPeerValidator(options.tls_certificate_pem, genesis);
  if (!own.ok()) {
    return Status::InvalidArgument("own TLS certificate: " + own.status().message());
  }
  if (*own != options.self) {
    return Status::InvalidArgument("own TLS certificate names validator " +
                                   genesis.genesis.validators(static_cast<int>(*own)).id() +
                                   ", not this node's");
  }

  auto impl = std::make_unique<Impl>();
  TADORI_ASSIGN_OR_RETURN(impl->trust_roots, GenesisTrustRootsPem(genesis));
  impl->genesis_hash = genesis.hash.ToBinaryString();
  impl->on_frame = std::move(on_frame);
  impl->options = std::move(options);
  const PeerNetworkOptions& opts = impl->options;

  // The server asks for a client certificate but leaves its verification to Connect
  // (IdentifyPeerValidator checks the signature of the organisation's CA, the validity and
  // the names): a refused certificate is then counted, instead of vanishing in a failed
  // handshake. The TLS handshake still proves the client holds the certificate's key.
  grpc::SslServerCredentialsOptions ssl(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
  ssl.pem_root_certs = impl->trust_roots;
  ssl.pem_key_cert_pairs.push_back({opts.tls_private_key_pem, opts.tls_certificate_pem});

  grpc::ServerBuilder builder;
  builder.AddListeningPort(opts.listen_address, grpc::SslServerCredentials(ssl), &impl->port);
  builder.RegisterService(impl.get());
  builder.SetMaxReceiveMessageSize(kMessageSizeMax);
  builder.SetMaxSendMessageSize(kMessageSizeMax);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // The dialers ping every kKeepaliveTimeMs: do not count that as abuse.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             kKeepaliveTimeMs / 2);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  // Without this gRPC sets SO_REUSEPORT and a second node would bind the same port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  impl->server = builder.BuildAndStart();
  if (!impl->server || impl->port == 0) {
    impl->Stop();
    return Status::Unavailable("cannot listen on " + opts.listen_address);
  }

  Impl* raw = impl.get();
  raw->hello_watchdog = std::thread([raw] { raw->HelloWatchdog(); });
  for (const auto& [index, address] : opts.dial_addresses) {
    if (index < opts.self) continue;  // it dials us
    raw->dialers.emplace_back(
        [raw, index = index, address = address] { raw->DialLoop(index, address); });
  }
  return std::unique_ptr<PeerNetwork>(new PeerNetwork(std::move(impl)));
}

void PeerNetwork::Send(size_t to, const v1::PeerFrame& frame) {
  std::shared_ptr<PeerLink> link;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->links.find(to);
    if (it == impl_->links.end()) return;
    link = it->second;
  }
  impl_->Enqueue(*link, std::make_shared<const v1::PeerFrame>(frame), frame.ByteSizeLong());
}

void PeerNetwork::Broadcast(const v1::PeerFrame& frame) {
  std::vector<std::shared_ptr<PeerLink>> targets;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    for (const auto& [index, link] : impl_->links) targets.push_back(link);
  }
  if (targets.empty()) return;
  // One copy shared by every queue: consensus messages can be tens of MiB.
  auto shared = std::make_shared<const v1::PeerFrame>(frame);
  const size_t bytes = frame.ByteSizeLong();
  for (const auto& link : targets) impl_->Enqueue(*link, shared, bytes);
}

int PeerNetwork::port() const {
  return impl_->port;
}

std::vector<PeerNetwork::PeerState> PeerNetwork::Peers() const {
  const auto& opts = impl_->options;
  size_t count = static_cast<size_t>(opts.genesis->genesis.validators_size());
  std::vector<PeerState> out;
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (size_t i = 0; i < count; ++i) {
    if (i == opts.self) continue;
    PeerState state;
    state.index = i;
    state.validator_id = impl_->ValidatorId(i);
    auto address = opts.dial_addresses.find(i);
    if (i > opts.self && address != opts.dial_addresses.end()) state.address = address->second;
    state.connected = impl_->links.count(i) > 0;
    out.push_back(std::move(state));
  }
  return out;
}

size_t PeerNetwork::connected_count() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->links.size();
}

uint64_t PeerNetwork::refused(PeerRefusal reason) const {
  if (reason >= PeerRefusal::kCount) return 0;
  return impl_->refusals[static_cast<size_t>(reason)].load();
}

uint64_t PeerNetwork::frames_received() const {
  return impl_->received.load();
}
uint64_t PeerNetwork::frames_sent() const {
  return impl_->sent.load();
}

size_t PeerNetwork::queued_bytes(size_t peer) const {
  std::shared_ptr<PeerLink> link;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->links.find(peer);
    if (it == impl_->links.end()) return 0;
    link = it->second;
  }
  std::lock_guard<std::mutex> lock(link->mu);
  return link->queued_bytes;
}

}  // namespace tadori
