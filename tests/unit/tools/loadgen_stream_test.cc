// tadori-loadgen's streaming mode: the in-flight window and how an answer on a stream is read
// (pure), the run's size and mode from the command line, and RunStreams against in-process
// fake nodes that answer out of order and twice, break a stream, or refuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <utility>

#include "tests/unit/tools/fake_ledger_node.h"
#include "tools/loadgen/in_flight_window.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/run.h"
#include "tools/loadgen/run_plan.h"
#include "tools/loadgen/run_support.h"
#include "tools/loadgen/stream_run.h"
#include "tools/loadgen/workload.h"

namespace tadori::loadgen {
namespace {

using testing::AddressNobodyListensOn;
using testing::FakeNetwork;

// ---- the window ---------------------------------------------------------------------------

TEST(InFlightWindowTest, AnswersOutOfOrderFreeTheirRoomOnce) {
  InFlightWindow w(3);
  EXPECT_EQ(w.Send(10, 100, false), 0u);
  EXPECT_EQ(w.Send(11, 200, false), 1u);
  EXPECT_EQ(w.Send(12, 300, true), 2u);
  EXPECT_TRUE(w.full());
  EXPECT_EQ(w.OldestSentNs(), 100);

  // Commit order is not send order.
  const std::optional<InFlightWindow::Entry> second = w.Answer(1);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->tx, 11u);
  EXPECT_EQ(second->sent_ns, 200);
  EXPECT_FALSE(second->resent);
  EXPECT_FALSE(w.full());
  EXPECT_EQ(w.size(), 2u);
  // A duplicate answer, or one for a sequence never sent, changes nothing.
  EXPECT_FALSE(w.Answer(1).has_value());
  EXPECT_FALSE(w.Answer(7).has_value());
  EXPECT_EQ(w.size(), 2u);

  const std::optional<InFlightWindow::Entry> third = w.Answer(2);
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->tx, 12u);
  EXPECT_TRUE(third->resent);
  EXPECT_EQ(w.OldestSentNs(), 100);  // sequence 0 is still the oldest unanswered
  ASSERT_TRUE(w.Answer(0).has_value());
  EXPECT_TRUE(w.empty());
  EXPECT_FALSE(w.OldestSentNs().has_value());
  // Sequences go on counting on the same stream.
  EXPECT_EQ(w.Send(13, 400, false), 3u);
}

TEST(InFlightWindowTest, NeverHoldsMoreThanItsCapacity) {
  InFlightWindow w(2);
  w.Send(0, 0, false);
  w.Send(1, 0, false);
  EXPECT_TRUE(w.full());  // the sender waits here; Send checks it
  // Answering makes room for exactly one more.
  ASSERT_TRUE(w.Answer(0).has_value());
  w.Send(2, 0, false);
  EXPECT_TRUE(w.full());
  EXPECT_EQ(w.size(), 2u);
}

TEST(InFlightWindowTest, RestartHandsBackTheUnansweredInSendOrderAndCountsFromZero) {
  InFlightWindow w(4);
  w.Send(7, 0, false);
  w.Send(3, 0, false);
  w.Send(9, 0, false);
  w.Send(5, 0, false);
  ASSERT_TRUE(w.Answer(2).has_value());  // tx 9
  EXPECT_EQ(w.Restart(), (std::vector<size_t>{7, 3, 5}));
  EXPECT_TRUE(w.empty());
  // An answer from the old stream cannot touch the new one's transactions...
  EXPECT_FALSE(w.Answer(1).has_value());
  // ...and the new stream's sequences start at 0.
  EXPECT_EQ(w.Send(7, 10, true), 0u);
  const std::optional<InFlightWindow::Entry> e = w.Answer(0);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->tx, 7u);
  EXPECT_TRUE(e->resent);
}

// ---- one answer ---------------------------------------------------------------------------

v1::SubmitStreamResponse AnswerWith(Code code, bool committed = false) {
  v1::SubmitStreamResponse a;
  a.set_code(static_cast<uint32_t>(code));
  a.set_committed(committed);
  return a;
}

