// The client API's resource bounds over real gRPC: the LedgerService and the server of
// StartClientApi in-process on 127.0.0.1, with small caps. Waiting calls beyond a cap are
// refused at once with RESOURCE_EXHAUSTED and a message that says what to do; places are
// given back when the calls end, whether they completed or their client went away.
#include "node/api/ledger_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/daemon/client_api.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

using namespace std::chrono_literals;

// Polls `done` until it holds or `deadline` passes; the deadline only bounds a failing test.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds deadline = 10s) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// A chain with one producer organisation, an empty store, and the node's client API on it.
class LedgerServiceQuotaTest : public ::testing::Test {
 protected:
  LedgerServiceQuotaTest() : admin_(NewKey()), validator_key_(NewKey()) {
    v1::Genesis g;
    g.set_chain_id(testing::kChainId);
    g.set_genesis_time_ms(testing::kBaseTimeMs);
    v1::Organization* org = g.add_organizations();
    org->set_id("farm");
    org->set_name("farm inc.");
    org->add_roles("producer");
    org->add_admin_public_keys(admin_.public_key().ToPem());
    v1::Validator* v = g.add_validators();
    v->set_id("v0");
    v->set_org_id("farm");
    v->set_consensus_public_key(validator_key_.public_key().ToPem());
    v->set_address("127.0.0.1:7000");
    genesis_ = std::make_unique<GenesisInfo>(testing::Must(SealGenesis(g)));
    store_ = testing::Must(Store::Open(dir_.path()));
    TADORI_CHECK(store_->InitGenesis(*genesis_, testing::Must(GenesisState(g))).ok());
    feed_ = std::make_unique<CommitFeed>(store_->Height());
  }
  ~LedgerServiceQuotaTest() override {
    feed_->Shutdown();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + 1s);
    server_.reset();
    service_.reset();
    trace_.reset();
    store_.reset();  // close LevelDB before dir_ removes its files
  }

  void Serve(size_t submit_waiters_max, size_t block_streams_max, ClientApiOptions api = {}) {
    service_ = std::make_unique<LedgerService>(LedgerServiceContext{
        .store = *store_,
        .mempool = mempool_,
        .feed = *feed_,
        .genesis = *genesis_,
        .mode = "dev",
        .on_admitted = {},
        .fill_status = {},
        .submit_waiters_max = submit_waiters_max,
        .block_streams_max = block_streams_max,
    });
    trace_ = std::make_unique<TraceService>(*store_);
    int port = 0;
    api.bound_port = &port;
    server_ =
        StartClientApi("127.0.0.1:0", grpc::InsecureServerCredentials(), *service_, *trace_, api);
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port, 0);
    address_ = "127.0.0.1:" + std::to_string(port);
    stub_ = NewStub();
  }

  // A channel with a connection of its own.
  std::shared_ptr<grpc::Channel> NewChannel() const {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args);
  }
  std::unique_ptr<v1::Ledger::Stub> NewStub() const { return v1::Ledger::NewStub(NewChannel()); }

  // A new harvest signed by the farm's admin, valid at the current head.
  v1::SignedTransaction NewTransaction() {
    v1::TransactionBody body = testing::Harvest("farm", "lot-" + std::to_string(++lots_), 1'000, 0);
    body.set_chain_id(testing::kChainId);
    body.set_nonce(ToString(NewNonce()));
    body.set_valid_until_height(store_->Height() + 100);
    body.set_created_at_ms(testing::kBaseTimeMs);
    return SignTransaction(body, admin_);
  }
  static Hash IdOf(const v1::SignedTransaction& tx) {
    return testing::Must(DecodeTransaction(tx)).id;
  }

  // Tells waiting Submits that these transactions committed, in the next block.
  // Whether a waiting Submit of `tx` is past admission, so that a commit published now is
  // one it sees. Its place is counted in submits_waiting() before admission, and the
  // service watches the id before it adds the transaction to the mempool.
  bool AwaitsCommit(const v1::SignedTransaction& tx) const { return mempool_.Contains(IdOf(tx)); }

  void PublishCommit(const std::vector<Hash>& ids) {
    std::vector<v1::TxResult> results(ids.size());
    feed_->Publish(++published_height_, ids, results);
  }

  static v1::SubmitRequest Waiting(const v1::SignedTransaction& tx) {
    v1::SubmitRequest request;
    *request.mutable_tx() = tx;
    request.set_wait_for_commit(true);
    request.set_wait_timeout_ms(60'000);
    return request;
  }

  static PrivateKey NewKey() { return PrivateKey::Generate(KeyType::kP256).value(); }

  testing::TempDir dir_;
  PrivateKey admin_;
  PrivateKey validator_key_;
  std::unique_ptr<GenesisInfo> genesis_;
  std::unique_ptr<Store> store_;
  Mempool mempool_;
  std::unique_ptr<CommitFeed> feed_;
  std::unique_ptr<LedgerService> service_;
  std::unique_ptr<TraceService> trace_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::unique_ptr<v1::Ledger::Stub> stub_;
  int lots_ = 0;
  uint64_t published_height_ = 0;
};

// A Submit running on its own thread and connection until it is answered.
struct PendingSubmit {
  std::unique_ptr<v1::Ledger::Stub> stub;
  grpc::ClientContext context;
  v1::SubmitResponse response;
  grpc::Status status;
  std::thread thread;

  PendingSubmit(std::unique_ptr<v1::Ledger::Stub> s, v1::SubmitRequest request)
      : stub(std::move(s)) {
    context.set_deadline(std::chrono::system_clock::now() + 30s);  // bounds a failing test
    thread = std::thread([this, request = std::move(request)] {
      status = stub->Submit(&context, request, &response);
    });
  }
  ~PendingSubmit() {
    if (thread.joinable()) {
      context.TryCancel();
      thread.join();
    }
  }
  void Join() { thread.join(); }
};

// A StreamBlocks call reading on its own thread until it ends.
struct PendingStream {
  std::unique_ptr<v1::Ledger::Stub> stub;
  grpc::ClientContext context;
  grpc::Status status;
  std::atomic<bool> ended{false};
  std::thread thread;

  explicit PendingStream(std::unique_ptr<v1::Ledger::Stub> s) : stub(std::move(s)) {
    context.set_deadline(std::chrono::system_clock::now() + 30s);  // bounds a failing test
    thread = std::thread([this] {
      v1::StreamBlocksRequest request;
      request.set_from_height(1);
      auto reader = stub->StreamBlocks(&context, request);
      v1::GetBlockResponse block;
      while (reader->Read(&block)) {
      }
      status = reader->Finish();
      ended = true;
    });
  }
  ~PendingStream() { Cancel(); }
  void Cancel() {
    if (thread.joinable()) {
      context.TryCancel();
      thread.join();
    }
  }
};

TEST_F(LedgerServiceQuotaTest, WaitingSubmitsBeyondTheCapAreRefusedAtOnce) {
  Serve(/*submit_waiters_max=*/2, /*block_streams_max=*/2);
  v1::SignedTransaction first = NewTransaction(), second = NewTransaction();
  PendingSubmit a(NewStub(), Waiting(first));
  PendingSubmit b(NewStub(), Waiting(second));
  ASSERT_TRUE(WaitFor([&] { return service_->submits_waiting() == 2; }));
  ASSERT_TRUE(WaitFor([&] { return AwaitsCommit(first) && AwaitsCommit(second); }));

  v1::SignedTransaction third = NewTransaction();
  grpc::ClientContext context;
  v1::SubmitResponse response;
  auto asked = std::chrono::steady_clock::now();
  grpc::Status refused = stub_->Submit(&context, Waiting(third), &response);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 2s);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.error_message(),
            "2 submits are already waiting for a commit; retry later or submit without "
            "wait_for_commit");
  // Refused before admission: the transaction is not pending, and without waiting it is
  // admitted while the waiting places are still full.
  EXPECT_EQ(mempool_.size(), 2u);
  {
    grpc::ClientContext again;
    v1::SubmitRequest no_wait;
    *no_wait.mutable_tx() = third;
    grpc::Status admitted = stub_->Submit(&again, no_wait, &response);
    EXPECT_TRUE(admitted.ok()) << admitted.error_message();
    EXPECT_EQ(response.tx_id(), IdOf(third).ToBinaryString());
    EXPECT_FALSE(response.committed());
  }

  // The waiting ones commit and give their places back; a new waiting Submit is taken.
  PublishCommit({IdOf(first), IdOf(second)});
  a.Join();
  b.Join();
  ASSERT_TRUE(a.status.ok()) << a.status.error_message();
  ASSERT_TRUE(b.status.ok()) << b.status.error_message();
  EXPECT_TRUE(a.response.committed());
  EXPECT_EQ(a.response.height(), 1u);
  EXPECT_EQ(service_->submits_waiting(), 0u);
  v1::SignedTransaction fourth = NewTransaction();
  PendingSubmit d(NewStub(), Waiting(fourth));
  ASSERT_TRUE(WaitFor([&] { return service_->submits_waiting() == 1 && AwaitsCommit(fourth); }));
  PublishCommit({IdOf(fourth)});
  d.Join();
  ASSERT_TRUE(d.status.ok()) << d.status.error_message();
  EXPECT_TRUE(d.response.committed());
  EXPECT_EQ(d.response.height(), 2u);
}

