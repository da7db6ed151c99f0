#include "tools/loadgen/stream_run.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include "ledger/check.h"
#include "tools/client/rpc_error.h"
#include "tools/client/submit.h"
#include "tools/loadgen/in_flight_window.h"
#include "tools/loadgen/run_support.h"

namespace tadori::loadgen {

void ApplyStreamAnswer(const v1::SubmitStreamResponse& answer, bool resent, TxRecord& record) {
  const Code code = CodeFromWire(answer.code());
  // After a send that may have got through, the node having it means it did: accepted, its
  // commit to be found by settling (client/submit.h says the same for unary retries).
  if (code == Code::kAlreadyExists && resent) {
    record.already_there = true;
    record.rpc_code = Code::kOk;
    record.fate = Fate::kPending;
    return;
  }
  record.rpc_code = code;
  if (code == Code::kOk && answer.committed()) {
    record.fate = Fate::kCommitted;
    record.result_code = answer.result().code();
    record.height = answer.height();
  } else if (code == Code::kOk || Ambiguous(code)) {
    record.fate = Fate::kPending;
  } else {
    record.fate = Fate::kRejected;
  }
}

namespace {

using Stream = grpc::ClientReaderWriter<v1::SubmitStreamRequest, v1::SubmitStreamResponse>;

// How long the sender waits, after every transaction of a finished stream was answered, for
// the node to end the call before it cancels it.
constexpr int kStreamCloseWaitMs = 5'000;
// How often the watchdog looks for a stream whose oldest transaction went unanswered too long.
constexpr int kWatchdogPeriodMs = 100;

void RaiseTo(std::atomic<int64_t>& highest, int64_t value) {
  int64_t seen = highest.load();
  while (seen < value && !highest.compare_exchange_weak(seen, value)) {
  }
}

// Waits up to `timeout_ms` for the channel to connect; false when it failed or is still
// connecting (nothing sent on it would reach the node).
bool Connects(grpc::Channel& channel, int timeout_ms) {
  const auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms);
  grpc_connectivity_state state = channel.GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) return false;
    if (!channel.WaitForStateChange(state, deadline)) return false;
    state = channel.GetState(/*try_to_connect=*/true);
  }
  return true;
}

int BackoffMs(const client::FailoverPolicy& policy, int retry) {
  int64_t wait = policy.backoff_first_ms;
  for (int k = 1; k < retry && wait < policy.backoff_max_ms; ++k) wait *= 2;
  return static_cast<int>(std::min<int64_t>(wait, policy.backoff_max_ms));
}

// One connection: its window and live stream, shared by its sender, its reader and the
// watchdog under `mu`. The records of the transactions in the window are written under `mu`
// too; a transaction outside every window belongs to the sender that holds it.
struct Connection {
  Connection(size_t in_flight, size_t first_node) : window(in_flight), node(first_node) {}

  std::mutex mu;
  std::condition_variable changed;  // an answer freed room, or the stream ended
  InFlightWindow window;
  size_t node;                             // index of the node the stream goes to
  grpc::ClientContext* call = nullptr;     // the live stream's, for the watchdog to cancel
  bool stream_ended = false;               // the reader saw the live stream end
  bool answered = false;                   // the live stream answered at least once
  std::shared_ptr<grpc::Channel> channel;  // to `node`; null after a stream there broke
};

// What every connection of a run works from.
struct Run {
  const std::vector<std::string>& nodes;
  const StreamPlan& plan;
  const Pacer& pacer;
  const client::FailoverPolicy& policy;
  const client::ChannelOptions& channel;
  int attempts_max = 0;
  const Workload& workload;
  std::vector<TxRecord>& records;
  RunClock::time_point start;
  SendGate& gate;
  const std::atomic<size_t>& signed_upto;
  std::atomic<int64_t>& last_send_ns;
  std::atomic<int64_t>& last_answer_ns;
  ExampleCollector& examples;
};

struct StreamEnd {
  grpc::Status status;             // how the call ended
  std::vector<size_t> unanswered;  // in send order, for the next stream
  bool answered = false;           // the stream answered at least one transaction
};

