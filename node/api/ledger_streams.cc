// Ledger.SubmitStream and Ledger.WatchTransactions (ledger.proto): bidirectional streams on
// gRPC's callback API (answer_stream.h), whose waiting items are commit-feed subscriptions.
//
// Each waiting item holds one place of a node-wide cap (submit_waiters_max for
// transactions, tx_watchers_max for watched ids), given back by whoever ends its wait first:
// the feed's callback (commit, deadline, shutdown), a refusal after subscribing, or the
// stream ending (Release: cancelled, client gone, failed). Its answer is built by that one.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "ledger/limits.h"
#include "node/api/answer_stream.h"
#include "node/api/call_place.h"
#include "node/api/ledger_service.h"
#include "node/net/grpc_status.h"

namespace tadori {

namespace {

constexpr uint32_t kWatchWaitMsDefault = 10'000;

uint32_t CodeOf(Code code) {
  return static_cast<uint32_t>(code);
}

template <class Out>
void SetStatus(Out& out, const tadori::Status& status) {
  out.set_code(CodeOf(status.code()));
  out.set_message(std::string(status.message()));
}

}  // namespace

class SubmitStreamReactor final
    : public AnswerStream<v1::SubmitStreamRequest, v1::SubmitStreamResponse>,
      public std::enable_shared_from_this<SubmitStreamReactor> {
 public:
  SubmitStreamReactor(LedgerService& service, grpc::CallbackServerContext* context)
      : AnswerStream(AnswerStreamBounds{
            .unanswered_max = service.ctx_.stream_unanswered_max,
            .items_per_request_max = 1,
            .queued_bytes_max = service.ctx_.stream_answer_bytes_max,
        }),
        service_(service),
        context_(context) {}

  // The gate of Submit, then reading.
  void Begin() {
    auto caller = service_.ctx_.access.Admit(context_, ClientMethod::kSubmit);
    if (!caller.ok()) {
      Refuse(shared_from_this(), ToGrpc(caller.status()));
      return;
    }
    Start(shared_from_this());
  }

 private:
  void Handle(v1::SubmitStreamRequest& request) override {
    const uint64_t sequence = next_sequence_++;
    Owe(1);
    // The caller again: a certificate whose member was revoked meanwhile stops here.
    auto caller = service_.ctx_.access.Admit(context_, ClientMethod::kSubmit);
    if (!caller.ok()) {
      Fail(ToGrpc(caller.status()));
      return;
    }
    v1::SubmitStreamResponse out;
    out.set_sequence(sequence);
    if (!request.has_tx()) {
      SetStatus(out, tadori::Status::InvalidArgument("tx is required"));
      Answer(std::move(out));
      return;
    }
    const v1::SignedTransaction& tx = request.tx();
    if (!tx.body().empty()) out.set_tx_id(Sha256(AsBytes(tx.body())).ToBinaryString());
    if (request.wait_timeout_ms() > kSubmitWaitMsMax) {
      SetStatus(out, tadori::Status::InvalidArgument("wait_timeout_ms is at most " +
                                                     std::to_string(kSubmitWaitMsMax)));
      Answer(std::move(out));
      return;
    }
    const uint32_t wait_ms = request.wait_timeout_ms();
    const bool wait = wait_ms > 0;
    // Taken before admission, as Submit takes it: a refused transaction leaves nothing.
    std::atomic<size_t>& places = service_.submits_waiting_;
    if (wait && !TakePlace(places, service_.ctx_.submit_waiters_max)) {
      SetStatus(out, service_.WaitersFull("submit with wait_timeout_ms 0"));
      Answer(std::move(out));
      return;
    }
    Result<DecodedTransaction> admitted = service_.Admit(tx);
    if (!admitted.ok()) {
      if (wait) GivePlace(places);
      SetStatus(out, admitted.status());
      Answer(std::move(out));
      return;
    }
    const Hash id = admitted->id;
    out.set_tx_id(id.ToBinaryString());
    if (!wait) {
      SetStatus(out, service_.Enqueue(std::move(admitted).value(), tx));
      Answer(std::move(out));
      return;
    }

    CommitFeed& feed = service_.ctx_.feed;
    std::optional<CommitFeed::Token> token;
    {
      std::lock_guard lock(waits_mu_);
      if (released_) {  // the stream ended: nobody to answer
        GivePlace(places);
        return;
      }
      // Under waits_mu_: the callback, which takes it, finds the wait recorded.
      token = feed.Subscribe(
          id, CommitFeed::Clock::now() + std::chrono::milliseconds(wait_ms),
          [self = shared_from_this(), sequence, id, wait_ms](const CommitFeed::TxWait& ended) {
            self->Ended(sequence, id, wait_ms, ended);
          });
      if (token) waits_.emplace(sequence, *token);
    }
    if (!token) {
      GivePlace(places);
      SetStatus(out, NodeStopping(id));
      Answer(std::move(out));
      return;
    }
    tadori::Status queued = service_.Enqueue(std::move(admitted).value(), tx);
    if (!queued.ok() && TakeWait(sequence)) {
      feed.Cancel(*token);
      GivePlace(places);
      SetStatus(out, queued);
      Answer(std::move(out));
    }
    // Otherwise the feed answers it (or answered it: committed meanwhile elsewhere).
  }

  // Whether this thread ends the wait of `sequence` (and so answers it).
  bool TakeWait(uint64_t sequence) {
    std::lock_guard lock(waits_mu_);
    return waits_.erase(sequence) > 0;
  }

  void Ended(uint64_t sequence, const Hash& id, uint32_t wait_ms, const CommitFeed::TxWait& ended) {
    if (!TakeWait(sequence)) return;
    GivePlace(service_.submits_waiting_);
    v1::SubmitStreamResponse out;
    out.set_sequence(sequence);
    out.set_tx_id(id.ToBinaryString());
    switch (ended.end) {
      case CommitFeed::TxWaitEnd::kCommitted:
        out.set_committed(true);
        out.set_height(ended.outcome.height);
        *out.mutable_result() = ended.outcome.result;
        break;
      case CommitFeed::TxWaitEnd::kDeadline:
        SetStatus(out, NotCommittedWithin(id, wait_ms));
        break;
      case CommitFeed::TxWaitEnd::kShutdown:
        SetStatus(out, NodeStopping(id));
        break;
    }
    Answer(std::move(out));
  }

  void Release() override {
    std::map<uint64_t, CommitFeed::Token> waits;
    {
      std::lock_guard lock(waits_mu_);
      released_ = true;
      waits.swap(waits_);
    }
    for (const auto& [sequence, token] : waits) {
      service_.ctx_.feed.Cancel(token);
      GivePlace(service_.submits_waiting_);
    }
  }

  LedgerService& service_;
  grpc::CallbackServerContext* const context_;
  uint64_t next_sequence_ = 0;  // Handle only: one at a time

  std::mutex waits_mu_;
  bool released_ = false;
  std::map<uint64_t, CommitFeed::Token> waits_;  // by sequence; each holds a place
};

class WatchReactor final : public AnswerStream<v1::WatchTransactionsRequest, v1::TxStatus>,
                           public std::enable_shared_from_this<WatchReactor> {
 public:
  WatchReactor(LedgerService& service, grpc::CallbackServerContext* context)
      : AnswerStream(AnswerStreamBounds{
            .unanswered_max = service.ctx_.stream_unanswered_max,
            .items_per_request_max = kWatchIdsPerRequestMax,
            .queued_bytes_max = service.ctx_.stream_answer_bytes_max,
        }),
        service_(service),
        context_(context) {}

  // The gate of GetTransaction, then reading.
  void Begin() {
    auto caller = service_.ctx_.access.Admit(context_, ClientMethod::kGetTransaction);
    if (!caller.ok()) {
      Refuse(shared_from_this(), ToGrpc(caller.status()));
      return;
    }
    Start(shared_from_this());
  }

 private:
  void Handle(v1::WatchTransactionsRequest& request) override {
    if (static_cast<size_t>(request.tx_ids_size()) > kWatchIdsPerRequestMax) {
      Fail(ToGrpc(tadori::Status::InvalidArgument(
          std::to_string(request.tx_ids_size()) + " ids in one request, more than " +
          std::to_string(kWatchIdsPerRequestMax) + "; send them in several requests")));
      return;
    }
    if (request.wait_timeout_ms() > kSubmitWaitMsMax) {
      Fail(ToGrpc(tadori::Status::InvalidArgument("wait_timeout_ms is at most " +
                                                  std::to_string(kSubmitWaitMsMax))));
      return;
    }
    // The caller again: a certificate whose member was revoked meanwhile stops here.
    auto admitted = service_.ctx_.access.Admit(context_, ClientMethod::kGetTransaction);
    if (!admitted.ok()) {
      Fail(ToGrpc(admitted.status()));
      return;
    }
    auto caller = std::make_shared<const ApiCaller>(std::move(admitted).value());
    const ClientAccess& access = service_.ctx_.access;
    // As GetTransaction: whose a pending transaction is cannot be checked before it commits,
    // so only callers who read every transaction wait for one; to others a pending id is
    // unknown (NOT_FOUND at once), and a committed one they may not read is too.
    const bool reads_all = access.open() || access.policy->ReadsEverything(*caller);
    const uint32_t wait_ms =
        request.wait_timeout_ms() == 0 ? kWatchWaitMsDefault : request.wait_timeout_ms();
    const auto deadline = CommitFeed::Clock::now() + std::chrono::milliseconds(wait_ms);
    Owe(static_cast<size_t>(request.tx_ids_size()));
    for (const std::string& raw : request.tx_ids()) {
      v1::TxStatus out;
      out.set_tx_id(raw);
      auto id = Hash::FromBytes(AsBytes(raw));
      if (!id.ok()) {
        SetStatus(out, id.status().WithContext("tx_id"));
        Answer(std::move(out));
        continue;
      }
      std::optional<Watch> watch;
      if (reads_all) {
        // Subscribed before the store is read: a commit in between is not missed.
        bool stopping = false;
        watch = Subscribe(*id, deadline, wait_ms, caller, &stopping);
        if (stopping) return;  // the stream ended: nobody to answer
        if (!watch) {
          SetStatus(out, service_.ctx_.feed.shut_down()
                             ? NodeStopping(*id)
                             : tadori::Status(Code::kResourceExhausted,
                                              std::to_string(service_.ctx_.tx_watchers_max) +
                                                  " transactions are already watched; retry "
                                                  "later"));
          Answer(std::move(out));
          continue;
        }
      }
      auto where = service_.ctx_.store.FindTransaction(*id);
      const bool unknown = !where.ok() && where.status().code() == Code::kNotFound;
      if (unknown && watch && service_.ctx_.mempool.Contains(*id)) continue;  // waits
      if (watch && !EndWatch(*watch)) continue;  // the feed answered it meanwhile
      if (unknown) {
        SetStatus(out, UnknownId(*id));
      } else if (!where.ok()) {
        SetStatus(out, where.status());
      } else {
        FillCommitted(*caller, reads_all, *id, *where, out);
      }
      Answer(std::move(out));
    }
  }

  struct Watch {
    uint64_t key;
    CommitFeed::Token token;
  };

  // A place and a subscription for `id`; nullopt when the cap is full or the node stops;
  // `stopping` when the stream ended.
  std::optional<Watch> Subscribe(const Hash& id, CommitFeed::Clock::time_point deadline,
                                 uint32_t wait_ms, const std::shared_ptr<const ApiCaller>& caller,
                                 bool* stopping) {
    std::atomic<size_t>& places = service_.txs_watched_;
    if (!TakePlace(places, service_.ctx_.tx_watchers_max)) return std::nullopt;
    std::lock_guard lock(waits_mu_);
    if (released_) {
      GivePlace(places);
      *stopping = true;
      return std::nullopt;
    }
    const uint64_t key = next_key_++;
    std::optional<CommitFeed::Token> token = service_.ctx_.feed.Subscribe(
        id, deadline,
        [self = shared_from_this(), key, id, wait_ms, caller](const CommitFeed::TxWait& ended) {
          self->Ended(key, id, wait_ms, *caller, ended);
        });
    if (!token) {
      GivePlace(places);
      return std::nullopt;
    }
    waits_.emplace(key, *token);
    return Watch{key, *token};
  }

  // Ends `watch` here (cancels it, gives its place back); false when the feed's callback or
  // Release ended it first.
  bool EndWatch(const Watch& watch) {
    {
      std::lock_guard lock(waits_mu_);
      if (waits_.erase(watch.key) == 0) return false;
    }
    service_.ctx_.feed.Cancel(watch.token);
    GivePlace(service_.txs_watched_);
    return true;
  }

  void Ended(uint64_t key, const Hash& id, uint32_t wait_ms, const ApiCaller& caller,
             const CommitFeed::TxWait& ended) {
    {
      std::lock_guard lock(waits_mu_);
      if (waits_.erase(key) == 0) return;
    }
    GivePlace(service_.txs_watched_);
    v1::TxStatus out;
    out.set_tx_id(id.ToBinaryString());
    switch (ended.end) {
      case CommitFeed::TxWaitEnd::kCommitted:
        // Only callers who read every transaction wait (Handle): no signer check.
        out.set_height(ended.outcome.height);
        out.set_index(ended.outcome.index);
        *out.mutable_result() = ended.outcome.result;
        service_.ctx_.access.Audit(caller, ClientMethod::kGetTransaction, id.Hex());
        break;
      case CommitFeed::TxWaitEnd::kDeadline:
        SetStatus(out, NotCommittedWithin(id, wait_ms));
        break;
      case CommitFeed::TxWaitEnd::kShutdown:
        SetStatus(out, NodeStopping(id));
        break;
    }
    Answer(std::move(out));
  }

  // GetTransaction's answer to an id it does not know.
  static tadori::Status UnknownId(const Hash& id) {
    return tadori::Status::NotFound("no transaction " + id.Hex());
  }

  // A committed transaction, read as GetTransaction reads it: one the caller may not read
  // answers as an unknown id does.
  void FillCommitted(const ApiCaller& caller, bool reads_all, const Hash& id,
                     const Store::TxLocation& where, v1::TxStatus& out) {
    const Store& store = service_.ctx_.store;
    const ClientAccess& access = service_.ctx_.access;
    const int index = static_cast<int>(where.index);
    if (!reads_all) {
      auto block = store.GetBlock(where.height);
      if (!block.ok()) return SetStatus(out, block.status());
      if (index >= block->txs_size()) {
        return SetStatus(out,
                         tadori::Status::DataLoss("transaction locator points outside its block"));
      }
      tadori::Status allowed = access.policy->CheckTransaction(
          caller, store.state(), AsBytes(block->txs(index).signer_key_id()));
      if (allowed.code() == Code::kPermissionDenied) return SetStatus(out, UnknownId(id));
      if (!allowed.ok()) return SetStatus(out, allowed);
    }
    auto results = store.GetResults(where.height);
    if (!results.ok()) return SetStatus(out, results.status());
    if (index >= results->results_size()) {
      return SetStatus(out,
                       tadori::Status::DataLoss("transaction locator points outside its block"));
    }
    out.set_height(where.height);
    out.set_index(where.index);
    *out.mutable_result() = results->results(index);
    access.Audit(caller, ClientMethod::kGetTransaction, id.Hex());
  }

  void Release() override {
    std::map<uint64_t, CommitFeed::Token> waits;
    {
      std::lock_guard lock(waits_mu_);
      released_ = true;
      waits.swap(waits_);
    }
    for (const auto& [key, token] : waits) {
      service_.ctx_.feed.Cancel(token);
      GivePlace(service_.txs_watched_);
    }
  }

  LedgerService& service_;
  grpc::CallbackServerContext* const context_;

  std::mutex waits_mu_;
  bool released_ = false;
  uint64_t next_key_ = 0;
  std::map<uint64_t, CommitFeed::Token> waits_;  // by key; each holds a place
};

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* LedgerService::SubmitStream(
    grpc::CallbackServerContext* context) {
  auto stream = std::make_shared<SubmitStreamReactor>(*this, context);
  stream->Begin();  // the stream now owns itself until gRPC is done with it
  return stream.get();
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* LedgerService::WatchTransactions(
    grpc::CallbackServerContext* context) {
  auto stream = std::make_shared<WatchReactor>(*this, context);
  stream->Begin();
  return stream.get();
}

}  // namespace tadori