TEST_F(LedgerServiceQuotaTest, ASubmitWhoseClientLeavesGivesItsPlaceBack) {
  Serve(/*submit_waiters_max=*/1, /*block_streams_max=*/1);
  auto gone = std::make_unique<PendingSubmit>(NewStub(), Waiting(NewTransaction()));
  ASSERT_TRUE(WaitFor([&] { return service_->submits_waiting() == 1; }));
  gone->context.TryCancel();
  gone->Join();
  EXPECT_EQ(gone->status.error_code(), grpc::StatusCode::CANCELLED);
  // Within the server's cancellation poll, long before the Submit's 60 s wait.
  ASSERT_TRUE(WaitFor([&] { return service_->submits_waiting() == 0; }, 10s));

  v1::SignedTransaction next = NewTransaction();
  PendingSubmit taken(NewStub(), Waiting(next));
  ASSERT_TRUE(WaitFor([&] { return service_->submits_waiting() == 1 && AwaitsCommit(next); }));
  PublishCommit({IdOf(next)});
  taken.Join();
  EXPECT_TRUE(taken.status.ok()) << taken.status.error_message();
  EXPECT_TRUE(taken.response.committed());
}

TEST_F(LedgerServiceQuotaTest, BlockStreamsBeyondTheCapAreRefusedAtOnce) {
  Serve(/*submit_waiters_max=*/2, /*block_streams_max=*/2);
  auto first = std::make_unique<PendingStream>(NewStub());
  PendingStream second(NewStub());
  ASSERT_TRUE(WaitFor([&] { return service_->block_streams_open() == 2; }));

  auto asked = std::chrono::steady_clock::now();
  PendingStream refused(NewStub());
  ASSERT_TRUE(WaitFor([&] { return refused.ended.load(); }, 5s));
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 2s);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.status.error_message(),
            "2 StreamBlocks calls are already open; retry later or close a stream you no "
            "longer read");
  EXPECT_EQ(service_->block_streams_open(), 2u);

  // A client that goes away gives its place back, and a new stream is taken.
  first->Cancel();
  EXPECT_EQ(first->status.error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(WaitFor([&] { return service_->block_streams_open() == 1; }, 10s));
  PendingStream third(NewStub());
  ASSERT_TRUE(WaitFor([&] { return service_->block_streams_open() == 2; }));
  EXPECT_FALSE(third.ended);

  // Streams that end on the server's side (the node stopping) give theirs back too.
  feed_->Shutdown();
  ASSERT_TRUE(WaitFor([&] { return third.ended && second.ended; }));
  EXPECT_EQ(third.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service_->block_streams_open(), 0u);
}

