// PeerNetwork over real mutual TLS on 127.0.0.1, several networks in one process.
#include "node/net/peer_network.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "ledger/keys.h"
#include "ledger/certificates.h"
#include "tadori/v1/peer.grpc.pb.h"
#include "tests/support/tls_consortium.h"

namespace tadori {
namespace {

using namespace std::chrono_literals;

// Polls `done` until it holds or `deadline` passes; the deadline is generous and only
// bounds a failing test.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds deadline = 20s) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

v1::PeerFrame Consensus(const std::string& payload) {
  v1::PeerFrame frame;
  frame.set_consensus(payload);
  return frame;
}

// What one network received, in order.
struct Inbox {
  std::mutex mu;
  std::vector<std::pair<size_t, std::string>> frames;

  PeerNetwork::FrameHandler Handler() {
    return [this](size_t from, v1::PeerFrame frame) {
      std::lock_guard<std::mutex> lock(mu);
      frames.emplace_back(from, frame.consensus());
    };
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return frames.size();
  }
  std::vector<std::string> From(size_t from) {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<std::string> out;
    for (const auto& [f, payload] : frames) {
      if (f == from) out.push_back(payload);
    }
    return out;
  }
};

class PeerNetworkTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    consortium_ = new TlsConsortium(MakeTlsConsortium(4, "peer-test"));
  }
  static void TearDownTestSuite() { delete consortium_; }
  static const GenesisInfo& Info() { return *consortium_->info; }

  static PeerNetworkOptions Options(size_t self, std::map<size_t, std::string> dial = {},
                                    const GenesisInfo* genesis = nullptr) {
    PeerNetworkOptions options;
    options.genesis = genesis != nullptr ? genesis : &Info();
    options.self = self;
    options.listen_address = "127.0.0.1:0";
    options.tls_certificate_pem = consortium_->nodes[self].certificate_pem;
    options.tls_private_key_pem = consortium_->nodes[self].private_key_pem;
    options.dial_addresses = std::move(dial);
    return options;
  }

  static std::unique_ptr<PeerNetwork> MustStart(PeerNetworkOptions options,
                                                PeerNetwork::FrameHandler handler) {
    auto net = PeerNetwork::Start(std::move(options), std::move(handler));
    EXPECT_TRUE(net.ok()) << net.status().ToString();
    return net.ok() ? std::move(net).value() : nullptr;
  }

  static std::string Address(const PeerNetwork& net) {
    return "127.0.0.1:" + std::to_string(net.port());
  }

  static TlsConsortium* consortium_;
};
TlsConsortium* PeerNetworkTest::consortium_ = nullptr;

TEST_F(PeerNetworkTest, DeliversFramesInOrderWithTheSender) {
  Inbox inbox[3];
  // Higher indices first: each network dials the ones above it.
  auto n2 = MustStart(Options(2), inbox[2].Handler());
  ASSERT_TRUE(n2);
  auto n1 = MustStart(Options(1, {{2, Address(*n2)}}), inbox[1].Handler());
  ASSERT_TRUE(n1);
  auto n0 = MustStart(Options(0, {{1, Address(*n1)}, {2, Address(*n2)}}), inbox[0].Handler());
  ASSERT_TRUE(n0);
  ASSERT_TRUE(WaitFor([&] {
    return n0->connected_count() == 2 && n1->connected_count() == 2 && n2->connected_count() == 2;
  }));

  // One entry per other genesis validator; validator 3 never runs.
  auto peers = n0->Peers();
  ASSERT_EQ(peers.size(), 3u);
  EXPECT_EQ(peers[0].index, 1u);
  EXPECT_EQ(peers[0].validator_id, "val-1");
  EXPECT_EQ(peers[0].address, Address(*n1));
  EXPECT_TRUE(peers[0].connected);
  EXPECT_EQ(peers[1].index, 2u);
  EXPECT_TRUE(peers[1].connected);
  EXPECT_EQ(peers[2].index, 3u);
  EXPECT_EQ(peers[2].address, "");
  EXPECT_FALSE(peers[2].connected);
  auto peers2 = n2->Peers();
  ASSERT_EQ(peers2.size(), 3u);
  EXPECT_EQ(peers2[0].validator_id, "val-0");
  EXPECT_EQ(peers2[0].address, "");  // it dials us
  EXPECT_TRUE(peers2[0].connected);
  EXPECT_TRUE(peers2[1].connected);
  EXPECT_FALSE(peers2[2].connected);

  constexpr int kFrames = 200;
  std::vector<std::string> broadcast, to_zero, to_two;
  for (int k = 0; k < kFrames; ++k) {
    broadcast.push_back("b0-" + std::to_string(k));
    to_zero.push_back("s2to0-" + std::to_string(k));
    to_two.push_back("s1to2-" + std::to_string(k));
    n0->Broadcast(Consensus(broadcast.back()));
    n2->Send(0, Consensus(to_zero.back()));
    n1->Send(2, Consensus(to_two.back()));
  }
  n1->Send(1, Consensus("to myself"));  // not a peer: dropped
  ASSERT_TRUE(WaitFor([&] {
    return inbox[0].size() == kFrames && inbox[1].size() == kFrames &&
           inbox[2].size() == 2 * kFrames;
  }));
  EXPECT_EQ(inbox[1].From(0), broadcast);
  EXPECT_EQ(inbox[2].From(0), broadcast);
  EXPECT_EQ(inbox[0].From(2), to_zero);
  EXPECT_EQ(inbox[2].From(1), to_two);
  EXPECT_TRUE(inbox[0].From(1).empty());
  EXPECT_TRUE(inbox[1].From(2).empty());
  // Counted once Write returns, which may be just after the peer has the frame.
  EXPECT_TRUE(WaitFor([&] { return n0->frames_sent() == 2u * kFrames; }));
  EXPECT_EQ(n2->frames_received(), 2u * kFrames);
  for (auto reason : {PeerRefusal::kBadCertificate, PeerRefusal::kWrongServer,
                      PeerRefusal::kBadHello, PeerRefusal::kGenesisMismatch}) {
    EXPECT_EQ(n0->refused(reason) + n1->refused(reason) + n2->refused(reason), 0u)
        << PeerRefusalName(reason);
  }
  n1->Stop();
  n1->Stop();  // idempotent
  EXPECT_TRUE(WaitFor([&] { return n0->connected_count() == 1 && n2->connected_count() == 1; }));
}

