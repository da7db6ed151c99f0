#include "tools/loadgen/run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include <grpcpp/client_context.h>

#include "ledger/check.h"
#include "tools/client/rpc_error.h"
#include "tools/client/submit.h"
#include "tools/client/transaction_builder.h"
#include "tools/loadgen/run_support.h"

namespace tadori::loadgen {

namespace {

using Clock = RunClock;

void RecordAnswer(const client::SubmitAnswer& answer, TxRecord& record) {
  record.rpc_code = client::FromGrpc(answer.status).code();
  record.attempts = static_cast<uint32_t>(answer.attempts);
  record.already_there = answer.already_there;
  if (answer.status.ok() && answer.response.committed()) {
    record.fate = Fate::kCommitted;
    record.result_code = answer.response.result().code();
    record.height = answer.response.height();
  } else if (answer.status.ok() || Ambiguous(record.rpc_code)) {
    record.fate = Fate::kPending;
  } else {
    record.fate = Fate::kRejected;
  }
}

void ClientLoop(client::NodeSet* nodes, const Pacer& pacer, const Workload& workload,
                Clock::time_point start, SendGate& gate, const std::atomic<size_t>& signed_upto,
                std::vector<TxRecord>& records, std::atomic<int64_t>& last_send_ns,
                ExampleCollector& examples) {
  while (true) {
    const std::optional<size_t> taken = gate.Take();
    if (!taken.has_value()) return;
    const size_t i = *taken;
    // Only when the signer fell behind; it shows as a late send.
    AwaitSigned(signed_upto, i);
    TxRecord& record = records[i];
    const auto due = pacer.DueOffset(i);
    std::this_thread::sleep_until(start + due);
    record.due_ns = due.count();
    record.sent_ns = NsSince(start);
    int64_t seen = last_send_ns.load();
    while (seen < record.sent_ns && !last_send_ns.compare_exchange_weak(seen, record.sent_ns)) {
    }
    const uint64_t failovers_before = nodes->failovers();
    const client::SubmitAnswer answer = client::SubmitTransaction(*nodes, workload.requests[i]);
    record.done_ns = NsSince(start);
    record.node = nodes->current();
    record.failovers = static_cast<uint32_t>(nodes->failovers() - failovers_before);
    RecordAnswer(answer, record);
    examples.Add(client::FromGrpc(answer.status).code(), answer.status.error_message());
  }
}

grpc::Status GetTx(client::NodeSet& nodes, const Hash& id, v1::GetTransactionResponse* answer) {
  v1::GetTransactionRequest request;
  request.set_tx_id(id.ToBinaryString());
  return nodes.CallLedger(
      [&](v1::Ledger::Stub& stub, grpc::ClientContext& call) {
        answer->Clear();
        return stub.GetTransaction(&call, request, answer);
      },
      client::kReadDeadlineMs);
}

// For the reads that follow a run: set k starts at node k, so that a transaction is read
// from the node that answered for it while that node is up.
std::vector<client::NodeSet> ReadersFor(const std::vector<std::string>& nodes,
                                        const client::ChannelOptions& channel) {
  std::vector<client::NodeSet> readers;
  readers.reserve(nodes.size());
  for (size_t k = 0; k < nodes.size(); ++k)
    readers.emplace_back(nodes, client::FailoverPolicy{}, k, channel);
  return readers;
}

}  // namespace

RunTiming RunClients(const std::vector<std::string>& nodes, size_t clients, const Pacer& pacer,
                     const client::FailoverPolicy& policy, Workload& workload,
                     std::vector<TxRecord>& records, ErrorExamples* examples,
                     const SigningAhead* ahead, const client::ChannelOptions& channel,
                     std::chrono::nanoseconds send_window) {
  TADORI_CHECK(clients >= 1 && clients <= kClientsMax);
  TADORI_CHECK(!nodes.empty());
  records.assign(workload.requests.size(), TxRecord{});
  // Each client's first connection is opened before the clock starts, so that connection
  // setup is not counted as latency. A client that cannot connect still runs: its
  // submissions move on to the other nodes or fail, and are counted like any other.
  std::vector<client::NodeSet> sets;
  sets.reserve(clients);
  for (size_t c = 0; c < clients; ++c) {
    sets.emplace_back(nodes, policy, c % nodes.size(), channel);
    sets.back().WaitForCurrent(client::kReadDeadlineMs);
  }
  std::atomic<int64_t> last_send_ns{0};
  ExampleCollector collector;
  const size_t count = workload.requests.size();
  std::atomic<size_t> signed_upto{ahead == nullptr ? count : ahead->signed_upto};
  TADORI_CHECK(signed_upto.load() <= count);
  const Clock::time_point start = Clock::now();
  SendGate gate(count, start, send_window);
  std::atomic<bool> stop_signing{false};
  std::thread signer;
  if (ahead != nullptr) {
    signer = std::thread(SignerLoop, std::cref(*ahead), std::ref(workload), std::cref(gate),
                         std::ref(signed_upto), std::cref(stop_signing));
  }
  std::vector<std::thread> threads;
  threads.reserve(clients);
  for (size_t c = 0; c < clients; ++c) {
    threads.emplace_back(ClientLoop, &sets[c], std::cref(pacer), std::cref(workload), start,
                         std::ref(gate), std::cref(signed_upto), std::ref(records),
                         std::ref(last_send_ns), std::ref(collector));
  }
  for (auto& t : threads) t.join();
  const RunTiming timing{NsSince(start), last_send_ns.load()};
  stop_signing.store(true);
  if (signer.joinable()) signer.join();
  if (examples != nullptr) *examples = collector.Take();
  if (send_window.count() > 0) KeepTaken(workload, records, gate.taken());
  return timing;
}

void KeepTaken(Workload& workload, std::vector<TxRecord>& records, size_t taken) {
  TADORI_CHECK(taken <= workload.requests.size() && records.size() == workload.requests.size());
  workload.requests.resize(taken);
  workload.ids.resize(taken);
  workload.valid_until.resize(taken);
  records.resize(taken);
}

size_t Settle(const std::vector<std::string>& nodes, const Workload& workload,
              std::vector<TxRecord>& records, int settle_ms,
              const client::ChannelOptions& channel) {
  std::vector<client::NodeSet> readers = ReadersFor(nodes, channel);
  const auto deadline = Clock::now() + std::chrono::milliseconds(settle_ms);
  size_t pending = 0;
  for (const TxRecord& r : records) pending += r.fate == Fate::kPending ? 1 : 0;
  bool any_pending = pending > 0;
  while (any_pending) {
    any_pending = false;
    // The head of the node a transaction is read from decides whether it can still commit.
    std::vector<Result<client::ChainHead>> heads;
    heads.reserve(readers.size());
    for (client::NodeSet& reader : readers) heads.push_back(client::FetchChainHead(reader));
    const bool out_of_time = Clock::now() >= deadline;
    for (size_t i = 0; i < records.size(); ++i) {
      TxRecord& r = records[i];
      if (r.fate != Fate::kPending) continue;
      v1::GetTransactionResponse answer;
      const grpc::Status rpc = GetTx(readers[r.node], workload.ids[i], &answer);
      if (rpc.ok()) {
        r.fate = Fate::kLateCommitted;
        r.result_code = answer.result().code();
        r.height = answer.height();
        continue;
      }
      const Result<client::ChainHead>& head = heads[r.node];
      const bool expired = head.ok() && head->height >= workload.valid_until[i];
      if (expired || out_of_time) {
        const bool accepted = r.rpc_code == Code::kOk || r.rpc_code == Code::kDeadlineExceeded;
        r.fate = accepted ? Fate::kLost : Fate::kRejected;
        continue;
      }
      any_pending = true;
    }
    if (any_pending) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return pending;
}

size_t VerifyCommitted(const std::vector<std::string>& nodes, const Workload& workload,
                       std::vector<TxRecord>& records, const client::ChannelOptions& channel) {
  std::vector<client::NodeSet> readers = ReadersFor(nodes, channel);
  size_t failures = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    TxRecord& r = records[i];
    if (!r.committed()) continue;
    v1::GetTransactionResponse answer;
    const grpc::Status rpc = GetTx(readers[r.node], workload.ids[i], &answer);
    r.verify_failed =
        !rpc.ok() || answer.height() != r.height || answer.result().code() != r.result_code;
    failures += r.verify_failed ? 1 : 0;
  }
  return failures;
}

std::vector<Hash> AcknowledgedIds(const Workload& workload, const std::vector<TxRecord>& records) {
  TADORI_CHECK(records.size() == workload.ids.size());
  std::vector<Hash> ids;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].acknowledged()) ids.push_back(workload.ids[i]);
  }
  return ids;
}

}  // namespace tadori::loadgen