TEST(StreamAnswerTest, ACommittedAnswerIsACommitWithItsHeightAndResult) {
  v1::SubmitStreamResponse a = AnswerWith(Code::kOk, true);
  a.set_height(42);
  TxRecord ok;
  ApplyStreamAnswer(a, false, ok);
  EXPECT_EQ(ok.fate, Fate::kCommitted);
  EXPECT_EQ(ok.height, 42u);
  EXPECT_TRUE(ok.acknowledged());

  a.mutable_result()->set_code(static_cast<uint32_t>(Code::kAlreadyExists));
  TxRecord refused;
  ApplyStreamAnswer(a, false, refused);
  EXPECT_EQ(refused.fate, Fate::kCommitted);
  EXPECT_EQ(refused.result_code, static_cast<uint32_t>(Code::kAlreadyExists));
  EXPECT_FALSE(refused.acknowledged());
}

TEST(StreamAnswerTest, CodesReadAsAUnarySubmitsStatus) {
  struct Case {
    Code code;
    bool committed;
    bool resent;
    Fate fate;
    Code rpc_code;
    bool already_there;
  };
  const Case cases[] = {
      {Code::kInvalidArgument, false, false, Fate::kRejected, Code::kInvalidArgument, false},
      {Code::kUnauthenticated, false, false, Fate::kRejected, Code::kUnauthenticated, false},
      {Code::kResourceExhausted, false, false, Fate::kRejected, Code::kResourceExhausted, false},
      // The commit wait passed: accepted, its fate for settling (lost if never found).
      {Code::kDeadlineExceeded, false, false, Fate::kPending, Code::kDeadlineExceeded, false},
      {Code::kOk, false, false, Fate::kPending, Code::kOk, false},  // admitted, not committed
      {Code::kUnavailable, false, false, Fate::kPending, Code::kUnavailable, false},
      // On a first send the node cannot have it from us: a refusal, as in unary mode.
      {Code::kAlreadyExists, false, false, Fate::kRejected, Code::kAlreadyExists, false},
      // Sent again after a break: an earlier send got through.
      {Code::kAlreadyExists, false, true, Fate::kPending, Code::kOk, true},
  };
  for (const Case& c : cases) {
    TxRecord r;
    ApplyStreamAnswer(AnswerWith(c.code, c.committed), c.resent, r);
    EXPECT_EQ(r.fate, c.fate) << CodeName(c.code) << " resent " << c.resent;
    EXPECT_EQ(r.rpc_code, c.rpc_code) << CodeName(c.code);
    EXPECT_EQ(r.already_there, c.already_there) << CodeName(c.code);
  }
  // A code gRPC does not have reads as UNKNOWN: may or may not be on the chain.
  v1::SubmitStreamResponse odd;
  odd.set_code(99);
  TxRecord r;
  ApplyStreamAnswer(odd, false, r);
  EXPECT_EQ(r.fate, Fate::kPending);
  EXPECT_EQ(r.rpc_code, Code::kUnknown);
}

// ---- size, mode and signing of a run --------------------------------------------------------