// A client speaking tadori.v1.Peer directly, with whatever certificate the test gives it.
grpc::Status RawConnect(const std::string& address, const std::string& target_name,
                        const std::string& roots, const PemKeyPair& identity,
                        const v1::PeerFrame& hello) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = roots;
  ssl.pem_private_key = identity.private_key_pem;
  ssl.pem_cert_chain = identity.certificate_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride(target_name);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto stub =
      v1::Peer::NewStub(grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  auto stream = stub->Connect(&context);
  stream->Write(hello);
  v1::PeerFrame frame;
  while (stream->Read(&frame)) {
  }
  return stream->Finish();
}

TEST_F(PeerNetworkTest, RefusesCertificatesThatNameNoValidatorOfTheirOrganisation) {
  Inbox inbox;
  auto server = MustStart(Options(2), inbox.Handler());
  ASSERT_TRUE(server);
  std::string roots = *GenesisTrustRootsPem(Info());
  v1::PeerFrame hello;
  hello.mutable_hello()->set_genesis_hash(Info().hash.ToBinaryString());
  hello.mutable_hello()->set_validator_id("val-0");
  hello.mutable_hello()->set_protocol_version(1);

  // A CA the genesis does not know, issuing for validator 0 under the right names.
  auto outsider_ca = NewOrganizationCa("org-0");
  ASSERT_TRUE(outsider_ca.ok());
  auto outsider = IssueNodeCertificate(*outsider_ca, "org-0", "val-0", {}, {});
  ASSERT_TRUE(outsider.ok());
  auto status = RawConnect(Address(*server), "val-2", roots, *outsider, hello);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  EXPECT_EQ(server->refused(PeerRefusal::kBadCertificate), 1u);

  // Organisation 1's (genesis) CA naming organisation 0's validator.
  auto impostor = IssueNodeCertificate(consortium_->cas[1], "org-0", "val-0", {}, {});
  ASSERT_TRUE(impostor.ok());
  status = RawConnect(Address(*server), "val-2", roots, *impostor, hello);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  EXPECT_EQ(server->refused(PeerRefusal::kBadCertificate), 2u);

  // The genuine certificate, with a Hello that claims another validator.
  hello.mutable_hello()->set_validator_id("val-1");
  status = RawConnect(Address(*server), "val-2", roots, consortium_->nodes[0], hello);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  EXPECT_EQ(server->refused(PeerRefusal::kBadHello), 1u);

  EXPECT_EQ(server->connected_count(), 0u);
  EXPECT_EQ(server->frames_received(), 0u);
  EXPECT_EQ(inbox.size(), 0u);
}

// An open Peer stream from a test client holding validator `self`'s certificate.
struct RawLink {
  std::unique_ptr<v1::Peer::Stub> stub;
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReaderWriter<v1::PeerFrame, v1::PeerFrame>> stream;
};

