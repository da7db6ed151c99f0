// tadori.v1.Ledger, the integrators' gRPC API, over a node's store and mempool.
//
// Every handler validates its request and answers with the most specific gRPC status and
// a message; no request can change committed data other than by a transaction that passes
// admission and is then committed by the validator.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "ledger/genesis.h"
#include "ledger/store/store.h"
#include "node/validator/admission.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"
#include "tadori/v1/ledger.grpc.pb.h"

namespace tadori {

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
};

class LedgerService final : public v1::Ledger::Service {
 public:
  explicit LedgerService(LedgerServiceContext ctx);

  grpc::Status Submit(grpc::ServerContext* context, const v1::SubmitRequest* request,
                      v1::SubmitResponse* response) override;
  grpc::Status GetTransaction(grpc::ServerContext* context,
                              const v1::GetTransactionRequest* request,
                              v1::GetTransactionResponse* response) override;
  grpc::Status GetBlock(grpc::ServerContext* context, const v1::GetBlockRequest* request,
                        v1::GetBlockResponse* response) override;
  grpc::Status StreamBlocks(grpc::ServerContext* context, const v1::StreamBlocksRequest* request,
                            grpc::ServerWriter<v1::GetBlockResponse>* writer) override;
  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::StatusResponse* response) override;

 private:
  tadori::Status FillBlock(uint64_t height, v1::GetBlockResponse* response) const;

  LedgerServiceContext ctx_;
  Admission admission_;
};

}  // namespace tadori
