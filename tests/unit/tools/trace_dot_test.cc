#include "tools/cli/trace_dot.h"

#include <gtest/gtest.h>

namespace tadori::cli {
namespace {

// The attribute list of the node statement for `lot` (empty when absent).
std::string NodeLine(const std::string& dot, const std::string& lot) {
  const size_t at = dot.find("  \"" + lot + "\" [label=");
  if (at == std::string::npos) return "";
  return dot.substr(at, dot.find('\n', at) - at);
}

TEST(TraceDotTest, RecalledRedExcursionOrangeCleanPlain) {
  v1::TraceGraph g;
  v1::TraceNode* meal = g.add_nodes();
  meal->set_lot_code("BENTO");
  meal->set_product("ready meal");
  meal->add_recalls()->set_reason("listeria");
  v1::TraceNode* spinach = g.add_nodes();
  spinach->set_lot_code("P1");
  spinach->add_excursions()->set_sensor_type("temperature");
  v1::TraceNode* goma = g.add_nodes();
  goma->set_lot_code("GOMA");
  v1::Holding* h = goma->add_holdings();
  h->set_org_id("fukuoka-deli");
  h->set_quantity_milli(14'000);
  v1::TraceEdge* e = g.add_edges();
  e->set_from_lot("P1");
  e->set_to_lot("BENTO");
  e->mutable_transformation()->set_height(15);
  e->mutable_transformation()->set_index(2);

  const std::string dot = TraceGraphToDot(g, "BENTO", "back");
  EXPECT_EQ(dot.rfind("digraph tadori_trace {\n", 0), 0u) << dot;
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
  EXPECT_NE(NodeLine(dot, "BENTO").find("color=\"red\""), std::string::npos) << dot;
  EXPECT_NE(NodeLine(dot, "BENTO").find("RECALLED (listeria)"), std::string::npos) << dot;
  EXPECT_NE(NodeLine(dot, "P1").find("color=\"orange\""), std::string::npos) << dot;
  EXPECT_NE(NodeLine(dot, "P1").find("EXCURSION temperature"), std::string::npos) << dot;
  const std::string plain = NodeLine(dot, "GOMA");
  ASSERT_FALSE(plain.empty()) << dot;
  EXPECT_EQ(plain.find("color="), std::string::npos) << plain;
  EXPECT_NE(plain.find("held by fukuoka-deli 14.000"), std::string::npos) << plain;
  EXPECT_NE(dot.find("\"P1\" -> \"BENTO\" [label=\"transformation 15:2\"]"), std::string::npos)
      << dot;
}

TEST(TraceDotTest, QuotesAndNewlinesCannotBreakOutOfLabels) {
  EXPECT_EQ(DotEscape("a\"b\\c\nd\r"), "a\\\"b\\\\c\\nd");
  v1::TraceGraph g;
  g.add_nodes()->set_lot_code("L\"]; evil [x=\"");
  const std::string dot = TraceGraphToDot(g, "L", "forward");
  EXPECT_NE(dot.find("\"L\\\"]; evil [x=\\\"\""), std::string::npos) << dot;
}

}  // namespace
}  // namespace tadori::cli
