// FSMA 204 key data elements: each CTE of a Food Traceability List product must carry its
// KDEs; the refusal names the missing field and the KDE. Non-FTL products are not held to them.
#include <gtest/gtest.h>

#include <functional>

#include "chaincode_fixture.h"

namespace tadori {
namespace {

class KdeTest : public ChaincodeTest {
 protected:
  struct Case {
    const char* name;
    std::function<void(v1::EpcisEvent&)> drop;
    const char* field;
    const char* kde;
  };

  // Each case, applied to `event`, is refused naming its field and KDE; the untouched
  // event is accepted afterwards.
  void ExpectEachRefused(const std::string& org, const v1::EpcisEvent& event,
                         const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      v1::EpcisEvent broken = event;
      c.drop(broken);
      v1::TxResult result = RecordAs(org, broken);
      EXPECT_EQ(CodeOf(result), Code::kInvalidArgument) << c.name << ": " << result.message();
      EXPECT_NE(result.message().find(c.field), std::string::npos) << result.message();
      const size_t kde_at = result.message().find("(FSMA 204 KDE: ");
      ASSERT_NE(kde_at, std::string::npos) << result.message();
      EXPECT_NE(result.message().find(c.kde, kde_at), std::string::npos) << result.message();
    }
    ExpectOk(RecordAs(org, event));
  }

