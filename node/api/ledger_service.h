// tadori.v1.Ledger, the integrators' gRPC API, over a node's store and mempool.
//
// Every handler validates its request and answers with the most specific gRPC status and
// a message; no request can change committed data other than by a transaction that passes
// admission and is then committed by the validator.
//
// Calls that wait (Submit with wait_for_commit, StreamBlocks) each hold a server thread for
// as long as they wait, so their number is capped: beyond the cap the call is answered at
// once with RESOURCE_EXHAUSTED, saying what is full and what to do. A waiting call whose
// client goes away (cancelled, deadline passed, connection lost) gives its place back within
// kCancelPollInterval.
//
// Every handler first asks ctx.access who calls and whether it may (Status is open to all;
// GetTransaction also checks the transaction's signer); a refusal is UNAUTHENTICATED or
// PERMISSION_DENIED with the reason, never partial data.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "ledger/genesis.h"
#include "ledger/store/store.h"
#include "node/api/caller.h"
#include "node/validator/admission.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"
#include "tadori/v1/ledger.grpc.pb.h"

namespace tadori {

// Submits with wait_for_commit waiting at once, each holding a thread for up to
// kSubmitWaitMsMax. 1,024: the load generator's largest run (tools/loadgen kClientsMax
// clients, each with one waiting Submit) keeps working against a single node, as in
// docs/BENCHMARKS.md, while thousands more cannot each take a thread.
inline constexpr size_t kSubmitCommitWaitersMax = 1024;
// StreamBlocks calls open at once. Their readers are followers (indexers, mirrors,
// dashboards), a handful per node; 64 leaves room for reconnects while they overlap.
inline constexpr size_t kBlockStreamsMax = 64;
// How soon a waiting call notices that its client went away.
inline constexpr std::chrono::milliseconds kCancelPollInterval{500};
// Transactions in one Capture request: a large EPCIS document is sent in several requests
// (the client API also bounds a request's bytes, client_api.h).
inline constexpr size_t kCaptureTxsMax = 1000;
// The problems of one event a Capture outcome lists, and the bytes of their message.
inline constexpr size_t kCaptureProblemsListedMax = 20;
inline constexpr size_t kCaptureMessageBytesMax = 4096;

struct LedgerServiceContext {
  Store& store;
  Mempool& mempool;
  CommitFeed& feed;
  const GenesisInfo& genesis;
  std::string mode;  // "dev" or "bft"
  // Called with each transaction admitted by Submit, after it entered the mempool: wakes
  // the block producer, or relays it to the other validators. May be empty.
  std::function<void(const v1::SignedTransaction&)> on_admitted;
  // Adds what the validator knows (round, peers, syncing) to Status answers. May be empty.
  std::function<void(v1::StatusResponse&)> fill_status;
  // Caps on waiting calls (tests use small ones; 0 refuses every waiting call).
  size_t submit_waiters_max = kSubmitCommitWaitersMax;
  size_t block_streams_max = kBlockStreamsMax;
  // Who may call what (node/query/read_policy.h); default: open, every caller reads all.
  ClientAccess access = {};
};

class LedgerService final : public v1::Ledger::Service {
 public:
  explicit LedgerService(LedgerServiceContext ctx);

  grpc::Status Submit(grpc::ServerContext* context, const v1::SubmitRequest* request,
                      v1::SubmitResponse* response) override;
  grpc::Status GetTransaction(grpc::ServerContext* context,
                              const v1::GetTransactionRequest* request,
                              v1::GetTransactionResponse* response) override;
  // The offline proof of a committed transaction (docs/PROOFS.md); read as GetTransaction.
  grpc::Status GetProof(grpc::ServerContext* context, const v1::GetProofRequest* request,
                        v1::TxProof* response) override;
  grpc::Status GetBlock(grpc::ServerContext* context, const v1::GetBlockRequest* request,
                        v1::GetBlockResponse* response) override;
  grpc::Status StreamBlocks(grpc::ServerContext* context, const v1::StreamBlocksRequest* request,
                            grpc::ServerWriter<v1::GetBlockResponse>* writer) override;
  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::StatusResponse* response) override;
  // EPCIS capture: one CaptureEpcisEvent transaction per event, each checked (it maps; it was
  // not captured before, on the chain or earlier in the request) and then admitted as Submit
  // admits; one outcome per transaction. OK unless the request itself is wrong.
  grpc::Status Capture(grpc::ServerContext* context, const v1::CaptureRequest* request,
                       v1::CaptureResponse* response) override;

  // Calls holding a capped place now (for metrics and tests).
  size_t submits_waiting() const { return submits_waiting_.load(); }
  size_t block_streams_open() const { return block_streams_open_.load(); }

 private:
  tadori::Status FillBlock(uint64_t height, v1::GetBlockResponse* response) const;
  // Submit's path, shared with Capture. Enter: admission, then the mempool and on_admitted;
  // with `watch` the commit feed watches the id from before it enters the mempool, and the
  // caller must end with AwaitCommit (or Unwatch) of it. AwaitCommit waits in slices of
  // kCancelPollInterval until the outcome, the deadline, shutdown or the client leaving,
  // then unwatches.
  Result<Hash> Enter(const v1::SignedTransaction& tx, bool watch);
  std::optional<CommitFeed::TxOutcome> AwaitCommit(grpc::ServerContext* context, const Hash& id,
                                                   CommitFeed::Clock::time_point deadline);

  LedgerServiceContext ctx_;
  Admission admission_;
  std::atomic<size_t> submits_waiting_{0};
  std::atomic<size_t> block_streams_open_{0};
};

}  // namespace tadori
