#include "node/api/ledger_service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/block.h"
#include "ledger/limits.h"
#include "node/api/call_place.h"
#include "node/net/grpc_status.h"
#include "node/query/tx_proof.h"

namespace tadori {

namespace {
constexpr uint32_t kSubmitWaitMsDefault = 10'000;
}  // namespace

tadori::Status NotCommittedWithin(const Hash& id, uint32_t wait_ms) {
  return tadori::Status(Code::kDeadlineExceeded, "transaction " + id.Hex() +
                                                     " is pending; not committed within " +
                                                     std::to_string(wait_ms) + " ms");
}

tadori::Status NodeStopping(const Hash& id) {
  return tadori::Status::Unavailable("node stopping; transaction " + id.Hex() +
                                     " is pending, not known to be committed");
}

LedgerService::LedgerService(LedgerServiceContext ctx)
    : ctx_(std::move(ctx)), admission_(ctx_.genesis.genesis.chain_id(), ctx_.store, ctx_.mempool) {}

Result<DecodedTransaction> LedgerService::Admit(const v1::SignedTransaction& tx) {
  return admission_.Check(tx);
}

tadori::Status LedgerService::Enqueue(DecodedTransaction admitted,
                                      const v1::SignedTransaction& tx) {
  TADORI_RETURN_IF_ERROR(ctx_.mempool.Add(std::move(admitted)));
  if (ctx_.on_admitted) ctx_.on_admitted(tx);
  return tadori::Status::Ok();
}

tadori::Status LedgerService::WaitersFull(std::string_view instead) const {
  return tadori::Status(Code::kResourceExhausted,
                        std::to_string(ctx_.submit_waiters_max) +
                            " submits are already waiting for a commit; retry later or " +
                            std::string(instead));
}

// A Submit with wait_for_commit, past admission: answered exactly once, by the first of its
// commit, its deadline, the node stopping (all through the feed's callback) and its client
// leaving (OnCancel). Owned by itself until gRPC's OnDone and by the feed's callback until
// that is called or cancelled.
//
// Finished only once gRPC has it (Start): a wait that ends before, while its handler still
// runs, is answered by the handler through the default reactor, as a refusal is. A Finish
// before gRPC binds the reactor is kept in the reactor's backlog, which gRPC moves from on
// the handler's thread after the handler returns; this reactor, destroyed on another thread
// after OnDone, would not be ordered after that move for ThreadSanitizer.
class SubmitWait final : public grpc::ServerUnaryReactor {
 public:
  SubmitWait(std::atomic<size_t>& places, CommitFeed& feed, v1::SubmitResponse* response,
             const Hash& id, uint32_t wait_ms)
      : places_(places), feed_(feed), response_(response), id_(id), wait_ms_(wait_ms) {}

  // Holds the place taken for it; `token` is its subscription. The answer, when the wait
  // ended already: the handler then answers with it, and gRPC never gets this reactor.
  std::optional<tadori::Status> Start(std::shared_ptr<SubmitWait> self, CommitFeed::Token token) {
    std::lock_guard lock(mu_);
    if (answered_) return early_answer_;
    self_ = std::move(self);
    token_ = token;
    started_ = true;
    return std::nullopt;
  }

  // From the feed: the commit, the deadline or shutdown.
  void Ended(const CommitFeed::TxWait& wait) {
    switch (wait.end) {
      case CommitFeed::TxWaitEnd::kCommitted:
        Answer(tadori::Status::Ok(), &wait.outcome, /*cancel=*/false);
        break;
      case CommitFeed::TxWaitEnd::kDeadline:
        Answer(NotCommittedWithin(id_, wait_ms_), nullptr, /*cancel=*/false);
        break;
      case CommitFeed::TxWaitEnd::kShutdown:
        Answer(NodeStopping(id_), nullptr, /*cancel=*/false);
        break;
    }
  }

  void OnCancel() override {
    Answer(tadori::Status(Code::kCancelled, "the client cancelled the call"), nullptr,
           /*cancel=*/true);
  }

  void OnDone() override {
    std::shared_ptr<SubmitWait> last;  // may delete this on return
    std::lock_guard lock(mu_);
    last = std::move(self_);
  }

