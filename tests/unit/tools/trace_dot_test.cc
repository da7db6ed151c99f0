#include "tools/cli/trace_dot.h"

#include <gtest/gtest.h>

namespace tadori::cli {
namespace {

// The statement of the node whose label starts with the lot code `lot` (empty when absent).
std::string NodeLine(const std::string& dot, const std::string& lot) {
  const size_t label = dot.find("[label=<<FONT POINT-SIZE=\"13\"><B>" + lot + "</B>");
  if (label == std::string::npos) return "";
  const size_t start = dot.rfind('\n', label) + 1;
  return dot.substr(start, dot.find('\n', label) - start);
}

// The generated node name of `lot`: "lot2".
std::string NodeName(const std::string& dot, const std::string& lot) {
  const std::string line = NodeLine(dot, lot);
  const size_t start = line.find_first_not_of(' ');
  return line.substr(start, line.find(' ', start) - start);
}

// The statement of the edge from `from` to `to` (node names).
std::string EdgeLine(const std::string& dot, const std::string& from, const std::string& to) {
  const size_t at = dot.find("  " + from + " -> " + to + " [");
  if (at == std::string::npos) return "";
  return dot.substr(at, dot.find('\n', at) - at);
}

v1::TraceGraph StoryGraph() {
  v1::TraceGraph g;
  g.set_read_at_height(21);
  v1::TraceNode* meal = g.add_nodes();
  meal->set_lot_code("BENTO");
  meal->set_product("ready meal");
  meal->add_recalls()->set_reason("listeria");
  meal->mutable_recalls(0)->set_issued_by_org("fukuoka-food-safety");
  v1::TraceNode* spinach = g.add_nodes();
  spinach->set_lot_code("P1");
  v1::Excursion* x = spinach->add_excursions();
  x->set_sensor_type("temperature");
  x->set_worst_value_milli(8'600);
  x->set_unit("CEL");
  x->set_reading_count(2);
  x->set_start_time("2026-11-20T12:15:00+09:00");
  x->set_end_time("2026-11-20T12:45:00+09:00");
  v1::TraceNode* goma = g.add_nodes();
  goma->set_lot_code("GOMA");
  v1::Holding* h = goma->add_holdings();
  h->set_org_id("fukuoka-deli");
  h->set_quantity_milli(14'000);
  for (const char* input : {"P1", "GOMA"}) {
    v1::TraceEdge* e = g.add_edges();
    e->set_from_lot(input);
    e->set_to_lot("BENTO");
    e->mutable_transformation()->set_height(15);
    e->mutable_transformation()->set_index(2);
  }
  return g;
}

LotJourneys StoryJourneys() {
  LotJourney p1;
  p1.unit = "KGM";
  p1.creator_org = "kyushu-farm";
  p1.created_milli = 500'000;
  p1.created_biz_step = "commissioning";
  p1.created_time = "2026-11-20T09:00:00+09:00";
  CustodyHop truck;
  truck.from_org = "kyushu-farm";
  truck.to_org = "hakata-wholesale";
  truck.carrier_org = "kyushu-coldchain";
  truck.quantity_milli = truck.received_milli = 500'000;
  truck.shipped_time = "2026-11-20T11:00:00+09:00";
  truck.shipped_ms = 1'795'140'000'000;  // 02:00Z
  truck.received_time = "2026-11-20T14:10:00+09:00";
  truck.received_ms = truck.shipped_ms + 190 * 60'000;
  CustodyHop van = truck;
  van.from_org = "hakata-wholesale";
  van.to_org = "fukuoka-deli";
  van.carrier_org = "";
  van.quantity_milli = 100'000;
  van.received_milli = 40'000;
  van.shipped_time = "2026-11-21T05:30:00Z";
  van.shipped_ms = truck.received_ms + 86'400'000;
  p1.hops = {truck, van};
  LotUse use;
  use.org = "fukuoka-deli";
  use.quantity_milli = 60'000;
  use.time = "2026-11-21T09:00:00+09:00";
  use.transformation.set_height(15);
  use.transformation.set_index(2);
  p1.uses = {use};
  return {{"P1", p1}};
}

TEST(TraceDotTest, RecalledRedExcursionOrangeCleanPlain) {
  const std::string dot = TraceGraphToDot(StoryGraph(), "BENTO", "back");
  EXPECT_EQ(dot.rfind("digraph tadori_trace {\n", 0), 0u) << dot;
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
  const std::string meal = NodeLine(dot, "BENTO");
  EXPECT_NE(meal.find("color=\"red\", fillcolor=\"#ffd0d0\""), std::string::npos) << dot;
  EXPECT_NE(meal.find("RECALLED by fukuoka-food-safety"), std::string::npos) << meal;
  EXPECT_NE(meal.find(">listeria<"), std::string::npos) << meal;
  const std::string spinach = NodeLine(dot, "P1");
  EXPECT_NE(spinach.find("color=\"orange\", fillcolor=\"#ffe4b5\""), std::string::npos) << dot;
  EXPECT_NE(spinach.find("EXCURSION temperature, worst 8.6 °C"), std::string::npos) << spinach;
  const std::string plain = NodeLine(dot, "GOMA");
  ASSERT_FALSE(plain.empty()) << dot;
  EXPECT_EQ(plain.find("color="), std::string::npos) << plain;
  EXPECT_NE(plain.find("now held by fukuoka-deli 14"), std::string::npos) << plain;
  // Without journeys, transformations join the lots' boxes.
  EXPECT_NE(EdgeLine(dot, NodeName(dot, "P1"), NodeName(dot, "BENTO"))
                .find("<TD><B>transformation 15:2</B></TD>"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("trace back from BENTO, read at height 21"), std::string::npos) << dot;
}

TEST(TraceDotTest, JourneyDrawsCustodyHopsWithQuantitiesAndTheExcursionOnTheTruck) {
  const std::string dot = TraceGraphToDot(StoryGraph(), "BENTO", "back", StoryJourneys());
  const std::string p1 = NodeName(dot, "P1");
  ASSERT_FALSE(p1.empty()) << dot;
  EXPECT_NE(dot.find("subgraph cluster_" + p1 + " {"), std::string::npos) << dot;
  EXPECT_NE(NodeLine(dot, "P1").find("made by kyushu-farm: 500 kg"), std::string::npos);
  // The farm made the lot: its place is the lot's box; the others get a place each.
  const std::string wholesale = p1 + "_at1";
  const std::string deli = p1 + "_at2";
  EXPECT_NE(dot.find("    " + wholesale + " [label=\"hakata-wholesale\", class=\"custody\""),
            std::string::npos)
      << dot;
  const std::string truck = EdgeLine(dot, p1, wholesale);
  EXPECT_NE(truck.find("<B>kyushu-farm → hakata-wholesale</B><BR/>500 kg via kyushu-coldchain<BR/>"
                       "shipped 2026-11-20 11:00 +09:00<BR/>received 2026-11-20 14:10 +09:00"),
            std::string::npos)
      << truck;
  EXPECT_NE(truck.find("<B>EXCURSION temperature, worst 8.6 °C (2 readings)</B>"),
            std::string::npos)
      << truck;
  EXPECT_NE(truck.find("color=\"darkorange\""), std::string::npos) << truck;
  const std::string van = EdgeLine(dot, wholesale, deli);
  EXPECT_NE(van.find("100 kg<BR/>shipped 2026-11-21 05:30 UTC<BR/>40 kg received, rest in transit"),
            std::string::npos)
      << van;
  EXPECT_EQ(van.find("EXCURSION"), std::string::npos) << van;
  EXPECT_NE(van.find("color=\"#4a5d7e\""), std::string::npos) << van;
  // The spinach went into the meal where the deli used it.
  const std::string used = EdgeLine(dot, deli, NodeName(dot, "BENTO"));
  EXPECT_NE(used.find("<B>transformation 15:2</B><BR/>60 kg used by fukuoka-deli"),
            std::string::npos)
      << dot;
  // GOMA has no journey: its box is the tail.
  EXPECT_NE(EdgeLine(dot, NodeName(dot, "GOMA"), NodeName(dot, "BENTO")), "") << dot;
}

TEST(TraceDotTest, HostileLotCodesStayInsideTheirLabels) {
  EXPECT_EQ(DotEscape("a\"b\\c\nd\r"), "a\\\"b\\\\c\\nd\xEF\xBF\xBD");
  EXPECT_EQ(DotEscape("x\x01y"), "x\xEF\xBF\xBDy");
  EXPECT_EQ(DotEscape("R&D &lt;"), "R&amp;D &amp;lt;");
  v1::TraceGraph g;
  g.add_nodes()->set_lot_code("L\"]; evil [x=\"");
  g.add_nodes()->set_lot_code("M></B></FONT>>]; evil [x=<");
  v1::TraceEdge* e = g.add_edges();
  e->set_from_lot("L\"]; evil [x=\"");
  e->set_to_lot("M></B></FONT>>]; evil [x=<");
  const std::string dot = TraceGraphToDot(g, "L", "forward");
  EXPECT_EQ(dot.find("evil [x=\""), std::string::npos) << dot;  // never as DOT syntax
  EXPECT_EQ(dot.find("evil [x=<"), std::string::npos) << dot;
  EXPECT_NE(dot.find("<B>L&quot;]; evil [x=&quot;</B>"), std::string::npos) << dot;
  EXPECT_NE(dot.find("<B>M&gt;&lt;/B&gt;&lt;/FONT&gt;&gt;]; evil [x=&lt;</B>"), std::string::npos)
      << dot;
  EXPECT_NE(dot.find("  lot1 -> lot2 ["), std::string::npos) << dot;
}

}  // namespace
}  // namespace tadori::cli
