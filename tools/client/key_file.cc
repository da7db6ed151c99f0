#include "tools/client/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/limits.h"

namespace tadori::client {

namespace {

Status ErrnoStatus(const std::string& what, int err) {
  std::string m = what + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
      return Status::NotFound(m);
    case EACCES:
    case EPERM:
      return Status::PermissionDenied(m);
    case EEXIST:
      return Status::AlreadyExists(m);
    case EISDIR:
      return Status::InvalidArgument(m);
    default:
      return Status::Internal(m);
  }
}

// Reads everything from `fd` up to `size_bytes_max` bytes; one byte more is an error.
Result<std::string> ReadAll(int fd, const std::string& name, size_t size_bytes_max) {
  std::string out;
  char buf[16 * 1024];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("reading " + name, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > size_bytes_max) {
      return Status::InvalidArgument(name + " is larger than " + std::to_string(size_bytes_max) +
                                     " bytes");
    }
  }
  return out;
}

}  // namespace

Result<std::string> ReadInputFile(const std::string& path, size_t size_bytes_max) {
  if (path == "-") return ReadAll(STDIN_FILENO, "standard input", size_bytes_max);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, errno);
  Result<std::string> data = ReadAll(fd, path, size_bytes_max);
  ::close(fd);
  return data;
}

Result<PrivateKey> LoadPrivateKeyFile(const std::string& path) {
  if (path.empty()) {
    return Status::InvalidArgument(std::string("no key file given (use --key or $") + kKeyEnvVar +
                                   ")");
  }
  TADORI_ASSIGN_OR_RETURN(std::string pem, ReadInputFile(path, kPemBytesMax));
  Result<PrivateKey> key = PrivateKey::FromPem(pem);
  if (!key.ok()) return key.status().WithContext("key file " + path);
  return key;
}

Status WritePrivateKeyFile(const std::string& path, const PrivateKey& key, bool overwrite) {
  const std::string pem = key.ToPem();
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  const int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Status::AlreadyExists(path + " exists; pass --force to overwrite it");
    }
    return ErrnoStatus(path, errno);
  }
  // open() leaves the mode of an existing file alone; a key must never stay readable by others.
  if (::fchmod(fd, 0600) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoStatus("setting mode 0600 on " + path, err);
  }
  size_t written = 0;
  while (written < pem.size()) {
    const ssize_t n = ::write(fd, pem.data() + written, pem.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return ErrnoStatus("writing " + path, err);
    }
    written += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const int sync_err = errno;
  if (::close(fd) != 0) return ErrnoStatus("closing " + path, errno);
  if (!synced) return ErrnoStatus("syncing " + path, sync_err);
  return Status::Ok();
}

}  // namespace tadori::client
