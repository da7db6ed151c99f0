#include "ledger/epcis/json.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tadori::epcis::json {
namespace {

ParseOutcome ParseText(std::string_view text, size_t depth_max = 32) {
  return Parse(text, 1 << 20, depth_max);
}

TEST(EpcisJsonTest, KeepsRawSpansAndMemberOrder) {
  const std::string text = R"( {"b" : [1, 2.50 ,"x"], "a":{ "n":null,"t":true } } )";
  ParseOutcome parsed = ParseText(text);
  ASSERT_TRUE(parsed.ok) << parsed.error.message;
  const Value& root = parsed.value;
  ASSERT_TRUE(root.is_object());
  ASSERT_EQ(root.members.size(), 2u);
  EXPECT_EQ(root.members[0].key, "b");
  EXPECT_EQ(root.members[0].raw_key, "\"b\"");
  EXPECT_EQ(root.members[0].value.raw, R"([1, 2.50 ,"x"])");
  EXPECT_EQ(root.members[0].value.items[1].text, "2.50");
  EXPECT_EQ(root.members[1].value.raw, R"({ "n":null,"t":true })");
  EXPECT_EQ(root.Find("a")->Find("t")->kind, Kind::kTrue);
  EXPECT_EQ(root.Find("zz"), nullptr);
}

TEST(EpcisJsonTest, DecodesEscapesAndSurrogatePairs) {
  ParseOutcome parsed = ParseText(R"("a\"\\\/\b\f\n\r\t\u00e9\ud83c\udf45")");
  ASSERT_TRUE(parsed.ok) << parsed.error.message;
  EXPECT_EQ(parsed.value.text, "a\"\\/\b\f\n\r\t\xC3\xA9\xF0\x9F\x8D\x85");
}

TEST(EpcisJsonTest, RefusesWhatRfc8259Refuses) {
  for (const char* bad : {"",      "{",   "[1,]",        "{\"a\":1,}",  "01",
                          "1.",    "-",   "1e",          "+1",          ".5",
                          "tru",   "nul", "\"\\x\"",     "\"a\nb\"",    "{\"a\" 1}",
                          "[1 2]", "1 2", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
                          "'a'",   "NaN"}) {
    EXPECT_FALSE(ParseText(bad).ok) << bad;
  }
}

TEST(EpcisJsonTest, RefusesDuplicateNamesInvalidUtf8DepthAndSize) {
  ParseOutcome duplicate = ParseText(R"({"a":1,"b":{"c":1,"c":2}})");
  ASSERT_FALSE(duplicate.ok);
  EXPECT_NE(duplicate.error.message.find("\"c\" appears twice"), std::string::npos);
  // The same name after decoding escapes is the same name.
  EXPECT_FALSE(ParseText(R"({"a":1,"\u0061":2})").ok);
  EXPECT_FALSE(ParseText("\"\xC0\xAF\"").ok);      // overlong '/'
  EXPECT_FALSE(ParseText("\"\xED\xA0\x80\"").ok);  // a surrogate in UTF-8
  EXPECT_TRUE(ParseText("[[[1]]]", 3).ok);
  ParseOutcome deep = ParseText("[[[[1]]]]", 3);
  ASSERT_FALSE(deep.ok);
  EXPECT_NE(deep.error.message.find("nested deeper than 3"), std::string::npos);
  EXPECT_FALSE(Parse("[1,2,3]", 6, 32).ok);
  EXPECT_TRUE(Parse("[1,2,3]", 7, 32).ok);
}

TEST(EpcisJsonTest, ShallowArraysKeepOnlyRawItems) {
  const std::string text = R"({"eventList":[{"a":{"b":1}}, [2]],"other":[{"c":3}]})";
  ParseOutcome parsed = Parse(text, 1 << 20, 32, "eventList");
  ASSERT_TRUE(parsed.ok);
  const Value& list = *parsed.value.Find("eventList");
  ASSERT_EQ(list.items.size(), 2u);
  EXPECT_EQ(list.items[0].raw, R"({"a":{"b":1}})");
  EXPECT_TRUE(list.items[0].members.empty());
  EXPECT_EQ(list.items[1].raw, "[2]");
  EXPECT_EQ(parsed.value.Find("other")->items[0].members.size(), 1u);
  // Shallow items are still checked.
  EXPECT_FALSE(Parse(R"({"eventList":[{"a":1,]}]})", 1 << 20, 32, "eventList").ok);
}

TEST(EpcisJsonTest, DecimalsAreExact) {
  std::optional<Decimal> d = ReadDecimal("-12.3400e2");
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->negative);
  EXPECT_EQ(d->digits, "1234");
  EXPECT_EQ(d->exponent, 0);
  EXPECT_EQ(ReadDecimal("0.000")->digits, "");
  EXPECT_FALSE(ReadDecimal("1e9999999999").has_value());
  EXPECT_EQ(CanonicalNumber("1.0"), "1");
  EXPECT_EQ(CanonicalNumber("0.3434000"), "0.3434");
  EXPECT_EQ(CanonicalNumber("2E3"), "2000");
  EXPECT_EQ(CanonicalNumber("-0.0"), "0");
  EXPECT_EQ(CanonicalNumber("1.5e-3"), "0.0015");
  EXPECT_EQ(CanonicalNumber("12345e-2"), "123.45");
  EXPECT_EQ(CanonicalNumber("1e50"), "1e50");
}

TEST(EpcisJsonTest, PointerTokensAndQuotes) {
  EXPECT_EQ(PointerToken("a/b~c"), "a~1b~0c");
  EXPECT_EQ(PointerToken("ex:field"), "ex:field");
  EXPECT_EQ(Quote("a\"b\\\n"), "\"a\\\"b\\\\\\u000a\"");
}

}  // namespace
}  // namespace tadori::epcis::json
