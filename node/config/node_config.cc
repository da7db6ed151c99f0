#include "node/config/node_config.h"

#include <arpa/inet.h>

#include <toml++/toml.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>

#include "ledger/files.h"

namespace tadori {

namespace {

namespace fs = std::filesystem;

// A config file is a few hundred bytes; anything much larger is not one.
constexpr size_t kConfigBytesMax = 1 << 20;

constexpr std::array<std::string_view, 5> kLogLevels = {"trace", "debug", "info", "warn", "error"};

// Splits "host:port" / "[v6]:port" into its parts; nullopt when it is not of that form.
struct HostPort {
  std::string_view host;
  std::string_view port;  // empty when absent
};

std::optional<HostPort> SplitHostPort(std::string_view s) {
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    return HostPort{s.substr(1, close - 1), rest.empty() ? rest : rest.substr(1)};
  }
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return HostPort{s, {}};
  // More than one colon without brackets: a bare IPv6 address, no port.
  if (s.find(':', colon + 1) != std::string_view::npos) return HostPort{s, {}};
  return HostPort{s.substr(0, colon), s.substr(colon + 1)};
}

bool IsValidPort(std::string_view port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

// True for "host:port" with a non-empty host and a port in 1..65535.
bool IsListenAddress(std::string_view s) {
  std::optional<HostPort> hp = SplitHostPort(s);
  return hp && !hp->host.empty() && IsValidPort(hp->port);
}

// Reads one TOML document into a NodeConfig, collecting the first error with its place.
class ConfigReader {
 public:
  explicit ConfigReader(const std::string& path) : path_(path) {
    dir_ = fs::path(path).parent_path();
  }

  Result<NodeConfig> Read(const toml::table& root) {
    NodeConfig c;
    // The role decides which keys belong in the file, so it is read first.
    if (const toml::node* n = root.get("role")) {
      std::string role;
      TADORI_RETURN_IF_ERROR(AsString(*n, "role", &role));
      if (role == "observer") {
        c.role = NodeRole::kObserver;
      } else if (role != "validator") {
        return Error(*n, "role", "'" + role + "' is not one of validator, observer");
      }
    }
    const bool observer = c.role == NodeRole::kObserver;
    TADORI_RETURN_IF_ERROR(CheckRoleKeys(root, observer));
    static const std::set<std::string_view> kValidatorTopKeys = {
        "role", "validator_id", "data_dir", "genesis",   "consensus_key", "log_level",
        "peer", "client",       "metrics",  "consensus", "peers"};
    static const std::set<std::string_view> kObserverTopKeys = {
        "role", "node_id", "data_dir", "genesis", "log_level", "client", "metrics", "follow"};
    TADORI_RETURN_IF_ERROR(CheckKeys(
        root, "", observer ? kObserverTopKeys : kValidatorTopKeys,
        observer ? "client, metrics, follow" : "peer, client, metrics, consensus, peers"));

    if (observer) {
      TADORI_RETURN_IF_ERROR(RequiredString(root, "", "node_id", &c.node_id));
      TADORI_RETURN_IF_ERROR(CheckNodeId(*root.get("node_id"), c.node_id));
    } else {
      TADORI_RETURN_IF_ERROR(RequiredString(root, "", "validator_id", &c.validator_id));
    }
    TADORI_RETURN_IF_ERROR(RequiredPath(root, "", "data_dir", &c.data_dir));
    TADORI_RETURN_IF_ERROR(RequiredPath(root, "", "genesis", &c.genesis_path));
    if (!observer) {
      TADORI_RETURN_IF_ERROR(RequiredPath(root, "", "consensus_key", &c.consensus_key_path));
    }
    if (const toml::node* n = root.get("log_level")) {
      TADORI_RETURN_IF_ERROR(AsString(*n, "log_level", &c.log_level));
      if (std::find(kLogLevels.begin(), kLogLevels.end(), c.log_level) == kLogLevels.end()) {
        return Error(*n, "log_level",
                     "'" + c.log_level + "' is not one of trace, debug, info, warn, error");
      }
    }
    if (observer) {
      TADORI_RETURN_IF_ERROR(ReadClientAndMetrics(root, c));
      TADORI_RETURN_IF_ERROR(ReadFollow(root, c));
      return c;
    }

    // [peer]
    TADORI_ASSIGN_OR_RETURN(const toml::table* peer, Section(root, "peer", /*required=*/true));
    TADORI_RETURN_IF_ERROR(CheckKeys(*peer, "peer", {"listen", "tls_cert", "tls_key"}));
    TADORI_RETURN_IF_ERROR(ListenAddress(*peer, "peer", /*required=*/true, &c.peer_listen));
    TADORI_RETURN_IF_ERROR(RequiredPath(*peer, "peer", "tls_cert", &c.peer_tls_cert_path));
    TADORI_RETURN_IF_ERROR(RequiredPath(*peer, "peer", "tls_key", &c.peer_tls_key_path));

    TADORI_RETURN_IF_ERROR(ReadClientAndMetrics(root, c));

    // [consensus]
    TADORI_ASSIGN_OR_RETURN(const toml::table* consensus,
                            Section(root, "consensus", /*required=*/false));
    if (consensus != nullptr) {
      TADORI_RETURN_IF_ERROR(
          CheckKeys(*consensus, "consensus", {"block_tx_max", "round_timeout_ms"}));
      TADORI_RETURN_IF_ERROR(
          Integer(*consensus, "consensus", "block_tx_max", 1, 10000, &c.block_tx_max));
      TADORI_RETURN_IF_ERROR(
          Integer(*consensus, "consensus", "round_timeout_ms", 100, 60000, &c.round_timeout_ms));
    }

    // [peers]: any validator id may be a key, so only the values are checked.
    TADORI_ASSIGN_OR_RETURN(const toml::table* peers, Section(root, "peers", /*required=*/false));
    if (peers != nullptr) {
      for (auto&& [key, value] : *peers) {
        std::string name = "peers." + std::string(key.str());
        std::string address;
        TADORI_RETURN_IF_ERROR(AsString(value, name, &address));
        if (!IsListenAddress(address)) {
          return Error(value, name, "'" + address + "' is not a HOST:PORT address");
        }
        c.peers.emplace(std::string(key.str()), std::move(address));
      }
    }
    return c;
  }

 private:
  // [client] and [metrics], the same for both roles.
  Status ReadClientAndMetrics(const toml::table& root, NodeConfig& c) const {
    // [client]
    TADORI_ASSIGN_OR_RETURN(const toml::table* client, Section(root, "client", /*required=*/true));
    TADORI_RETURN_IF_ERROR(CheckKeys(*client, "client", {"listen", "tls_cert", "tls_key"}));
    TADORI_RETURN_IF_ERROR(ListenAddress(*client, "client", /*required=*/true, &c.client_listen));
    TADORI_RETURN_IF_ERROR(OptionalPath(*client, "client", "tls_cert", &c.client_tls_cert_path));
    TADORI_RETURN_IF_ERROR(OptionalPath(*client, "client", "tls_key", &c.client_tls_key_path));
    if (c.client_tls_cert_path.empty() != c.client_tls_key_path.empty()) {
      const char* missing = c.client_tls_cert_path.empty() ? "tls_cert" : "tls_key";
      return Error(*client, std::string("client.") + missing,
                   "required when the other of tls_cert / tls_key is set");
    }
    if (c.client_tls_cert_path.empty() && !IsLoopbackAddress(c.client_listen)) {
      return Error(*client->get("listen"), "client.listen",
                   "'" + c.client_listen +
                       "' is not a loopback address, so [client] needs tls_cert and tls_key "
                       "(plaintext is only allowed on 127.0.0.0/8, ::1 and localhost)");
    }

    // [metrics]
    TADORI_ASSIGN_OR_RETURN(const toml::table* metrics,
                            Section(root, "metrics", /*required=*/false));
    if (metrics != nullptr) {
      TADORI_RETURN_IF_ERROR(CheckKeys(*metrics, "metrics", {"listen"}));
      TADORI_RETURN_IF_ERROR(
          ListenAddress(*metrics, "metrics", /*required=*/false, &c.metrics_listen));
    }

    return Status::Ok();
  }

  // [follow] of an observer.
  Status ReadFollow(const toml::table& root, NodeConfig& c) const {
    TADORI_ASSIGN_OR_RETURN(const toml::table* follow, Section(root, "follow", /*required=*/true));
    TADORI_RETURN_IF_ERROR(CheckKeys(*follow, "follow", {"validators", "stall_ms"}));
    const toml::node* n = follow->get("validators");
    if (n == nullptr)
      return ErrorAt(follow->source(), "follow.validators", "required key is missing");
    std::vector<std::string> listed;
    if (const toml::array* a = n->as_array()) {
      for (const toml::node& item : *a) {
        std::string address;
        TADORI_RETURN_IF_ERROR(AsString(item, "follow.validators", &address));
        listed.push_back(std::move(address));
      }
    } else {
      std::string text;
      TADORI_RETURN_IF_ERROR(AsString(*n, "follow.validators", &text));
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        listed.push_back(Trimmed(std::string_view(text).substr(start, comma - start)));
        start = comma + 1;
      }
    }
    for (std::string& address : listed) {
      if (!IsListenAddress(address)) {
        return Error(*n, "follow.validators",
                     "'" + address + "' is not a HOST:PORT address with a port in 1..65535");
      }
      if (std::find(c.follow_validators.begin(), c.follow_validators.end(), address) !=
          c.follow_validators.end()) {
        return Error(*n, "follow.validators", "'" + address + "' is listed twice");
      }
      c.follow_validators.push_back(std::move(address));
    }
    if (c.follow_validators.empty()) {
      return Error(*n, "follow.validators", "names no validator to follow");
    }
    if (c.follow_validators.size() > kFollowValidatorsMax) {
      return Error(*n, "follow.validators",
                   "lists more than " + std::to_string(kFollowValidatorsMax) + " addresses");
    }
    if (c.client_tls_cert_path.empty()) {
      for (const std::string& address : c.follow_validators) {
        if (!IsLoopbackAddress(address)) {
          return Error(*n, "follow.validators",
                       "'" + address +
                           "' is not a loopback address, so [client] needs tls_cert and tls_key "
                           "(the observer presents them to the validators it follows)");
        }
      }
    }
    TADORI_RETURN_IF_ERROR(Integer(*follow, "follow", "stall_ms", kFollowStallMsMin,
                                   kFollowStallMsMax, &c.follow_stall_ms));
    return Status::Ok();
  }

  static std::string Trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
  }

