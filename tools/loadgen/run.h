// Driving a load run against one node or several, and settling transactions whose fate the
// run left open.
//
// Mode: each client thread has its own gRPC stub on its own connection (opened before the
// clock starts) and sends one Submit at a time with wait_for_commit=true, so the latency of
// a transaction is the Submit call's duration: from the moment it is sent until the node
// replies that it is committed.
// Concurrency is therefore the number of clients; an offered rate beyond what C clients
// can carry shows as sends behind schedule, which the report counts.
// With several nodes, client c connects to nodes[c % n]; each transaction is settled and
// verified at the node it was sent to, which is the one that answered for it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/loadgen/pacer.h"
#include "tools/loadgen/tx_record.h"
#include "tools/loadgen/workload.h"

namespace tadori::loadgen {

inline constexpr size_t kClientsMax = 1024;
// How much longer than the node's commit wait a client waits for the Submit reply.
inline constexpr int kCallSlackMs = 5'000;

struct RunTiming {
  int64_t duration_ns = 0;   // start until the last Submit call returned
  int64_t last_send_ns = 0;  // start until the last Submit call began
};

// Sends every request of `workload` from `clients` threads (1..kClientsMax, checked), paced
// by `pacer`, to `nodes` (non-empty, checked). Fills records (one per request, same order,
// each with the index of its node): kCommitted, kRejected for a
// definite refusal (INVALID_ARGUMENT, ALREADY_EXISTS, RESOURCE_EXHAUSTED, ...), or kPending
// when the call ended without telling (DEADLINE_EXCEEDED, UNAVAILABLE, CANCELLED, UNKNOWN,
// INTERNAL, ABORTED, or an OK reply that says not committed).
RunTiming RunClients(const std::vector<std::string>& nodes, size_t clients, const Pacer& pacer,
                     const Workload& workload, std::vector<TxRecord>& records);

// Looks up every kPending transaction with GetTransaction until each is found, is past its
// valid_until_height, or `settle_ms` passes. Found ones become kLateCommitted. The rest
// become kLost when the node had accepted them (Submit said OK or DEADLINE_EXCEEDED, the
// "still queued" answer) and kRejected otherwise (the call failed before the node said
// anything, and the transaction is not on the chain). Returns how many were pending.
size_t Settle(const std::vector<std::string>& nodes, const Workload& workload,
              std::vector<TxRecord>& records, int settle_ms);

// Re-reads every committed transaction with GetTransaction and marks verify_failed where the
// node's stored height or result differs from what Submit reported, or it is missing.
// Returns the number of failures.
size_t VerifyCommitted(const std::vector<std::string>& nodes, const Workload& workload,
                       std::vector<TxRecord>& records);

}  // namespace tadori::loadgen
