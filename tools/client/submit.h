// Reading the chain head and submitting signed transactions through a NodeSet (failover.h).
//
// A transaction is sent as it is, to one node after another, and never signed again for a
// retry: its id is the hash of its body, so the same bytes sent twice cannot make two
// transactions. A node that already has it answers ALREADY_EXISTS ("is already pending" or
// "already committed at height H"). After an attempt that failed, that answer means an
// earlier attempt got through, so it counts as accepted: without wait_for_commit the answer
// is OK; with it the client looks the transaction up (GetTransaction, from the node that
// answered) until it is committed or the request's commit wait passes, and answers as that
// node's Submit would have. ALREADY_EXISTS on the first attempt stays an error: this client
// had not sent those bytes before.
#pragma once

#include <cstdint>

#include <grpcpp/support/status.h>

#include "ledger/keys.h"
#include "ledger/status.h"
#include "tadori/v1/ledger.grpc.pb.h"
#include "tools/client/failover.h"
#include "tools/client/transaction_builder.h"

namespace tadori::client {

// The commit wait a node applies when a request's wait_timeout_ms is 0.
inline constexpr uint32_t kSubmitWaitMsDefault = 10'000;
// How much longer than the node's commit wait a client waits for a Submit reply.
inline constexpr int kSubmitCallSlackMs = 5'000;
// How often the client looks for a transaction a retry found already pending.
inline constexpr int kCommitPollMs = 100;

// FetchChainHead and PrepareTransaction of transaction_builder.h, through `nodes`.
Result<ChainHead> FetchChainHead(NodeSet& nodes);
Result<v1::SignedTransaction> PrepareTransaction(NodeSet& nodes, const v1::TransactionBody& payload,
                                                 const PrivateKey& key);

struct SubmitAnswer {
  // What one node's Submit would have answered: OK (response filled), or the error that
  // ended the submission; UNAVAILABLE when no node was reached (failover.h).
  grpc::Status status;
  // On OK: tx_id, and with wait_for_commit committed, height and result.
  v1::SubmitResponse response;
  int attempts = 0;            // Submit calls made; 1 when the first node answered
  bool already_there = false;  // a retry was told ALREADY_EXISTS and took it as accepted
};

// Sends `request` (its tx signed once, by the caller) as described above. Each attempt waits
// for the reply up to the commit wait plus kSubmitCallSlackMs.
SubmitAnswer SubmitTransaction(NodeSet& nodes, const v1::SubmitRequest& request);

}  // namespace tadori::client