  // Keys of the other role are refused with the reason, before the generic unknown-key check.
  Status CheckRoleKeys(const toml::table& root, bool observer) const {
    static const std::set<std::string_view> kValidatorOnly = {"validator_id", "consensus_key",
                                                              "peer", "consensus", "peers"};
    static const std::set<std::string_view> kObserverOnly = {"node_id", "follow"};
    for (auto&& [key, value] : root) {
      if (observer && kValidatorOnly.count(key.str()) != 0) {
        return ErrorAt(key.source(), key.str(),
                       "not used by an observer (role = \"observer\"): an observer has no "
                       "consensus key, no peer links and never votes");
      }
      if (!observer && kObserverOnly.count(key.str()) != 0) {
        return ErrorAt(key.source(), key.str(),
                       "only for role = \"observer\" (this file is a validator's)");
      }
    }
    return Status::Ok();
  }

  Status CheckNodeId(const toml::node& n, const std::string& id) const {
    if (id.size() > kNodeIdBytesMax) {
      return Error(n, "node_id", "longer than " + std::to_string(kNodeIdBytesMax) + " bytes");
    }
    for (char ch : id) {
      if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '.' || ch == '_' || ch == '-')) {
        return Error(n, "node_id", "'" + id + "' has a character outside A-Z a-z 0-9 . _ -");
      }
    }
    return Status::Ok();
  }
  static std::string Qualified(std::string_view section, std::string_view key) {
    if (section.empty()) return std::string(key);
    return std::string(section) + "." + std::string(key);
  }

  Status ErrorAt(const toml::source_region& where, std::string_view key,
                 std::string_view what) const {
    // The root table has no source; its errors belong to the start of the file.
    uint32_t line = where.begin.line == 0 ? 1 : where.begin.line;
    return Status::InvalidArgument(path_ + ":" + std::to_string(line) + ": " + std::string(key) +
                                   ": " + std::string(what));
  }
  Status Error(const toml::node& node, std::string_view key, std::string_view what) const {
    return ErrorAt(node.source(), key, what);
  }

  Status CheckKeys(const toml::table& table, std::string_view section,
                   const std::set<std::string_view>& known,
                   std::string_view known_sections = {}) const {
    for (auto&& [key, value] : table) {
      if (known.count(key.str()) != 0) continue;
      if (section.empty() && value.is_table()) {
        return ErrorAt(key.source(), key.str(),
                       "unknown section [" + std::string(key.str()) +
                           "] (known: " + std::string(known_sections) + ")");
      }
      return ErrorAt(key.source(), Qualified(section, key.str()), "unknown key");
    }
    return Status::Ok();
  }

  Result<const toml::table*> Section(const toml::table& root, std::string_view name,
                                     bool required) const {
    const toml::node* n = root.get(name);
    if (n == nullptr) {
      if (!required) return static_cast<const toml::table*>(nullptr);
      return ErrorAt(root.source(), "[" + std::string(name) + "]", "required section is missing");
    }
    const toml::table* t = n->as_table();
    if (t == nullptr) {
      return Error(*n, name, "expected a section (table), found " + TypeName(*n));
    }
    return t;
  }

  static std::string TypeName(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::table:
        return "a table";
      case toml::node_type::array:
        return "an array";
      case toml::node_type::string:
        return "a string";
      case toml::node_type::integer:
        return "an integer";
      case toml::node_type::floating_point:
        return "a float";
      case toml::node_type::boolean:
        return "a boolean";
      case toml::node_type::date:
        return "a date";
      case toml::node_type::time:
        return "a time";
      case toml::node_type::date_time:
        return "a date-time";
      default:
        return "another value";
    }
  }

  Status AsString(const toml::node& n, std::string_view name, std::string* out) const {
    const toml::value<std::string>* s = n.as_string();
    if (s == nullptr) return Error(n, name, "expected a string, found " + TypeName(n));
    *out = s->get();
    return Status::Ok();
  }

  Status RequiredString(const toml::table& table, std::string_view section, std::string_view key,
                        std::string* out) const {
    std::string name = Qualified(section, key);
    const toml::node* n = table.get(key);
    if (n == nullptr) return ErrorAt(table.source(), name, "required key is missing");
    TADORI_RETURN_IF_ERROR(AsString(*n, name, out));
    if (out->empty()) return Error(*n, name, "must not be empty");
    return Status::Ok();
  }

  std::string Resolve(const std::string& value) const {
    fs::path p(value);
    if (p.is_absolute() || dir_.empty()) return value;
    return (dir_ / p).string();
  }

  Status RequiredPath(const toml::table& table, std::string_view section, std::string_view key,
                      std::string* out) const {
    TADORI_RETURN_IF_ERROR(RequiredString(table, section, key, out));
    *out = Resolve(*out);
    return Status::Ok();
  }

  Status OptionalPath(const toml::table& table, std::string_view section, std::string_view key,
                      std::string* out) const {
    const toml::node* n = table.get(key);
    if (n == nullptr) return Status::Ok();
    TADORI_RETURN_IF_ERROR(AsString(*n, Qualified(section, key), out));
    if (!out->empty()) *out = Resolve(*out);
    return Status::Ok();
  }

  Status ListenAddress(const toml::table& table, std::string_view section, bool required,
                       std::string* out) const {
    std::string name = Qualified(section, "listen");
    const toml::node* n = table.get("listen");
    if (n == nullptr) {
      if (!required) return Status::Ok();
      return ErrorAt(table.source(), name, "required key is missing");
    }
    TADORI_RETURN_IF_ERROR(AsString(*n, name, out));
    if (out->empty()) {
      if (!required) return Status::Ok();  // "" = off
      return Error(*n, name, "must not be empty");
    }
    if (!IsListenAddress(*out)) {
      return Error(*n, name, "'" + *out + "' is not a HOST:PORT address with a port in 1..65535");
    }
    return Status::Ok();
  }

  Status Integer(const toml::table& table, std::string_view section, std::string_view key,
                 int64_t min, int64_t max, uint32_t* out) const {
    std::string name = Qualified(section, key);
    const toml::node* n = table.get(key);
    if (n == nullptr) return Status::Ok();
    const toml::value<int64_t>* v = n->as_integer();
    if (v == nullptr) return Error(*n, name, "expected an integer, found " + TypeName(*n));
    int64_t value = v->get();
    if (value < min || value > max) {
      return Error(*n, name,
                   std::to_string(value) + " is out of range " + std::to_string(min) + ".." +
                       std::to_string(max));
    }
    *out = static_cast<uint32_t>(value);
    return Status::Ok();
  }

  std::string path_;
  fs::path dir_;
};