// The reader of one stream: every answer, until the stream ends.
void ReadAnswers(Run& run, Connection& conn, Stream& stream) {
  v1::SubmitStreamResponse answer;
  while (stream.Read(&answer)) {
    const int64_t now = NsSince(run.start);
    std::lock_guard lock(conn.mu);
    const std::optional<InFlightWindow::Entry> entry = conn.window.Answer(answer.sequence());
    if (!entry.has_value()) continue;  // a duplicate, or a sequence never sent: no news
    TxRecord& r = run.records[entry->tx];
    if (!answer.tx_id().empty() && answer.tx_id() != run.workload.ids[entry->tx].ToBinaryString()) {
      // The node answered for another transaction at this sequence: believe neither; settling
      // asks GetTransaction about this one.
      r.fate = Fate::kPending;
      r.rpc_code = Code::kInternal;
      run.examples.Add(
          Code::kInternal,
          fmt::format("answer for sequence {} names another transaction", answer.sequence()));
    } else {
      ApplyStreamAnswer(answer, entry->resent, r);
      if (answer.code() != 0) run.examples.Add(CodeFromWire(answer.code()), answer.message());
    }
    r.done_ns = now;
    r.node = conn.node;
    conn.answered = true;
    RaiseTo(run.last_answer_ns, now);
    conn.changed.notify_all();
  }
  std::lock_guard lock(conn.mu);
  conn.stream_ended = true;
  conn.changed.notify_all();
}

// Sends `resend`, then new transactions while `sending_new`, on one stream to conn.node, and
// waits for their answers. Clears `sending_new` once the run has no more to take.
StreamEnd RunOneStream(Run& run, Connection& conn, std::vector<size_t> resend, bool& sending_new) {
  const std::string& address = run.nodes[conn.node];
  if (conn.channel == nullptr) conn.channel = client::OpenChannel(address, run.channel);
  if (!Connects(*conn.channel, run.policy.connect_timeout_ms)) {
    return StreamEnd{grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                  fmt::format("no connection to {} within {} ms", address,
                                              run.policy.connect_timeout_ms)),
                     std::move(resend), false};
  }
  auto stub = v1::Ledger::NewStub(conn.channel);
  grpc::ClientContext context;
  std::unique_ptr<Stream> stream = stub->SubmitStream(&context);
  {
    std::lock_guard lock(conn.mu);
    TADORI_CHECK(conn.window.empty());
    conn.window.Restart();  // sequences from 0 on this call
    conn.call = &context;
    conn.stream_ended = false;
    conn.answered = false;
  }
  std::thread reader(ReadAnswers, std::ref(run), std::ref(conn), std::ref(*stream));

  v1::SubmitStreamRequest request;
  request.set_wait_timeout_ms(run.plan.wait_timeout_ms);
  size_t resent_upto = 0;  // resend[0, resent_upto) went out on this stream
  bool broken = false;
  while (true) {
    {
      std::unique_lock lock(conn.mu);
      conn.changed.wait(lock, [&] { return !conn.window.full() || conn.stream_ended; });
      if (conn.stream_ended) {
        broken = true;
        break;
      }
    }
    size_t i = 0;
    const bool resent = resent_upto < resend.size();
    if (resent) {
      i = resend[resent_upto++];
    } else {
      const std::optional<size_t> taken = sending_new ? run.gate.Take() : std::nullopt;
      if (!taken.has_value()) {
        sending_new = false;
        break;
      }
      i = *taken;
      AwaitSigned(run.signed_upto, i);  // only when the signer fell behind: a late send
      const std::chrono::nanoseconds due = run.pacer.DueOffset(i);
      std::this_thread::sleep_until(run.start + due);
      run.records[i].due_ns = due.count();
    }
    {
      std::lock_guard lock(conn.mu);
      TxRecord& r = run.records[i];
      const int64_t now = NsSince(run.start);
      if (!resent) {
        r.sent_ns = now;
        // Sent, no answer yet: should the run end so, settling decides (not found: rejected,
        // as a unary submission no node answered).
        r.fate = Fate::kPending;
        r.rpc_code = Code::kUnavailable;
        RaiseTo(run.last_send_ns, now);
      }
      ++r.attempts;
      r.node = conn.node;
      conn.window.Send(i, now, resent);
    }
    *request.mutable_tx() = run.workload.requests[i].tx();
    if (!stream->Write(request)) {
      broken = true;
      break;
    }
  }
  // A failed Write means the call is over, and the reader sees it end too; cancelling it here
  // would hide how it ended (the watchdog remains for a call that never ends).
  if (!broken) {
    stream->WritesDone();
    std::unique_lock lock(conn.mu);
    conn.changed.wait(lock, [&] { return conn.window.empty() || conn.stream_ended; });
    // Everything answered: the node ends the call; one that does not is cancelled.
    if (!conn.changed.wait_for(lock, std::chrono::milliseconds(kStreamCloseWaitMs),
                               [&] { return conn.stream_ended; })) {
      context.TryCancel();
    }
  }
  reader.join();
  StreamEnd end;
  end.status = stream->Finish();
  {
    std::lock_guard lock(conn.mu);
    conn.call = nullptr;
    end.unanswered = conn.window.Restart();
    end.answered = conn.answered;
  }
  end.unanswered.insert(end.unanswered.end(), resend.begin() + static_cast<ptrdiff_t>(resent_upto),
                        resend.end());
  if (end.status.ok() && !end.unanswered.empty()) {
    end.status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                              fmt::format("{} ended the stream with {} transaction(s) unanswered",
                                          address, end.unanswered.size()));
  }
  return end;
}