std::unique_ptr<RawLink> OpenRawLink(const std::string& address, const std::string& target_name,
                                     const std::string& roots, const PemKeyPair& identity,
                                     const v1::PeerFrame& hello) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = roots;
  ssl.pem_private_key = identity.private_key_pem;
  ssl.pem_cert_chain = identity.certificate_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride(target_name);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto link = std::make_unique<RawLink>();
  link->stub =
      v1::Peer::NewStub(grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args));
  link->stream = link->stub->Connect(&link->context);
  link->stream->Write(hello);
  return link;
}

TEST_F(PeerNetworkTest, ANewLinkFromTheSameValidatorReplacesTheOld) {
  Inbox inbox;
  auto server = MustStart(Options(1), inbox.Handler());
  ASSERT_TRUE(server);
  std::string roots = *GenesisTrustRootsPem(Info());
  v1::PeerFrame hello;
  hello.mutable_hello()->set_genesis_hash(Info().hash.ToBinaryString());
  hello.mutable_hello()->set_validator_id("val-0");
  hello.mutable_hello()->set_protocol_version(1);

  auto first = OpenRawLink(Address(*server), "val-1", roots, consortium_->nodes[0], hello);
  v1::PeerFrame frame;
  ASSERT_TRUE(first->stream->Read(&frame));
  ASSERT_TRUE(frame.has_hello());
  EXPECT_EQ(frame.hello().validator_id(), "val-1");
  EXPECT_EQ(frame.hello().genesis_hash(), Info().hash.ToBinaryString());
  ASSERT_TRUE(first->stream->Write(Consensus("one")));
  ASSERT_TRUE(WaitFor([&] { return inbox.size() == 1; }));
  EXPECT_EQ(server->connected_count(), 1u);

  auto second = OpenRawLink(Address(*server), "val-1", roots, consortium_->nodes[0], hello);
  ASSERT_TRUE(second->stream->Read(&frame));
  ASSERT_TRUE(frame.has_hello());
  // The server cancels the older stream: its reads end.
  while (first->stream->Read(&frame)) {
  }
  EXPECT_EQ(first->stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(second->stream->Write(Consensus("two")));
  ASSERT_TRUE(WaitFor([&] { return inbox.size() == 2; }));
  EXPECT_EQ(inbox.From(0), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(server->connected_count(), 1u);
  server->Send(0, Consensus("reply"));
  ASSERT_TRUE(second->stream->Read(&frame));
  EXPECT_EQ(frame.consensus(), "reply");
  second->context.TryCancel();
  second->stream->Finish();
  EXPECT_TRUE(WaitFor([&] { return server->connected_count() == 0; }));
}

TEST_F(PeerNetworkTest, DialerRefusesAServerThatIsAnotherValidator) {
  // Validator 2's certificate, also valid for the host name "val-1".
  auto decoy = IssueNodeCertificate(consortium_->cas[2], "org-2", "val-2", {"val-1"}, {});
  ASSERT_TRUE(decoy.ok());
  Inbox inbox[2];
  auto options = Options(2);
  options.tls_certificate_pem = decoy->certificate_pem;
  options.tls_private_key_pem = decoy->private_key_pem;
  auto server = MustStart(std::move(options), inbox[1].Handler());
  ASSERT_TRUE(server);
  auto dialer = MustStart(Options(0, {{1, Address(*server)}}), inbox[0].Handler());
  ASSERT_TRUE(dialer);
  ASSERT_TRUE(WaitFor([&] { return dialer->refused(PeerRefusal::kWrongServer) >= 1; }));
  EXPECT_EQ(dialer->connected_count(), 0u);
  EXPECT_EQ(server->connected_count(), 0u);
}

TEST_F(PeerNetworkTest, RefusesAnotherGenesis) {
  v1::Genesis other = consortium_->genesis;
  other.set_chain_id("another-chain");  // same CAs, certificates and validators
  auto other_info = SealGenesis(other);
  ASSERT_TRUE(other_info.ok());
  Inbox inbox[2];
  auto server = MustStart(Options(1), inbox[1].Handler());
  ASSERT_TRUE(server);
  auto dialer =
      MustStart(Options(0, {{1, Address(*server)}}, &other_info.value()), inbox[0].Handler());
  ASSERT_TRUE(dialer);
  ASSERT_TRUE(WaitFor([&] {
    return server->refused(PeerRefusal::kGenesisMismatch) >= 1 &&
           dialer->refused(PeerRefusal::kGenesisMismatch) >= 1;
  }));
  dialer->Broadcast(Consensus("lost"));
  EXPECT_EQ(server->connected_count(), 0u);
  EXPECT_EQ(dialer->connected_count(), 0u);
  EXPECT_EQ(server->frames_received(), 0u);
  dialer->Stop();
  EXPECT_EQ(inbox[1].size(), 0u);
}

TEST_F(PeerNetworkTest, ReconnectsAfterThePeerRestarts) {
  Inbox inbox[2], inbox_again;
  auto server = MustStart(Options(1), inbox[1].Handler());
  ASSERT_TRUE(server);
  int port = server->port();
  auto dialer = MustStart(Options(0, {{1, Address(*server)}}), inbox[0].Handler());
  ASSERT_TRUE(dialer);
  ASSERT_TRUE(WaitFor([&] { return dialer->connected_count() == 1; }));
  dialer->Send(1, Consensus("before"));
  ASSERT_TRUE(WaitFor([&] { return inbox[1].size() == 1; }));

  server.reset();  // Stop()
  ASSERT_TRUE(WaitFor([&] { return dialer->connected_count() == 0; }));
  auto options = Options(1);
  options.listen_address = "127.0.0.1:" + std::to_string(port);
  server = MustStart(std::move(options), inbox_again.Handler());
  ASSERT_TRUE(server);
  EXPECT_EQ(server->port(), port);
  ASSERT_TRUE(
      WaitFor([&] { return dialer->connected_count() == 1 && server->connected_count() == 1; }));
  dialer->Send(1, Consensus("after"));
  server->Send(0, Consensus("back"));
  ASSERT_TRUE(WaitFor([&] { return inbox_again.size() == 1 && inbox[0].size() == 1; }));
  EXPECT_EQ(inbox_again.From(0), std::vector<std::string>{"after"});
  EXPECT_EQ(inbox[0].From(1), std::vector<std::string>{"back"});
}

TEST_F(PeerNetworkTest, FullQueueDropsTheOldestFrames) {
  // The receiver's handler blocks until released, so the stream backs up and the
  // sender's queue (two frames) overflows; the newest frames survive, in order.
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  std::vector<std::string> received;
  auto blocking = [&](size_t, v1::PeerFrame frame) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return released; });
    received.push_back(frame.consensus().substr(0, 8));
  };
  Inbox unused;
  auto receiver = MustStart(Options(1), blocking);
  ASSERT_TRUE(receiver);
  auto options = Options(0, {{1, Address(*receiver)}});
  options.queue_frames_max = 2;
  auto sender = MustStart(std::move(options), unused.Handler());
  ASSERT_TRUE(sender);
  ASSERT_TRUE(WaitFor([&] { return sender->connected_count() == 1; }));

  constexpr int kFrames = 120;
  std::string filler(1 << 20, 'x');  // 1 MiB: far more than the transport buffers in all
  for (int k = 0; k < kFrames; ++k) {
    std::string number = std::to_string(k);
    std::string tag = "f" + std::string(7 - number.size(), '0') + number;  // sorts as k
    sender->Send(1, Consensus(tag + filler));
  }
  EXPECT_GT(sender->refused(PeerRefusal::kQueueOverflow), 0u);
  {
    std::lock_guard<std::mutex> lock(mu);
    released = true;
  }
  cv.notify_all();
  uint64_t dropped = sender->refused(PeerRefusal::kQueueOverflow);
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return received.size() == kFrames - dropped;
  }));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(received.back(), "f0000119");
  EXPECT_TRUE(std::is_sorted(received.begin(), received.end()));
}