TEST_F(LedgerServiceQuotaTest, TheServerRefusesCallsBeyondItsThreads) {
  // The service's own caps are far away: only the server's thread quota can refuse.
  ClientApiOptions api;
  api.threads_max = 4;
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/100, api);
  constexpr size_t kStreams = 8;
  std::vector<std::unique_ptr<PendingStream>> streams;
  for (size_t i = 0; i < kStreams; ++i)
    streams.push_back(std::make_unique<PendingStream>(NewStub()));
  auto ended = [&] {
    size_t n = 0;
    for (const auto& s : streams) n += s->ended ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return service_->block_streams_open() + ended() == kStreams; }));
  // Each running handler holds one of the 4 threads, and a poller needs one.
  EXPECT_LE(service_->block_streams_open(), 3u);
  EXPECT_GE(service_->block_streams_open(), 1u);
  for (const auto& s : streams) {
    if (!s->ended) continue;
    EXPECT_EQ(s->status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_NE(s->status.error_message().find("Threadpool"), std::string::npos)
        << s->status.error_message();
  }
  for (auto& s : streams) s->Cancel();
  // The threads are back: a short call is answered.
  ASSERT_TRUE(WaitFor([&] { return service_->block_streams_open() == 0; }, 10s));
  grpc::ClientContext context;
  v1::StatusResponse status;
  EXPECT_TRUE(stub_->Status(&context, v1::StatusRequest(), &status).ok());
}

TEST_F(LedgerServiceQuotaTest, OneConnectionRunsAtMostItsStreamQuota) {
  ClientApiOptions api;
  api.streams_per_connection_max = 2;
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/100, api);
  auto shared = NewChannel();  // one connection for three streams
  std::vector<std::unique_ptr<PendingStream>> streams;
  for (int i = 0; i < 3; ++i) {
    streams.push_back(std::make_unique<PendingStream>(v1::Ledger::NewStub(shared)));
  }
  ASSERT_TRUE(WaitFor([&] { return service_->block_streams_open() == 2; }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(service_->block_streams_open(), 2u);  // the third waits in the client
  for (const auto& s : streams) EXPECT_FALSE(s->ended);
  // A fresh connection is not held up by the other's streams.
  PendingStream other(NewStub());
  ASSERT_TRUE(WaitFor([&] { return service_->block_streams_open() == 3; }));
}

TEST_F(LedgerServiceQuotaTest, StartRefusesQuotasOutOfRange) {
  Serve(1, 1);  // the service and a first server, to have something to register
  ClientApiOptions api;
  api.threads_max = 1;  // gRPC needs a poller besides any handler
  EXPECT_EQ(
      StartClientApi("127.0.0.1:0", grpc::InsecureServerCredentials(), *service_, *trace_, api),
      nullptr);
  api = ClientApiOptions();
  api.streams_per_connection_max = 0;
  EXPECT_EQ(
      StartClientApi("127.0.0.1:0", grpc::InsecureServerCredentials(), *service_, *trace_, api),
      nullptr);
}

}  // namespace
}  // namespace tadori
