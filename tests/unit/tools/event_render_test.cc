#include "tools/cli/event_render.h"

#include <gtest/gtest.h>

namespace tadori::cli {
namespace {

v1::QuantityElement Quantity(const std::string& lot, int64_t milli, const std::string& unit) {
  v1::QuantityElement q;
  q.set_lot_code(lot);
  q.set_quantity_milli(milli);
  q.set_unit(unit);
  return q;
}

TEST(EventRenderTest, KindsAndLotsOfObjectAndTransformationEvents) {
  v1::EpcisEvent ship;
  ship.set_type(v1::OBJECT_EVENT);
  ship.set_action(v1::OBSERVE);
  *ship.add_quantity_list() = Quantity("P1", 500'000, "KGM");
  EXPECT_EQ(EventKind(ship), "OBJECT OBSERVE");
  EXPECT_EQ(EventLots(ship), "P1 500.000 KGM");

  v1::EpcisEvent make;
  make.set_type(v1::TRANSFORMATION_EVENT);
  *make.add_input_quantity_list() = Quantity("P1", 60'000, "KGM");
  *make.add_input_quantity_list() = Quantity("GOMA", 6'000, "KGM");
  *make.add_output_quantity_list() = Quantity("BENTO", 400'000, "EA");
  EXPECT_EQ(EventKind(make), "TRANSFORMATION");
  EXPECT_EQ(EventLots(make), "in: P1 60.000 KGM, GOMA 6.000 KGM; out: BENTO 400.000 EA");
}

TEST(EventRenderTest, EventTableShowsShipmentDestinationAndMorePages) {
  v1::EventPage page;
  page.set_read_at_height(12);
  v1::RecordedEvent* r = page.add_events();
  r->set_org_id("kyushu-farm");
  r->set_cte("shipping");
  r->mutable_ref()->set_height(8);
  v1::EpcisEvent* e = r->mutable_event();
  e->set_type(v1::OBJECT_EVENT);
  e->set_action(v1::OBSERVE);
  e->set_biz_step("shipping");
  e->set_event_time("2026-11-20T11:00:00+09:00");
  e->set_biz_location("urn:epc:id:sgln:4569951.10002.0");
  *e->add_quantity_list() = Quantity("P1", 500'000, "KGM");
  v1::PartyRef* to = e->add_destination_list();
  to->set_type("owning_party");
  to->set_id("hakata-wholesale");
  v1::PartyRef* carrier = e->add_destination_list();
  carrier->set_type("possessing_party");
  carrier->set_id("kyushu-coldchain");
  v1::PartyRef* where = e->add_destination_list();
  where->set_type("location");
  where->set_id("urn:epc:id:sgln:4569952.20001.0");
  std::string out = RenderEvents(page);
  EXPECT_NE(out.find("1 event(s), read at height 12"), std::string::npos) << out;
  EXPECT_NE(out.find("hakata-wholesale, kyushu-coldchain (carrier)"), std::string::npos) << out;
  EXPECT_NE(out.find("8:0"), std::string::npos) << out;
  EXPECT_EQ(out.find("more events"), std::string::npos);
  page.set_next_cursor("c2");
  EXPECT_NE(RenderEvents(page).find("more events"), std::string::npos);
}

TEST(EventRenderTest, ReadingsCountAndMarkExcursions) {
  v1::ReadingsPage page;
  for (int64_t value : {3'100, 8'600}) {
    v1::RecordedReading* r = page.add_readings();
    r->set_device_id("truck-7");
    r->set_sequence(1);
    r->mutable_reading()->set_value_milli(value);
    r->mutable_reading()->set_unit("CEL");
    r->set_excursion(value > 5'000);
  }
  const std::string out = RenderReadings(page);
  EXPECT_NE(out.find("2 reading(s), 1 outside the storage range"), std::string::npos) << out;
  EXPECT_NE(out.find("8.600"), std::string::npos) << out;
  EXPECT_NE(out.find("YES"), std::string::npos) << out;
}

}  // namespace
}  // namespace tadori::cli
