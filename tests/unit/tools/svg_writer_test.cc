#include "tools/cli/svg_writer.h"

#include <gtest/gtest.h>

#include "tests/unit/tools/svg_xml.h"

namespace tadori::cli {
namespace {

TEST(SvgWriterTest, XmlEscapeWritesEveryMarkupCharacterAsAnEntity) {
  EXPECT_EQ(XmlEscape("<&\"'>"), "&lt;&amp;&quot;&apos;&gt;");
  EXPECT_EQ(XmlEscape("ほうれん草 8.6 °C"), "ほうれん草 8.6 °C");
  EXPECT_EQ(XmlEscape("a\x01\xFF"), "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(SvgWriterTest, NumbersHaveAtMostTwoDecimalsAndNoNegativeZero) {
  EXPECT_EQ(SvgNumber(12.5), "12.5");
  EXPECT_EQ(SvgNumber(-3), "-3");
  EXPECT_EQ(SvgNumber(0.07), "0.07");
  EXPECT_EQ(SvgNumber(1234.567), "1234.57");
  EXPECT_EQ(SvgNumber(-0.001), "0");
  EXPECT_EQ(SvgNumber(100), "100");
}

TEST(SvgWriterTest, HostileTextComesBackExactlyFromAnXmlParser) {
  const std::string hostile = "<&\"'> ]]> --> ほうれん草 </svg>";
  SvgWriter svg(100, 50, hostile);
  svg.Open("g", {{"data-lot", hostile}});
  svg.Text(hostile, {{"x", "1"}, {"y", "2"}});
  svg.Element("rect", {{"width", "10"}, {"height", "10"}});
  const std::string doc = svg.Finish();  // closes the <g> and the <svg>

  testing::XmlParse parsed = testing::ParseXml(doc);
  ASSERT_EQ(parsed.error, "") << doc;
  EXPECT_EQ(parsed.root->name, "svg");
  EXPECT_EQ(parsed.root->Attr("viewBox"), "0 0 100 50");
  ASSERT_EQ(parsed.root->ByName("title").size(), 1u);
  EXPECT_EQ(parsed.root->ByName("title")[0]->text, hostile);
  const auto groups = parsed.root->ByName("g");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0]->Attr("data-lot"), hostile);
  ASSERT_EQ(groups[0]->ByName("text").size(), 1u);
  EXPECT_EQ(groups[0]->ByName("text")[0]->text, hostile);
  EXPECT_EQ(groups[0]->ByName("rect").size(), 1u);
}

}  // namespace
}  // namespace tadori::cli
