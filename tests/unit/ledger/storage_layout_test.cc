// The LevelDB key layout documented in docs/ARCHITECTURE.md is the one the store writes:
// every key function's tag is a listed kind, and the document's storage table lists exactly
// those kinds.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "ledger/store/store_keys.h"

namespace tadori {
namespace {

std::set<char> ListedTags() {
  std::set<char> tags;
  for (const store_keys::KeyKind& kind : store_keys::KeyKinds()) {
    EXPECT_TRUE(tags.insert(kind.tag).second) << "tag listed twice: " << kind.tag;
  }
  return tags;
}

TEST(StorageLayout, EveryKeyFunctionUsesAListedTag) {
  const std::set<char> listed = ListedTags();
  const Hash h = Sha256(std::string_view("x"));
  const std::string keys[] = {
      store_keys::Block(1),          store_keys::HeightByHash(h),    store_keys::Results(1),
      store_keys::ResultRoot(1),     store_keys::PendingBlock(1, h), store_keys::TxLocator(h),
      store_keys::State("k"),        store_keys::Index("k"),         store_keys::MetaGenesis(),
      store_keys::MetaGenesisHash(), store_keys::MetaHead(),         store_keys::MetaSafety(),
  };
  std::set<char> used;
  for (const std::string& key : keys) {
    ASSERT_FALSE(key.empty());
    EXPECT_EQ(listed.count(key[0]), 1u) << "key tag '" << key[0] << "' is not in KeyKinds()";
    used.insert(key[0]);
  }
  EXPECT_EQ(used, listed) << "a listed kind no key function writes";
}

TEST(StorageLayout, ArchitectureDocumentListsExactlyTheStoresTags) {
  std::ifstream doc(std::string(TADORI_SOURCE_DIR) + "/docs/ARCHITECTURE.md");
  ASSERT_TRUE(doc) << "docs/ARCHITECTURE.md not found";
  std::stringstream text;
  text << doc.rdbuf();
  // Rows of the storage table: | `B` | ... |
  const std::regex row(R"(\n\| `(.)` \|)");
  std::set<char> documented;
  const std::string s = text.str();
  for (auto it = std::sregex_iterator(s.begin(), s.end(), row); it != std::sregex_iterator();
       ++it) {
    documented.insert((*it)[1].str()[0]);
  }
  EXPECT_EQ(documented, ListedTags())
      << "docs/ARCHITECTURE.md's storage table and ledger/store/store_keys.cc disagree";
}

}  // namespace
}  // namespace tadori
