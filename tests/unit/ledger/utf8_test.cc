#include "ledger/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tadori {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";  // U+FFFD
const std::string kMark = "\xE2\x80\xA6";  // U+2026 "…"
const std::string kA = "\xE3\x81\x82";     // U+3042 "あ", 3 bytes

std::string Repeat(const std::string& piece, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += piece;
  return out;
}

TEST(IsValidUtf8, AcceptsTheEdgesOfEveryLength) {
  const std::vector<std::string> valid = {
      "",
      std::string("\0", 1),  // U+0000 is a character; printing is PrintableExcerpt's concern
      "plain ascii \x7F",
      "\xC2\x80",              // U+0080, first 2-byte
      "\xDF\xBF",              // U+07FF, last 2-byte
      "\xE0\xA0\x80",          // U+0800, first 3-byte
      "\xED\x9F\xBF",          // U+D7FF, just below the surrogates
      "\xEE\x80\x80",          // U+E000, just above them
      "\xEF\xBF\xBF",          // U+FFFF, last 3-byte
      "\xF0\x90\x80\x80",      // U+10000, first 4-byte
      "\xF4\x8F\xBF\xBF",      // U+10FFFF, the last code point
      kA + "\xF0\x9F\x8D\x85"  // あ🍅
  };
  for (const std::string& text : valid)
    EXPECT_TRUE(IsValidUtf8(text)) << testing::PrintToString(text);
}

TEST(IsValidUtf8, RefusesCutOverlongSurrogateAndOutOfRangeSequences) {
  const std::vector<std::string> invalid = {
      "\xC3",                   // 2-byte cut after its lead
      "\xE3",                   // 3-byte cut after 1
      "\xE3\x81",               // 3-byte cut after 2
      "\xF0\x9F",               // 4-byte cut after 2
      "\xF0\x9F\x8D",           // 4-byte cut after 3
      Repeat(kA, 21) + "\xE3",  // "あ" x 22 cut at 64 bytes, as substr(0, 64) did
      "\x80",                   // lone continuation
      "a\xBF"
      "b",                     // continuation between characters
      "\xE3\x41\x81",          // lead followed by ASCII
      "\xC0\x80",              // overlong U+0000
      "\xC1\xBF",              // overlong U+007F
      "\xE0\x80\x80",          // overlong 3-byte
      "\xE0\x9F\xBF",          // overlong U+07FF
      "\xF0\x80\x80\x80",      // overlong 4-byte
      "\xF0\x8F\xBF\xBF",      // overlong U+FFFF
      "\xED\xA0\x80",          // U+D800, first surrogate
      "\xED\xBF\xBF",          // U+DFFF, last surrogate
      "\xF4\x90\x80\x80",      // U+110000
      "\xF5\x80\x80\x80",      // lead byte F5
      "\xF8\x88\x80\x80\x80",  // the old 5-byte form
      "\xFE",
      "\xFF",
  };
  for (const std::string& text : invalid) {
    EXPECT_FALSE(IsValidUtf8(text)) << testing::PrintToString(text);
  }
}

TEST(PrintableExcerpt, KeepsPrintableTextThatFits) {
  EXPECT_EQ(PrintableExcerpt(""), "");
  EXPECT_EQ(PrintableExcerpt("teleporting"), "teleporting");
  const std::string japanese = Repeat(kA, 21);  // 63 bytes
  EXPECT_EQ(PrintableExcerpt(japanese), japanese);
  EXPECT_EQ(PrintableExcerpt("abc", 3), "abc");  // exactly the bound: no cut
  EXPECT_EQ(PrintableExcerpt("\xF0\x9F\x8D\x85 and \xE2\x80\xA6"),
            "\xF0\x9F\x8D\x85 and \xE2\x80\xA6");
}

TEST(PrintableExcerpt, CutsMultiByteTextOnACharacterBoundary) {
  // The defect: 22 x "あ" is 66 bytes; substr(0, 64) left "\xE3\x81" at the end.
  const std::string cut = PrintableExcerpt(Repeat(kA, 22), 64);
  EXPECT_EQ(cut, Repeat(kA, 20) + kMark);  // 60 + 3 bytes: a 21st "あ" leaves no room
  EXPECT_TRUE(IsValidUtf8(cut));
}

