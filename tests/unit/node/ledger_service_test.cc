// The client API's resource bounds and its waiting calls over real gRPC: the LedgerService
// and the server of StartClientApi in-process on 127.0.0.1, with small caps. Waiting calls
// beyond a cap are refused at once with RESOURCE_EXHAUSTED and a message that says what to
// do; places are given back when the calls end, whether they completed or their client went
// away. Submit, SubmitStream and WatchTransactions wait as commit-feed subscriptions, answered
// by the commits the tests publish.
#include "node/api/ledger_service.h"

#include <grpcpp/generic/generic_stub.h>
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

#include "ledger/limits.h"
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

  void Serve(size_t submit_waiters_max, size_t block_streams_max, ClientApiOptions api = {},
             const std::function<void(LedgerServiceContext&)>& tune = {}) {
    LedgerServiceContext context{
        .store = *store_,
        .mempool = mempool_,
        .feed = *feed_,
        .genesis = *genesis_,
        .mode = "dev",
        .on_admitted = {},
        .fill_status = {},
        .submit_waiters_max = submit_waiters_max,
        .block_streams_max = block_streams_max,
    };
    if (tune) tune(context);
    service_ = std::make_unique<LedgerService>(std::move(context));
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
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 1; }));
  gone->context.TryCancel();
  gone->Join();
  EXPECT_EQ(gone->status.error_code(), grpc::StatusCode::CANCELLED);
  // Long before the Submit's 60 s wait: the place and the subscription are given back.
  ASSERT_TRUE(WaitFor([&] { return service_->submits_waiting() == 0; }, 10s));
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 0; }, 10s));

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

TEST_F(LedgerServiceQuotaTest, AWaitingSubmitStillTimesOutWithDeadlineExceeded) {
  Serve(/*submit_waiters_max=*/2, /*block_streams_max=*/1);
  v1::SignedTransaction tx = NewTransaction();
  v1::SubmitRequest request = Waiting(tx);
  request.set_wait_timeout_ms(200);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 30s);
  v1::SubmitResponse response;
  grpc::Status status = stub_->Submit(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(status.error_message(),
            "transaction " + IdOf(tx).Hex() + " is pending; not committed within 200 ms");
  EXPECT_TRUE(mempool_.Contains(IdOf(tx)));  // still queued
  EXPECT_EQ(service_->submits_waiting(), 0u);
  EXPECT_EQ(feed_->subscriptions(), 0u);
}

TEST_F(LedgerServiceQuotaTest, AWaitingSubmitHearsTheNodeStopping) {
  Serve(/*submit_waiters_max=*/2, /*block_streams_max=*/1);
  v1::SignedTransaction tx = NewTransaction();
  PendingSubmit waiting(NewStub(), Waiting(tx));
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 1; }));
  feed_->Shutdown();
  waiting.Join();
  EXPECT_EQ(waiting.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service_->submits_waiting(), 0u);
}

// A SubmitStream on a connection of its own.
struct SubmitStreamCall {
  grpc::ClientContext context;
  std::unique_ptr<v1::Ledger::Stub> stub;
  std::unique_ptr<grpc::ClientReaderWriter<v1::SubmitStreamRequest, v1::SubmitStreamResponse>>
      stream;

  explicit SubmitStreamCall(std::unique_ptr<v1::Ledger::Stub> s) : stub(std::move(s)) {
    context.set_deadline(std::chrono::system_clock::now() + 60s);  // bounds a failing test
    stream = stub->SubmitStream(&context);
  }
  bool Send(const v1::SignedTransaction& tx, uint32_t wait_ms) {
    v1::SubmitStreamRequest request;
    *request.mutable_tx() = tx;
    request.set_wait_timeout_ms(wait_ms);
    return stream->Write(request);
  }
  v1::SubmitStreamResponse Next() {
    v1::SubmitStreamResponse response;
    EXPECT_TRUE(stream->Read(&response));
    return response;
  }
  grpc::Status Close() {
    stream->WritesDone();
    v1::SubmitStreamResponse extra;
    EXPECT_FALSE(stream->Read(&extra)) << "unexpected answer, sequence " << extra.sequence();
    return stream->Finish();
  }
};

