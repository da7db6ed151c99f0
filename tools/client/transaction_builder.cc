#include "tools/client/transaction_builder.h"

#include <chrono>

#include <grpcpp/client_context.h>

#include "ledger/check.h"
#include "ledger/limits.h"
#include "ledger/transaction.h"
#include "ledger/wall_clock.h"
#include "tools/client/rpc_error.h"

namespace tadori::client {

Result<ChainHead> FetchChainHead(v1::Ledger::Stub& stub) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(kReadDeadlineMs));
  v1::StatusResponse status;
  const grpc::Status rpc = stub.Status(&ctx, v1::StatusRequest(), &status);
  return ChainHeadOf(rpc, status);
}

Result<ChainHead> ChainHeadOf(const grpc::Status& rpc, const v1::StatusResponse& status) {
  if (!rpc.ok()) return FromGrpc(rpc);
  if (status.chain_id().empty()) return Status::Internal("node reported an empty chain id");
  return ChainHead{status.chain_id(), status.height()};
}

v1::TransactionBody CompleteBody(const v1::TransactionBody& payload, const ChainHead& head,
                                 int64_t now_ms, uint64_t validity_blocks) {
  TADORI_CHECK(validity_blocks >= 1 && validity_blocks <= kTxValidityWindowBlocks);
  v1::TransactionBody body = payload;
  body.set_chain_id(head.chain_id);
  const Bytes nonce = NewNonce();
  body.set_nonce(std::string(nonce.begin(), nonce.end()));
  body.set_valid_until_height(head.height + validity_blocks);
  body.set_created_at_ms(now_ms);
  return body;
}

Result<v1::SignedTransaction> PrepareTransaction(v1::Ledger::Stub& stub,
                                                 const v1::TransactionBody& payload,
                                                 const PrivateKey& key) {
  TADORI_ASSIGN_OR_RETURN(ChainHead head, FetchChainHead(stub));
  return SignTransaction(CompleteBody(payload, head, WallClockMs()), key);
}

}  // namespace tadori::client