TEST(PrintableExcerpt, CutsInsideEachWidthAtEveryBound) {
  for (const std::string& character :
       {std::string("a"), std::string("\xC3\xA9"), kA, std::string("\xF0\x9F\x8D\x85")}) {
    const size_t width = character.size();
    const std::string text = Repeat(character, 10);
    for (size_t bytes_max = 0; bytes_max <= text.size() + 1; ++bytes_max) {
      const std::string out = PrintableExcerpt(text, bytes_max);
      SCOPED_TRACE("width " + std::to_string(width) + ", bytes_max " + std::to_string(bytes_max));
      EXPECT_LE(out.size(), bytes_max);
      EXPECT_TRUE(IsValidUtf8(out));
      if (text.size() <= bytes_max) {
        EXPECT_EQ(out, text);
      } else if (bytes_max < kMark.size()) {
        EXPECT_EQ(out, Repeat(character, bytes_max / width));  // no room for the mark
      } else {
        EXPECT_EQ(out, Repeat(character, (bytes_max - kMark.size()) / width) + kMark);
      }
    }
  }
}

TEST(PrintableExcerpt, SmallBounds) {
  EXPECT_EQ(PrintableExcerpt("abc", 0), "");
  EXPECT_EQ(PrintableExcerpt("abc", 2), "ab");
  EXPECT_EQ(PrintableExcerpt(kA, 2), "");
  EXPECT_EQ(PrintableExcerpt("abcd", 3), kMark);
  EXPECT_EQ(PrintableExcerpt("abcde", 4), "a" + kMark);
}

TEST(PrintableExcerpt, ReplacesEachMaximalIllFormedSubpartOnce) {
  EXPECT_EQ(PrintableExcerpt("a\xFF"
                             "b"),
            "a" + kFffd + "b");
  EXPECT_EQ(PrintableExcerpt("\xE3\x81"
                             "a"),
            kFffd + "a");                                             // one for a cut sequence
  EXPECT_EQ(PrintableExcerpt("\xF0\x9F\x8D"), kFffd);                 // cut at the end
  EXPECT_EQ(PrintableExcerpt("\xC0\x80"), kFffd + kFffd);             // overlong: C0 never leads
  EXPECT_EQ(PrintableExcerpt("\xE0\x80\x80"), Repeat(kFffd, 3));      // overlong 3-byte
  EXPECT_EQ(PrintableExcerpt("\xED\xA0\x80"), Repeat(kFffd, 3));      // surrogate
  EXPECT_EQ(PrintableExcerpt("\xF4\x90\x80\x80"), Repeat(kFffd, 4));  // above U+10FFFF
  EXPECT_EQ(PrintableExcerpt("\xE3\x41\x81"), kFffd + "A" + kFffd);
  EXPECT_EQ(PrintableExcerpt(Repeat(kA, 21) + "\xE3\x81"), Repeat(kA, 20) + kMark);
}

TEST(PrintableExcerpt, ReplacesCharactersThatBreakOrReorderTheLine) {
  EXPECT_EQ(PrintableExcerpt(std::string("a\0b", 3)), "a" + kFffd + "b");
  EXPECT_EQ(PrintableExcerpt("1\n2\r3\t4\x1B[31m\x7F"),
            "1" + kFffd + "2" + kFffd + "3" + kFffd + "4" + kFffd + "[31m" + kFffd);
  EXPECT_EQ(PrintableExcerpt("\xC2\x85"), kFffd);       // NEL, a C1 control
  EXPECT_EQ(PrintableExcerpt("\xC2\x9F"), kFffd);       // last C1 control
  EXPECT_EQ(PrintableExcerpt("\xC2\xA0"), "\xC2\xA0");  // no-break space is printable
  EXPECT_EQ(PrintableExcerpt("\xE2\x80\xA8"), kFffd);   // U+2028 line separator
  EXPECT_EQ(PrintableExcerpt("\xE2\x80\xA9"), kFffd);   // U+2029 paragraph separator
  EXPECT_EQ(PrintableExcerpt("\xE2\x80\x8F"), kFffd);   // U+200F right-to-left mark
  EXPECT_EQ(PrintableExcerpt("x\xE2\x80\xAEtxt.exe"), "x" + kFffd + "txt.exe");  // U+202E
  EXPECT_EQ(PrintableExcerpt("\xE2\x81\xA6\xE2\x81\xA9"), kFffd + kFffd);        // U+2066, U+2069
}

TEST(PrintableExcerpt, ReplacementsCountTowardTheBound) {
  const std::string out = PrintableExcerpt(std::string(64, '\xFF'), 64);
  EXPECT_EQ(out, Repeat(kFffd, 20) + kMark);
  EXPECT_EQ(out.size(), 63u);
}

TEST(PrintableExcerpt, LongInputGivesABoundedResult) {
  const std::string huge(1 << 20, 'x');
  EXPECT_EQ(PrintableExcerpt(huge, 8), "xxxxx" + kMark);
  EXPECT_EQ(PrintableExcerpt(huge).size(), kQuotedTextBytesMax);
}

}  // namespace
}  // namespace tadori
