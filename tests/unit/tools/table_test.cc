#include "tools/cli/table.h"

#include <gtest/gtest.h>

namespace tadori::cli {
namespace {

TEST(TableTest, DisplayWidthCountsColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("kg"), 2u);
  EXPECT_EQ(DisplayWidth("中食"), 4u);       // two wide CJK characters
  EXPECT_EQ(DisplayWidth("caf\u00e9"), 4u);  // é is one column
  EXPECT_EQ(DisplayWidth("e\u0301"), 1u);    // combining accent takes none
  EXPECT_EQ(DisplayWidth("\xff\xfe"), 2u);   // invalid bytes: one column each
  EXPECT_EQ(DisplayWidth("\xe4\xb8"), 2u);   // truncated sequence
}

TEST(TableTest, ColumnsAlignToWidestCell) {
  Table t({"ID", "ORG"});
  t.AddRow({"v1", "farm"});
  t.AddRow({"validator-2", "x"});
  EXPECT_EQ(t.Render(),
            "ID           ORG\n"
            "v1           farm\n"
            "validator-2  x\n");
}

TEST(TableTest, WideCharactersKeepAlignment) {
  Table t({"PRODUCT", "QTY"});
  t.AddRow({"中食", "1"});
  t.AddRow({"tomato", "2"});
  EXPECT_EQ(t.Render(),
            "PRODUCT  QTY\n"
            "中食     1\n"
            "tomato   2\n");
}

TEST(TableTest, ShortRowsArePaddedAndNoTrailingSpaces) {
  Table t({"A", "B", "C"});
  t.AddRow({"x"});
  EXPECT_EQ(t.row_count(), 1u);
  const std::string out = t.Render();
  EXPECT_EQ(out, "A  B  C\nx\n");
}

TEST(TableTest, HeaderOnlyTable) {
  Table t({"ID", "ORG"});
  EXPECT_EQ(t.Render(), "ID  ORG\n");
}

TEST(TableTest, FieldsAlignValues) {
  EXPECT_EQ(RenderFields({{"chain id", "dev"}, {"height", "42"}, {"empty", ""}}),
            "chain id  dev\n"
            "height    42\n"
            "empty\n");
}

}  // namespace
}  // namespace tadori::cli
