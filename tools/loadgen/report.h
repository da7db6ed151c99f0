// The figures a load run prints, computed from its per-transaction records.
//
// Definitions (printed with the figures, so a reader of the output needs no source):
//   send window    = start until the last transaction was first sent (--duration bounds it)
//   offered tx/s   = transactions sent / send window
//   committed tx/s = transactions the node reported committed with an OK result in their
//                    answer (Submit reply, or stream answer) / run duration (start until the
//                    last answer)
//   latency        = for those transactions, first send -> committed answer (unary: the
//                    Submit call's duration)
//   loadgen CPU    = this process's user + system CPU from the start to the last answer
//                    (signing ahead included), by getrusage
//   lost           = accepted by the node but never committed (see run.h)
//   retries        = Submit calls beyond the first of each submission (a node was not
//                    reached; the same signed transaction went to the next node)
//   committed OK   = acknowledged transactions: a node said committed with an OK result
//                    during the submission (TxRecord::acknowledged); --acked-out lists them
//
// JSON (--json; tools/bench-network reads it): durationS is the send window and runS the run
// duration (start until the last answer, what committedTxPerS divides by); latencyMs holds
// p50, p90, p99 and max; mode is "stream" or "unary"; connections = clients (streams, or
// unary clients) and inFlight the most unanswered per connection (1 for unary); cpuSeconds
// is the loadgen CPU (null when not measured).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/loadgen/latency_summary.h"
#include "tools/loadgen/run.h"
#include "tools/loadgen/tx_record.h"

namespace tadori::loadgen {

// A send counts as behind schedule when it starts this much after its due time.
inline constexpr int64_t kBehindScheduleNs = 10'000'000;  // 10 ms

struct Tally {
  size_t count = 0;
  size_t sent = 0;
  size_t committed_ok = 0;       // in-call commits with result OK: the throughput figure
  size_t late_committed_ok = 0;  // found by GetTransaction afterwards; no latency sample
  size_t committed_refused = 0;  // committed, result not OK (in-call or late)
  size_t rejected = 0;
  size_t lost = 0;
  size_t unsent = 0;
  size_t verify_failed = 0;
  std::map<std::string, size_t> rejected_by_code;   // gRPC code name -> count
  std::map<std::string, size_t> refused_by_result;  // TxResult code name -> count
  LatencySummary latency;
  double send_window_s = 0;  // start until the last first send (RunTiming::last_send_ns)
  double duration_s = 0;     // start until the last answer
  double offered_tx_s = 0;
  double committed_tx_s = 0;
  size_t behind_schedule = 0;  // sends later than kBehindScheduleNs (paced runs only)
  int64_t max_lag_us = 0;      // largest send lateness (paced runs only)
  // committed_ok split by the node each transaction was sent to (TxRecord::node), up to the
  // highest index seen; the report pads it with zeros to the length of the node list.
  std::vector<size_t> committed_ok_by_node;
  size_t retries = 0;        // sum over sent transactions of attempts - 1
  size_t failovers = 0;      // moves to another node during submissions
  size_t already_there = 0;  // retries told ALREADY_EXISTS, taken as accepted
};

Tally MakeTally(const std::vector<TxRecord>& records, const RunTiming& timing, bool paced);

// What the run was, for the report header.
struct RunInfo {
  std::vector<std::string> nodes;  // client c started with nodes[c % nodes.size()]
  std::string mode = "unary";      // SubmitModeName (run_plan.h)
  size_t clients = 0;              // connections: unary clients, or streams
  size_t in_flight = 1;            // transactions unanswered at most per connection
  double duration_asked_s = 0;     // --duration; 0: none (the count alone bounds the run)
  double cpu_seconds = -1;         // loadgen CPU, user + system, over the run; < 0: unknown
  double rate_per_s = 0;           // <= 0: unlimited
  uint64_t validity_blocks = 0;
  double presign_ms = 0;
  std::string key_type;
  std::string key_id_hex;
  std::string lot_prefix;
  bool verified = false;
  // Signature verifications per second of the run's key type on one core, measured by this
  // run just before the clock started: the crypto limit the node's admission works against.
  double verify_per_s = 0;
  int attempts_max = 0;          // Submit calls one submission may make
  std::string acked_out;         // where the acknowledged ids were written; empty: nowhere
  ErrorExamples error_examples;  // first message of each error code that ended a submission
};

std::string RenderReport(const Tally& tally, const RunInfo& info);
nlohmann::json ReportJson(const Tally& tally, const RunInfo& info);

}  // namespace tadori::loadgen
