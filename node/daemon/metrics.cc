#include "node/daemon/metrics.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <thread>
#include <utility>

#include "ledger/check.h"

namespace tadori {

namespace {

// Prometheus floats: the shortest text that reads back to the same double ("0.005", "2.5",
// "1"), and the spellings the format reserves for the non-finite values.
std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  TADORI_CHECK(ec == std::errc());
  return std::string(buf, end);
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  auto first_ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  };
  if (!first_ok(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [&](char c) { return first_ok(c) || (c >= '0' && c <= '9'); });
}

// HELP text escapes backslash and newline (and nothing else, per the format).
std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void AppendHeader(std::string& out, const std::string& name, const std::string& help,
                  const std::string& type) {
  out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
  out += "# TYPE " + name + " " + type + "\n";
}

// "host:port" or "[v6]:port"; the port is a decimal in [0, 65535], 0 asking for any.
Status ParseHostPort(const std::string& host_port, std::string* host, int* port) {
  auto bad = [&] {
    return Status::InvalidArgument("metrics address \"" + host_port + "\" is not HOST:PORT");
  };
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size()) return bad();
  std::string h = host_port.substr(0, colon);
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']') return bad();
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string::npos) {
    return bad();  // a bare IPv6 address is ambiguous without brackets
  }
  std::string_view p = std::string_view(host_port).substr(colon + 1);
  int value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc() || end != p.data() + p.size() || value < 0 || value > 65535) {
    return bad();
  }
  *host = std::move(h);
  *port = value;
  return Status::Ok();
}

}  // namespace

// ---- Histogram ----

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {
  TADORI_CHECK(!bounds_.empty());
  TADORI_CHECK(std::is_sorted(bounds_.begin(), bounds_.end()) &&
               std::adjacent_find(bounds_.begin(), bounds_.end()) == bounds_.end());
}

void Histogram::Observe(double value) {
  // Buckets are "less than or equal": a value on a bound belongs to that bound's bucket.
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[i];
  sum_ += value;
  ++count_;
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.upper_bounds = bounds_;
  std::lock_guard<std::mutex> lock(mu_);
  s.cumulative.reserve(counts_.size());
  uint64_t running = 0;
  for (uint64_t c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

// ---- MetricsRegistry ----

void MetricsRegistry::AddCounter(std::string name, std::string help, std::string labels,
                                 std::function<uint64_t()> read) {
  TADORI_CHECK(IsValidMetricName(name));
  samples_.push_back({std::move(name), std::move(help), std::move(labels), "counter",
                      [read = std::move(read)] { return std::to_string(read()); }});
}

void MetricsRegistry::AddGauge(std::string name, std::string help, std::string labels,
                               std::function<int64_t()> read) {
  TADORI_CHECK(IsValidMetricName(name));
  samples_.push_back({std::move(name), std::move(help), std::move(labels), "gauge",
                      [read = std::move(read)] { return std::to_string(read()); }});
}

Histogram& MetricsRegistry::AddHistogram(std::string name, std::string help,
                                         std::vector<double> upper_bounds) {
  TADORI_CHECK(IsValidMetricName(name));
  histograms_.push_back(
      {std::move(name), std::move(help), std::make_unique<Histogram>(std::move(upper_bounds))});
  return *histograms_.back().histogram;
}

std::string MetricsRegistry::Render() const {
  std::string out;
  const std::string* previous = nullptr;
  for (const Sample& s : samples_) {
    // Consecutive samples of one name are one metric family: one header.
    if (previous == nullptr || *previous != s.name) AppendHeader(out, s.name, s.help, s.type);
    previous = &s.name;
    out += s.name;
    if (!s.labels.empty()) out += "{" + s.labels + "}";
    out += " " + s.read() + "\n";
  }
  for (const NamedHistogram& h : histograms_) {
    AppendHeader(out, h.name, h.help, "histogram");
    Histogram::Snapshot snap = h.histogram->Read();
    for (size_t i = 0; i <= snap.upper_bounds.size(); ++i) {
      std::string le = i < snap.upper_bounds.size() ? FormatDouble(snap.upper_bounds[i]) : "+Inf";
      out += h.name + "_bucket{le=\"" + le + "\"} " + std::to_string(snap.cumulative[i]) + "\n";
    }
    out += h.name + "_sum " + FormatDouble(snap.sum) + "\n";
    out += h.name + "_count " + std::to_string(snap.count) + "\n";
  }
  return out;
}

// ---- MetricsServer ----

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> finished{false};  // listen_after_bind has returned
  int port = 0;

  // httplib 0.11's stop() does nothing until the accept loop has marked itself running, so a
  // stop issued too early would be lost and the join would hang: wait for either state.
  void WaitUntilRunningOrFinished() const {
    while (!server.is_running() && !finished.load()) std::this_thread::yield();
  }
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& host_port,
                                                            const MetricsRegistry& registry) {
  std::string host;
  int port = 0;
  TADORI_RETURN_IF_ERROR(ParseHostPort(host_port, &host, &port));

  auto impl = std::make_unique<Impl>();
  const MetricsRegistry* reg = &registry;
  impl->server.Get("/metrics", [reg](const httplib::Request&, httplib::Response& res) {
    res.set_content(reg->Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  // Everything else (other paths, other methods) falls through to httplib's 404; the
  // explicit handler only gives it a body, so a human with curl sees why.
  impl->server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) res.set_content("not found; try GET /metrics\n", "text/plain");
  });

  // httplib's default sets SO_REUSEPORT, which would let a second node bind the same port and
  // split the scrapes between them; SO_REUSEADDR alone still allows a quick restart.
  impl->server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  if (port == 0) {
    int bound = impl->server.bind_to_any_port(host);
    if (bound < 0) return Status::Unavailable("cannot bind metrics endpoint on " + host_port);
    impl->port = bound;
  } else {
    if (!impl->server.bind_to_port(host, port)) {
      return Status::Unavailable("cannot bind metrics endpoint on " + host_port);
    }
    impl->port = port;
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    raw->server.listen_after_bind();
    raw->finished.store(true);
  });
  impl->WaitUntilRunningOrFinished();
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
  // stop() shuts the listening socket, which ends listen_after_bind's accept loop. Start
  // already waited for the loop to run, so the stop cannot come before it.
  impl_->WaitUntilRunningOrFinished();
  if (!impl_->finished.load()) impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int MetricsServer::port() const {
  return impl_->port;
}

}  // namespace tadori