constexpr uint32_t CodeOf(grpc::StatusCode code) {
  return static_cast<uint32_t>(code);
}

TEST_F(LedgerServiceQuotaTest, SubmitStreamAnswersEveryTransactionWhenItCommits) {
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/1);
  constexpr size_t kTxs = 40;
  std::vector<v1::SignedTransaction> txs;
  for (size_t i = 0; i < kTxs; ++i) txs.push_back(NewTransaction());
  SubmitStreamCall call(NewStub());
  for (const auto& tx : txs) ASSERT_TRUE(call.Send(tx, 60'000));
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == kTxs; }));
  EXPECT_EQ(service_->submits_waiting(), kTxs);

  // The second half commits first (height 1), then the first half (height 2): answers come
  // in commit order, each with its request's sequence.
  std::vector<Hash> first, second;
  for (size_t i = 0; i < kTxs; ++i) (i < kTxs / 2 ? first : second).push_back(IdOf(txs[i]));
  PublishCommit(second);
  for (size_t n = 0; n < kTxs / 2; ++n) {
    v1::SubmitStreamResponse answer = call.Next();
    ASSERT_GE(answer.sequence(), kTxs / 2);
    ASSERT_LT(answer.sequence(), kTxs);
    EXPECT_EQ(answer.code(), 0u) << answer.message();
    EXPECT_TRUE(answer.committed());
    EXPECT_EQ(answer.height(), 1u);
    EXPECT_EQ(answer.tx_id(), IdOf(txs[answer.sequence()]).ToBinaryString());
  }
  EXPECT_EQ(feed_->subscriptions(), kTxs / 2);
  PublishCommit(first);
  std::vector<bool> seen(kTxs / 2, false);
  for (size_t n = 0; n < kTxs / 2; ++n) {
    v1::SubmitStreamResponse answer = call.Next();
    ASSERT_LT(answer.sequence(), kTxs / 2);
    EXPECT_FALSE(seen[answer.sequence()]) << "answered twice: " << answer.sequence();
    seen[answer.sequence()] = true;
    EXPECT_TRUE(answer.committed());
    EXPECT_EQ(answer.height(), 2u);
    EXPECT_EQ(answer.tx_id(), IdOf(txs[answer.sequence()]).ToBinaryString());
  }
  grpc::Status closed = call.Close();
  EXPECT_TRUE(closed.ok()) << closed.error_message();
  EXPECT_EQ(service_->submits_waiting(), 0u);
}

