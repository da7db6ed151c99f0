#include "tools/cli/lot_render.h"

#include <gtest/gtest.h>

namespace tadori::cli {
namespace {

v1::Excursion TruckExcursion() {
  v1::Excursion e;
  e.set_device_id("truck-7");
  e.set_sensor_type("temperature");
  e.set_start_time("2026-11-20T12:15:00+09:00");
  e.set_end_time("2026-11-20T12:45:00+09:00");
  e.set_worst_value_milli(8'600);
  e.set_unit("CEL");
  e.set_range_min_milli(0);
  e.set_range_max_milli(5'000);
  e.set_reading_count(2);
  e.mutable_attestation()->set_height(9);
  return e;
}

TEST(LotRenderTest, LotViewShowsHoldersTransitExcursionAndRecall) {
  v1::LotView view;
  view.set_remaining_quantity_milli(440'000);
  view.set_read_at_height(21);
  v1::LotRecord* lot = view.mutable_lot();
  lot->set_lot_code("P1");
  lot->set_product("04569951000010");
  lot->set_unit("KGM");
  lot->set_created_quantity_milli(500'000);
  lot->set_creator_org("kyushu-farm");
  lot->set_created_biz_step("commissioning");
  lot->mutable_created_by()->set_height(7);
  lot->mutable_created_by()->set_index(1);
  lot->set_consumed_quantity_milli(60'000);
  v1::Holding* h = lot->add_holdings();
  h->set_org_id("hakata-wholesale");
  h->set_quantity_milli(400'000);
  v1::InTransit* t = lot->add_in_transit();
  t->set_from_org("hakata-wholesale");
  t->set_to_org("fukuoka-deli");
  t->set_carrier_org("kyushu-coldchain");
  t->set_quantity_milli(40'000);
  lot->add_children("BENTO");
  *lot->add_excursions() = TruckExcursion();
  v1::RecallFlag* r = lot->add_recalls();
  r->set_origin_lot("P1");
  r->set_reason("listeria");
  r->set_issued_by_org("fukuoka-food-safety");
  r->set_height(20);
  const std::string out = RenderLotView(view);
  EXPECT_NE(out.find("500.000 KGM by kyushu-farm (commissioning at 7:1)"), std::string::npos)
      << out;
  EXPECT_NE(out.find("440.000 KGM"), std::string::npos) << out;
  EXPECT_NE(out.find("hakata-wholesale 400.000 KGM"), std::string::npos) << out;
  EXPECT_NE(out.find("hakata-wholesale -> fukuoka-deli via kyushu-coldchain 40.000 KGM"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("worst 8.600 CEL outside 0.000..5.000"), std::string::npos) << out;
  EXPECT_NE(out.find("RECALLED"), std::string::npos) << out;
  EXPECT_NE(out.find("fukuoka-food-safety at height 20: listeria"), std::string::npos) << out;
  EXPECT_NE(out.find("children"), std::string::npos);
  EXPECT_NE(out.find("read at height  21"), std::string::npos) << out;
}

TEST(LotRenderTest, CleanLotSaysNoneInsteadOfMarkers) {
  v1::LotView view;
  view.mutable_lot()->set_lot_code("H1");
  const std::string out = RenderLotView(view);
  EXPECT_EQ(out.find("RECALLED"), std::string::npos) << out;
  EXPECT_EQ(out.find("EXCURSION"), std::string::npos) << out;
  EXPECT_NE(out.find("excursions      none"), std::string::npos) << out;
}

TEST(LotRenderTest, TraceTableHasOneRowPerLotAndFlagsTheRightOnes) {
  v1::TraceGraph g;
  g.set_read_at_height(30);
  v1::TraceNode* meal = g.add_nodes();
  meal->set_lot_code("BENTO");
  meal->set_depth(0);
  meal->add_recalls()->set_origin_lot("P1");
  meal->add_custody_orgs("fukuoka-deli");
  meal->add_custody_orgs("tenjin-bistro");
  v1::TraceNode* spinach = g.add_nodes();
  spinach->set_lot_code("P1");
  spinach->set_depth(1);
  *spinach->add_excursions() = TruckExcursion();
  spinach->add_recalls()->set_origin_lot("P1");
  v1::TraceNode* goma = g.add_nodes();
  goma->set_lot_code("GOMA");
  goma->set_depth(1);
  v1::TraceEdge* e = g.add_edges();
  e->set_from_lot("P1");
  e->set_to_lot("BENTO");
  e->mutable_transformation()->set_height(15);
  const std::string out = RenderTraceGraph(g, "BENTO", "back");
  EXPECT_NE(out.find("trace back from BENTO: 3 lot(s), 1 transformation edge(s)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("fukuoka-deli > tenjin-bistro"), std::string::npos) << out;
  EXPECT_NE(out.find("RECALLED,EXCURSION(1)"), std::string::npos) << out;
  EXPECT_NE(out.find("EXCURSION on P1"), std::string::npos) << out;
  EXPECT_EQ(out.find("EXCURSION on BENTO"), std::string::npos) << out;
  EXPECT_EQ(out.find("EXCURSION on GOMA"), std::string::npos) << out;
  EXPECT_NE(out.find("event 15:0"), std::string::npos) << out;
  EXPECT_EQ(out.find("TRUNCATED"), std::string::npos);
  g.set_truncated(true);
  EXPECT_NE(RenderTraceGraph(g, "BENTO", "back").find("TRUNCATED"), std::string::npos);
}

TEST(LotRenderTest, RecallScopeListsOrganisationsAndHolders) {
  v1::RecallScopeResponse s;
  s.add_affected_lots("P1");
  s.add_affected_lots("BENTO");
  s.add_organisations("fukuoka-deli");
  s.add_organisations("tenjin-bistro");
  v1::AffectedHolder* h = s.add_holders();
  h->set_org_id("tenjin-bistro");
  h->set_lot_code("BENTO");
  h->set_quantity_milli(40'000);
  v1::AffectedHolder* moving = s.add_holders();
  moving->set_org_id("fukuoka-deli");
  moving->set_lot_code("P1");
  moving->set_quantity_milli(1);
  moving->set_in_transit(true);
  const std::string out = RenderRecallScope(s);
  EXPECT_NE(out.find("affected lots (2): P1, BENTO"), std::string::npos) << out;
  EXPECT_NE(out.find("organisations to notify (2): fukuoka-deli, tenjin-bistro"), std::string::npos)
      << out;
  EXPECT_NE(out.find("tenjin-bistro  BENTO  40.000    held"), std::string::npos) << out;
  EXPECT_NE(out.find("in transit"), std::string::npos) << out;
}

TEST(LotRenderTest, EventRefIsHeightColonIndexOrDash) {
  v1::EventRef ref;
  EXPECT_EQ(FormatEventRef(ref), "-");
  ref.set_height(12);
  ref.set_index(3);
  EXPECT_EQ(FormatEventRef(ref), "12:3");
}

}  // namespace
}  // namespace tadori::cli
