#include "tools/cli/output_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace tadori::cli {

namespace {

Status Failed(std::string_view what, const std::string& path, int err) {
  return Status::Internal(std::string(what) + " " + path + ": " + std::strerror(err));
}

Status WriteAll(int fd, std::string_view contents, const std::string& path) {
  while (!contents.empty()) {
    const ssize_t n = ::write(fd, contents.data(), contents.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Failed("writing", path, errno);
    }
    contents.remove_prefix(static_cast<size_t>(n));
  }
  if (::fchmod(fd, 0644) != 0) return Failed("setting the mode of", path, errno);
  if (::fsync(fd) != 0) return Failed("syncing", path, errno);
  return Status::Ok();
}

}  // namespace

Status ReplaceFile(const std::string& path, std::string_view contents) {
  // The temporary sits beside `path` so that rename() replaces it in one step.
  std::string temp = path + ".tmp-XXXXXX";
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return Failed("creating a file beside", path, errno);
  temp.assign(name.data());
  Status status = WriteAll(fd, contents, path);
  if (::close(fd) != 0 && status.ok()) status = Failed("closing", path, errno);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = Failed("replacing", path, errno);
  }
  if (!status.ok()) ::unlink(temp.c_str());
  return status;
}

Status WriteOutput(const std::string& path_or_dash, std::string_view contents) {
  if (path_or_dash != "-") return ReplaceFile(path_or_dash, contents);
  if (std::fwrite(contents.data(), 1, contents.size(), stdout) != contents.size() ||
      std::fflush(stdout) != 0) {
    return Failed("writing", "stdout", errno);
  }
  return Status::Ok();
}

}  // namespace tadori::cli