// TOML basic string: quotes, backslashes and control characters escaped; UTF-8 kept as is.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    unsigned char u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", u);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

// A bare key when TOML allows one, else a quoted key.
std::string Key(std::string_view k) {
  bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-';
  });
  return bare ? std::string(k) : Quote(k);
}

}  // namespace

Result<NodeConfig> ParseNodeConfig(std::string_view text, const std::string& path) {
  // toml++ reports syntax errors by exception; they end here, as a Status.
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.source().begin.line) + ":" +
                                   std::to_string(e.source().begin.column) +
                                   ": TOML syntax: " + std::string(e.description()));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(path + ": " + e.what());
  }
  return ConfigReader(path).Read(root);
}

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  Result<std::string> text = ReadFileToString(path, kConfigBytesMax);
  // NOT_FOUND when unreadable; INVALID_ARGUMENT when too large to be a config.
  if (!text.ok()) return text.status();
  return ParseNodeConfig(*text, path);
}

std::string_view NodeRoleName(NodeRole role) {
  return role == NodeRole::kObserver ? "observer" : "validator";
}

bool IsLoopbackAddress(std::string_view host_port) {
  std::optional<HostPort> hp = SplitHostPort(host_port);
  if (!hp || hp->host.empty()) return false;
  std::string host(hp->host);
  std::string lower = host;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (lower == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    // ::ffff:127.x.y.z is the IPv4 loopback seen through an IPv6 socket.
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

std::string RenderNodeConfig(const NodeConfig& c) {
  std::string out;
  auto line = [&out](std::string_view key, const std::string& value, std::string_view comment) {
    std::string l = std::string(key) + " = " + value;
    if (!comment.empty()) {
      if (l.size() < 38)
        l.resize(38, ' ');
      else
        l += "  ";
      l += "# ";
      l += comment;
    }
    out += l;
    out += '\n';
  };
  const bool observer = c.role == NodeRole::kObserver;
  out += "# tadorid node configuration: tadorid --config <this file>\n";
  out += "# Relative paths are relative to the directory of this file.\n\n";
  if (observer) {
    line("role", Quote("observer"), "follows and verifies the chain; never votes");
    line("node_id", Quote(c.node_id), "the CN of its observer certificate");
  } else {
    line("validator_id", Quote(c.validator_id), "this node's validator in the genesis");
  }
  line("data_dir", Quote(c.data_dir), "blocks and state");
  line("genesis", Quote(c.genesis_path), "the consortium's genesis.json");
  if (!observer) line("consensus_key", Quote(c.consensus_key_path), "PEM private key, mode 0600");
  line("log_level", Quote(c.log_level), "trace|debug|info|warn|error");

  if (!observer) {
    out += "\n[peer]                                # validator links, mutual TLS\n";
    line("listen", Quote(c.peer_listen), "");
    line("tls_cert", Quote(c.peer_tls_cert_path), "issued by the organisation's CA");
    line("tls_key", Quote(c.peer_tls_key_path), "");
  }

  out += observer
             ? "\n[client]                              # Ledger / Trace API; its certificate "
               "calls the validators too\n"
             : "\n[client]                              # Ledger / Trace API for integrators\n";
  line("listen", Quote(c.client_listen),
       c.client_tls_cert_path.empty() ? "plaintext: loopback only" : "");
  if (!c.client_tls_cert_path.empty() || !c.client_tls_key_path.empty()) {
    line("tls_cert", Quote(c.client_tls_cert_path), "");
    line("tls_key", Quote(c.client_tls_key_path), "");
  }

  out += "\n[metrics]\n";
  line("listen", Quote(c.metrics_listen), "Prometheus /metrics; \"\" = off");

  if (observer) {
    out += "\n[follow]                              # the validators' client API addresses\n";
    std::string list;
    for (const std::string& address : c.follow_validators) {
      if (!list.empty()) list += ",";
      list += address;
    }
    line("validators", Quote(list), "tried in turn");
    line("stall_ms", std::to_string(c.follow_stall_ms), "no new block for this long: next one");
    return out;
  }

  out += "\n[consensus]\n";
  line("block_tx_max", std::to_string(c.block_tx_max), "1..10000");
  line("round_timeout_ms", std::to_string(c.round_timeout_ms), "100..60000, the first round");

  out += "\n[peers]                               # where to dial the other validators\n";
  for (const auto& [id, address] : c.peers) line(Key(id), Quote(address), "");
  return out;
}

}  // namespace tadori
