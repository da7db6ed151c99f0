#include "tools/client/submit.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "ledger/hash.h"
#include "ledger/transaction.h"
#include "ledger/wall_clock.h"

namespace tadori::client {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Polls GetTransaction for `id` until it is committed (filling `response` as Submit would) or
// `wait_ms` passes. NOT_FOUND means not yet; any other error ends the wait.
grpc::Status AwaitCommit(NodeSet& nodes, const Hash& id, uint32_t wait_ms,
                         v1::SubmitResponse& response) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(wait_ms);
  v1::GetTransactionRequest request;
  request.set_tx_id(id.ToBinaryString());
  while (true) {
    v1::GetTransactionResponse found;
    const grpc::Status rpc = nodes.CallLedger(
        [&](v1::Ledger::Stub& stub, grpc::ClientContext& context) {
          found.Clear();
          return stub.GetTransaction(&context, request, &found);
        },
        kReadDeadlineMs);
    if (rpc.ok()) {
      response.set_committed(true);
      response.set_height(found.height());
      *response.mutable_result() = found.result();
      return rpc;
    }
    if (rpc.error_code() != grpc::StatusCode::NOT_FOUND) return rpc;
    const auto now = SteadyClock::now();
    if (now >= deadline) {
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          "transaction " + id.Hex() + " is pending; not committed within " +
                              std::to_string(wait_ms) + " ms");
    }
    std::this_thread::sleep_for(
        std::min<SteadyClock::duration>(std::chrono::milliseconds(kCommitPollMs), deadline - now));
  }
}

}  // namespace

Result<ChainHead> FetchChainHead(NodeSet& nodes) {
  v1::StatusResponse status;
  const grpc::Status rpc = nodes.CallLedger(
      [&](v1::Ledger::Stub& stub, grpc::ClientContext& context) {
        return stub.Status(&context, v1::StatusRequest(), &status);
      },
      kReadDeadlineMs);
  return ChainHeadOf(rpc, status);
}

Result<v1::SignedTransaction> PrepareTransaction(NodeSet& nodes, const v1::TransactionBody& payload,
                                                 const PrivateKey& key) {
  TADORI_ASSIGN_OR_RETURN(ChainHead head, FetchChainHead(nodes));
  return SignTransaction(CompleteBody(payload, head, WallClockMs()), key);
}

SubmitAnswer SubmitTransaction(NodeSet& nodes, const v1::SubmitRequest& request) {
  SubmitAnswer out;
  const uint32_t wait_ms =
      request.wait_timeout_ms() == 0 ? kSubmitWaitMsDefault : request.wait_timeout_ms();
  out.status = nodes.CallLedger(
      [&](v1::Ledger::Stub& stub, grpc::ClientContext& context) {
        out.response.Clear();
        return stub.Submit(&context, request, &out.response);
      },
      static_cast<int>(wait_ms) + kSubmitCallSlackMs, &out.attempts);
  if (out.status.error_code() != grpc::StatusCode::ALREADY_EXISTS || out.attempts == 1) {
    return out;
  }
  out.already_there = true;
  const Hash id = Sha256(AsBytes(request.tx().body()));
  out.response.Clear();
  out.response.set_tx_id(id.ToBinaryString());
  out.status =
      request.wait_for_commit() ? AwaitCommit(nodes, id, wait_ms, out.response) : grpc::Status::OK;
  return out;
}

}  // namespace tadori::client