  static void DropDocs(v1::EpcisEvent& e) { e.clear_biz_transaction_list(); }
};

TEST_F(KdeTest, Harvesting) {
  ExpectEachRefused("farm", HarvestEvent("H-1"),
                    {{"date", [](auto& e) { e.mutable_ilmd()->clear_harvest_date(); },
                      "ilmd.harvest_date", "date of harvesting"},
                     {"farm", [](auto& e) { e.mutable_ilmd()->clear_harvest_location(); },
                      "ilmd.harvest_location", "location description for the farm"},
                     {"doc", DropDocs, "biz_transaction_list", "reference document"}});
}

TEST_F(KdeTest, Cooling) {
  v1::EpcisEvent event = BaseEvent(v1::OBJECT_EVENT, v1::ADD, "cooling");
  event.set_biz_location(Gln("farm"));
  *event.add_quantity_list() = Qty("C-1", 800);
  ExpectEachRefused("farm", event,
                    {{"where", [](auto& e) { e.clear_biz_location(); }, "biz_location",
                      "where the food was cooled"},
                     {"doc", DropDocs, "biz_transaction_list", "reference document"}});
  EXPECT_EQ(Lot("C-1").created_biz_step(), "cooling");
}

TEST_F(KdeTest, InitialPacking) {
  ExpectEachRefused(
      "farm", PackEvent("P-1"),
      {{"tlc source", [](auto& e) { e.mutable_ilmd()->clear_tlc_source(); }, "ilmd.tlc_source",
        "traceability lot code source"},
       {"packing date", [](auto& e) { e.mutable_ilmd()->clear_packing_date(); },
        "ilmd.packing_date", "date of initial packing"},
       {"harvest date", [](auto& e) { e.mutable_ilmd()->clear_harvest_date(); },
        "ilmd.harvest_date", "date of harvesting"},
       {"cooling location", [](auto& e) { e.mutable_ilmd()->clear_cooling_location(); },
        "ilmd.cooling_location", "cooled"},
       {"cooling date", [](auto& e) { e.mutable_ilmd()->clear_cooling_date(); },
        "ilmd.cooling_date", "date of cooling"},
       {"doc", DropDocs, "biz_transaction_list", "reference document"}});
  EXPECT_EQ(Lot("P-1").tlc_source(), Gln("farm"));
  EXPECT_EQ(Lot("P-1").ilmd().packing_date(), "2026-11-20");
}

TEST_F(KdeTest, FirstLandBasedReceiving) {
  v1::EpcisEvent event = BaseEvent(v1::OBJECT_EVENT, v1::ADD, "first_land_based_receiving");
  event.set_biz_location(Gln("farm") + ":dock");
  *event.add_quantity_list() = Qty("F-1", 5000);
  event.mutable_ilmd()->set_landing_date("2026-11-19");
  event.mutable_ilmd()->set_vessel("Hakata Maru No. 3");
  event.mutable_ilmd()->set_tlc_source(Gln("farm"));
  ExpectEachRefused("farm", event,
                    {{"landing", [](auto& e) { e.mutable_ilmd()->clear_landing_date(); },
                      "ilmd.landing_date", "date the food was landed"},
                     {"vessel", [](auto& e) { e.mutable_ilmd()->clear_vessel(); }, "ilmd.vessel",
                      "harvest vessel"},
                     {"where", [](auto& e) { e.clear_biz_location(); }, "biz_location", "received"},
                     {"tlc source", [](auto& e) { e.mutable_ilmd()->clear_tlc_source(); },
                      "ilmd.tlc_source", "traceability lot code source"}});
}

TEST_F(KdeTest, Shipping) {
  ExpectOk(RecordAs("farm", PackEvent("S-1")));
  auto drop_party = [](google::protobuf::RepeatedPtrField<v1::PartyRef>* list,
                       const std::string& type) {
    for (int i = list->size() - 1; i >= 0; --i) {
      if (list->Get(i).type() == type) list->erase(list->begin() + i);
    }
  };
  ExpectEachRefused(
      "farm", ShipEvent({{"S-1", 300}}, "farm", "distributor"),
      {{"ship-to", [&](auto& e) { drop_party(e.mutable_destination_list(), "location"); },
        "destination_list needs a location", "immediate subsequent recipient"},
       {"ship-from", [&](auto& e) { drop_party(e.mutable_source_list(), "location"); },
        "source_list needs a location", "from which the food was shipped"},
       {"doc", DropDocs, "biz_transaction_list", "reference document"}});
  // biz_location stands in for the ship-from location.
  v1::EpcisEvent event = ShipEvent({{"S-1", 300}}, "farm", "distributor");
  drop_party(event.mutable_source_list(), "location");
  event.set_biz_location(Gln("farm"));
  ExpectOk(RecordAs("farm", event));
}

TEST_F(KdeTest, Receiving) {
  ExpectOk(RecordAs("farm", PackEvent("R-1")));
  ExpectOk(RecordAs("farm", ShipEvent({{"R-1", 1000}}, "farm", "distributor")));
  auto drop_party = [](google::protobuf::RepeatedPtrField<v1::PartyRef>* list,
                       const std::string& type) {
    for (int i = list->size() - 1; i >= 0; --i) {
      if (list->Get(i).type() == type) list->erase(list->begin() + i);
    }
  };
  ExpectEachRefused(
      "distributor", ReceiveEvent({{"R-1", 1000}}, "farm", "distributor"),
      {{"previous source", [&](auto& e) { drop_party(e.mutable_source_list(), "location"); },
        "source_list needs a location", "immediate previous source"},
       {"where",
        [&](auto& e) {
          drop_party(e.mutable_destination_list(), "location");
          e.clear_biz_location();
        },
        "destination_list needs a location", "where the food was received"},
       {"doc", DropDocs, "biz_transaction_list", "reference document"}});
}

TEST_F(KdeTest, Transformation) {
  ExpectOk(RecordAs("packer", PackEvent("T-IN", 1000, kSpinach, "packer")));
  ExpectEachRefused(
      "packer", TransformEvent({{"T-IN", 600}}, {{"T-OUT", 500}}),
      {{"tlc source", [](auto& e) { e.mutable_ilmd()->clear_tlc_source(); }, "ilmd.tlc_source",
        "traceability lot code source"},
       {"where", [](auto& e) { e.clear_biz_location(); }, "biz_location", "transformed"},
       {"doc", DropDocs, "biz_transaction_list", "reference document"}});
  EXPECT_EQ(Lot("T-OUT").tlc_source(), Gln("packer"));
}

TEST_F(KdeTest, ProductsOffTheListNeedOnlyTheShape) {
  v1::EpcisEvent event = HarvestEvent("RICE-1", 2000, kRice);
  event.clear_ilmd();
  event.clear_biz_transaction_list();
  ExpectOk(RecordAs("farm", event));
  v1::EpcisEvent ship = ShipEvent({{"RICE-1", 2000}}, "farm", "distributor", "", kRice);
  ship.clear_biz_transaction_list();
  ship.clear_source_list();
  ship.clear_destination_list();
  *ship.add_destination_list() = Party("owning_party", "distributor");
  ExpectOk(RecordAs("farm", ship));
  // The custody rules still hold: the destination must be named.
  ExpectOk(RecordAs("farm", HarvestEvent("RICE-2", 2000, kRice)));
  ship.mutable_quantity_list(0)->set_lot_code("RICE-2");
  ship.clear_destination_list();
  ExpectRefused(RecordAs("farm", ship), Code::kInvalidArgument, "owning_party");
}

}  // namespace
}  // namespace tadori
