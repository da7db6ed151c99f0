// One node address as a tool accepts it, and where --node comes from: the --node flag, else
// $TADORI_NODE, else the local default. Lists of addresses are in node_list.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace tadori::client {

// Where `tadori --dev` listens unless told otherwise.
inline constexpr std::string_view kDefaultNodeAddress = "127.0.0.1:7050";
// The environment variable consulted when no --node flag is given.
inline constexpr std::string_view kNodeEnvVar = "TADORI_NODE";

// The --node text chosen among the sources: `flag` when given and non-empty, else
// `env_value` (the value of $TADORI_NODE, or nullptr when unset) when non-empty; nullopt
// means neither, so the default applies. `source` names it for error messages.
struct NodeSetting {
  std::string text;
  std::string_view source;  // "--node" or "$TADORI_NODE"
};
std::optional<NodeSetting> ChooseNodeSetting(const std::optional<std::string>& flag,
                                             const char* env_value);

// Checks one address: HOST:PORT (HOST a name, an IPv4 address or a bracketed IPv6 address;
// PORT 1..65535) or a gRPC "unix:" / "dns:" target; anything else is INVALID_ARGUMENT.
Status ValidateNodeAddress(std::string_view address);

}  // namespace tadori::client
