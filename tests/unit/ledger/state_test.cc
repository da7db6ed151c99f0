#include "ledger/state.h"

#include <gtest/gtest.h>

namespace tadori {
namespace {

TEST(StateView, ReadsOwnWritesThenBase) {
  EmptyState empty;
  StateView block(empty);
  block.Put("a", "1");
  StateView tx(block.Over());
  auto a = tx.Get("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(**a, "1");
  tx.Delete("a");
  auto gone = tx.Get("a");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  auto still = block.Get("a");
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(**still, "1");  // the child's delete is not the parent's until absorbed
}

// A child view layered over a parent starts empty: absorbing it adds only its own writes and
// index entries, so a block's index never holds an entry twice.
TEST(StateView, ChildLayeredOverParentDoesNotCopyItsEntries) {
  EmptyState empty;
  StateView block(empty);
  for (int i = 0; i < 5; ++i) {
    StateView tx(block.Over());
    EXPECT_TRUE(tx.writes().empty());
    EXPECT_TRUE(tx.index_entries().empty());
    tx.Put("k" + std::to_string(i), "v");
    tx.AddIndex("i" + std::to_string(i), "");
    block.Absorb(tx);
  }
  EXPECT_EQ(block.writes().size(), 5u);
  EXPECT_EQ(block.index_entries().size(), 5u);
}

TEST(StateView, AbsorbLaterWritesWin) {
  EmptyState empty;
  StateView block(empty);
  block.Put("k", "old");
  StateView tx(block.Over());
  tx.Put("k", "new");
  block.Absorb(tx);
  EXPECT_EQ(*block.writes().at("k"), "new");
}

}  // namespace
}  // namespace tadori