// Gives up on transaction i: it stays pending, with the code of the last stream's end, for
// settling.
void GiveUp(Run& run, size_t i, const grpc::Status& status) {
  TxRecord& r = run.records[i];
  r.fate = Fate::kPending;
  r.rpc_code = status.ok() ? Code::kUnavailable : client::FromGrpc(status).code();
}

// A connection's sender: streams one after another (a new one after each break, on the next
// node) until the run has nothing more for it.
void RunConnection(Run& run, Connection& conn) {
  std::vector<size_t> resend;
  bool sending_new = true;
  int broken_in_a_row = 0;  // streams that ended without answering anything
  while (sending_new || !resend.empty()) {
    StreamEnd end = RunOneStream(run, conn, std::move(resend), sending_new);
    resend = std::move(end.unanswered);
    if (!end.status.ok()) {
      run.examples.Add(
          client::FromGrpc(end.status).code(),
          fmt::format("stream to {}: {}", run.nodes[conn.node], end.status.error_message()));
    }
    if (resend.empty() && !sending_new) break;
    // The stream ended early: what it left unanswered goes to the next node.
    broken_in_a_row = end.answered ? 1 : broken_in_a_row + 1;
    if (broken_in_a_row >= run.attempts_max) {
      for (size_t i : resend) GiveUp(run, i, end.status);
      sending_new = false;  // this connection is done; the others carry on
      break;
    }
    std::vector<size_t> keep;
    for (size_t i : resend) {
      if (run.records[i].attempts >= static_cast<uint32_t>(run.attempts_max)) {
        GiveUp(run, i, end.status);
      } else {
        keep.push_back(i);
      }
    }
    resend = std::move(keep);
    {
      std::lock_guard lock(conn.mu);
      conn.node = (conn.node + 1) % run.nodes.size();
      conn.channel.reset();  // a fresh connection, not one stuck on the old process
    }
    if (run.nodes.size() > 1) {
      for (size_t i : resend) ++run.records[i].failovers;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(BackoffMs(run.policy, broken_in_a_row)));
  }
}

