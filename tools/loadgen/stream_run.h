// Streaming mode (--mode stream, the default): a few connections, each carrying one
// SubmitStream call with up to M transactions sent and not yet answered, so that a handful of
// connections keep a node as busy as thousands of unary clients would.
//
// Each connection is a sender thread and, per stream, a reader thread. The sender takes the
// next transaction of the workload (the same order and pacing as unary mode: transaction i is
// due at start + i / rate whichever connection takes it), waits for room in its window
// (in_flight_window.h) and writes it on the stream; the reader takes the answers, which come
// in commit order, matches each to its transaction by its sequence, and frees its room.
// Latency of a transaction = from its first send on a stream until its committed answer.
//
// A transaction's answer is read as the outcome of a unary Submit (ApplyStreamAnswer): the
// per-transaction code takes the place of the call's status, so refusals are rejected,
// DEADLINE_EXCEEDED (the commit wait passed) is pending, to be settled (run.h, Settle).
//
// A stream that breaks (the node went down, the call failed, or no answer for the oldest
// transaction within its commit wait plus kSubmitCallSlackMs) hands its unanswered
// transactions to the connection's next stream, on the next node of the list, which sends
// them again first (the same signed bytes; their latency still counts from the first send).
// There ALREADY_EXISTS means an earlier send got through: the transaction counts as "found
// already there" and is settled afterwards by GetTransaction, like unary mode's. A
// transaction sent policy.attempts_max times, or a connection whose streams broke that many
// times in a row without an answer, is given up (pending, settled afterwards); that
// connection then takes no new transactions.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tadori/v1/ledger.pb.h"
#include "tools/client/channel.h"
#include "tools/client/failover.h"
#include "tools/loadgen/pacer.h"
#include "tools/loadgen/run.h"
#include "tools/loadgen/tx_record.h"
#include "tools/loadgen/workload.h"

namespace tadori::loadgen {

inline constexpr size_t kConnectionsMax = 256;
inline constexpr size_t kInFlightDefault = 1'024;
inline constexpr size_t kInFlightMax = 65'536;

struct StreamPlan {
  size_t connections = 1;                  // 1..kConnectionsMax; connection c starts at node c % n
  size_t in_flight = kInFlightDefault;     // unanswered transactions per stream, 1..kInFlightMax
  uint32_t wait_timeout_ms = 10'000;       // each transaction's commit wait, 1..60000
  std::chrono::nanoseconds send_window{};  // > 0: take no new transaction after this long
};

// What one answer on a stream says about its transaction (`resent`: the transaction had gone
// out on an earlier stream that broke). Sets fate, rpc_code, result_code, height and
// already_there as RunClients does for a Submit call's outcome.
void ApplyStreamAnswer(const v1::SubmitStreamResponse& answer, bool resent, TxRecord& record);

// Sends the workload as described above to `nodes` (non-empty, checked). Fills `records` as
// RunClients does (attempts = sends of the transaction, failovers = moves of its connection to
// another node while it was unanswered). `ahead`, `examples` and `channel` as for RunClients
// (each connection has a TCP connection of its own). With a send window, the workload and
// the records are cut to the transactions taken (KeepTaken). RunTiming::duration_ns ends at
// the last answer.
RunTiming RunStreams(const std::vector<std::string>& nodes, const StreamPlan& plan,
                     const Pacer& pacer, const client::FailoverPolicy& policy, Workload& workload,
                     std::vector<TxRecord>& records, ErrorExamples* examples = nullptr,
                     const SigningAhead* ahead = nullptr,
                     const client::ChannelOptions& channel = {});

}  // namespace tadori::loadgen
