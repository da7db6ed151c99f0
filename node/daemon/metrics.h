// Metrics: a tiny Prometheus registry and its HTTP endpoint.
//
// Counters and gauges are read when scraped, through callbacks, so the code they measure
// keeps its own counters and knows nothing of Prometheus; histograms are owned here because
// their buckets are the measurement. Render() writes the text exposition format 0.0.4
// (# HELP, # TYPE, samples; histogram _bucket{le=...} cumulative, _sum, _count).
// Thread-safety: register before Start; Observe and Render may run on any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ledger/status.h"

namespace tadori {

// Cumulative buckets with fixed upper bounds (seconds or any unit), plus +Inf.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);  // ascending, non-empty (checked)
  void Observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // per bucket (not cumulative), last is +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

class MetricsRegistry {
 public:
  // `name` must match [a-zA-Z_:][a-zA-Z0-9_:]* (checked); `labels` is the inside of {...}
  // already formatted (`reason="bad_signature"`), or empty. Samples with the same name share
  // one HELP/TYPE header (register them consecutively).
  void AddCounter(std::string name, std::string help, std::string labels,
                  std::function<uint64_t()> read);
  void AddGauge(std::string name, std::string help, std::string labels,
                std::function<int64_t()> read);
  // The histogram lives as long as the registry.
  Histogram& AddHistogram(std::string name, std::string help, std::vector<double> upper_bounds);

  std::string Render() const;

 private:
  struct Sample {
    std::string name, help, labels, type;
    std::function<std::string()> read;  // the formatted value
  };
  std::vector<Sample> samples_;
  struct NamedHistogram {
    std::string name, help;
    std::unique_ptr<Histogram> histogram;
  };
  std::vector<NamedHistogram> histograms_;
};

// Serves GET /metrics (text/plain; version=0.0.4) from `registry` on `host_port` until
// destroyed. INVALID_ARGUMENT for a malformed address, UNAVAILABLE when it cannot bind.
class MetricsServer {
 public:
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& host_port,
                                                      const MetricsRegistry& registry);
  ~MetricsServer();
  int port() const;  // the bound port (useful with port 0)

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tadori
