#include "tools/cli/lot_journey.h"

#include <gtest/gtest.h>

namespace tadori::cli {
namespace {

class History {
 public:
  // An event of `org` at `time` (RFC 3339) naming `lot` with `milli` in quantity_list.
  v1::EpcisEvent& Object(const std::string& org, const std::string& time, v1::EventAction action,
                         const std::string& biz_step, const std::string& lot, int64_t milli) {
    v1::RecordedEvent* r = events_.Add();
    r->set_org_id(org);
    r->mutable_ref()->set_height(static_cast<uint64_t>(events_.size()));
    v1::EpcisEvent* e = r->mutable_event();
    e->set_type(v1::OBJECT_EVENT);
    e->set_action(action);
    e->set_biz_step(biz_step);
    e->set_event_time(time);
    v1::QuantityElement* q = e->add_quantity_list();
    q->set_lot_code(lot);
    q->set_quantity_milli(milli);
    q->set_unit("KGM");
    return *e;
  }
  void Ship(const std::string& from, const std::string& to, const std::string& carrier,
            const std::string& time, const std::string& lot, int64_t milli) {
    v1::EpcisEvent& e = Object(from, time, v1::OBSERVE, "shipping", lot, milli);
    Party(e.add_destination_list(), "owning_party", to);
    if (!carrier.empty()) Party(e.add_destination_list(), "possessing_party", carrier);
  }
  void Receive(const std::string& from, const std::string& to, const std::string& time,
               const std::string& lot, int64_t milli) {
    v1::EpcisEvent& e = Object(to, time, v1::OBSERVE, "receiving", lot, milli);
    Party(e.add_source_list(), "owning_party", from);
  }
  void Transform(const std::string& org, const std::string& time, const std::string& input,
                 int64_t input_milli, const std::string& output, int64_t output_milli) {
    v1::RecordedEvent* r = events_.Add();
    r->set_org_id(org);
    r->mutable_ref()->set_height(static_cast<uint64_t>(events_.size()));
    r->mutable_ref()->set_index(3);
    v1::EpcisEvent* e = r->mutable_event();
    e->set_type(v1::TRANSFORMATION_EVENT);
    e->set_biz_step("transforming");
    e->set_event_time(time);
    v1::QuantityElement* in = e->add_input_quantity_list();
    in->set_lot_code(input);
    in->set_quantity_milli(input_milli);
    in->set_unit("KGM");
    v1::QuantityElement* out = e->add_output_quantity_list();
    out->set_lot_code(output);
    out->set_quantity_milli(output_milli);
    out->set_unit("EA");
  }
  google::protobuf::RepeatedPtrField<v1::RecordedEvent>& events() { return events_; }