 private:
  void Answer(const tadori::Status& status, const CommitFeed::TxOutcome* outcome, bool cancel) {
    std::optional<CommitFeed::Token> token;
    {
      std::lock_guard lock(mu_);
      if (answered_) return;
      answered_ = true;
      if (cancel) token = token_;
      if (outcome != nullptr) {
        response_->set_committed(true);
        response_->set_height(outcome->height);
        *response_->mutable_result() = outcome->result;
      }
    }
    if (token) feed_.Cancel(*token);
    GivePlace(places_);
    // Under mu_, which OnDone takes first: gRPC destroys the call's operations, into which
    // Finish writes, after OnDone returns, on a thread ordered after this one only through
    // gRPC's libraries (ThreadSanitizer sees this order, not theirs).
    std::lock_guard lock(mu_);
    if (!started_) {  // the handler still runs: Start hands it the answer
      early_answer_ = status;
      return;
    }
    Finish(ToGrpc(status));
  }

  std::atomic<size_t>& places_;
  CommitFeed& feed_;
  v1::SubmitResponse* const response_;  // gRPC's, valid until Finish
  const Hash id_;
  const uint32_t wait_ms_;
  std::mutex mu_;
  std::shared_ptr<SubmitWait> self_;
  std::optional<CommitFeed::Token> token_;
  bool started_ = false;  // gRPC has this reactor (Start)
  bool answered_ = false;
  tadori::Status early_answer_;  // of a wait that ended before Start
};

grpc::ServerUnaryReactor* LedgerService::Submit(grpc::CallbackServerContext* context,
                                                const v1::SubmitRequest* request,
                                                v1::SubmitResponse* response) {
  // Answers at once (an OK without waiting, too).
  auto refuse = [context](const tadori::Status& status) {
    grpc::ServerUnaryReactor* answer = context->DefaultReactor();
    answer->Finish(ToGrpc(status));
    return answer;
  };
  auto caller = ctx_.access.Admit(context, ClientMethod::kSubmit);
  if (!caller.ok()) return refuse(caller.status());
  if (!request->has_tx()) return refuse(tadori::Status::InvalidArgument("tx is required"));
  if (request->wait_timeout_ms() > kSubmitWaitMsMax) {
    return refuse(tadori::Status::InvalidArgument("wait_timeout_ms is at most " +
                                                  std::to_string(kSubmitWaitMsMax)));
  }
  if (!request->wait_for_commit()) {
    Result<DecodedTransaction> admitted = Admit(request->tx());
    if (!admitted.ok()) return refuse(admitted.status());
    const Hash id = admitted->id;
    tadori::Status queued = Enqueue(std::move(admitted).value(), request->tx());
    if (!queued.ok()) return refuse(queued);
    response->set_tx_id(id.ToBinaryString());
    return refuse(tadori::Status::Ok());
  }

  // Taken before admission: a refused Submit must leave nothing behind, so that the client
  // can send the same transaction again.
  if (!TakePlace(submits_waiting_, ctx_.submit_waiters_max)) {
    return refuse(WaitersFull("submit without wait_for_commit"));
  }
  Result<DecodedTransaction> admitted = Admit(request->tx());
  if (!admitted.ok()) {
    GivePlace(submits_waiting_);
    return refuse(admitted.status());
  }
  const Hash id = admitted->id;
  response->set_tx_id(id.ToBinaryString());
  const uint32_t wait_ms =
      request->wait_timeout_ms() == 0 ? kSubmitWaitMsDefault : request->wait_timeout_ms();
  auto wait = std::make_shared<SubmitWait>(submits_waiting_, ctx_.feed, response, id, wait_ms);
  std::optional<CommitFeed::Token> token =
      ctx_.feed.Subscribe(id, CommitFeed::Clock::now() + std::chrono::milliseconds(wait_ms),
                          [wait](const CommitFeed::TxWait& ended) { wait->Ended(ended); });
  if (!token) {
    GivePlace(submits_waiting_);
    return refuse(NodeStopping(id));
  }
  tadori::Status queued = Enqueue(std::move(admitted).value(), request->tx());
  if (!queued.ok()) {
    if (ctx_.feed.Cancel(*token)) {
      GivePlace(submits_waiting_);
      return refuse(queued);
    }
    // Committed meanwhile (sent to another validator too): the feed's answer stands.
  }
  if (std::optional<tadori::Status> early = wait->Start(wait, *token)) return refuse(*early);
  return wait.get();
}

grpc::Status LedgerService::GetTransaction(grpc::ServerContext* context,
                                           const v1::GetTransactionRequest* request,
                                           v1::GetTransactionResponse* response) {
  auto caller = ctx_.access.Admit(context, ClientMethod::kGetTransaction);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto id = Hash::FromBytes(AsBytes(request->tx_id()));
  if (!id.ok()) return ToGrpc(id.status().WithContext("tx_id"));
  auto where = ctx_.store.FindTransaction(*id);
  if (!where.ok()) {
    // Whose a pending transaction is cannot be checked before it commits, so only callers
    // who may read every transaction learn that it waits; others hear what an unknown id gets.
    const bool reads_all = ctx_.access.open() || ctx_.access.policy->ReadsEverything(*caller);
    if (where.status().code() == Code::kNotFound && reads_all && ctx_.mempool.Contains(*id)) {
      return ToGrpc(
          tadori::Status::NotFound("transaction " + id->Hex() + " is pending, not yet committed"));
    }
    return ToGrpc(where.status().code() == Code::kNotFound
                      ? tadori::Status::NotFound("no transaction " + id->Hex())
                      : where.status());
  }
  auto block = ctx_.store.GetBlock(where->height);
  if (!block.ok()) return ToGrpc(block.status());
  auto results = ctx_.store.GetResults(where->height);
  if (!results.ok()) return ToGrpc(results.status());
  const int index = static_cast<int>(where->index);
  if (index >= block->txs_size() || index >= results->results_size()) {
    return ToGrpc(tadori::Status::DataLoss("transaction locator points outside its block"));
  }
  if (!ctx_.access.open()) {
    tadori::Status allowed = ctx_.access.policy->CheckTransaction(
        *caller, ctx_.store.state(), AsBytes(block->txs(index).signer_key_id()));
    if (!allowed.ok()) return ToGrpc(allowed);
    ctx_.access.Audit(*caller, ClientMethod::kGetTransaction, id->Hex());
  }
  *response->mutable_tx() = block->txs(index);
  if (!response->mutable_body()->ParseFromString(block->txs(index).body())) {
    return ToGrpc(tadori::Status::DataLoss("stored transaction body does not parse"));
  }
  response->set_height(where->height);
  response->set_index(where->index);
  response->set_block_hash(Sha256(AsBytes(block->header())).ToBinaryString());
  *response->mutable_result() = results->results(index);
  return grpc::Status::OK;
}

// A proof is read like the transaction itself (read policy CheckTransaction on its signer);
// building it needs the blocks above, so a fresh transaction may get FAILED_PRECONDITION for
// a few blocks (node/query/tx_proof.h).
grpc::Status LedgerService::GetProof(grpc::ServerContext* context,
                                     const v1::GetProofRequest* request, v1::TxProof* response) {
  auto caller = ctx_.access.Admit(context, ClientMethod::kGetProof);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto id = Hash::FromBytes(AsBytes(request->tx_id()));
  if (!id.ok()) return ToGrpc(id.status().WithContext("tx_id"));
  auto where = ctx_.store.FindTransaction(*id);
  if (!where.ok()) {
    return ToGrpc(where.status().code() == Code::kNotFound
                      ? tadori::Status::NotFound("no committed transaction " + id->Hex())
                      : where.status());
  }
  if (!ctx_.access.open()) {
    auto block = ctx_.store.GetBlock(where->height);
    if (!block.ok()) return ToGrpc(block.status());
    if (where->index >= static_cast<uint32_t>(block->txs_size())) {
      return ToGrpc(tadori::Status::DataLoss("transaction locator points outside its block"));
    }
    tadori::Status allowed = ctx_.access.policy->CheckTransaction(
        *caller, ctx_.store.state(),
        AsBytes(block->txs(static_cast<int>(where->index)).signer_key_id()));
    if (!allowed.ok()) return ToGrpc(allowed);
    ctx_.access.Audit(*caller, ClientMethod::kGetProof, id->Hex());
  }
  auto proof = BuildTxProof(ctx_.store, ctx_.genesis, *id);
  if (!proof.ok()) return ToGrpc(proof.status());
  *response = std::move(proof).value();
  return grpc::Status::OK;
}

tadori::Status LedgerService::FillBlock(uint64_t height, v1::GetBlockResponse* response) const {
  TADORI_ASSIGN_OR_RETURN(v1::Block block, ctx_.store.GetBlock(height));
  TADORI_ASSIGN_OR_RETURN(v1::BlockResults results, ctx_.store.GetResults(height));
  if (!response->mutable_header()->ParseFromString(block.header())) {
    return tadori::Status::DataLoss("stored header of block " + std::to_string(height) +
                                    " does not parse");
  }
  response->set_hash(Sha256(AsBytes(block.header())).ToBinaryString());
  *response->mutable_block() = std::move(block);
  *response->mutable_results() = std::move(*results.mutable_results());
  return tadori::Status::Ok();
}

grpc::Status LedgerService::GetBlock(grpc::ServerContext* context,
                                     const v1::GetBlockRequest* request,
                                     v1::GetBlockResponse* response) {
  auto caller = ctx_.access.Admit(context, ClientMethod::kGetBlock);
  if (!caller.ok()) return ToGrpc(caller.status());
  uint64_t height = 0;
  switch (request->selector_case()) {
    case v1::GetBlockRequest::kHeight:
      height = request->height();
      if (height == 0) {
        return ToGrpc(tadori::Status::InvalidArgument(
            "height 0 is the genesis state, not a block; blocks start at 1"));
      }
      if (height > ctx_.store.Height()) {
        return ToGrpc(tadori::Status::NotFound("no block at height " + std::to_string(height) +
                                               "; head is " + std::to_string(ctx_.store.Height())));
      }
      break;
    case v1::GetBlockRequest::kHash: {
      auto hash = Hash::FromBytes(AsBytes(request->hash()));
      if (!hash.ok()) return ToGrpc(hash.status().WithContext("hash"));
      auto h = ctx_.store.HeightOfHash(*hash);
      if (!h.ok()) {
        return ToGrpc(h.status().code() == Code::kNotFound
                          ? tadori::Status::NotFound("no block with hash " + hash->Hex())
                          : h.status());
      }
      height = *h;
      break;
    }
    default:
      return ToGrpc(tadori::Status::InvalidArgument("give a height or a hash"));
  }
  ctx_.access.Audit(*caller, ClientMethod::kGetBlock, "height " + std::to_string(height));
  return ToGrpc(FillBlock(height, response));
}

grpc::Status LedgerService::StreamBlocks(grpc::ServerContext* context,
                                         const v1::StreamBlocksRequest* request,
                                         grpc::ServerWriter<v1::GetBlockResponse>* writer) {
  auto caller = ctx_.access.Admit(context, ClientMethod::kStreamBlocks);
  if (!caller.ok()) return ToGrpc(caller.status());
  ctx_.access.Audit(*caller, ClientMethod::kStreamBlocks,
                    "from height " + std::to_string(request->from_height()));
  CallPlace place(block_streams_open_, ctx_.block_streams_max);
  if (!place.held()) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        std::to_string(ctx_.block_streams_max) +
                            " StreamBlocks calls are already open; retry later or close a stream "
                            "you no longer read");
  }
  uint64_t next = std::max<uint64_t>(request->from_height(), 1);
  while (!context->IsCancelled() && !ctx_.feed.shut_down()) {
    const uint64_t head = ctx_.store.Height();
    while (next <= head) {
      v1::GetBlockResponse block;
      tadori::Status s = FillBlock(next, &block);
      if (!s.ok()) return ToGrpc(s);
      if (!writer->Write(block)) return grpc::Status::OK;  // client went away
      ++next;
    }
    ctx_.feed.WaitForHeightAbove(next - 1, CommitFeed::Clock::now() + kCancelPollInterval);
  }
  if (ctx_.feed.shut_down()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "node stopping");
  return grpc::Status::CANCELLED;
}

grpc::Status LedgerService::Status(grpc::ServerContext*, const v1::StatusRequest*,
                                   v1::StatusResponse* response) {
  const GenesisInfo& g = ctx_.genesis;
  response->set_chain_id(g.genesis.chain_id());
  response->set_height(ctx_.store.Height());
  response->set_head_hash(ctx_.store.HeadHash().ToBinaryString());
  response->set_genesis_hash(g.hash.ToBinaryString());
  for (int i = 0; i < g.genesis.validators_size(); ++i) {
    const v1::Validator& v = g.genesis.validators(i);
    v1::ValidatorStatus* out = response->add_validators();
    out->set_id(v.id());
    out->set_org_id(v.org_id());
    out->set_key_id(g.validators.key(static_cast<size_t>(i)).id().ToBinaryString());
    out->set_address(v.address());
  }
  response->set_version(TADORI_VERSION);
  response->set_mempool_size(ctx_.mempool.size());
  response->set_mode(ctx_.mode);
  response->set_round(ctx_.store.Height());
  response->set_client_access(std::string(ctx_.access.Describe()));
  if (ctx_.fill_status) ctx_.fill_status(*response);
  return grpc::Status::OK;
}

}  // namespace tadori
