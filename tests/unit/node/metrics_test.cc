// The Prometheus text the registry renders, and the HTTP endpoint that serves it.
#include "node/daemon/metrics.h"

#include <httplib.h>

#include <atomic>
#include <string>

#include <gtest/gtest.h>

namespace tadori {
namespace {

TEST(HistogramTest, BucketsAreCumulativeAndBoundsInclusive) {
  Histogram h({0.1, 1, 10});
  h.Observe(0.05);
  h.Observe(0.1);  // on a bound: counts in that bound's bucket
  h.Observe(0.5);
  h.Observe(20);
  Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.upper_bounds, (std::vector<double>{0.1, 1, 10}));
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 3, 3, 4}));
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.sum, 20.65);
}

TEST(MetricsRegistryTest, CountersWithLabelsShareOneHeader) {
  MetricsRegistry r;
  uint64_t bad_sig = 3;
  r.AddCounter("tadori_tx_rejected_total", "Transactions refused at admission.",
               "reason=\"bad_signature\"", [&] { return bad_sig; });
  r.AddCounter("tadori_tx_rejected_total", "Transactions refused at admission.",
               "reason=\"expired\"", [] { return uint64_t{7}; });
  r.AddCounter("tadori_blocks_total", "Blocks committed.", "", [] { return uint64_t{42}; });
  bad_sig = 5;  // read at render time, not at registration
  EXPECT_EQ(r.Render(),
            "# HELP tadori_tx_rejected_total Transactions refused at admission.\n"
            "# TYPE tadori_tx_rejected_total counter\n"
            "tadori_tx_rejected_total{reason=\"bad_signature\"} 5\n"
            "tadori_tx_rejected_total{reason=\"expired\"} 7\n"
            "# HELP tadori_blocks_total Blocks committed.\n"
            "# TYPE tadori_blocks_total counter\n"
            "tadori_blocks_total 42\n");
}

TEST(MetricsRegistryTest, GaugesAreSignedIntegers) {
  MetricsRegistry r;
  r.AddGauge("tadori_mempool_size", "Pending transactions.", "", [] { return int64_t{12}; });
  r.AddGauge("tadori_clock_skew_ms", "Skew.", "peer=\"2\"", [] { return int64_t{-4}; });
  EXPECT_EQ(r.Render(),
            "# HELP tadori_mempool_size Pending transactions.\n"
            "# TYPE tadori_mempool_size gauge\n"
            "tadori_mempool_size 12\n"
            "# HELP tadori_clock_skew_ms Skew.\n"
            "# TYPE tadori_clock_skew_ms gauge\n"
            "tadori_clock_skew_ms{peer=\"2\"} -4\n");
}

TEST(MetricsRegistryTest, HistogramRendersCumulativeBucketsSumAndCount) {
  MetricsRegistry r;
  Histogram& h = r.AddHistogram("tadori_commit_seconds", "Submit to commit.",
                                {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  h.Observe(0.003);
  h.Observe(0.2);
  h.Observe(0.2);
  h.Observe(12);
  EXPECT_EQ(r.Render(),
            "# HELP tadori_commit_seconds Submit to commit.\n"
            "# TYPE tadori_commit_seconds histogram\n"
            "tadori_commit_seconds_bucket{le=\"0.005\"} 1\n"
            "tadori_commit_seconds_bucket{le=\"0.01\"} 1\n"
            "tadori_commit_seconds_bucket{le=\"0.025\"} 1\n"
            "tadori_commit_seconds_bucket{le=\"0.05\"} 1\n"
            "tadori_commit_seconds_bucket{le=\"0.1\"} 1\n"
            "tadori_commit_seconds_bucket{le=\"0.25\"} 3\n"
            "tadori_commit_seconds_bucket{le=\"0.5\"} 3\n"
            "tadori_commit_seconds_bucket{le=\"1\"} 3\n"
            "tadori_commit_seconds_bucket{le=\"2.5\"} 3\n"
            "tadori_commit_seconds_bucket{le=\"5\"} 3\n"
            "tadori_commit_seconds_bucket{le=\"10\"} 3\n"
            "tadori_commit_seconds_bucket{le=\"+Inf\"} 4\n"
            "tadori_commit_seconds_sum 12.403\n"
            "tadori_commit_seconds_count 4\n");
}

TEST(MetricsRegistryTest, HelpEscapesBackslashAndNewline) {
  MetricsRegistry r;
  r.AddGauge("g", "a\\b\nc", "", [] { return int64_t{0}; });
  EXPECT_EQ(r.Render(), "# HELP g a\\\\b\\nc\n# TYPE g gauge\ng 0\n");
}

TEST(MetricsServerTest, ServesMetricsAndNothingElse) {
  MetricsRegistry r;
  std::atomic<uint64_t> blocks{1};
  r.AddCounter("tadori_blocks_total", "Blocks committed.", "", [&] { return blocks.load(); });
  Result<std::unique_ptr<MetricsServer>> server = MetricsServer::Start("127.0.0.1:0", r);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const int port = (*server)->port();
  ASSERT_GT(port, 0);

  httplib::Client client("127.0.0.1", port);
  httplib::Result res = client.Get("/metrics");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, r.Render());
  EXPECT_NE(res->get_header_value("Content-Type").find("version=0.0.4"), std::string::npos);

  blocks = 9;  // every scrape renders afresh
  res = client.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_NE(res->body.find("tadori_blocks_total 9\n"), std::string::npos);

  res = client.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = client.Get("/metrics/extra");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = client.Post("/metrics", "x", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
}

TEST(MetricsServerTest, StopsWhenDestroyed) {
  MetricsRegistry r;
  int port = 0;
  {
    auto server = MetricsServer::Start("127.0.0.1:0", r);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    port = (*server)->port();
  }
  // The destructor returned (joined its thread) and the port no longer answers.
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  EXPECT_FALSE(client.Get("/metrics"));
}

TEST(MetricsServerTest, RejectsUnparsableAddresses) {
  MetricsRegistry r;
  for (const char* bad : {"", "localhost", "127.0.0.1:", ":9100", "127.0.0.1:http",
                          "127.0.0.1:70000", "::1:9100", "127.0.0.1:-1"}) {
    const Status s = MetricsServer::Start(bad, r).status();
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << bad << ": " << s.ToString();
    EXPECT_EQ(s.message(), "metrics address \"" + std::string(bad) + "\" is not HOST:PORT");
  }
}

TEST(MetricsServerTest, UnavailableWhenThePortIsTaken) {
  MetricsRegistry r;
  auto first = MetricsServer::Start("127.0.0.1:0", r);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::string taken = "127.0.0.1:" + std::to_string((*first)->port());
  const Status second = MetricsServer::Start(taken, r).status();
  EXPECT_EQ(second.code(), Code::kUnavailable) << second.ToString();
  EXPECT_EQ(second.message(), "cannot bind metrics endpoint on " + taken);
}

}  // namespace
}  // namespace tadori
