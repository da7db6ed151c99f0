// The EPCIS fuzz target built as a regular test: its entry point runs on every test document
// of tests/data/epcis and on cut, flipped and spliced variants of them (a few thousand
// inputs), so its invariants are checked on every build, not only in the fuzz build.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/epcis_document_fuzz.cc"

namespace tadori::epcis {
namespace {

std::vector<std::string> TestDocuments() {
  std::vector<std::string> documents;
  const std::filesystem::path dir = std::filesystem::path(TADORI_SOURCE_DIR) / "tests/data/epcis";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    documents.push_back(text.str());
  }
  return documents;
}

int RunFuzzTarget(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST(EpcisFuzzSmokeTest, DocumentsAndTheirMutationsKeepTheInvariants) {
  const std::vector<std::string> documents = TestDocuments();
  ASSERT_GE(documents.size(), 10u);
  uint32_t state = 12345;  // a fixed LCG: the same inputs on every run
  const auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  size_t runs = 0;
  for (const std::string& document : documents) {
    EXPECT_EQ(RunFuzzTarget(document), 0);
    for (int i = 0; i < 300; ++i) {
      std::string mutated = document;
      switch (next() % 4) {
        case 0:
          mutated.resize(next() % (mutated.size() + 1));
          break;
        case 1:
          mutated[next() % mutated.size()] = static_cast<char>(next());
          break;
        case 2: {
          const size_t at = next() % mutated.size();
          mutated.insert(at, mutated.substr(next() % mutated.size(), next() % 64));
          break;
        }
        default: {
          const size_t at = next() % mutated.size();
          mutated.erase(at, next() % 16);
          break;
        }
      }
      EXPECT_EQ(RunFuzzTarget(mutated), 0);
      ++runs;
    }
  }
  EXPECT_GE(runs, 3000u);
}

}  // namespace
}  // namespace tadori::epcis
