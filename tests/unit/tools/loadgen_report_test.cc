#include <gtest/gtest.h>

#include "tools/loadgen/latency_summary.h"
#include "tools/loadgen/pacer.h"
#include "tools/loadgen/report.h"

namespace tadori::loadgen {
namespace {

constexpr int64_t kMs = 1'000'000;  // ns

TEST(LatencySummaryTest, NearestRankPicksObservedSamples) {
  std::vector<int64_t> v;
  for (int64_t i = 1; i <= 100; ++i) v.push_back(i);
  EXPECT_EQ(NearestRank(v, 50), 50);
  EXPECT_EQ(NearestRank(v, 99), 99);
  EXPECT_EQ(NearestRank(v, 100), 100);
  EXPECT_EQ(NearestRank({7}, 1), 7);
  EXPECT_EQ(NearestRank({1, 2, 3}, 50), 2);
}

TEST(LatencySummaryTest, SummarizeSortsAndHandlesEmpty) {
  LatencySummary s = Summarize({30, 10, 20, 1000});
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(s.p50_us, 20);
  EXPECT_EQ(s.p99_us, 1000);
  EXPECT_EQ(s.max_us, 1000);
  LatencySummary none = Summarize({});
  EXPECT_EQ(none.count, 0u);
  EXPECT_EQ(none.max_us, 0);
}

TEST(PacerTest, SpacesTransactionsEvenly) {
  Pacer p(100.0);
  EXPECT_EQ(p.DueOffset(0).count(), 0);
  EXPECT_EQ(p.DueOffset(1).count(), 10 * kMs);
  EXPECT_EQ(p.DueOffset(250).count(), 2500 * kMs);
  Pacer unlimited(0);
  EXPECT_TRUE(unlimited.unlimited());
  EXPECT_EQ(unlimited.DueOffset(1'000'000).count(), 0);
}

TxRecord Committed(int64_t sent_ms, int64_t done_ms, uint32_t result = 0) {
  TxRecord r;
  r.fate = Fate::kCommitted;
  r.result_code = result;
  r.sent_ns = sent_ms * kMs;
  r.done_ns = done_ms * kMs;
  return r;
}

TEST(TallyTest, CountsOnlyInCallOkCommitsAsThroughput) {
  std::vector<TxRecord> records = {Committed(0, 100), Committed(10, 130), Committed(20, 60, 6)};
  TxRecord late;
  late.fate = Fate::kLateCommitted;
  records.push_back(late);
  TxRecord rejected;
  rejected.fate = Fate::kRejected;
  rejected.rpc_code = Code::kResourceExhausted;
  records.push_back(rejected);
  records.push_back(rejected);
  TxRecord lost;
  lost.fate = Fate::kLost;
  records.push_back(lost);

  const Tally t = MakeTally(records, RunTiming{2'000 * kMs, 1'000 * kMs}, false);
  EXPECT_EQ(t.count, 7u);
  EXPECT_EQ(t.sent, 7u);
  EXPECT_EQ(t.committed_ok, 2u);
  EXPECT_EQ(t.late_committed_ok, 1u);
  EXPECT_EQ(t.committed_refused, 1u);
  EXPECT_EQ(t.refused_by_result.at("ALREADY_EXISTS"), 1u);
  EXPECT_EQ(t.rejected, 2u);
  EXPECT_EQ(t.rejected_by_code.at("RESOURCE_EXHAUSTED"), 2u);
  EXPECT_EQ(t.lost, 1u);
  EXPECT_DOUBLE_EQ(t.duration_s, 2.0);
  EXPECT_DOUBLE_EQ(t.committed_tx_s, 1.0);  // 2 OK in 2 s
  EXPECT_DOUBLE_EQ(t.offered_tx_s, 7.0);    // 7 sent by 1 s
  EXPECT_EQ(t.latency.count, 2u);
  EXPECT_EQ(t.latency.max_us, 120'000);
  EXPECT_EQ(t.latency.p50_us, 100'000);
}

TEST(TallyTest, UnsettledPendingCountsAsLost) {
  TxRecord pending;
  pending.fate = Fate::kPending;
  const Tally t = MakeTally({pending}, RunTiming{kMs, 0}, false);
  EXPECT_EQ(t.lost, 1u);
}

TEST(TallyTest, PacedRunReportsLateSends) {
  TxRecord on_time = Committed(100, 150);
  on_time.due_ns = 100 * kMs;
  TxRecord late = Committed(300, 350);
  late.due_ns = 200 * kMs;
  const Tally t = MakeTally({on_time, late}, RunTiming{400 * kMs, 300 * kMs}, true);
  EXPECT_EQ(t.behind_schedule, 1u);
  EXPECT_EQ(t.max_lag_us, 100'000);
}

TEST(TallyTest, ReportStatesEveryFigure) {
  const Tally t = MakeTally({Committed(0, 100)}, RunTiming{100 * kMs, 0}, false);
  RunInfo info;
  info.verified = true;
  const std::string text = RenderReport(t, info);
  for (const char* figure : {"offered", "committed OK", "rejected", "lost", "p50", "p99", "max",
                             "duration", "verify failures"}) {
    EXPECT_NE(text.find(figure), std::string::npos) << figure << "\n" << text;
  }
  const Tally none = MakeTally({}, RunTiming{}, false);
  EXPECT_NE(RenderReport(none, info).find("latency ms           none"), std::string::npos);
  const nlohmann::json j = ReportJson(t, info);
  EXPECT_EQ(j.at("committedOk"), 1);
  EXPECT_EQ(j.at("lost"), 0);
}

TEST(TallyTest, ReportNamesTheNodesAndSplitsCommitsByNode) {
  std::vector<TxRecord> records(3);
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].fate = Fate::kCommitted;
    records[i].sent_ns = 0;
    records[i].done_ns = 1'000'000;
    records[i].node = i == 2 ? 1 : 0;
  }
  const Tally t = MakeTally(records, RunTiming{1'000'000'000, 0}, false);
  RunInfo info;
  info.nodes = {"a:1", "b:2", "c:3"};
  const std::string text = RenderReport(t, info);
  EXPECT_NE(text.find("nodes                3 (a:1, b:2, c:3)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("by node            a:1 2  b:2 1  c:3 0\n"), std::string::npos) << text;
  const nlohmann::json j = ReportJson(t, info);
  EXPECT_EQ(j.at("nodes"), nlohmann::json({"a:1", "b:2", "c:3"}));
  EXPECT_EQ(j.at("committedOkByNode"), nlohmann::json({2, 1, 0}));

  info.nodes = {"a:1"};  // one node: no split to show
  EXPECT_EQ(RenderReport(t, info).find("by node"), std::string::npos);
}

}  // namespace
}  // namespace tadori::loadgen