TEST_F(LedgerServiceQuotaTest, SubmitStreamAnswersRefusalsAndGoesOn) {
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/1);
  SubmitStreamCall call(NewStub());
  v1::SignedTransaction good = NewTransaction();
  v1::SignedTransaction forged = NewTransaction();
  forged.set_signature(good.signature());  // another body's signature
  v1::SignedTransaction too_long = NewTransaction();
  v1::SignedTransaction waited = NewTransaction();

  ASSERT_TRUE(call.Send(good, 0));
  ASSERT_TRUE(call.Send(forged, 0));
  ASSERT_TRUE(call.Send(good, 0));                             // a duplicate
  ASSERT_TRUE(call.stream->Write(v1::SubmitStreamRequest()));  // no tx
  ASSERT_TRUE(call.Send(too_long, kSubmitWaitMsMax + 1));
  ASSERT_TRUE(call.Send(waited, 60'000));

  // Answered at admission, in order: wait 0 is admitted and answered at once.
  v1::SubmitStreamResponse a = call.Next();
  EXPECT_EQ(a.sequence(), 0u);
  EXPECT_EQ(a.code(), 0u) << a.message();
  EXPECT_FALSE(a.committed());
  EXPECT_EQ(a.tx_id(), IdOf(good).ToBinaryString());
  EXPECT_TRUE(mempool_.Contains(IdOf(good)));
  v1::SubmitStreamResponse b = call.Next();
  EXPECT_EQ(b.sequence(), 1u);
  EXPECT_EQ(b.code(), CodeOf(grpc::StatusCode::UNAUTHENTICATED)) << b.message();
  EXPECT_EQ(b.tx_id(), IdOf(forged).ToBinaryString());
  v1::SubmitStreamResponse c = call.Next();
  EXPECT_EQ(c.sequence(), 2u);
  EXPECT_EQ(c.code(), CodeOf(grpc::StatusCode::ALREADY_EXISTS)) << c.message();
  v1::SubmitStreamResponse d = call.Next();
  EXPECT_EQ(d.sequence(), 3u);
  EXPECT_EQ(d.code(), CodeOf(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(d.message(), "tx is required");
  EXPECT_TRUE(d.tx_id().empty());
  v1::SubmitStreamResponse e = call.Next();
  EXPECT_EQ(e.sequence(), 4u);
  EXPECT_EQ(e.code(), CodeOf(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(e.message(), "wait_timeout_ms is at most 60000");
  EXPECT_FALSE(mempool_.Contains(IdOf(too_long)));  // refused before admission

  // The stream went on: the last one waits and is answered by its commit.
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 1; }));
  PublishCommit({IdOf(waited)});
  v1::SubmitStreamResponse f = call.Next();
  EXPECT_EQ(f.sequence(), 5u);
  EXPECT_EQ(f.code(), 0u);
  EXPECT_TRUE(f.committed());
  EXPECT_EQ(f.height(), 1u);
  grpc::Status closed = call.Close();
  EXPECT_TRUE(closed.ok()) << closed.error_message();
}

TEST_F(LedgerServiceQuotaTest, SubmitStreamWaitsPassAsDeadlineExceeded) {
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/1);
  SubmitStreamCall call(NewStub());
  v1::SignedTransaction tx = NewTransaction();
  ASSERT_TRUE(call.Send(tx, 100));
  v1::SubmitStreamResponse answer = call.Next();
  EXPECT_EQ(answer.code(), CodeOf(grpc::StatusCode::DEADLINE_EXCEEDED));
  EXPECT_EQ(answer.message(),
            "transaction " + IdOf(tx).Hex() + " is pending; not committed within 100 ms");
  EXPECT_FALSE(answer.committed());
  EXPECT_EQ(service_->submits_waiting(), 0u);
  EXPECT_TRUE(call.Close().ok());
}

TEST_F(LedgerServiceQuotaTest, SubmitStreamStopsReadingAtItsBoundAndResumes) {
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/1, {},
        [](LedgerServiceContext& c) { c.stream_unanswered_max = 3; });
  constexpr size_t kTxs = 8;
  std::vector<v1::SignedTransaction> txs;
  for (size_t i = 0; i < kTxs; ++i) txs.push_back(NewTransaction());
  SubmitStreamCall call(NewStub());
  // Small requests: HTTP/2 buffers them all, so the writes finish while the node reads 3.
  for (const auto& tx : txs) ASSERT_TRUE(call.Send(tx, 60'000));
  ASSERT_TRUE(WaitFor([&] { return mempool_.size() == 3; }));
  std::this_thread::sleep_for(300ms);  // room to read a fourth, were it allowed
  EXPECT_EQ(mempool_.size(), 3u);
  EXPECT_EQ(feed_->subscriptions(), 3u);

  // Each answer written makes room for one more request.
  for (size_t committed = 0; committed < kTxs; ++committed) {
    ASSERT_TRUE(WaitFor([&] { return mempool_.Contains(IdOf(txs[committed])); }));
    EXPECT_LE(feed_->subscriptions(), 3u);
    PublishCommit({IdOf(txs[committed])});
    v1::SubmitStreamResponse answer = call.Next();
    EXPECT_EQ(answer.sequence(), committed);
    EXPECT_TRUE(answer.committed());
  }
  EXPECT_EQ(mempool_.size(), kTxs);
  EXPECT_TRUE(call.Close().ok());
}

TEST_F(LedgerServiceQuotaTest, SubmitStreamTransactionsBeyondTheWaitersCapAreRefusedAlone) {
  Serve(/*submit_waiters_max=*/2, /*block_streams_max=*/1);
  SubmitStreamCall call(NewStub());
  std::vector<v1::SignedTransaction> txs;
  for (int i = 0; i < 4; ++i) txs.push_back(NewTransaction());
  ASSERT_TRUE(call.Send(txs[0], 60'000));
  ASSERT_TRUE(call.Send(txs[1], 60'000));
  ASSERT_TRUE(WaitFor([&] { return service_->submits_waiting() == 2; }));
  ASSERT_TRUE(call.Send(txs[2], 60'000));
  v1::SubmitStreamResponse full = call.Next();
  EXPECT_EQ(full.sequence(), 2u);
  EXPECT_EQ(full.code(), CodeOf(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(full.message(),
            "2 submits are already waiting for a commit; retry later or submit with "
            "wait_timeout_ms 0");
  EXPECT_FALSE(mempool_.Contains(IdOf(txs[2])));
  // A unary Submit shares the cap.
  {
    grpc::ClientContext context;
    v1::SubmitResponse response;
    EXPECT_EQ(stub_->Submit(&context, Waiting(NewTransaction()), &response).error_code(),
              grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  // The stream goes on.
  ASSERT_TRUE(call.Send(txs[3], 0));
  v1::SubmitStreamResponse admitted = call.Next();
  EXPECT_EQ(admitted.sequence(), 3u);
  EXPECT_EQ(admitted.code(), 0u);
  PublishCommit({IdOf(txs[0]), IdOf(txs[1])});
  EXPECT_TRUE(call.Next().committed());
  EXPECT_TRUE(call.Next().committed());
  EXPECT_EQ(service_->submits_waiting(), 0u);
  EXPECT_TRUE(call.Close().ok());
}

TEST_F(LedgerServiceQuotaTest, ACancelledSubmitStreamFreesItsSubscriptionsAndPlaces) {
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/1);
  auto call = std::make_unique<SubmitStreamCall>(NewStub());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(call->Send(NewTransaction(), 60'000));
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 5; }));
  EXPECT_EQ(service_->submits_waiting(), 5u);
  call->context.TryCancel();
  EXPECT_EQ(call->stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 0; }));
  ASSERT_TRUE(WaitFor([&] { return service_->submits_waiting() == 0; }));
  call.reset();
  // A new stream works as before.
  SubmitStreamCall again(NewStub());
  v1::SignedTransaction tx = NewTransaction();
  ASSERT_TRUE(again.Send(tx, 60'000));
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 1; }));
  PublishCommit({IdOf(tx)});
  EXPECT_TRUE(again.Next().committed());
  EXPECT_TRUE(again.Close().ok());
}

// A WatchTransactions stream on a connection of its own.
struct WatchCall {
  grpc::ClientContext context;
  std::unique_ptr<v1::Ledger::Stub> stub;
  std::unique_ptr<grpc::ClientReaderWriter<v1::WatchTransactionsRequest, v1::TxStatus>> stream;

  explicit WatchCall(std::unique_ptr<v1::Ledger::Stub> s) : stub(std::move(s)) {
    context.set_deadline(std::chrono::system_clock::now() + 60s);  // bounds a failing test
    stream = stub->WatchTransactions(&context);
  }
  bool Send(const std::vector<std::string>& ids, uint32_t wait_ms) {
    v1::WatchTransactionsRequest request;
    for (const std::string& id : ids) request.add_tx_ids(id);
    request.set_wait_timeout_ms(wait_ms);
    return stream->Write(request);
  }
  v1::TxStatus Next() {
    v1::TxStatus status;
    EXPECT_TRUE(stream->Read(&status));
    return status;
  }
};

TEST_F(LedgerServiceQuotaTest, WatchTransactionsAnswersUnknownPendingAndLateIds) {
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/1);
  v1::SignedTransaction pending = NewTransaction(), late = NewTransaction();
  for (const auto& tx : {pending, late}) {
    grpc::ClientContext context;
    v1::SubmitRequest request;
    *request.mutable_tx() = tx;
    v1::SubmitResponse response;
    ASSERT_TRUE(stub_->Submit(&context, request, &response).ok());
  }
  const std::string unknown = Sha256(AsBytes(std::string("never sent"))).ToBinaryString();
  WatchCall call(NewStub());
  ASSERT_TRUE(call.Send({unknown, IdOf(pending).ToBinaryString()}, 0));
  v1::TxStatus first = call.Next();  // at once
  EXPECT_EQ(first.tx_id(), unknown);
  EXPECT_EQ(first.code(), CodeOf(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(first.message(), "no transaction " + Hash::FromBytes(AsBytes(unknown))->Hex());
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 1; }));
  EXPECT_EQ(service_->txs_watched(), 1u);

  ASSERT_TRUE(call.Send({IdOf(late).ToBinaryString()}, 100));
  v1::TxStatus passed = call.Next();
  EXPECT_EQ(passed.tx_id(), IdOf(late).ToBinaryString());
  EXPECT_EQ(passed.code(), CodeOf(grpc::StatusCode::DEADLINE_EXCEEDED));
  EXPECT_EQ(passed.message(),
            "transaction " + IdOf(late).Hex() + " is pending; not committed within 100 ms");

  v1::TxResult result;
  result.set_message("harvested");
  feed_->Publish(++published_height_, {IdOf(pending)}, {result});
  v1::TxStatus committed = call.Next();
  EXPECT_EQ(committed.tx_id(), IdOf(pending).ToBinaryString());
  EXPECT_EQ(committed.code(), 0u);
  EXPECT_EQ(committed.height(), 1u);
  EXPECT_EQ(committed.index(), 0u);
  EXPECT_EQ(committed.result().message(), "harvested");
  EXPECT_EQ(service_->txs_watched(), 0u);

  // A malformed id is answered alone; a cancelled stream frees its watches.
  ASSERT_TRUE(call.Send({"short", IdOf(late).ToBinaryString()}, 60'000));
  EXPECT_EQ(call.Next().code(), CodeOf(grpc::StatusCode::INVALID_ARGUMENT));
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 1; }));
  call.context.TryCancel();
  EXPECT_EQ(call.stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 0; }));
  EXPECT_EQ(service_->txs_watched(), 0u);
}

TEST_F(LedgerServiceQuotaTest, WatchTransactionsEndsOnARequestBeyondItsBounds) {
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/1);
  const std::string id = Sha256(AsBytes(std::string("x"))).ToBinaryString();
  {
    WatchCall call(NewStub());
    ASSERT_TRUE(call.Send(std::vector<std::string>(kWatchIdsPerRequestMax + 1, id), 0));
    v1::TxStatus none;
    EXPECT_FALSE(call.stream->Read(&none));
    grpc::Status status = call.stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(),
              "1001 ids in one request, more than 1000; send them in several requests");
  }
  {
    WatchCall call(NewStub());
    ASSERT_TRUE(call.Send({id}, kSubmitWaitMsMax + 1));
    v1::TxStatus none;
    EXPECT_FALSE(call.stream->Read(&none));
    EXPECT_EQ(call.stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  // The most a request may hold is answered, id by id.
  WatchCall call(NewStub());
  ASSERT_TRUE(call.Send(std::vector<std::string>(kWatchIdsPerRequestMax, id), 0));
  for (size_t i = 0; i < kWatchIdsPerRequestMax; ++i) {
    ASSERT_EQ(call.Next().code(), CodeOf(grpc::StatusCode::NOT_FOUND));
  }
  call.stream->WritesDone();
  EXPECT_TRUE(call.stream->Finish().ok());
}

// The two streams are raw methods that parse each request themselves (answer_stream.h):
// bytes that are no request end the stream with INVALID_ARGUMENT, as gRPC's own parsing of a
// typed method would refuse them, and nothing is taken on.
TEST_F(LedgerServiceQuotaTest, StreamsEndOnARequestThatDoesNotParse) {
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/1);
  for (const std::string method :
       {"/tadori.v1.Ledger/SubmitStream", "/tadori.v1.Ledger/WatchTransactions"}) {
    SCOPED_TRACE(method);
    grpc::GenericStub generic(NewChannel());
    grpc::CompletionQueue cq;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    // Each step waits for its own completion; `ok` is what the step reported.
    auto step = [&cq](intptr_t tag) {
      void* got = nullptr;
      bool ok = false;
      EXPECT_TRUE(cq.Next(&got, &ok));
      EXPECT_EQ(reinterpret_cast<intptr_t>(got), tag);
      return ok;
    };
    std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
        generic.PrepareCall(&context, method, &cq);
    call->StartCall(reinterpret_cast<void*>(1));
    ASSERT_TRUE(step(1));
    // Field 1, length-delimited, whose length runs past the end of the message.
    const char junk[] = {0x0a, 0x7f, 0x01};
    grpc::Slice slice(junk, sizeof junk);
    grpc::ByteBuffer request(&slice, 1);
    call->Write(request, reinterpret_cast<void*>(2));
    step(2);  // may fail: the node can end the stream first
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(3));
    ASSERT_TRUE(step(3));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find("not a valid tadori.v1."), std::string::npos)
        << status.error_message();
    cq.Shutdown();
    void* ignored_tag = nullptr;
    bool ignored_ok = false;
    while (cq.Next(&ignored_tag, &ignored_ok)) {
    }
  }
  EXPECT_EQ(service_->submits_waiting(), 0u);
  EXPECT_EQ(service_->txs_watched(), 0u);
}

