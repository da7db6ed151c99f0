// Turning a payload into a signed transaction the node will admit.
//
// The node accepts a transaction when its chain id matches and
// head < valid_until_height <= head + kTxValidityWindowBlocks (ledger/transaction.h), so a
// client reads the node's Status first and fills those in from it.
#pragma once

#include <cstdint>
#include <string>

#include <grpcpp/support/status.h>

#include "ledger/keys.h"
#include "ledger/status.h"
#include "tadori/v1/ledger.grpc.pb.h"

namespace tadori::client {

// How many blocks a transaction built here stays valid: long enough to survive a slow
// submission, short enough that a lost transaction is known dead soon.
inline constexpr uint64_t kDefaultValidityBlocks = 1000;

// Deadline for the small reads a client makes before it submits (Status).
inline constexpr int kReadDeadlineMs = 10'000;

// What a client needs from the node to build a transaction.
struct ChainHead {
  std::string chain_id;
  uint64_t height = 0;
};

// Calls Status on `stub` with a kReadDeadlineMs deadline; the answer as ChainHeadOf reads it.
// (submit.h has the same through several nodes.)
Result<ChainHead> FetchChainHead(v1::Ledger::Stub& stub);

// The head from a Status call's outcome: a failed call as its gRPC code and message (see
// rpc_error.h); an empty chain id is INTERNAL.
Result<ChainHead> ChainHeadOf(const grpc::Status& rpc, const v1::StatusResponse& status);

// `payload` (a body with only its payload set) with chain_id, a fresh random nonce,
// valid_until_height = head.height + validity_blocks and created_at_ms = now_ms filled in.
// `validity_blocks` must be in 1..kTxValidityWindowBlocks (checked).
v1::TransactionBody CompleteBody(const v1::TransactionBody& payload, const ChainHead& head,
                                 int64_t now_ms, uint64_t validity_blocks = kDefaultValidityBlocks);

// FetchChainHead, then CompleteBody with the current wall clock, then signs with `key`.
Result<v1::SignedTransaction> PrepareTransaction(v1::Ledger::Stub& stub,
                                                 const v1::TransactionBody& payload,
                                                 const PrivateKey& key);

}  // namespace tadori::client