TEST(RunPlanTest, CountDurationAndRateResolveToTheTransactionsPrepared) {
  EXPECT_FALSE(PlannedCount(std::nullopt, std::nullopt, 0).ok());
  EXPECT_EQ(*PlannedCount(500, std::nullopt, 0), 500u);
  EXPECT_EQ(*PlannedCount(500, std::nullopt, 100), 500u);
  // A duration at a rate: rate x duration, rounded up.
  EXPECT_EQ(*PlannedCount(std::nullopt, 20.0, 1000), 20'000u);
  EXPECT_EQ(*PlannedCount(std::nullopt, 2.5, 3), 8u);
  // Unlimited: room for 10,000 tx/s, within the memory bound.
  EXPECT_EQ(*PlannedCount(std::nullopt, 20.0, 0), 200'000u);
  EXPECT_EQ(*PlannedCount(std::nullopt, 3600.0, 0), kCountMax);
  EXPECT_EQ(*PlannedCount(std::nullopt, 0.00001, 1), 1u);
  // Both: the count is the bound.
  EXPECT_EQ(*PlannedCount(300, 20.0, 1000), 300u);
  EXPECT_EQ(*PlannedCount(90'000, 20.0, 0), 90'000u);
  EXPECT_FALSE(PlannedCount(0, std::nullopt, 0).ok());
  EXPECT_FALSE(PlannedCount(kCountMax + 1, std::nullopt, 0).ok());
  EXPECT_FALSE(PlannedCount(std::nullopt, 0.0, 0).ok());
  EXPECT_FALSE(PlannedCount(std::nullopt, -1.0, 0).ok());
  EXPECT_FALSE(PlannedCount(std::nullopt, kDurationSMax * 2, 0).ok());
}

TEST(RunPlanTest, ModeFollowsTheFlagsAndRefusesAMix) {
  EXPECT_EQ(*ChosenMode(std::nullopt, false, false), SubmitMode::kStream);
  EXPECT_EQ(*ChosenMode(std::nullopt, false, true), SubmitMode::kStream);
  // A command line from before streaming mode keeps its meaning.
  EXPECT_EQ(*ChosenMode(std::nullopt, true, false), SubmitMode::kUnary);
  EXPECT_EQ(*ChosenMode(SubmitMode::kUnary, true, false), SubmitMode::kUnary);
  EXPECT_EQ(*ChosenMode(SubmitMode::kUnary, false, false), SubmitMode::kUnary);
  EXPECT_EQ(*ChosenMode(SubmitMode::kStream, false, true), SubmitMode::kStream);
  EXPECT_FALSE(ChosenMode(SubmitMode::kStream, true, false).ok());
  EXPECT_FALSE(ChosenMode(SubmitMode::kUnary, false, true).ok());
  EXPECT_FALSE(ChosenMode(std::nullopt, true, true).ok());
  EXPECT_EQ(SubmitModeName(SubmitMode::kStream), "stream");
  EXPECT_EQ(SubmitModeName(SubmitMode::kUnary), "unary");
}

TEST(RunPlanTest, StreamRunsSignFurtherAheadButNotFurtherThanSecondsOfSending) {
  // Unary as it always was: two chunks before the clock, one chunk ahead.
  EXPECT_EQ(SigningLeadTxs(SubmitMode::kUnary, 0), kSignChunkTxs);
  EXPECT_EQ(PresignedTxs(SubmitMode::kUnary, 0, 1'000'000), 2 * kSignChunkTxs);
  EXPECT_EQ(PresignedTxs(SubmitMode::kUnary, 0, 300), 300u);
  // Stream, unlimited: the most.
  EXPECT_EQ(SigningLeadTxs(SubmitMode::kStream, 0), kStreamSigningLeadTxsMax);
  EXPECT_EQ(PresignedTxs(SubmitMode::kStream, 0, 1'000'000),
            kStreamSigningLeadTxsMax + kSignChunkTxs);
  // At a rate: seconds of sending, at least two chunks.
  EXPECT_EQ(SigningLeadTxs(SubmitMode::kStream, 1'000), 4'000u);
  EXPECT_EQ(SigningLeadTxs(SubmitMode::kStream, 10), 2 * kSignChunkTxs);
  EXPECT_EQ(SigningLeadTxs(SubmitMode::kStream, 1e6), kStreamSigningLeadTxsMax);
  EXPECT_EQ(PresignedTxs(SubmitMode::kStream, 1'000, 20'000), 5'000u);
  EXPECT_EQ(PresignedTxs(SubmitMode::kStream, 1'000, 3'000), 3'000u);
}

TEST(SendGateTest, HandsOutEachIndexOnceUpToTheCount) {
  SendGate gate(3, RunClock::now(), std::chrono::nanoseconds(0));
  EXPECT_EQ(gate.Take(), 0u);
  EXPECT_EQ(gate.Take(), 1u);
  EXPECT_EQ(gate.Take(), 2u);
  EXPECT_FALSE(gate.Take().has_value());
  EXPECT_FALSE(gate.Take().has_value());
  EXPECT_EQ(gate.taken(), 3u);  // not the calls made
}

TEST(SendGateTest, AClosedSendWindowHandsOutNothing) {
  // Started an hour ago with a one-second window.
  SendGate gate(10, RunClock::now() - std::chrono::hours(1), std::chrono::seconds(1));
  EXPECT_FALSE(gate.Take().has_value());
  EXPECT_EQ(gate.taken(), 0u);
  EXPECT_EQ(gate.position(), 0u);
}

// ---- the report -----------------------------------------------------------------------------

TEST(StreamReportTest, JsonAndTextCarryModeWindowsLatencyAndCpu) {
  std::vector<TxRecord> records;
  for (int64_t ms : {100, 200, 300, 400, 500, 600, 700, 800, 900, 1000}) {
    TxRecord r;
    r.fate = Fate::kCommitted;
    r.sent_ns = 0;
    r.done_ns = ms * 1'000'000;
    records.push_back(r);
  }
  // Sent over 2 s, last answer at 4 s.
  const Tally t = MakeTally(records, RunTiming{4'000'000'000, 2'000'000'000}, false);
  RunInfo info;
  info.nodes = {"a:1", "b:2"};
  info.mode = "stream";
  info.clients = 2;
  info.in_flight = 1024;
  info.duration_asked_s = 2;
  info.cpu_seconds = 1.5;
  const nlohmann::json j = ReportJson(t, info);
  EXPECT_EQ(j.at("mode"), "stream");
  EXPECT_EQ(j.at("connections"), 2);
  EXPECT_EQ(j.at("clients"), 2);
  EXPECT_EQ(j.at("inFlight"), 1024);
  EXPECT_DOUBLE_EQ(j.at("durationS").get<double>(), 2.0);  // the send window
  EXPECT_DOUBLE_EQ(j.at("runS").get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(j.at("durationAskedS").get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(j.at("offeredTxPerS").get<double>(), 5.0);    // 10 sent in 2 s
  EXPECT_DOUBLE_EQ(j.at("committedTxPerS").get<double>(), 2.5);  // 10 committed in 4 s
  EXPECT_DOUBLE_EQ(j.at("cpuSeconds").get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(j.at("latencyMs").at("p50").get<double>(), 500.0);
  EXPECT_DOUBLE_EQ(j.at("latencyMs").at("p90").get<double>(), 900.0);
  EXPECT_DOUBLE_EQ(j.at("latencyMs").at("p99").get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(j.at("latencyMs").at("max").get<double>(), 1000.0);
  // The keys tools/bench-network reads stay.
  for (const char* key :
       {"committedTxPerS", "committedOk", "count", "lost", "verifyPerSOneCore", "keyType"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }

  const std::string text = RenderReport(t, info);
  for (const char* line :
       {"mode                 stream: 2 connection(s), each one SubmitStream with up to 1024 "
        "transactions unanswered\n",
        "send window          2.000 s (start until the last first send; --duration 2 s)\n",
        "duration             4.000 s (start until the last answer)\n",
        "latency ms           p50 500.0  p90 900.0  p99 1000.0  max 1000.0",
        "loadgen CPU          1.50 s user+sys over the run (0.38 cores; 150000 µs per committed "
        "tx)\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }

  info.mode = "unary";
  info.cpu_seconds = -1;  // not measured: no figure rather than a wrong one
  EXPECT_NE(RenderReport(t, info).find("mode                 unary: 2 client(s)"),
            std::string::npos);
  EXPECT_EQ(RenderReport(t, info).find("loadgen CPU"), std::string::npos);
  EXPECT_TRUE(ReportJson(t, info).at("cpuSeconds").is_null());
}

// ---- RunStreams against fake nodes ----------------------------------------------------------

// A node's SubmitStream (and the GetTransaction and Status settling reads), sharing a
// FakeNetwork with its peers.
class FakeStreamNode final : public v1::Ledger::Service {
 public:
  enum class Mode {
    kAnswers,         // commits new transactions; answers batches in reverse, each twice
    kTakesAndBreaks,  // takes `take` transactions into the network, then fails the stream
    kRefuses,         // answers every transaction INVALID_ARGUMENT
  };

  FakeStreamNode(FakeNetwork& network, Mode mode, size_t batch)
      : network_(network), mode_(mode), batch_(batch) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
  }
  ~FakeStreamNode() override { server_->Shutdown(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Every transaction body received on a stream, in order.
  std::vector<std::string> received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  // The most transactions a stream had sent and not had answered, as this node saw it.
  size_t most_unanswered() {
    std::lock_guard lock(mu_);
    return most_unanswered_;
  }

  grpc::Status SubmitStream(grpc::ServerContext*,
                            grpc::ServerReaderWriter<v1::SubmitStreamResponse,
                                                     v1::SubmitStreamRequest>* stream) override {
    std::vector<std::pair<uint64_t, v1::SubmitStreamRequest>> waiting;
    uint64_t sequence = 0;
    v1::SubmitStreamRequest request;
    while (stream->Read(&request)) {
      {
        std::lock_guard lock(mu_);
        received_.push_back(request.tx().body());
        most_unanswered_ = std::max(most_unanswered_, waiting.size() + 1);
      }
      waiting.emplace_back(sequence++, request);
      if (mode_ == Mode::kTakesAndBreaks && waiting.size() == batch_) {
        std::lock_guard lock(network_.mu);
        for (const auto& [seq, r] : waiting) network_.txs[Sha256(AsBytes(r.tx().body()))];
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "fake node going away");
      }
      if (waiting.size() == batch_) AnswerAll(*stream, waiting);
    }
    AnswerAll(*stream, waiting);
    return grpc::Status::OK;
  }

  grpc::Status GetTransaction(grpc::ServerContext*, const v1::GetTransactionRequest* request,
                              v1::GetTransactionResponse* response) override {
    auto id = Hash::FromBytes(AsBytes(request->tx_id()));
    if (!id.ok()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad id");
    std::lock_guard lock(network_.mu);
    auto known = network_.txs.find(*id);
    if (known == network_.txs.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown");
    if (!known->second.committed) network_.CommitLocked(*id);  // pending commits when asked
    response->set_height(known->second.height);
    return grpc::Status::OK;
  }

  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusResponse* response) override {
    std::lock_guard lock(network_.mu);
    response->set_chain_id(testing::kFakeChainId);
    response->set_height(network_.height);
    return grpc::Status::OK;
  }

 private:
  // Answers in reverse order (commit order is not send order), each answer twice.
  void AnswerAll(
      grpc::ServerReaderWriter<v1::SubmitStreamResponse, v1::SubmitStreamRequest>& stream,
      std::vector<std::pair<uint64_t, v1::SubmitStreamRequest>>& waiting) {
    std::reverse(waiting.begin(), waiting.end());
    for (const auto& [sequence, request] : waiting) {
      const Hash id = Sha256(AsBytes(request.tx().body()));
      v1::SubmitStreamResponse out;
      out.set_sequence(sequence);
      out.set_tx_id(id.ToBinaryString());
      if (mode_ == Mode::kRefuses) {
        out.set_code(static_cast<uint32_t>(grpc::StatusCode::INVALID_ARGUMENT));
        out.set_message("fake refusal");
      } else {
        std::lock_guard lock(network_.mu);
        if (network_.txs.count(id) > 0) {
          out.set_code(static_cast<uint32_t>(grpc::StatusCode::ALREADY_EXISTS));
          out.set_message("already pending or committed");
        } else {
          out.set_committed(true);
          out.set_height(network_.CommitLocked(id));
        }
      }
      stream.Write(out);
      stream.Write(out);
    }
    waiting.clear();
  }

  FakeNetwork& network_;
  const Mode mode_;
  const size_t batch_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mu_;
  std::vector<std::string> received_;
  size_t most_unanswered_ = 0;
};

constexpr client::FailoverPolicy kQuick{
    .attempts_max = 4, .backoff_first_ms = 0, .backoff_max_ms = 0};

Workload Harvests(uint64_t count) {
  static const PrivateKey key = std::move(*PrivateKey::Generate(KeyType::kEd25519));
  return PresignHarvests(client::ChainHead{testing::kFakeChainId, 1}, key, count, "st-",
                         kLoadgenProductGtin, 10, 2'000);
}

StreamPlan Plan(size_t connections, size_t in_flight) {
  return StreamPlan{connections, in_flight, 2'000, std::chrono::nanoseconds(0)};
}

TEST(LoadgenStreamTest, OutOfOrderAndDuplicateAnswersCountEachTransactionOnce) {
  FakeNetwork network;
  constexpr size_t kInFlight = 8;
  FakeStreamNode node(network, FakeStreamNode::Mode::kAnswers, kInFlight);
  Workload w = Harvests(50);  // not a multiple of the window: the last batch ends the stream
  std::vector<TxRecord> records;
  const RunTiming timing =
      RunStreams({node.address()}, Plan(1, kInFlight), Pacer(0), kQuick, w, records);

  ASSERT_EQ(records.size(), 50u);
  std::set<uint64_t> heights;
  for (const TxRecord& r : records) {
    EXPECT_EQ(r.fate, Fate::kCommitted);
    EXPECT_TRUE(r.acknowledged());
    EXPECT_EQ(r.attempts, 1u);
    EXPECT_LE(r.sent_ns, r.done_ns);
    heights.insert(r.height);
  }
  EXPECT_EQ(heights.size(), 50u);  // each its own commit: no answer was taken for another
  // Each transaction went out once, as signed, and never more than the window at a time.
  const std::vector<std::string> received = node.received();
  EXPECT_EQ(received.size(), 50u);
  for (size_t i = 0; i < w.requests.size(); ++i) EXPECT_EQ(received[i], w.requests[i].tx().body());
  EXPECT_LE(node.most_unanswered(), kInFlight);
  EXPECT_EQ(AcknowledgedIds(w, records), w.ids);

  const Tally t = MakeTally(records, timing, false);
  EXPECT_EQ(t.committed_ok, 50u);
  EXPECT_EQ(t.retries, 0u);
  EXPECT_EQ(t.latency.count, 50u);
}

TEST(LoadgenStreamTest, ConnectionsShareTheWorkloadEachTransactionSentOnce) {
  FakeNetwork network;
  FakeStreamNode a(network, FakeStreamNode::Mode::kAnswers, 4);
  FakeStreamNode b(network, FakeStreamNode::Mode::kAnswers, 4);
  Workload w = Harvests(40);
  std::vector<TxRecord> records;
  RunStreams({a.address(), b.address()}, Plan(2, 4), Pacer(0), kQuick, w, records);
  std::multiset<std::string> sent;
  for (const std::string& body : a.received()) sent.insert(body);
  for (const std::string& body : b.received()) sent.insert(body);
  ASSERT_EQ(sent.size(), 40u);
  for (const v1::SubmitRequest& r : w.requests) EXPECT_EQ(sent.count(r.tx().body()), 1u);
  for (const TxRecord& r : records) EXPECT_TRUE(r.acknowledged());
}

TEST(LoadgenStreamTest, ABrokenStreamsUnansweredGoToTheNextNodeAndCountAsAlreadyThere) {
  FakeNetwork network;
  constexpr size_t kInFlight = 3;
  // Takes the first window in, then the stream fails: those three are on the network,
  // unanswered.
  FakeStreamNode breaks(network, FakeStreamNode::Mode::kTakesAndBreaks, kInFlight);
  FakeStreamNode live(network, FakeStreamNode::Mode::kAnswers, kInFlight);
  const std::vector<std::string> nodes = {breaks.address(), live.address()};
  Workload w = Harvests(10);
  std::vector<TxRecord> records;
  ErrorExamples examples;
  const RunTiming timing =
      RunStreams(nodes, Plan(1, kInFlight), Pacer(0), kQuick, w, records, &examples);

  ASSERT_EQ(records.size(), 10u);
  for (size_t i = 0; i < kInFlight; ++i) {
    // Sent again, same bytes, to the live node, which had it already.
    EXPECT_EQ(records[i].fate, Fate::kPending) << i;
    EXPECT_TRUE(records[i].already_there) << i;
    EXPECT_EQ(records[i].rpc_code, Code::kOk) << i;  // accepted: lost if never found
    EXPECT_EQ(records[i].attempts, 2u) << i;
    EXPECT_EQ(records[i].failovers, 1u) << i;
  }
  for (size_t i = kInFlight; i < records.size(); ++i) {
    EXPECT_EQ(records[i].fate, Fate::kCommitted) << i;
    EXPECT_EQ(records[i].node, 1u) << i;
    EXPECT_EQ(records[i].attempts, 1u) << i;
  }
  const std::vector<std::string> again = live.received();
  ASSERT_EQ(again.size(), 10u);
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i], w.requests[i].tx().body()) << i;
  EXPECT_EQ(examples.count("UNAVAILABLE"), 1u);

  // Settling finds them committed.
  EXPECT_EQ(Settle(nodes, w, records, 2'000), kInFlight);
  const Tally t = MakeTally(records, timing, false);
  EXPECT_EQ(t.committed_ok, 7u);
  EXPECT_EQ(t.late_committed_ok, 3u);
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.retries, 3u);
  EXPECT_EQ(t.failovers, 3u);
  EXPECT_EQ(t.already_there, 3u);
}

TEST(LoadgenStreamTest, AConnectionStartingAtADeadNodeMovesOn) {
  FakeNetwork network;
  FakeStreamNode live(network, FakeStreamNode::Mode::kAnswers, 16);
  Workload w = Harvests(20);
  std::vector<TxRecord> records;
  RunStreams({AddressNobodyListensOn(), live.address()}, Plan(1, 16), Pacer(0), kQuick, w, records);
  for (const TxRecord& r : records) {
    EXPECT_TRUE(r.acknowledged());
    EXPECT_EQ(r.node, 1u);
    EXPECT_EQ(r.attempts, 1u);  // nothing had gone out to the dead node
  }
}

TEST(LoadgenStreamTest, NoNodeReachedGivesUpAndLeavesTheRestUnsent) {
  Workload w = Harvests(5);
  std::vector<TxRecord> records;
  ErrorExamples examples;
  RunStreams({AddressNobodyListensOn()}, Plan(1, 16), Pacer(0), kQuick, w, records, &examples);
  const Tally t = MakeTally(records, RunTiming{}, false);
  EXPECT_EQ(t.unsent, 5u);  // a count run that could not send says so
  EXPECT_EQ(examples.count("UNAVAILABLE"), 1u);
}

TEST(LoadgenStreamTest, RefusalsAreRejectedByTheirCode) {
  FakeNetwork network;
  FakeStreamNode refuses(network, FakeStreamNode::Mode::kRefuses, 4);
  Workload w = Harvests(6);
  std::vector<TxRecord> records;
  ErrorExamples examples;
  const RunTiming timing =
      RunStreams({refuses.address()}, Plan(1, 4), Pacer(0), kQuick, w, records, &examples);
  const Tally t = MakeTally(records, timing, false);
  EXPECT_EQ(t.rejected, 6u);
  EXPECT_EQ(t.rejected_by_code.at("INVALID_ARGUMENT"), 6u);
  EXPECT_EQ(examples.at("INVALID_ARGUMENT"), "fake refusal");
}

TEST(LoadgenStreamTest, TheRateIsSharedByAllConnections) {
  FakeNetwork network;
  FakeStreamNode a(network, FakeStreamNode::Mode::kAnswers, 1);
  FakeStreamNode b(network, FakeStreamNode::Mode::kAnswers, 1);
  Workload w = Harvests(6);
  std::vector<TxRecord> records;
  const RunTiming timing =
      RunStreams({a.address(), b.address()}, Plan(3, 1), Pacer(200), kQuick, w, records);
  // Transaction i is due at i / rate whichever connection took it, and none went early.
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].due_ns, static_cast<int64_t>(i) * 5'000'000) << i;
    EXPECT_GE(records[i].sent_ns, records[i].due_ns) << i;
    EXPECT_TRUE(records[i].acknowledged()) << i;
  }
  EXPECT_GE(timing.last_send_ns, 25'000'000);
}

TEST(LoadgenStreamTest, AClosedSendWindowSendsNothingAndLeavesNothingUnsent) {
  FakeNetwork network;
  FakeStreamNode node(network, FakeStreamNode::Mode::kAnswers, 4);
  Workload w = Harvests(6);
  std::vector<TxRecord> records;
  StreamPlan plan = Plan(1, 4);
  plan.send_window = std::chrono::nanoseconds(1);  // over before the first send
  RunStreams({node.address()}, plan, Pacer(0), kQuick, w, records);
  EXPECT_TRUE(records.empty());
  EXPECT_TRUE(w.requests.empty());
  EXPECT_TRUE(w.ids.empty());
  EXPECT_TRUE(node.received().empty());
}

TEST(LoadgenStreamTest, AUnaryRunWithAClosedSendWindowIsCutToWhatItSent) {
  FakeNetwork network;
  testing::FakeLedgerNode node(network, testing::FakeLedgerNode::Mode::kAnswers);
  Workload w = Harvests(6);
  std::vector<TxRecord> records;
  RunClients({node.address()}, 2, Pacer(0), kQuick, w, records, nullptr, nullptr, {},
             std::chrono::nanoseconds(1));
  EXPECT_TRUE(records.empty());
  EXPECT_TRUE(w.requests.empty());
  EXPECT_EQ(node.submits().size(), 0u);
  // Without a window nothing is cut: the count stands.
  Workload all = Harvests(3);
  RunClients({node.address()}, 2, Pacer(0), kQuick, all, records);
  EXPECT_EQ(records.size(), 3u);
}

}  // namespace
}  // namespace tadori::loadgen
