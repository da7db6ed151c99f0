// Files the CLI writes for people (pictures): complete or not at all.
#pragma once

#include <string>
#include <string_view>

#include "ledger/status.h"

namespace tadori::cli {

// Writes `contents` to `path` (mode 0644), replacing a file already there, through a
// temporary file in the same directory that is synced and then renamed over `path`: a
// failure at any step (no such directory, no permission, disk full, `path` a directory)
// leaves no partial file and no temporary behind, and an existing `path` unchanged.
// INTERNAL naming the path and the system's reason on failure.
Status ReplaceFile(const std::string& path, std::string_view contents);

// ReplaceFile, except that "-" writes `contents` to stdout as they are.
Status WriteOutput(const std::string& path_or_dash, std::string_view contents);

}  // namespace tadori::cli
