// Which nodes a load run drives: --node (or $TADORI_NODE) as a comma-separated list.
//
// One address is the single-node run it always was; several spread the clients over a
// network's nodes round-robin (client c submits to node c % n), so the run measures what
// the network commits, not one node's admission.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace tadori::loadgen {

// Splits `text` at commas into node addresses, each checked like client::ValidateNodeAddress;
// blanks around an entry are ignored. INVALID_ARGUMENT for an empty list or entry, a bad
// address, or one named twice (a duplicate would silently double that node's share).
Result<std::vector<std::string>> ParseNodeList(std::string_view text);

// Chooses the list as client::ResolveNodeAddress chooses one address: `flag` when given and
// non-empty, else `env_value` ($TADORI_NODE) when non-empty, else the default node; an error
// names where the bad value came from.
Result<std::vector<std::string>> ResolveNodeList(const std::optional<std::string>& flag,
                                                 const char* env_value);

// "a:1, b:2" for the report.
std::string JoinNodeList(const std::vector<std::string>& nodes);

}  // namespace tadori::loadgen
