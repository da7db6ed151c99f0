// NodeConfig: what `tadorid --config FILE.toml` runs, read from a TOML file.
//
//   validator_id  = "farm-1"              # a validator of the genesis (required)
//   data_dir      = "data"                # required; relative paths are relative to the file
//   genesis       = "../genesis.json"     # required
//   consensus_key = "consensus.key"       # required, PEM private key, mode 0600
//   log_level     = "info"                # trace|debug|info|warn|error
//
//   [peer]                                # validator links: mutual TLS, always
//   listen   = "127.0.0.1:7100"           # required
//   tls_cert = "node.crt"                 # required, issued by the organisation's CA
//   tls_key  = "node.key"                 # required
//
//   [client]                              # tadori.v1.Ledger / Trace for integrators
//   listen   = "127.0.0.1:7200"           # required
//   tls_cert = "client-api.crt"           # required unless listen is a loopback address
//   tls_key  = "client-api.key"
//
//   [metrics]
//   listen = "127.0.0.1:7300"             # Prometheus text format on /metrics; "" = off
//
//   [consensus]
//   block_tx_max     = 2000               # 1..10000
//   round_timeout_ms = 1000               # 100..60000, the first round timeout
//
//   [peers]                               # where to dial each other validator; defaults
//   wholesaler-1 = "127.0.0.1:7101"       #   to the address in the genesis
//
// Unknown keys or sections, wrong types and out-of-range values are INVALID_ARGUMENT naming
// the file, the line and the key. Loopback: 127.0.0.0/8, ::1 and "localhost".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace tadori {

struct NodeConfig {
  std::string validator_id;
  std::string data_dir;      // absolute, or relative to the working directory
  std::string genesis_path;  // same
  std::string consensus_key_path;
  std::string log_level = "info";

  std::string peer_listen;
  std::string peer_tls_cert_path;
  std::string peer_tls_key_path;

  std::string client_listen;
  std::string client_tls_cert_path;  // empty: plaintext (loopback only)
  std::string client_tls_key_path;

  std::string metrics_listen;  // empty: no metrics endpoint

  uint32_t block_tx_max = 2000;
  uint32_t round_timeout_ms = 1000;

  std::map<std::string, std::string> peers;  // validator id -> host:port
};

// Parses `text`; `path` is used in messages and to resolve relative paths (its directory).
Result<NodeConfig> ParseNodeConfig(std::string_view text, const std::string& path);
// Reads and parses the file; NOT_FOUND when it cannot be read.
Result<NodeConfig> LoadNodeConfig(const std::string& path);

// True for 127.0.0.0/8, [::1] and localhost (with a port: "127.0.0.1:7200").
bool IsLoopbackAddress(std::string_view host_port);

// A TOML config for a node, in the layout above (used by `tadori network new`); paths are
// written as given.
std::string RenderNodeConfig(const NodeConfig& config);

}  // namespace tadori
