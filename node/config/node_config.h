// NodeConfig: what `tadorid --config FILE.toml` runs, read from a TOML file. Two roles:
// a validator (the default) and an observer.
//
// A validator:
//   role          = "validator"           # optional; the default
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
// An observer (node/daemon/observer_node.h): follows the chain, verifies and re-executes
// every block, never votes, and serves the client API. It has no consensus key and no peer
// links, so validator_id, consensus_key, [peer], [consensus] and [peers] are refused, as
// [follow] and node_id are in a validator's file:
//   role      = "observer"
//   node_id   = "audit-observer-1"        # required: the CN of its observer certificate; not
//                                         #   a validator id of the genesis (checked at start)
//   data_dir  = "data"                    # required
//   genesis   = "../genesis.json"         # required
//   log_level = "info"
//
//   [client]                              # its own client API, as a validator's; tls_cert /
//   listen   = "127.0.0.1:7400"           #   tls_key are its observer certificate, issued by
//   tls_cert = "observer.crt"             #   its organisation's CA, which it also presents to
//   tls_key  = "observer.key"             #   the validators it follows
//
//   [metrics]
//   listen = "127.0.0.1:7500"
//
//   [follow]
//   validators = "127.0.0.1:7200,127.0.0.1:7201"  # required: validators' CLIENT API addresses
//                                         #   (a string, comma-separated, or an array)
//   stall_ms   = 10000                    # 500..600000: a stream with no new block for this
//                                         #   long is left for the next validator
// Without tls_cert the observer calls the validators in plaintext, so every follow address
// must then be loopback too.
//
// Unknown keys or sections, keys of the other role, wrong types and out-of-range values are
// INVALID_ARGUMENT naming the file, the line and the key. Loopback: 127.0.0.0/8, ::1 and
// "localhost".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace tadori {

enum class NodeRole { kValidator, kObserver };

std::string_view NodeRoleName(NodeRole role);  // "validator", "observer"

// The default of [follow] stall_ms and its range.
inline constexpr uint32_t kFollowStallMsDefault = 10'000;
inline constexpr uint32_t kFollowStallMsMin = 500;
inline constexpr uint32_t kFollowStallMsMax = 600'000;
// A node id (observer) is at most this long, in [A-Za-z0-9._-] (it is a certificate CN and a
// DNS name of that certificate).
inline constexpr size_t kNodeIdBytesMax = 64;
// The most validators an observer follows (a consortium's validator count is far below).
inline constexpr size_t kFollowValidatorsMax = 64;

struct NodeConfig {
  NodeRole role = NodeRole::kValidator;
  std::string validator_id;  // validator only
  std::string node_id;       // observer only
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

  // Observer only: the validators' client API addresses, in the order tried, and how long a
  // stream may bring no new block before the observer moves on.
  std::vector<std::string> follow_validators;
  uint32_t follow_stall_ms = kFollowStallMsDefault;
};

// Parses `text`; `path` is used in messages and to resolve relative paths (its directory).
Result<NodeConfig> ParseNodeConfig(std::string_view text, const std::string& path);
// Reads and parses the file; NOT_FOUND when it cannot be read.
Result<NodeConfig> LoadNodeConfig(const std::string& path);

// True for 127.0.0.0/8, [::1] and localhost (with a port: "127.0.0.1:7200").
bool IsLoopbackAddress(std::string_view host_port);

// A TOML config for a node, in the layout above for its role (used by `tadori network new`);
// paths are written as given. For an observer: role, node_id, data_dir, genesis, log_level,
// [client], [metrics] and [follow]; the validator fields are not written.
std::string RenderNodeConfig(const NodeConfig& config);

}  // namespace tadori
