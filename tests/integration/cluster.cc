#include "tests/integration/cluster.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "ledger/certificates.h"
#include "ledger/check.h"
#include "ledger/files.h"
#include "node/config/node_config.h"
#include "tools/client/transaction_builder.h"
#include "tools/loadgen/workload.h"

namespace tadori::testing {
namespace {

std::string ReadPem(const std::string& path) {
  auto pem = ReadFileToString(path, 1 << 16);
  TADORI_CHECK(pem.ok());
  return *pem;
}

bool PortFree(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// A base port whose peer (base+i), client (base+100+i) and metrics (base+200+i) ports, and
// the observers' client (base+300+k) and metrics (base+400+k) ports, are all free now.
// Random, so concurrent test binaries rarely collide.
int FreeBasePort(int validators, int observers) {
  std::mt19937 rng(
      static_cast<uint32_t>(::getpid()) ^
      static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int base = 20'000 + static_cast<int>(rng() % 30'000);
    bool free = true;
    for (int i = 0; i < validators && free; ++i) {
      free = PortFree(base + i) && PortFree(base + 100 + i) && PortFree(base + 200 + i);
    }
    for (int k = 0; k < observers && free; ++k) {
      free = PortFree(base + 300 + k) && PortFree(base + 400 + k);
    }
    if (free) return base;
  }
  TADORI_CHECK(false && "no free ports");
  return 0;
}

}  // namespace

Cluster::Cluster(int orgs, int validator_orgs, int observers) {
  cli::ConsortiumOptions options;
  options.orgs = orgs;
  options.validator_orgs = validator_orgs;
  options.observers = observers;
  options.base_port = FreeBasePort(orgs, observers);
  options.chain_id = "tadori-test";
  auto layout = cli::WriteConsortium(options, dir_.path() + "/net");
  TADORI_CHECK(layout.ok());
  layout_ = std::move(*layout);
  auto text = ReadFileToString(layout_.genesis_path, 1 << 20);
  TADORI_CHECK(text.ok());
  auto genesis = GenesisFromJson(*text);
  TADORI_CHECK(genesis.ok());
  genesis_.emplace(std::move(*genesis));
  // TADORI_TEST_LOG_LEVEL=debug makes the validators' logs (shown on failure) verbose.
  const char* level = std::getenv("TADORI_TEST_LOG_LEVEL");
  for (size_t i = 0; level != nullptr && i < layout_.validators.size(); ++i) {
    auto config = LoadNodeConfig(layout_.validators[i].config_path);
    TADORI_CHECK(config.ok());
    config->log_level = level;
    std::ofstream(layout_.validators[i].config_path) << RenderNodeConfig(*config);
  }
  for (size_t i = 0; i < layout_.validators.size(); ++i) {
    const cli::ConsortiumValidator& v = layout_.validators[i];
    auto config = LoadNodeConfig(v.config_path);
    TADORI_CHECK(config.ok());
    // The harness acts as the validator's operator: its node certificate reads everything.
    ClientTls tls;
    if (!config->client_tls_cert_path.empty()) {
      tls = AnonymousTls();
      tls.cert_pem = ReadPem(config->client_tls_cert_path);
      tls.key_pem = ReadPem(config->client_tls_key_path);
    }
    nodes_.push_back(NodeProcess::ForConfig(v.config_path, DataDir(i), v.client_port,
                                            ValidatorDir(i) + "/tadorid.log", std::move(tls)));
  }
  for (const cli::ConsortiumObserver& o : layout_.observers) {
    const std::string dir = std::filesystem::path(o.config_path).parent_path().string();
    ClientTls tls = AnonymousTls();
    tls.cert_pem = ReadPem(dir + "/observer.crt");
    tls.key_pem = ReadPem(dir + "/observer.key");
    observers_.push_back(NodeProcess::ForConfig(o.config_path, dir + "/data", o.client_port,
                                                dir + "/tadorid.log", std::move(tls)));
  }
}

ClientTls Cluster::MemberTls(size_t org) const {
  ClientTls tls = AnonymousTls();
  const std::string dir = dir_.path() + "/net/" + layout_.org_ids[org];
  tls.cert_pem = ReadPem(dir + "/client.crt");
  tls.key_pem = ReadPem(dir + "/client.key");
  return tls;
}

ClientTls Cluster::AnonymousTls() const {
  auto roots = GenesisTrustRootsPem(*genesis_);
  TADORI_CHECK(roots.ok());
  ClientTls tls;
  tls.roots_pem = *roots;
  return tls;
}

Cluster::~Cluster() {
  for (NodeProcess& n : nodes_) n.Kill();
  for (NodeProcess& n : observers_) n.Kill();
  if (!::testing::Test::HasFailure()) return;
  // The directory goes with the test: show what each validator said first.
  for (size_t i = 0; i < nodes_.size(); ++i) {
    auto log = ReadFileToString(ValidatorDir(i) + "/tadorid.log", 64 << 20);
    if (!log.ok()) continue;
    const size_t keep = 12000;
    const std::string tail = log->size() > keep ? log->substr(log->size() - keep) : *log;
    std::fprintf(stderr, "---- validator %zu log (tail) ----\n%s\n", i, tail.c_str());
  }
}

std::string Cluster::ValidatorDir(size_t i) const {
  return std::filesystem::path(layout_.validators[i].config_path).parent_path().string();
}

std::string Cluster::AdminKeyPath(size_t org) const {
  return dir_.path() + "/net/" + layout_.org_ids[org] + "/admin.key";
}

PrivateKey Cluster::AdminKey(size_t org) const {
  auto pem = ReadFileToString(AdminKeyPath(org), 8192);
  TADORI_CHECK(pem.ok());
  auto key = PrivateKey::FromPem(*pem);
  TADORI_CHECK(key.ok());
  return std::move(*key);
}

bool Cluster::Start(size_t i) {
  return nodes_[i].Start(30'000);
}

bool Cluster::StartAll() {
  bool ok = true;
  for (size_t i = 0; i < nodes_.size(); ++i) ok = Start(i) && ok;
  return ok;
}

void Cluster::Kill(size_t i) {
  nodes_[i].Kill();
}

int Cluster::Stop(size_t i) {
  return nodes_[i].Stop();
}

void Cluster::Wipe(size_t i) {
  std::error_code ec;
  std::filesystem::remove_all(DataDir(i), ec);
}

uint64_t Cluster::Height(size_t i) {
  if (!nodes_[i].running()) return 0;
  auto stub = nodes_[i].Stub();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  v1::StatusResponse resp;
  if (!stub->Status(&ctx, v1::StatusRequest(), &resp).ok()) return 0;
  return resp.height();
}

bool Cluster::WaitForHeight(const std::vector<size_t>& which, uint64_t height, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    bool all = true;
    for (size_t i : which) all = all && Height(i) >= height;
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

bool Cluster::SubmitOne(const std::vector<size_t>& which) {
  const PrivateKey key = AdminKey(0);
  for (size_t i : which) {
    if (!nodes_[i].running()) continue;
    auto stub = nodes_[i].Stub();
    Result<v1::SignedTransaction> tx =
        client::PrepareTransaction(*stub, loadgen::LoadgenProductPayload(), key);
    if (!tx.ok()) continue;
    v1::SubmitRequest req;
    *req.mutable_tx() = *tx;
    v1::SubmitResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if (stub->Submit(&ctx, req, &resp).ok()) return true;
  }
  return false;
}

bool Cluster::WaitForHeightWithTraffic(const std::vector<size_t>& which, uint64_t height,
                                       int timeout_ms) {
  Traffic traffic(*this, which);
  return WaitForHeight(which, height, timeout_ms);
}

Traffic::Traffic(Cluster& cluster, std::vector<size_t> which, int interval_ms)
    : thread_([this, &cluster, which = std::move(which), interval_ms] {
        while (!stop_.load()) {
          if (cluster.SubmitOne(which)) ++submitted_;
          for (int waited = 0; waited < interval_ms && !stop_.load(); waited += 10) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
        }
      }) {}

Traffic::~Traffic() {
  stop_ = true;
  thread_.join();
}

int64_t Cluster::Metric(size_t i, const std::string& sample) {
  httplib::Client client("127.0.0.1", layout_.validators[i].metrics_port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(2, 0);
  auto res = client.Get("/metrics");
  if (!res || res->status != 200) return -1;
  std::istringstream lines(res->body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 &&
        line[sample.size()] == ' ') {
      return std::stoll(line.substr(sample.size() + 1));
    }
  }
  return -1;
}

}  // namespace tadori::testing
