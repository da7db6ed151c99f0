// TempDir: a fresh directory under /tmp for one test, removed with everything in it when the
// object goes. The one scratch-directory helper of every test binary.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "ledger/check.h"

namespace tadori::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/tadori-test-XXXXXX";
    TADORI_CHECK(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace tadori::testing
