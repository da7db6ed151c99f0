// Which nodes a tool talks to: --node (or $TADORI_NODE) as one address or a comma-separated
// list of the nodes of one network, e.g. `--node 127.0.0.1:7150,127.0.0.1:7151`.
//
// One address is what it always was. With several, a tool starts with one of them and moves
// on to the next when that one cannot answer (see failover.h); the load generator also
// spreads its clients over them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace tadori::client {

// More addresses than any consortium this tool sets up has validators.
inline constexpr size_t kNodeListMax = 64;

// Splits `text` at commas into node addresses, each checked by ValidateNodeAddress
// (node_address.h); blanks around an entry are ignored. INVALID_ARGUMENT for an empty list or
// entry, a bad address, one named twice (a duplicate would silently double that node's
// share), or more than kNodeListMax entries.
Result<std::vector<std::string>> ParseNodeList(std::string_view text);

// The list from `flag` when given and non-empty, else from `env_value` (the value of
// $TADORI_NODE, or nullptr when unset) when non-empty, else the one default node. A bad
// list is INVALID_ARGUMENT naming where it came from ("--node" or "$TADORI_NODE").
Result<std::vector<std::string>> ResolveNodeList(const std::optional<std::string>& flag,
                                                 const char* env_value);

// "a:1, b:2" for reports and messages.
std::string JoinNodeList(const std::vector<std::string>& nodes);

}  // namespace tadori::client
