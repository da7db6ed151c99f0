#include "tools/client/node_address.h"

#include <cctype>
#include <charconv>

namespace tadori::client {

namespace {

bool ValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

bool ValidHostName(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// "node address \"x\" <problem>". Built by appending: GCC 12 at -O3 reports a false
// -Wrestrict on chains of `"literal" + std::string`.
Status BadAddress(std::string_view address, std::string_view problem) {
  std::string m = "node address \"";
  m.append(address);
  m.append("\" ");
  m.append(problem);
  return Status::InvalidArgument(std::move(m));
}

}  // namespace

Status ValidateNodeAddress(std::string_view address) {
  // gRPC target URIs name their own scheme; leave them to gRPC.
  if (address.starts_with("unix:") || address.starts_with("dns:")) {
    if (address.find(':') + 1 == address.size()) {
      return BadAddress(address, "names no target");
    }
    return Status::Ok();
  }
  const Status bad = BadAddress(address, "is not HOST:PORT");
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return bad;
  std::string_view host = address.substr(0, colon);
  const std::string_view port = address.substr(colon + 1);
  if (!ValidPort(port)) return BadAddress(address, "is not HOST:PORT (port must be 1..65535)");
  if (host.starts_with('[')) {
    // Bracketed IPv6 literal: hex digits, colons and dots inside the brackets.
    if (host.size() < 3 || !host.ends_with(']')) return bad;
    for (char c : host.substr(1, host.size() - 2)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return bad;
      }
    }
    return Status::Ok();
  }
  if (!ValidHostName(host)) return bad;
  return Status::Ok();
}

std::optional<NodeSetting> ChooseNodeSetting(const std::optional<std::string>& flag,
                                             const char* env_value) {
  if (flag.has_value() && !flag->empty()) return NodeSetting{*flag, "--node"};
  static_assert(kNodeEnvVar == "TADORI_NODE");
  if (env_value != nullptr && env_value[0] != '\0') return NodeSetting{env_value, "$TADORI_NODE"};
  return std::nullopt;
}

}  // namespace tadori::client
