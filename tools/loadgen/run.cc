#include "tools/loadgen/run.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <grpcpp/client_context.h>

#include "ledger/check.h"
#include "tools/client/channel.h"
#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"

namespace tadori::loadgen {

namespace {

using Clock = std::chrono::steady_clock;

int64_t NsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

// Codes after which the transaction may or may not be on the chain.
bool Ambiguous(Code code) {
  switch (code) {
    case Code::kDeadlineExceeded:
    case Code::kUnavailable:
    case Code::kCancelled:
    case Code::kUnknown:
    case Code::kInternal:
    case Code::kAborted:
      return true;
    default:
      return false;
  }
}

void RecordReply(const grpc::Status& rpc, const v1::SubmitResponse& reply, TxRecord& record) {
  record.rpc_code = client::FromGrpc(rpc).code();
  if (rpc.ok() && reply.committed()) {
    record.fate = Fate::kCommitted;
    record.result_code = reply.result().code();
    record.height = reply.height();
  } else if (rpc.ok() || Ambiguous(record.rpc_code)) {
    record.fate = Fate::kPending;
  } else {
    record.fate = Fate::kRejected;
  }
}

void ClientLoop(v1::Ledger::Stub* stub, size_t node, const Pacer& pacer, const Workload& workload,
                Clock::time_point start, std::atomic<uint64_t>& next,
                std::vector<TxRecord>& records, std::atomic<int64_t>& last_send_ns) {
  while (true) {
    const uint64_t i = next.fetch_add(1);
    if (i >= workload.requests.size()) return;
    TxRecord& record = records[i];
    record.node = node;
    const auto due = pacer.DueOffset(i);
    std::this_thread::sleep_until(start + due);
    record.due_ns = due.count();
    record.sent_ns = NsSince(start);
    int64_t seen = last_send_ns.load();
    while (seen < record.sent_ns && !last_send_ns.compare_exchange_weak(seen, record.sent_ns)) {
    }
    const v1::SubmitRequest& request = workload.requests[i];
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(request.wait_timeout_ms() + kCallSlackMs));
    v1::SubmitResponse reply;
    const grpc::Status rpc = stub->Submit(&call, request, &reply);
    record.done_ns = NsSince(start);
    RecordReply(rpc, reply, record);
  }
}

grpc::Status GetTx(v1::Ledger::Stub& stub, const Hash& id, v1::GetTransactionResponse* answer) {
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(client::kReadDeadlineMs));
  v1::GetTransactionRequest request;
  request.set_tx_id(id.ToBinaryString());
  return stub.GetTransaction(&call, request, answer);
}

// One stub per node, for the reads that follow a run.
std::vector<std::unique_ptr<v1::Ledger::Stub>> StubsFor(const std::vector<std::string>& nodes) {
  std::vector<std::unique_ptr<v1::Ledger::Stub>> stubs;
  stubs.reserve(nodes.size());
  for (const std::string& node : nodes) stubs.push_back(client::NewLedgerStub(node));
  return stubs;
}

}  // namespace

RunTiming RunClients(const std::vector<std::string>& nodes, size_t clients, const Pacer& pacer,
                     const Workload& workload, std::vector<TxRecord>& records) {
  TADORI_CHECK(clients >= 1 && clients <= kClientsMax);
  TADORI_CHECK(!nodes.empty());
  records.assign(workload.requests.size(), TxRecord{});
  // Connections are opened before the clock starts, so that connection setup is not
  // counted as latency. A client that cannot connect still runs: its calls fail and are
  // counted like any other failure.
  std::vector<std::unique_ptr<v1::Ledger::Stub>> stubs;
  stubs.reserve(clients);
  const auto connect_deadline =
      std::chrono::system_clock::now() + std::chrono::milliseconds(client::kReadDeadlineMs);
  for (size_t c = 0; c < clients; ++c) {
    auto channel = client::OpenChannel(nodes[c % nodes.size()],
                                       client::ChannelOptions{.own_connection = true});
    channel->WaitForConnected(connect_deadline);
    stubs.push_back(v1::Ledger::NewStub(channel));
  }
  std::atomic<uint64_t> next{0};
  std::atomic<int64_t> last_send_ns{0};
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  threads.reserve(clients);
  for (size_t c = 0; c < clients; ++c) {
    threads.emplace_back(ClientLoop, stubs[c].get(), c % nodes.size(), std::cref(pacer),
                         std::cref(workload), start, std::ref(next), std::ref(records),
                         std::ref(last_send_ns));
  }
  for (auto& t : threads) t.join();
  return RunTiming{NsSince(start), last_send_ns.load()};
}

size_t Settle(const std::vector<std::string>& nodes, const Workload& workload,
              std::vector<TxRecord>& records, int settle_ms) {
  auto stubs = StubsFor(nodes);
  const auto deadline = Clock::now() + std::chrono::milliseconds(settle_ms);
  size_t pending = 0;
  for (const TxRecord& r : records) pending += r.fate == Fate::kPending ? 1 : 0;
  bool any_pending = pending > 0;
  while (any_pending) {
    any_pending = false;
    // The head of the node a transaction went to decides whether it can still commit there.
    std::vector<Result<client::ChainHead>> heads;
    heads.reserve(stubs.size());
    for (auto& stub : stubs) heads.push_back(client::FetchChainHead(*stub));
    const bool out_of_time = Clock::now() >= deadline;
    for (size_t i = 0; i < records.size(); ++i) {
      TxRecord& r = records[i];
      if (r.fate != Fate::kPending) continue;
      v1::GetTransactionResponse answer;
      const grpc::Status rpc = GetTx(*stubs[r.node], workload.ids[i], &answer);
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
                       std::vector<TxRecord>& records) {
  auto stubs = StubsFor(nodes);
  size_t failures = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    TxRecord& r = records[i];
    if (!r.committed()) continue;
    v1::GetTransactionResponse answer;
    const grpc::Status rpc = GetTx(*stubs[r.node], workload.ids[i], &answer);
    r.verify_failed =
        !rpc.ok() || answer.height() != r.height || answer.result().code() != r.result_code;
    failures += r.verify_failed ? 1 : 0;
  }
  return failures;
}

}  // namespace tadori::loadgen
