#include "tools/cli/trace_svg.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>

#include "tests/support/temp_dir.h"

#include "tests/unit/tools/svg_xml.h"
#include "tools/cli/trace_dot.h"

namespace tadori::cli {
namespace {

using testing::XmlElement;

v1::TraceNode* AddLot(v1::TraceGraph& g, const std::string& lot, const std::string& product) {
  v1::TraceNode* n = g.add_nodes();
  n->set_lot_code(lot);
  n->set_product(product);
  return n;
}

void AddEdge(v1::TraceGraph& g, const std::string& from, const std::string& to) {
  v1::TraceEdge* e = g.add_edges();
  e->set_from_lot(from);
  e->set_to_lot(to);
  e->mutable_transformation()->set_height(18);
}

// The node groups (<g class="node ...">) of the SVG with `cls` among their classes.
std::vector<const XmlElement*> Nodes(const XmlElement& root, const std::string& cls) {
  return root.FindAll(
      [&](const XmlElement& e) { return e.name == "g" && e.HasClass("node") && e.HasClass(cls); });
}

// The outline shape Graphviz drew for a node: a <path> (rounded box) or <polygon>.
const XmlElement* Shape(const XmlElement& node) {
  for (const auto& child : node.children) {
    if (child->name == "path" || child->name == "polygon") return child.get();
  }
  return nullptr;
}

struct Rendered {
  std::string svg;
  testing::XmlParse xml;
};

Rendered Render(const v1::TraceGraph& g, const LotJourneys& journeys = {}) {
  Result<std::string> svg =
      RenderDotToSvg(TraceGraphToDot(g, g.nodes(0).lot_code(), "back", journeys));
  EXPECT_TRUE(svg.ok()) << svg.status().ToString();
  Rendered r{svg.ok() ? *svg : "", {}};
  r.xml = testing::ParseXml(r.svg);
  return r;
}

TEST(TraceSvgTest, RecalledLotIsFilledRedExcursionOrangeAndHopsAreLabelled) {
  v1::TraceGraph g;
  AddLot(g, "FD-BENTO-261121-A", "04569953000025")->add_recalls()->set_reason("listeria");
  v1::TraceNode* spinach = AddLot(g, "KF-SPN-261120-P1", "04569951000010");
  spinach->add_excursions()->set_sensor_type("temperature");
  AddLot(g, "FD-GOMA-261121-01", "04569953000018");
  AddEdge(g, "KF-SPN-261120-P1", "FD-BENTO-261121-A");
  AddEdge(g, "FD-GOMA-261121-01", "FD-BENTO-261121-A");
  LotJourney journey;
  journey.unit = "KGM";
  journey.creator_org = "kyushu-farm";
  CustodyHop hop;
  hop.from_org = "kyushu-farm";
  hop.to_org = "hakata-wholesale";
  hop.carrier_org = "kyushu-coldchain";
  hop.quantity_milli = 500'000;
  journey.hops = {hop};

  const Rendered r = Render(g, {{"KF-SPN-261120-P1", journey}});
  ASSERT_EQ(r.xml.error, "") << r.svg;
  EXPECT_EQ(r.xml.root->name, "svg");

  const auto recalled = Nodes(*r.xml.root, "recalled");
  ASSERT_EQ(recalled.size(), 1u) << r.svg;
  EXPECT_NE(recalled[0]->AllText().find("FD-BENTO-261121-A"), std::string::npos);
  ASSERT_NE(Shape(*recalled[0]), nullptr) << r.svg;
  EXPECT_EQ(Shape(*recalled[0])->Attr("fill"), "#ffd0d0");
  EXPECT_EQ(Shape(*recalled[0])->Attr("stroke"), "red");

  const auto excursion = Nodes(*r.xml.root, "excursion");
  ASSERT_EQ(excursion.size(), 1u) << r.svg;
  EXPECT_NE(excursion[0]->AllText().find("KF-SPN-261120-P1"), std::string::npos);
  EXPECT_NE(excursion[0]->AllText().find("product 04569951000010"), std::string::npos);
  EXPECT_EQ(Shape(*excursion[0])->Attr("fill"), "#ffe4b5");
  EXPECT_EQ(Shape(*excursion[0])->Attr("stroke"), "orange");

  const auto lots = Nodes(*r.xml.root, "lot");
  EXPECT_EQ(lots.size(), 3u);
  const auto custody = Nodes(*r.xml.root, "custody");
  ASSERT_EQ(custody.size(), 1u);
  ASSERT_EQ(custody[0]->ByName("text").size(), 1u);
  EXPECT_EQ(custody[0]->ByName("text")[0]->text, "hakata-wholesale");

  const auto hops = r.xml.root->FindAll(
      [](const XmlElement& e) { return e.name == "g" && e.HasClass("edge") && e.HasClass("hop"); });
  ASSERT_EQ(hops.size(), 1u) << r.svg;
  EXPECT_NE(hops[0]->AllText().find("kyushu-farm → hakata-wholesale"), std::string::npos)
      << hops[0]->AllText();
  EXPECT_NE(hops[0]->AllText().find("500 kg via kyushu-coldchain"), std::string::npos);
  const auto transformations = r.xml.root->FindAll([](const XmlElement& e) {
    return e.name == "g" && e.HasClass("edge") && e.HasClass("transformation");
  });
  EXPECT_EQ(transformations.size(), 2u);
}

TEST(TraceSvgTest, HostileAndMultiByteLotCodesAreEscapedAndShownAsWritten) {
  const std::string markup = "<&\"'>";
  const std::string japanese = "ほうれん草-①";
  v1::TraceGraph g;
  AddLot(g, markup, "]]> -->");
  AddLot(g, japanese, "A--B");
  AddLot(g, "ctl\x01\x7F", "p");
  AddEdge(g, japanese, markup);
  // Organisation ids reach the SVG through plain (not HTML-like) DOT labels.
  LotJourney journey;
  journey.creator_org = "農家\x02";
  CustodyHop hop;
  hop.from_org = journey.creator_org;
  hop.to_org = "<b>&amp;\"\x03";
  hop.quantity_milli = 1;
  journey.hops = {hop};
  const Rendered r = Render(g, {{japanese, journey}});
  ASSERT_EQ(r.xml.error, "") << r.svg;
  const std::string text = r.xml.root->AllText();
  EXPECT_NE(text.find(markup), std::string::npos) << text;
  EXPECT_NE(text.find("product ]]> -->"), std::string::npos) << text;
  EXPECT_NE(text.find(japanese), std::string::npos) << text;
  EXPECT_NE(text.find("product A--B"), std::string::npos) << text;
  EXPECT_NE(text.find("ctl\xEF\xBF\xBD\xEF\xBF\xBD"), std::string::npos) << text;
  EXPECT_NE(text.find("農家\xEF\xBF\xBD → <b>&amp;\"\xEF\xBF\xBD"), std::string::npos) << text;
  const auto custody = Nodes(*r.xml.root, "custody");
  ASSERT_EQ(custody.size(), 1u) << r.svg;
  ASSERT_EQ(custody[0]->ByName("text").size(), 1u);
  EXPECT_EQ(custody[0]->ByName("text")[0]->text, "<b>&amp;\"\xEF\xBF\xBD");
}

TEST(TraceSvgTest, RenderingIsRepeatableInOneProcess) {
  v1::TraceGraph g;
  AddLot(g, "A", "a");
  AddLot(g, "B", "b");
  AddEdge(g, "A", "B");
  const Rendered first = Render(g);
  const Rendered second = Render(g);
  ASSERT_EQ(first.xml.error, "");
  EXPECT_EQ(first.svg, second.svg);
}

// Graphviz looks for its plugin config (config6a) in $GVBINDIR or its install folder; a
// missing one must not matter. With demand loading, Graphviz 2.42 crashes on the first label
// of a process that found no config, so this runs in a fresh process (a "threadsafe" death
// test re-executes the test binary), where no earlier rendering has set Graphviz up.
TEST(TraceSvgTest, AFreshProcessRendersWithoutGraphvizPluginConfig) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  tadori::testing::TempDir empty;
  EXPECT_EXIT(
      {
        ::setenv("GVBINDIR", empty.path().c_str(), 1);
        v1::TraceGraph g;
        AddLot(g, "A", "a")->add_recalls()->set_reason("r");
        const Result<std::string> svg = RenderDotToSvg(TraceGraphToDot(g, "A", "back"));
        const bool drawn = svg.ok() && testing::ParseXml(*svg).error.empty() &&
                           svg->find("fill=\"#ffd0d0\"") != std::string::npos;
        std::fprintf(stderr, drawn ? "drawn\n" : "not drawn\n");
        std::exit(drawn ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "^drawn\n$");
}

TEST(TraceSvgTest, DotGraphvizCannotReadIsInvalidArgumentWithItsReason) {
  const Result<std::string> svg = RenderDotToSvg("digraph { a -> ");
  ASSERT_FALSE(svg.ok());
  EXPECT_EQ(svg.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(svg.status().message().rfind("graphviz cannot read the graph: ", 0), 0u)
      << svg.status().message();
  EXPECT_NE(svg.status().message().find("syntax error"), std::string::npos)
      << svg.status().message();
}

}  // namespace
}  // namespace tadori::cli
