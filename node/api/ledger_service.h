// tadori.v1.Ledger, the integrators' gRPC API, over a node's store and mempool.
//
// Every handler validates its request and answers with the most specific gRPC status and
// a message; no request can change committed data other than by a transaction that passes
// admission and is then committed by the validator.
//
// Submit, SubmitStream and WatchTransactions run on gRPC's callback API: a transaction
// waiting for its commit is a subscription of the commit feed (node/validator/commit_feed.h),
// answered from the commit, its deadline or shutdown, and holds no thread. The other methods
// run on the synchronous server's threads (node/daemon/client_api.h); of those, Capture with
// wait_for_commit and StreamBlocks hold a thread while they wait.
//
// What waits is capped: transactions waiting for their commit (a waiting Submit, each
// waiting transaction of a SubmitStream, a waiting Capture request), ids watched by
// WatchTransactions, and StreamBlocks calls. Beyond a cap the call, or the one transaction or
// id of a stream, is answered at once with RESOURCE_EXHAUSTED, saying what is full and what to
// do. One stream holds at most kStreamUnansweredMax unanswered items (answer_stream.h). A
// waiting call or stream whose client goes away (cancelled, deadline passed, connection lost)
// gives its places back at once (StreamBlocks and Capture: within kCancelPollInterval).
//
// Every handler first asks ctx.access who calls and whether it may (Status is open to all;
// GetTransaction and WatchTransactions also check the transaction's signer); a refusal is
// UNAUTHENTICATED or PERMISSION_DENIED with the reason, never partial data.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/genesis.h"
#include "ledger/store/store.h"
#include "node/api/caller.h"
#include "node/validator/admission.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"
#include "tadori/v1/ledger.grpc.pb.h"

namespace tadori {

// Transactions waiting for their commit at once, over every Submit, SubmitStream and Capture
// (a waiting Capture request counts one). A waiter is a commit-feed subscription and a
// pending answer (a few hundred bytes), not a thread; 65,536 is above the mempool's 50,000
// transactions, so that a full mempool of waited-for transactions is never refused for
// waiting, while a node still cannot be made to hold more waiters than that.
inline constexpr size_t kSubmitCommitWaitersMax = 65'536;
// Ids watched at once by WatchTransactions, over every stream (one id watched twice counts
// twice). Apart from the submitters' cap, so that watchers cannot crowd out submitters.
inline constexpr size_t kTxWatchersMax = 65'536;
// Items (transactions of a SubmitStream, ids of a WatchTransactions) taken on by one stream
// and not yet answered; at the bound the node stops reading the stream.
inline constexpr size_t kStreamUnansweredMax = 8'192;
// Bytes of answers one stream may have waiting for its client to read them; at the bound
// the node stops reading the stream (a client that does not read its answers stalls itself).
inline constexpr size_t kStreamAnswerBytesMax = 16 * 1024 * 1024;
// Ids in one WatchTransactionsRequest; more ends the stream with INVALID_ARGUMENT.
inline constexpr size_t kWatchIdsPerRequestMax = 1000;
// StreamBlocks calls open at once. Their readers are followers (indexers, mirrors,
// dashboards), a handful per node; 64 leaves room for reconnects while they overlap.
inline constexpr size_t kBlockStreamsMax = 64;
// How soon a waiting synchronous call (Capture, StreamBlocks) notices that its client went
// away.
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
  // Caps on what waits (tests use small ones; 0 refuses every waiting call).
  size_t submit_waiters_max = kSubmitCommitWaitersMax;
  size_t block_streams_max = kBlockStreamsMax;
  size_t tx_watchers_max = kTxWatchersMax;
  // Bounds of one SubmitStream or WatchTransactions stream.
  size_t stream_unanswered_max = kStreamUnansweredMax;
  size_t stream_answer_bytes_max = kStreamAnswerBytesMax;
  // Who may call what (node/query/read_policy.h); default: open, every caller reads all.
  ClientAccess access = {};
};

// The methods on the callback API; the others stay on the synchronous server's threads. The
// two streams are raw methods: they take and give bytes, parsed and serialized by the stream
// (answer_stream.h says why); clients see the same messages.
using LedgerCallbackMethods =
    v1::Ledger::WithCallbackMethod_Submit<v1::Ledger::WithRawCallbackMethod_SubmitStream<
        v1::Ledger::WithRawCallbackMethod_WatchTransactions<v1::Ledger::Service>>>;

class LedgerService final : public LedgerCallbackMethods {
 public:
  explicit LedgerService(LedgerServiceContext ctx);

  // Answered at admission, or (wait_for_commit) from the commit feed: the commit, the wait
  // passing (DEADLINE_EXCEEDED), the node stopping (UNAVAILABLE) or the client leaving.
  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* context,
                                   const v1::SubmitRequest* request,
                                   v1::SubmitResponse* response) override;
  // Each request (a SubmitStreamRequest) admitted as Submit admits it; answers (each a
  // SubmitStreamResponse) as ledger.proto says (ledger_streams.cc).
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* SubmitStream(
      grpc::CallbackServerContext* context) override;
  // Each id (of WatchTransactionsRequests) answered once with a TxStatus, read as
  // GetTransaction reads (ledger_streams.cc).
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* WatchTransactions(
      grpc::CallbackServerContext* context) override;
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

  // Capped places held now (for metrics and tests): transactions waiting for their commit,
  // watched ids, StreamBlocks calls.
  size_t submits_waiting() const { return submits_waiting_.load(); }
  size_t txs_watched() const { return txs_watched_.load(); }
  size_t block_streams_open() const { return block_streams_open_.load(); }

 private:
  friend class SubmitStreamReactor;
  friend class WatchReactor;

  tadori::Status FillBlock(uint64_t height, v1::GetBlockResponse* response) const;
  // Submit's path, shared by SubmitStream and Capture: Admit (admission), then whoever
  // waits for the commit subscribes to the feed, then Enqueue (the mempool, then
  // on_admitted). Subscribing before Enqueue is what makes a commit impossible to miss.
  Result<DecodedTransaction> Admit(const v1::SignedTransaction& tx);
  tadori::Status Enqueue(DecodedTransaction admitted, const v1::SignedTransaction& tx);
  // The RESOURCE_EXHAUSTED of a full submit_waiters_max; `instead` says what to do.
  tadori::Status WaitersFull(std::string_view instead) const;

  LedgerServiceContext ctx_;
  Admission admission_;
  std::atomic<size_t> submits_waiting_{0};
  std::atomic<size_t> txs_watched_{0};
  std::atomic<size_t> block_streams_open_{0};
};

// The DEADLINE_EXCEEDED of a transaction not committed within its wait, and the UNAVAILABLE
// of one still waiting when the node stops.
tadori::Status NotCommittedWithin(const Hash& id, uint32_t wait_ms);
tadori::Status NodeStopping(const Hash& id);

}  // namespace tadori
