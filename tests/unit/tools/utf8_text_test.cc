#include "tools/cli/utf8_text.h"

#include <gtest/gtest.h>

#include "ledger/utf8.h"

namespace tadori::cli {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

// Pictures show text as the messages quote it (ledger/utf8.h, tested there), unbounded.
TEST(PrintableTextTest, IsTheMessageQuotingWithoutALengthBound) {
  const std::string well_formed = "KF-SPN ほうれん草 \xF0\x9F\xA5\xAC";
  EXPECT_EQ(PrintableText(well_formed), well_formed);
  const std::string hostile = std::string("a\0b\x1B\xFF\nc\xE2\x80\xAE", 10);
  EXPECT_EQ(PrintableText(hostile), PrintableExcerpt(hostile, hostile.size() * 3));
  EXPECT_EQ(PrintableText(hostile).find('\0'), std::string::npos);
  const std::string long_text(10'000, 'x');
  EXPECT_EQ(PrintableText(long_text), long_text);  // no cut, no ellipsis
}

TEST(WrapTextTest, BreaksAtSpacesWithinTheWidth) {
  EXPECT_EQ(WrapText("Listeria monocytogenes in a retained sample", 20),
            (std::vector<std::string>{"Listeria", "monocytogenes in a", "retained sample"}));
  EXPECT_EQ(WrapText("short", 20), std::vector<std::string>{"short"});
  EXPECT_EQ(WrapText("", 20), std::vector<std::string>{""});
}

TEST(WrapTextTest, CountsCharactersNotBytesAndCutsLongWords) {
  // Six characters, eighteen bytes: fits a width of 6.
  EXPECT_EQ(WrapText("ほうれん草類 です", 6), (std::vector<std::string>{"ほうれん草類", "です"}));
  EXPECT_EQ(WrapText("ABCDEFGHIJ", 4), (std::vector<std::string>{"ABCD", "EFGH", "IJ"}));
}

}  // namespace
}  // namespace tadori::cli
