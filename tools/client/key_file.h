// Private key files: PKCS#8 PEM on disk, readable only by their owner.
#pragma once

#include <string>

#include "ledger/keys.h"
#include "ledger/status.h"

namespace tadori::client {

// The environment variable consulted when no --key flag is given.
inline constexpr const char* kKeyEnvVar = "TADORI_KEY";

// Reads and parses the PEM private key at `path`.
// Failures, each naming the path: empty path -> INVALID_ARGUMENT ("no key file given");
// missing file -> NOT_FOUND; unreadable (permissions, a directory) -> PERMISSION_DENIED or
// INVALID_ARGUMENT; larger than kPemBytesMax or not a PEM private key -> INVALID_ARGUMENT.
Result<PrivateKey> LoadPrivateKeyFile(const std::string& path);

// Writes `key` as PKCS#8 PEM to `path` with mode 0600. Without `overwrite` an existing
// file is left untouched and the result is ALREADY_EXISTS. With `overwrite` the file is
// replaced and its mode reset to 0600. Other I/O failures are INTERNAL or
// PERMISSION_DENIED with the OS error text.
Status WritePrivateKeyFile(const std::string& path, const PrivateKey& key, bool overwrite);

// Reads a whole file of at most `size_bytes_max` bytes; "-" reads standard input.
// Missing -> NOT_FOUND; too large -> INVALID_ARGUMENT; other failures -> PERMISSION_DENIED
// or INTERNAL.
Result<std::string> ReadInputFile(const std::string& path, size_t size_bytes_max);

}  // namespace tadori::client
