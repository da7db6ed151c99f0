// Driving a load run against one node or several, and settling transactions whose fate the
// run left open.
//
// Unary mode (--mode unary; stream_run.h is the default, streaming mode): each client thread
// has its own connections (the one to its first node opened before
// the clock starts) and submits one transaction at a time with wait_for_commit=true, so the
// latency of a transaction is its submission's duration: from the moment it is sent until a
// node replies that it is committed.
// Concurrency is therefore the number of clients; an offered rate beyond what C clients
// can carry shows as sends behind schedule, which the report counts.
// With several nodes, client c starts at nodes[c % n]. When its node cannot be reached it
// moves on to the next and sends the same signed transaction again (client/submit.h), and
// stays with the node that answered. Settling and verifying read from the node that
// answered for a transaction, moving on likewise.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tools/client/failover.h"
#include "tools/loadgen/pacer.h"
#include "tools/loadgen/tx_record.h"
#include "tools/loadgen/workload.h"

namespace tadori::loadgen {

inline constexpr size_t kClientsMax = 1024;

// The first message of each error code that ended a submission (code name -> message): what
// "UNAVAILABLE 4" in a report was.
using ErrorExamples = std::map<std::string, std::string>;

// Signs workload entries [from, to) against the chain head of the moment (SignHarvests).
using ChunkSigner = std::function<void(Workload& workload, size_t from, size_t to)>;

// How many transactions a run signs at a time when it signs as it goes.
inline constexpr size_t kSignChunkTxs = 1'000;

// Signing as the run goes, for runs that outlast a transaction's validity: a transaction
// signed before the clock starts expires once the chain has grown validity_blocks, however
// long the run still has to go. One thread of RunClients signs the entries from signed_upto
// on, kSignChunkTxs at a time and `lead` entries ahead of the senders, each chunk against the
// head of the moment, so that every transaction goes out within about the lead's sending time
// (plus a chunk's) of its signing. A lead longer than a chunk lets a run offered more than one
// thread signs a second keep going on what was signed before the clock (run_plan.h).
struct SigningAhead {
  ChunkSigner sign;
  size_t signed_upto = 0;       // entries [0, signed_upto) were signed before the run
  size_t lead = kSignChunkTxs;  // sign the next chunk when fewer are signed beyond the senders
};

struct RunTiming {
  int64_t duration_ns = 0;   // start until the last submission ended
  int64_t last_send_ns = 0;  // start until the last submission began (the send window)
};

// Sends every request of `workload` from `clients` threads (1..kClientsMax, checked), paced
// by `pacer`, to `nodes` (non-empty, checked), failing over as `policy` says. Fills records
// (one per request, same order, each with the index of the node that answered): kCommitted,
// kRejected for a definite refusal (INVALID_ARGUMENT, ALREADY_EXISTS on a first attempt,
// RESOURCE_EXHAUSTED, ...), or kPending when the submission ended without telling
// (DEADLINE_EXCEEDED, UNAVAILABLE after the last attempt, CANCELLED, UNKNOWN, INTERNAL,
// ABORTED, or an OK reply that says not committed). `examples`, when given, receives the
// first message of each error code. Without `ahead` every entry of `workload` must be signed;
// with it, the run signs the rest as it goes. Connections are made with `channel` (TLS or
// not), here and in Settle and VerifyCommitted.
// With a `send_window` (> 0) no submission starts once that long has passed since the start;
// the workload and the records are then cut to the transactions sent, so that what the run
// never took up does not count as unsent.
RunTiming RunClients(const std::vector<std::string>& nodes, size_t clients, const Pacer& pacer,
                     const client::FailoverPolicy& policy, Workload& workload,
                     std::vector<TxRecord>& records, ErrorExamples* examples = nullptr,
                     const SigningAhead* ahead = nullptr,
                     const client::ChannelOptions& channel = {},
                     std::chrono::nanoseconds send_window = {});

// Cuts the workload and the records to their first `taken` entries (a run whose send window
// closed before its count was reached).
void KeepTaken(Workload& workload, std::vector<TxRecord>& records, size_t taken);

// Looks up every kPending transaction with GetTransaction until each is found, is past its
// valid_until_height, or `settle_ms` passes. Found ones become kLateCommitted. The rest
// become kLost when a node had accepted them (the submission ended OK or DEADLINE_EXCEEDED,
// the "still queued" answer) and kRejected otherwise (no node said it had the transaction,
// and it is not on the chain). Returns how many were pending.
size_t Settle(const std::vector<std::string>& nodes, const Workload& workload,
              std::vector<TxRecord>& records, int settle_ms,
              const client::ChannelOptions& channel = {});

// Re-reads every committed transaction with GetTransaction and marks verify_failed where the
// node's stored height or result differs from what Submit reported, or it is missing.
// Returns the number of failures.
size_t VerifyCommitted(const std::vector<std::string>& nodes, const Workload& workload,
                       std::vector<TxRecord>& records, const client::ChannelOptions& channel = {});

// The ids of the acknowledged transactions (TxRecord::acknowledged), in workload order.
std::vector<Hash> AcknowledgedIds(const Workload& workload, const std::vector<TxRecord>& records);

}  // namespace tadori::loadgen
