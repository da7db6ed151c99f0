#include "tools/loadgen/report.h"

#include <algorithm>

#include <fmt/format.h>

#include "tools/client/node_list.h"
#include "tools/client/rpc_error.h"

namespace tadori::loadgen {

namespace {

double Ms(int64_t us) {
  return static_cast<double>(us) / 1000.0;
}

double PerSecond(size_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0.0;
}

std::string ByCode(const std::map<std::string, size_t>& counts) {
  std::string out;
  for (const auto& [code, n] : counts) out += fmt::format("  {} {}", code, n);
  return out;
}

// committed_ok_by_node with a zero for each listed node that committed nothing.
std::vector<size_t> CommittedByNode(const Tally& t, const RunInfo& info) {
  std::vector<size_t> by_node = t.committed_ok_by_node;
  if (by_node.size() < info.nodes.size()) by_node.resize(info.nodes.size(), 0);
  return by_node;
}

}  // namespace

Tally MakeTally(const std::vector<TxRecord>& records, const RunTiming& timing, bool paced) {
  Tally t;
  t.count = records.size();
  std::vector<int64_t> latencies_us;
  latencies_us.reserve(records.size());
  for (const TxRecord& r : records) {
    if (r.fate != Fate::kUnsent) ++t.sent;
    t.retries += r.attempts > 1 ? r.attempts - 1 : 0;
    t.failovers += r.failovers;
    t.already_there += r.already_there ? 1 : 0;
    t.verify_failed += r.verify_failed ? 1 : 0;
    if (paced && r.fate != Fate::kUnsent) {
      const int64_t lag_ns = std::max<int64_t>(0, r.sent_ns - r.due_ns);
      t.max_lag_us = std::max(t.max_lag_us, lag_ns / 1000);
      t.behind_schedule += lag_ns > kBehindScheduleNs ? 1 : 0;
    }
    switch (r.fate) {
      case Fate::kUnsent:
        ++t.unsent;
        break;
      case Fate::kCommitted:
      case Fate::kLateCommitted:
        if (r.result_code != 0) {
          ++t.committed_refused;
          ++t.refused_by_result[client::CodeNameOf(r.result_code)];
        } else if (r.fate == Fate::kCommitted) {
          ++t.committed_ok;
          if (t.committed_ok_by_node.size() <= r.node) t.committed_ok_by_node.resize(r.node + 1);
          ++t.committed_ok_by_node[r.node];
          latencies_us.push_back((r.done_ns - r.sent_ns) / 1000);
        } else {
          ++t.late_committed_ok;
        }
        break;
      case Fate::kRejected:
        ++t.rejected;
        ++t.rejected_by_code[std::string(CodeName(r.rpc_code))];
        break;
      // A record still pending was never settled: the run cannot vouch for it.
      case Fate::kPending:
      case Fate::kLost:
        ++t.lost;
        break;
    }
  }
  t.latency = Summarize(std::move(latencies_us));
  t.duration_s = static_cast<double>(timing.duration_ns) / 1e9;
  t.send_window_s = static_cast<double>(timing.last_send_ns) / 1e9;
  t.offered_tx_s = PerSecond(t.sent, static_cast<double>(timing.last_send_ns) / 1e9);
  if (t.sent == 1 || timing.last_send_ns == 0) t.offered_tx_s = PerSecond(t.sent, t.duration_s);
  t.committed_tx_s = PerSecond(t.committed_ok, t.duration_s);
  return t;
}

std::string RenderReport(const Tally& t, const RunInfo& info) {
  const std::string target =
      info.rate_per_s > 0 ? fmt::format("{:.1f} tx/s", info.rate_per_s) : "unlimited";
  std::string out;
  if (info.mode == "stream") {
    out += fmt::format(
        "mode                 stream: {} connection(s), each one SubmitStream with up to {} "
        "transactions unanswered\n",
        info.clients, info.in_flight);
  } else {
    out += fmt::format(
        "mode                 unary: {} client(s), each its own connection and one "
        "Submit(wait_for_commit) at a time\n",
        info.clients);
  }
  out += fmt::format("nodes                {} ({})\n", info.nodes.size(),
                     client::JoinNodeList(info.nodes));
  out += fmt::format(
      "send window          {:.3f} s (start until the last first send{})\n", t.send_window_s,
      info.duration_asked_s > 0 ? fmt::format("; --duration {:g} s", info.duration_asked_s) : "");
  out += fmt::format("duration             {:.3f} s (start until the last answer)\n", t.duration_s);
  out += fmt::format("offered              {:.1f} tx/s  ({} sent of {}; target {})\n",
                     t.offered_tx_s, t.sent, t.count, target);
  if (info.rate_per_s > 0) {
    out += fmt::format("behind schedule      {} sends > 10 ms late, max lag {:.1f} ms{}\n",
                       t.behind_schedule, Ms(t.max_lag_us),
                       t.behind_schedule > 0
                           ? (info.mode == "stream" ? "  (in-flight windows full, or a busy CPU)"
                                                    : "  (too few --clients, or a busy CPU)")
                           : "");
  }
  out += fmt::format("committed OK         {}  ({:.1f} tx/s)\n", t.committed_ok, t.committed_tx_s);
  if (info.nodes.size() > 1) {
    // A node that is down or behind shows here rather than only as a lower total.
    const std::vector<size_t> by_node = CommittedByNode(t, info);
    std::string split;
    for (size_t n = 0; n < info.nodes.size(); ++n) {
      split += fmt::format("{}{} {}", n == 0 ? "" : "  ", info.nodes[n], by_node[n]);
    }
    out += fmt::format("  by node            {}\n", split);
  }
  if (t.late_committed_ok > 0) {
    out += fmt::format(
        "committed OK late    {}  (found after their submission; not in tx/s "
        "or latency)\n",
        t.late_committed_ok);
  }
  out +=
      fmt::format("committed, refused   {}{}\n", t.committed_refused, ByCode(t.refused_by_result));
  out += fmt::format("rejected             {}{}\n", t.rejected, ByCode(t.rejected_by_code));
  out += fmt::format("lost                 {}\n", t.lost);
  if (info.verified) out += fmt::format("verify failures      {}\n", t.verify_failed);
  out += fmt::format(
      "retries              {}  ({} to another node; {} found already there; at most {} "
      "attempts per submission)\n",
      t.retries, t.failovers, t.already_there, info.attempts_max);
  for (const auto& [code, message] : info.error_examples) {
    out += fmt::format("  first {:<16} {}\n", code, message);
  }
  if (!info.acked_out.empty()) {
    out += fmt::format("acknowledged ids     {} written to {}\n", t.committed_ok, info.acked_out);
  }
  if (t.latency.count == 0) {
    out += "latency ms           none (no transaction committed OK within its submission)\n";
  } else {
    out += fmt::format(
        "latency ms           p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  max {:.1f}  (n={}, first "
        "send -> committed answer)\n",
        Ms(t.latency.p50_us), Ms(t.latency.p90_us), Ms(t.latency.p99_us), Ms(t.latency.max_us),
        t.latency.count);
  }
  if (info.cpu_seconds >= 0) {
    out +=
        fmt::format("loadgen CPU          {:.2f} s user+sys over the run ({:.2f} cores{})\n",
                    info.cpu_seconds, t.duration_s > 0 ? info.cpu_seconds / t.duration_s : 0.0,
                    t.committed_ok > 0
                        ? fmt::format("; {:.0f} µs per committed tx",
                                      1e6 * info.cpu_seconds / static_cast<double>(t.committed_ok))
                        : "");
  }
  if (info.verify_per_s > 0) {
    out += fmt::format(
        "{} verify           {:.0f}/s on one core (measured by this run); committed tx/s is "
        "{:.1f}% of it\n",
        info.key_type, info.verify_per_s, 100.0 * t.committed_tx_s / info.verify_per_s);
  }
  return out;
}

nlohmann::json ReportJson(const Tally& t, const RunInfo& info) {
  return {
      {"node", client::JoinNodeList(info.nodes)},
      {"nodes", info.nodes},
      {"committedOkByNode", CommittedByNode(t, info)},
      {"clients", info.clients},
      {"connections", info.clients},
      {"inFlight", info.in_flight},
      {"targetRatePerS", info.rate_per_s},
      {"mode", info.mode},
      {"validityBlocks", info.validity_blocks},
      {"presignMs", info.presign_ms},
      {"keyType", info.key_type},
      {"keyId", info.key_id_hex},
      {"lotPrefix", info.lot_prefix},
      {"count", t.count},
      {"sent", t.sent},
      {"durationS", t.send_window_s},
      {"durationAskedS", info.duration_asked_s},
      {"runS", t.duration_s},
      {"cpuSeconds", info.cpu_seconds >= 0 ? nlohmann::json(info.cpu_seconds) : nlohmann::json()},
      {"offeredTxPerS", t.offered_tx_s},
      {"committedOk", t.committed_ok},
      {"committedTxPerS", t.committed_tx_s},
      {"lateCommittedOk", t.late_committed_ok},
      {"committedRefused", t.committed_refused},
      {"refusedByResult", t.refused_by_result},
      {"rejected", t.rejected},
      {"rejectedByCode", t.rejected_by_code},
      {"lost", t.lost},
      {"verified", info.verified},
      {"verifyPerSOneCore", info.verify_per_s},
      {"verifyFailures", t.verify_failed},
      {"retries", t.retries},
      {"failovers", t.failovers},
      {"alreadyThereOnRetry", t.already_there},
      {"attemptsMax", info.attempts_max},
      {"ackedOut", info.acked_out},
      {"errorExamples", info.error_examples},
      {"behindSchedule", t.behind_schedule},
      {"maxLagMs", Ms(t.max_lag_us)},
      {"latencyMs",
       {{"n", t.latency.count},
        {"p50", Ms(t.latency.p50_us)},
        {"p90", Ms(t.latency.p90_us)},
        {"p99", Ms(t.latency.p99_us)},
        {"max", Ms(t.latency.max_us)}}},
  };
}

}  // namespace tadori::loadgen
