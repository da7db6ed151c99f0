#include "node/daemon/config_check.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>

#include "ledger/certificates.h"
#include "ledger/files.h"
#include "ledger/limits.h"
#include "node/config/node_config.h"
#include "node/daemon/run_until.h"
#include "node/daemon/validator_setup.h"

namespace tadori {

namespace {

namespace fs = std::filesystem;

struct NamedFile {
  const char* key;  // as in the config file
  std::string path;
  size_t bytes_max = 0;
  std::string text;  // once read
};

// Every file the config names, read; a problem for each that cannot be.
std::vector<NamedFile> ReadNamedFiles(const NodeConfig& c, std::vector<Status>& problems) {
  std::vector<NamedFile> files = {
      {"genesis", c.genesis_path, kGenesisBytesMax, ""},
      {"consensus_key", c.consensus_key_path, kPemBytesMax, ""},
      {"peer.tls_cert", c.peer_tls_cert_path, kTlsFileBytesMax, ""},
      {"peer.tls_key", c.peer_tls_key_path, kTlsFileBytesMax, ""},
  };
  if (!c.client_tls_cert_path.empty()) {
    files.push_back({"client.tls_cert", c.client_tls_cert_path, kTlsFileBytesMax, ""});
    files.push_back({"client.tls_key", c.client_tls_key_path, kTlsFileBytesMax, ""});
  }
  for (NamedFile& f : files) {
    Result<std::string> text = ReadFileToString(f.path, f.bytes_max);
    if (text.ok()) {
      f.text = *std::move(text);
    } else {
      problems.push_back(text.status().WithContext(f.key));
    }
  }
  return files;
}

const std::string& TextOf(const std::vector<NamedFile>& files, std::string_view key) {
  static const std::string kNone;
  for (const NamedFile& f : files) {
    if (f.key == key) return f.text;
  }
  return kNone;
}

// CheckTlsKeyPair, except that an unparsable certificate PrepareValidator has already
// refused is not reported twice.
Status CheckTlsKeyPairOnce(const std::string& cert_path, const std::string& cert_pem,
                           const std::string& key_path, const std::string& key_pem,
                           bool report_unparsable_certificate) {
  if (!report_unparsable_certificate &&
      CheckTlsKeyFit(cert_pem, key_pem) == TlsKeyFit::kCertificateNotPem) {
    return Status::Ok();
  }
  return CheckTlsKeyPair(cert_path, cert_pem, key_path, key_pem);
}

// PrepareValidator stops at the first problem, which may be a key pair's checked again here.
void AddProblemOnce(const Status& s, std::vector<Status>& problems) {
  if (s.ok()) return;
  for (const Status& seen : problems) {
    if (seen.ToString() == s.ToString()) return;
  }
  problems.push_back(s);
}

struct Endpoint {
  std::string host;  // lower case, without brackets
  std::string port;
};

Endpoint SplitEndpoint(const std::string& host_port) {
  const size_t colon = host_port.rfind(':');
  Endpoint e{host_port.substr(0, colon), host_port.substr(colon + 1)};
  if (e.host.size() >= 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
  std::transform(e.host.begin(), e.host.end(), e.host.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return e;
}

bool IsWildcard(const std::string& host) {
  return host == "0.0.0.0" || host == "::";
}

// Two listeners on one socket: the second bind would fail at start.
void CheckDistinctListeners(const NodeConfig& c, std::vector<Status>& problems) {
  const std::pair<const char*, std::string> listeners[] = {
      {"peer.listen", c.peer_listen},
      {"client.listen", c.client_listen},
      {"metrics.listen", c.metrics_listen},
  };
  for (size_t i = 0; i < std::size(listeners); ++i) {
    for (size_t j = i + 1; j < std::size(listeners); ++j) {
      if (listeners[i].second.empty() || listeners[j].second.empty()) continue;
      const Endpoint a = SplitEndpoint(listeners[i].second);
      const Endpoint b = SplitEndpoint(listeners[j].second);
      if (a.port != b.port) continue;
      if (a.host != b.host && !IsWildcard(a.host) && !IsWildcard(b.host)) continue;
      problems.push_back(Status::InvalidArgument(
          std::string(listeners[i].first) + " " + listeners[i].second + " and " +
          listeners[j].first + " " + listeners[j].second + " are the same socket"));
    }
  }
}

bool Writable(const fs::path& dir) {
  return ::access(dir.c_str(), W_OK | X_OK) == 0;
}

// What the node will find at data_dir: the state for the summary, or a problem.
Result<std::string> CheckDataDir(const std::string& data_dir) {
  std::error_code ec;
  const fs::path dir = fs::absolute(data_dir, ec);
  if (ec) return Status::InvalidArgument("data_dir " + data_dir + ": " + ec.message());
  const fs::file_status st = fs::status(dir, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      return Status::InvalidArgument("data_dir " + data_dir + " exists and is not a directory");
    }
    if (!Writable(dir)) {
      return Status::InvalidArgument("data_dir " + data_dir +
                                     " is not writable by this user: " + std::strerror(errno));
    }
    return std::string(fs::exists(dir / "db", ec) ? "holds a store (not opened)"
                                                  : "exists, no store yet");
  }
  // The node creates it (and its parents) at start: the nearest existing ancestor decides.
  fs::path ancestor = dir.parent_path();
  while (!ancestor.empty() && !fs::exists(ancestor, ec) && ancestor != ancestor.parent_path()) {
    ancestor = ancestor.parent_path();
  }
  if (!fs::is_directory(ancestor, ec) || !Writable(ancestor)) {
    return Status::InvalidArgument("data_dir " + data_dir + " does not exist and cannot be " +
                                   "created: " + ancestor.string() +
                                   " is not a directory this user may write");
  }
  return std::string("will be created at start");
}

std::string Summary(const std::string& path, const NodeConfig& c, const ValidatorSetup& setup,
                    const std::string& data_dir_state) {
  const v1::Genesis& g = setup.genesis.genesis;
  const v1::Validator& self = g.validators(static_cast<int>(setup.self));
  auto row = [](const std::string& name, const std::string& value) {
    std::string line = "  " + name;
    line.resize(16, ' ');
    return line + value + "\n";
  };
  std::string out = "config OK: " + path + "\n";
  out += row("validator", self.id() + " of " + self.org_id() + ", " +
                              std::to_string(setup.self + 1) + " of " +
                              std::to_string(g.validators_size()) + " in the genesis (quorum " +
                              std::to_string(setup.genesis.validators.Quorum()) + ")");
  out += row("chain", g.chain_id() + ", genesis " + setup.genesis.hash.Hex());
  out += row("peers", "listen " + c.peer_listen + " (mutual TLS), dial " +
                          std::to_string(setup.dial_addresses.size()) + " validators");
  out += row("clients", c.client_listen +
                            (c.client_tls_cert_path.empty() ? " (plaintext, loopback)" : " (TLS)"));
  out +=
      row("metrics", c.metrics_listen.empty() ? "off" : "http://" + c.metrics_listen + "/metrics");
  out += row("data dir", c.data_dir + " (" + data_dir_state + ")");
  out.pop_back();
  return out;
}

}  // namespace

ConfigCheck CheckNodeConfigFile(const std::string& config_path) {
  ConfigCheck check;
  Result<NodeConfig> loaded = LoadNodeConfig(config_path);
  if (!loaded.ok()) {
    check.problems.push_back(loaded.status());
    return check;
  }
  const NodeConfig& config = *loaded;
  const std::vector<NamedFile> files = ReadNamedFiles(config, check.problems);

  std::optional<ValidatorSetup> setup;
  bool peer_certificate_refused = false;
  if (check.problems.empty()) {  // else PrepareValidator would repeat the first of them
    Result<ValidatorSetup> prepared = PrepareValidator(config);
    if (prepared.ok()) {
      setup = std::move(*prepared);
    } else {
      check.problems.push_back(prepared.status());
      peer_certificate_refused =
          prepared.status().message().find(config.peer_tls_cert_path) != std::string::npos;
    }
  }
  const std::string& peer_cert = TextOf(files, "peer.tls_cert");
  const std::string& peer_key = TextOf(files, "peer.tls_key");
  if (!peer_cert.empty() && !peer_key.empty()) {
    Status s = CheckTlsKeyPairOnce(config.peer_tls_cert_path, peer_cert, config.peer_tls_key_path,
                                   peer_key, !peer_certificate_refused);
    AddProblemOnce(s, check.problems);
  }
  const std::string& client_cert = TextOf(files, "client.tls_cert");
  const std::string& client_key = TextOf(files, "client.tls_key");
  if (!client_cert.empty() && !client_key.empty()) {
    Status s = CheckTlsKeyPair(config.client_tls_cert_path, client_cert, config.client_tls_key_path,
                               client_key);
    AddProblemOnce(s, check.problems);
  }
  CheckDistinctListeners(config, check.problems);
  Result<std::string> data_dir_state = CheckDataDir(config.data_dir);
  if (!data_dir_state.ok()) check.problems.push_back(data_dir_state.status());

  if (check.problems.empty() && setup) {
    check.summary = Summary(config_path, config, *setup, *data_dir_state);
  }
  return check;
}

int RunConfigCheck(const std::string& config_path) {
  const ConfigCheck check = CheckNodeConfigFile(config_path);
  if (check.ok()) {
    std::printf("%s\n", check.summary.c_str());
    return kExitOk;
  }
  for (const Status& problem : check.problems) {
    std::fprintf(stderr, "tadorid: %s\n", problem.ToString().c_str());
  }
  std::fprintf(stderr, "tadorid: %s: %zu problem%s; the node would not start\n",
               config_path.c_str(), check.problems.size(), check.problems.size() == 1 ? "" : "s");
  return kExitConfig;
}

}  // namespace tadori
