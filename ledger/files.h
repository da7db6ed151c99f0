// Files of a node or a consortium: keys, certificates, configs, genesis. Written once and
// synced (a key that a crash could leave half-written is a key lost), read with a size
// bound (a file is input like any other).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "ledger/status.h"

namespace tadori {

// Writes `contents` to a new file at `path` with `mode` and syncs it, refusing to replace an
// existing file.
Status WriteNewFile(const std::string& path, const std::string& contents, mode_t mode);
// WriteNewFile with mode 0600: keys.
inline Status WritePrivateFile(const std::string& path, const std::string& contents) {
  return WriteNewFile(path, contents, 0600);
}
Result<std::string> ReadFileToString(const std::string& path, size_t bytes_max);

}  // namespace tadori
