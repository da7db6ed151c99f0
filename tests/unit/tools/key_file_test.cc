#include "tools/client/key_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "ledger/limits.h"

namespace tadori::client {
namespace {

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tadori-key-file-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void WriteText(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(KeyFileTest, WrittenKeyLoadsBackWithSameIdAndMode0600) {
  for (KeyType type : {KeyType::kP256, KeyType::kEd25519}) {
    Result<PrivateKey> key = PrivateKey::Generate(type);
    ASSERT_TRUE(key.ok());
    const std::string path = Path(std::string(KeyTypeName(type)) + ".key");
    ASSERT_TRUE(WritePrivateKeyFile(path, *key, false).ok());
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    Result<PrivateKey> loaded = LoadPrivateKeyFile(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_EQ(loaded->public_key().id(), key->public_key().id());
    EXPECT_EQ(loaded->type(), type);
  }
}

TEST_F(KeyFileTest, RefusesToOverwriteWithoutPermission) {
  const std::string path = Path("taken.key");
  WriteText(path, "precious");
  Result<PrivateKey> key = PrivateKey::Generate(KeyType::kP256);
  ASSERT_TRUE(key.ok());
  Status s = WritePrivateKeyFile(path, *key, false);
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "precious");
}

TEST_F(KeyFileTest, OverwriteReplacesContentAndTightensMode) {
  const std::string path = Path("old.key");
  WriteText(path, "old content that is longer than nothing");
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  Result<PrivateKey> key = PrivateKey::Generate(KeyType::kP256);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(WritePrivateKeyFile(path, *key, true).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Result<PrivateKey> loaded = LoadPrivateKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key().id(), key->public_key().id());
}

TEST_F(KeyFileTest, MissingFileIsNotFound) {
  Result<PrivateKey> k = LoadPrivateKeyFile(Path("absent.key"));
  EXPECT_EQ(k.status().code(), Code::kNotFound) << k.status().ToString();
  EXPECT_EQ(k.status().message(), Path("absent.key") + ": No such file or directory");
}

TEST_F(KeyFileTest, EmptyPathSaysHowToGiveAKey) {
  Result<PrivateKey> k = LoadPrivateKeyFile("");
  EXPECT_EQ(k.status().code(), Code::kInvalidArgument) << k.status().ToString();
  EXPECT_EQ(k.status().message(), "no key file given (use --key or $TADORI_KEY)");
}

TEST_F(KeyFileTest, GarbageIsInvalidArgumentNamingTheFile) {
  const std::string path = Path("garbage.key");
  WriteText(path, "this is not a key\n");
  Result<PrivateKey> k = LoadPrivateKeyFile(path);
  EXPECT_EQ(k.status().code(), Code::kInvalidArgument) << k.status().ToString();
  EXPECT_EQ(k.status().message(),
            "key file " + path + ": PEM text must start with a -----BEGIN line");
}

TEST_F(KeyFileTest, PublicKeyIsNotAPrivateKey) {
  Result<PrivateKey> key = PrivateKey::Generate(KeyType::kP256);
  ASSERT_TRUE(key.ok());
  const std::string path = Path("public.pem");
  WriteText(path, key->public_key().ToPem());
  const Status s = LoadPrivateKeyFile(path).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_EQ(s.message(), "key file " + path +
                             ": expected a PEM \"PRIVATE KEY\" or \"EC PRIVATE KEY\" block, "
                             "got \"PUBLIC KEY\"");
}

TEST_F(KeyFileTest, OversizedFileIsRefusedBeforeParsing) {
  const std::string path = Path("huge.key");
  WriteText(path, std::string(kPemBytesMax + 1, 'A'));
  Result<PrivateKey> k = LoadPrivateKeyFile(path);
  EXPECT_EQ(k.status().code(), Code::kInvalidArgument) << k.status().ToString();
  EXPECT_EQ(k.status().message(),
            path + " is larger than " + std::to_string(kPemBytesMax) + " bytes");
}

TEST_F(KeyFileTest, DirectoryIsNotAKeyFile) {
  // Opening a directory succeeds; reading it is what fails.
  Result<PrivateKey> k = LoadPrivateKeyFile(dir_.string());
  EXPECT_EQ(k.status().code(), Code::kInvalidArgument) << k.status().ToString();
  EXPECT_EQ(k.status().message(), "reading " + dir_.string() + ": Is a directory");
}

TEST_F(KeyFileTest, ReadInputFileHonoursItsBound) {
  const std::string path = Path("data.json");
  WriteText(path, "0123456789");
  Result<std::string> fits = ReadInputFile(path, 10);
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(*fits, "0123456789");
  const Status over = ReadInputFile(path, 9).status();
  EXPECT_EQ(over.code(), Code::kInvalidArgument) << over.ToString();
  EXPECT_EQ(over.message(), path + " is larger than 9 bytes");
}

}  // namespace
}  // namespace tadori::client