 private:
  static void Party(v1::PartyRef* p, const std::string& type, const std::string& id) {
    p->set_type(type);
    p->set_id(id);
  }
  google::protobuf::RepeatedPtrField<v1::RecordedEvent> events_;
};

TEST(LotJourneyTest, CreationShipmentsAndUsesInChainOrder) {
  History h;
  h.Object("farm", "2026-11-20T09:00:00+09:00", v1::ADD, "commissioning", "P1", 500'000);
  h.Ship("farm", "wholesale", "coldchain", "2026-11-20T11:00:00+09:00", "P1", 500'000);
  h.Receive("farm", "wholesale", "2026-11-20T14:10:00+09:00", "P1", 500'000);
  h.Ship("wholesale", "deli", "", "2026-11-21T05:30:00+09:00", "P1", 100'000);
  h.Transform("deli", "2026-11-21T09:00:00+09:00", "P1", 60'000, "BENTO", 400'000);

  const LotJourney j = JourneyFromHistory("P1", h.events());
  EXPECT_EQ(j.unit, "KGM");
  EXPECT_EQ(j.creator_org, "farm");
  EXPECT_EQ(j.created_milli, 500'000);
  EXPECT_EQ(j.created_biz_step, "commissioning");
  ASSERT_EQ(j.hops.size(), 2u);
  EXPECT_EQ(j.hops[0].from_org, "farm");
  EXPECT_EQ(j.hops[0].to_org, "wholesale");
  EXPECT_EQ(j.hops[0].carrier_org, "coldchain");
  EXPECT_EQ(j.hops[0].received_milli, 500'000);
  EXPECT_EQ(j.hops[0].received_time, "2026-11-20T14:10:00+09:00");
  EXPECT_EQ(j.hops[0].received_ms - j.hops[0].shipped_ms, (3 * 60 + 10) * 60'000);
  EXPECT_EQ(j.hops[1].from_org, "wholesale");
  EXPECT_EQ(j.hops[1].carrier_org, "");
  EXPECT_EQ(j.hops[1].received_milli, 0);  // still on its way
  ASSERT_EQ(j.uses.size(), 1u);
  EXPECT_EQ(j.uses[0].org, "deli");
  EXPECT_EQ(j.uses[0].quantity_milli, 60'000);
  EXPECT_EQ(j.uses[0].transformation.height(), 5u);
  EXPECT_EQ(j.uses[0].transformation.index(), 3u);

  // The output lot's journey starts at the transformation.
  const LotJourney bento = JourneyFromHistory("BENTO", h.events());
  EXPECT_EQ(bento.creator_org, "deli");
  EXPECT_EQ(bento.created_biz_step, "transforming");
  EXPECT_EQ(bento.unit, "EA");
  EXPECT_TRUE(bento.hops.empty());
}

TEST(LotJourneyTest, ReceiptsFillTheOldestShipmentFirst) {
  History h;
  h.Ship("a", "b", "", "2026-01-01T10:00:00Z", "L", 300);
  h.Ship("a", "b", "", "2026-01-01T11:00:00Z", "L", 200);
  h.Ship("a", "c", "", "2026-01-01T11:30:00Z", "L", 50);
  h.Receive("a", "b", "2026-01-01T12:00:00Z", "L", 400);
  h.Receive("x", "b", "2026-01-01T12:30:00Z", "L", 99);  // no shipment from x: ignored
  const LotJourney j = JourneyFromHistory("L", h.events());
  ASSERT_EQ(j.hops.size(), 3u);
  EXPECT_EQ(j.hops[0].received_milli, 300);
  EXPECT_EQ(j.hops[1].received_milli, 100);
  EXPECT_EQ(j.hops[1].received_time, "2026-01-01T12:00:00Z");
  EXPECT_EQ(j.hops[2].received_milli, 0);  // a -> c is another route
}

TEST(LotJourneyTest, OtherLotsAndEventsThatMoveNothingAreIgnored) {
  History h;
  h.Ship("a", "b", "", "2026-01-01T10:00:00Z", "OTHER", 300);
  h.Object("a", "2026-01-01T10:00:00Z", v1::OBSERVE, "storing", "L", 10);
  v1::EpcisEvent& aggregation =
      h.Object("a", "2026-01-01T10:00:00Z", v1::OBSERVE, "shipping", "L", 10);
  aggregation.set_type(v1::AGGREGATION_EVENT);  // recorded on the lot, moves nothing
  const LotJourney j = JourneyFromHistory("L", h.events());
  EXPECT_TRUE(j.hops.empty());
  EXPECT_EQ(j.creator_org, "");
  EXPECT_EQ(j.unit, "KGM");
}

TEST(LotJourneyTest, ExcursionDuringHopComparesInstantsAcrossOffsets) {
  CustodyHop hop;
  hop.quantity_milli = 10;
  hop.received_milli = 10;
  hop.shipped_ms = 1'000'000'000'000;            // 2001-09-09T01:46:40Z
  hop.received_ms = hop.shipped_ms + 3'600'000;  // an hour later
  v1::Excursion e;
  e.set_start_time("2001-09-09T11:00:00+09:00");  // 02:00Z: inside
  e.set_end_time("2001-09-09T11:10:00+09:00");
  EXPECT_TRUE(ExcursionDuringHop(e, hop));
  e.set_start_time("2001-09-09T03:00:00Z");  // after it arrived
  e.set_end_time("2001-09-09T03:30:00Z");
  EXPECT_FALSE(ExcursionDuringHop(e, hop));
  hop.received_milli = 5;  // part still on its way: the hop has not ended
  EXPECT_TRUE(ExcursionDuringHop(e, hop));
  e.set_start_time("2001-09-09T00:00:00Z");  // before it left
  e.set_end_time("2001-09-09T01:00:00Z");
  EXPECT_FALSE(ExcursionDuringHop(e, hop));
  e.set_end_time("not a time");
  EXPECT_FALSE(ExcursionDuringHop(e, hop));
}

}  // namespace
}  // namespace tadori::cli