TEST_F(LedgerServiceQuotaTest, WatchedIdsBeyondTheWatchersCapAreRefusedAlone) {
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/1, {},
        [](LedgerServiceContext& c) { c.tx_watchers_max = 2; });
  v1::SignedTransaction tx = NewTransaction();
  grpc::ClientContext context;
  v1::SubmitRequest request;
  *request.mutable_tx() = tx;
  v1::SubmitResponse response;
  ASSERT_TRUE(stub_->Submit(&context, request, &response).ok());
  const std::string id = IdOf(tx).ToBinaryString();
  WatchCall call(NewStub());
  ASSERT_TRUE(call.Send({id, id, id}, 60'000));
  v1::TxStatus full = call.Next();
  EXPECT_EQ(full.code(), CodeOf(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(full.message(), "2 transactions are already watched; retry later");
  EXPECT_EQ(service_->txs_watched(), 2u);
  PublishCommit({IdOf(tx)});
  EXPECT_EQ(call.Next().code(), 0u);
  EXPECT_EQ(call.Next().code(), 0u);
  EXPECT_EQ(service_->txs_watched(), 0u);
  call.stream->WritesDone();
  EXPECT_TRUE(call.stream->Finish().ok());
}

TEST_F(LedgerServiceQuotaTest, TheWaitingGaugesReadTheService) {
  Serve(/*submit_waiters_max=*/100, /*block_streams_max=*/1);
  MetricsRegistry metrics;
  RegisterClientApiMetrics(metrics, *service_);
  PendingSubmit waiting(NewStub(), Waiting(NewTransaction()));
  ASSERT_TRUE(WaitFor([&] { return feed_->subscriptions() == 1; }));
  const std::string text = metrics.Render();
  EXPECT_NE(text.find("tadori_client_waiting{what=\"commits\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("tadori_client_waiting{what=\"watched_ids\"} 0"), std::string::npos);
  waiting.context.TryCancel();
}

}  // namespace
}  // namespace tadori