// Cancels a stream whose oldest unanswered transaction waited longer than its commit wait
// plus the slack a unary call gets: a node that hangs answers nothing and would hold the
// connection forever.
void Watchdog(Run& run, std::vector<std::unique_ptr<Connection>>& connections,
              const std::atomic<bool>& finished) {
  const int64_t limit_ns =
      (static_cast<int64_t>(run.plan.wait_timeout_ms) + client::kSubmitCallSlackMs) * 1'000'000;
  while (!finished.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kWatchdogPeriodMs));
    const int64_t now = NsSince(run.start);
    for (auto& conn : connections) {
      std::lock_guard lock(conn->mu);
      const std::optional<int64_t> oldest = conn->window.OldestSentNs();
      if (conn->call != nullptr && oldest.has_value() && now - *oldest > limit_ns) {
        conn->call->TryCancel();
        run.examples.Add(Code::kDeadlineExceeded,
                         fmt::format("{} answered nothing for a transaction within {} ms; "
                                     "stream cancelled",
                                     run.nodes[conn->node], limit_ns / 1'000'000));
      }
    }
  }
}

}  // namespace

RunTiming RunStreams(const std::vector<std::string>& nodes, const StreamPlan& plan,
                     const Pacer& pacer, const client::FailoverPolicy& policy, Workload& workload,
                     std::vector<TxRecord>& records, ErrorExamples* examples,
                     const SigningAhead* ahead, const client::ChannelOptions& channel) {
  TADORI_CHECK(!nodes.empty());
  TADORI_CHECK(plan.connections >= 1 && plan.connections <= kConnectionsMax);
  TADORI_CHECK(plan.in_flight >= 1 && plan.in_flight <= kInFlightMax);
  TADORI_CHECK(policy.attempts_max >= 0 && policy.attempts_max <= client::kAttemptsMax);
  records.assign(workload.requests.size(), TxRecord{});
  client::ChannelOptions own = channel;
  own.own_connection = true;  // N connections are N TCP connections, not one shared

  // Each connection's first channel comes up before the clock starts, so that connection
  // setup is not counted as latency. One that does not still runs: its first stream fails and
  // it moves on to the next node.
  std::vector<std::unique_ptr<Connection>> connections;
  connections.reserve(plan.connections);
  for (size_t c = 0; c < plan.connections; ++c) {
    auto conn = std::make_unique<Connection>(plan.in_flight, c % nodes.size());
    conn->channel = client::OpenChannel(nodes[conn->node], own);
    Connects(*conn->channel, client::kReadDeadlineMs);
    connections.push_back(std::move(conn));
  }

  const size_t count = workload.requests.size();
  std::atomic<size_t> signed_upto{ahead == nullptr ? count : ahead->signed_upto};
  TADORI_CHECK(signed_upto.load() <= count);
  std::atomic<int64_t> last_send_ns{0};
  std::atomic<int64_t> last_answer_ns{0};
  ExampleCollector collector;
  const RunClock::time_point start = RunClock::now();
  SendGate gate(count, start, plan.send_window);
  Run run{nodes,
          plan,
          pacer,
          policy,
          own,
          policy.attempts_max > 0 ? policy.attempts_max : static_cast<int>(2 * nodes.size()),
          workload,
          records,
          start,
          gate,
          signed_upto,
          last_send_ns,
          last_answer_ns,
          collector};

  std::atomic<bool> stop_signing{false};
  std::thread signer;
  if (ahead != nullptr) {
    signer = std::thread(SignerLoop, std::cref(*ahead), std::ref(workload), std::cref(gate),
                         std::ref(signed_upto), std::cref(stop_signing));
  }
  std::atomic<bool> finished{false};
  std::thread watchdog(Watchdog, std::ref(run), std::ref(connections), std::cref(finished));
  std::vector<std::thread> senders;
  senders.reserve(connections.size());
  for (auto& conn : connections) {
    senders.emplace_back(RunConnection, std::ref(run), std::ref(*conn));
  }
  for (auto& t : senders) t.join();
  finished.store(true);
  watchdog.join();
  stop_signing.store(true);
  if (signer.joinable()) signer.join();
  if (examples != nullptr) *examples = collector.Take();
  const RunTiming timing{std::max(last_answer_ns.load(), last_send_ns.load()), last_send_ns.load()};
  if (plan.send_window.count() > 0) KeepTaken(workload, records, gate.taken());
  return timing;
}

}  // namespace tadori::loadgen
