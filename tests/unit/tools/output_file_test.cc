#include "tools/cli/output_file.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace tadori::cli {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t Entries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(OutputFileTest, ReplacesAnExistingFileWholeAndLeavesNoTemporary) {
  tadori::testing::TempDir dir;
  const std::string path = dir.path() + "/trace.svg";
  { std::ofstream(path) << "an older, longer picture that must not survive in part"; }
  ASSERT_TRUE(ReplaceFile(path, "<svg/>\n").ok());
  EXPECT_EQ(Slurp(path), "<svg/>\n");
  EXPECT_EQ(Entries(dir.path()), 1u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(OutputFileTest, AMissingDirectoryIsAnErrorNamingThePath) {
  tadori::testing::TempDir dir;
  const std::string path = dir.path() + "/no/such/dir/trace.svg";
  const Status s = ReplaceFile(path, "<svg/>");
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(s.message(), "creating a file beside " + path + ": No such file or directory");
  EXPECT_EQ(Entries(dir.path()), 0u);
}

TEST(OutputFileTest, ADirectoryInTheWayIsNotReplacedAndNothingIsLeftBehind) {
  tadori::testing::TempDir dir;
  const std::string path = dir.path() + "/plot.svg";
  ASSERT_TRUE(std::filesystem::create_directory(path));
  const Status s = ReplaceFile(path, "<svg/>");
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(s.message(), "replacing " + path + ": Is a directory");
  EXPECT_EQ(Entries(dir.path()), 1u);  // the directory, no temporary beside it
  EXPECT_TRUE(std::filesystem::is_directory(path));
}

TEST(OutputFileTest, DashWritesToStdout) {
  ::testing::internal::CaptureStdout();
  const Status s = WriteOutput("-", "<svg/>\n");
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "<svg/>\n");
  EXPECT_TRUE(s.ok()) << s.ToString();
}

}  // namespace
}  // namespace tadori::cli