TEST_F(PeerNetworkTest, StartRefusesBadConfiguration) {
  auto handler = [](size_t, v1::PeerFrame) {};
  auto options = Options(0);
  options.genesis = nullptr;
  EXPECT_EQ(PeerNetwork::Start(options, handler).status().code(), Code::kInvalidArgument);
  options = Options(0);
  options.self = 4;
  EXPECT_EQ(PeerNetwork::Start(options, handler).status().code(), Code::kInvalidArgument);
  options = Options(0);
  options.tls_private_key_pem = consortium_->nodes[1].private_key_pem;
  EXPECT_EQ(PeerNetwork::Start(options, handler).status().code(), Code::kInvalidArgument);
  options = Options(0);  // validator 1's certificate and key on validator 0
  options.tls_certificate_pem = consortium_->nodes[1].certificate_pem;
  options.tls_private_key_pem = consortium_->nodes[1].private_key_pem;
  EXPECT_EQ(PeerNetwork::Start(options, handler).status().code(), Code::kInvalidArgument);
  options = Options(0);
  options.listen_address = "no-port";
  EXPECT_EQ(PeerNetwork::Start(options, handler).status().code(), Code::kInvalidArgument);
  options = Options(0, {{0, "127.0.0.1:1"}});
  EXPECT_EQ(PeerNetwork::Start(options, handler).status().code(), Code::kInvalidArgument);

  auto first = MustStart(Options(0), handler);
  ASSERT_TRUE(first);
  options = Options(0);
  options.listen_address = Address(*first);
  EXPECT_EQ(PeerNetwork::Start(options, handler).status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace tadori
