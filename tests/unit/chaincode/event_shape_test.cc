// record_event: the EPCIS 2.0 shape of an event, refused before any lot changes.
#include <gtest/gtest.h>

#include <functional>

#include "chaincode/chaincode_limits.h"
#include "chaincode_fixture.h"

namespace tadori {
namespace {

using EventShapeTest = ChaincodeTest;

struct ShapeCase {
  const char* name;
  std::function<void(v1::EpcisEvent&)> mutate;
  const char* needle;
};

TEST_F(EventShapeTest, MalformedHarvestIsRefusedNamingTheField) {
  const ShapeCase cases[] = {
      {"no type", [](auto& e) { e.set_type(v1::EVENT_TYPE_UNSPECIFIED); }, "type"},
      {"no action", [](auto& e) { e.set_action(v1::EVENT_ACTION_UNSPECIFIED); }, "action"},
      {"bad time", [](auto& e) { e.set_event_time("2026-11-20 06:30"); }, "event_time"},
      {"no time", [](auto& e) { e.clear_event_time(); }, "event_time"},
      {"offset mismatch", [](auto& e) { e.set_event_time_zone_offset("+01:00"); },
       "differs from the offset"},
      {"bad offset", [](auto& e) { e.set_event_time_zone_offset("JST"); },
       "event_time_zone_offset"},
      {"unknown step", [](auto& e) { e.set_biz_step("teleporting"); }, "teleporting"},
      {"no step", [](auto& e) { e.clear_biz_step(); }, "biz_step"},
      {"empty list", [](auto& e) { e.clear_quantity_list(); }, "quantity_list is empty"},
      {"zero quantity", [](auto& e) { e.mutable_quantity_list(0)->set_quantity_milli(0); },
       "quantity_milli must be > 0"},
      {"negative quantity", [](auto& e) { e.mutable_quantity_list(0)->set_quantity_milli(-4); },
       "quantity_milli"},
      {"no unit", [](auto& e) { e.mutable_quantity_list(0)->clear_unit(); }, "unit"},
      {"no lot", [](auto& e) { e.mutable_quantity_list(0)->clear_lot_code(); }, "lot_code"},
      {"nul lot", [](auto& e) { e.mutable_quantity_list(0)->set_lot_code(std::string("L\0T", 3)); },
       "NUL"},
      {"long lot",
       [](auto& e) {
         e.mutable_quantity_list(0)->set_lot_code(std::string(kLotCodeBytesMax + 1, 'L'));
       },
       "lot_code"},
      {"no product", [](auto& e) { e.mutable_quantity_list(0)->clear_product(); }, "product"},
      {"repeated lot", [](auto& e) { *e.add_quantity_list() = e.quantity_list(0); }, "twice"},
      {"inputs on object", [](auto& e) { *e.add_input_quantity_list() = e.quantity_list(0); },
       "TRANSFORMATION"},
      {"bad party type", [](auto& e) { *e.add_source_list() = Party("owner", "farm"); },
       "owning_party"},
      {"party without id", [](auto& e) { *e.add_destination_list() = Party("location", ""); },
       "destination_list[].id"},
      {"doc without id", [](auto& e) { e.mutable_biz_transaction_list(0)->clear_id(); },
       "biz_transaction_list[].id"},
      {"bad ilmd date", [](auto& e) { e.mutable_ilmd()->set_harvest_date("19/11/2026"); },
       "ilmd.harvest_date"},
      {"too many elements",
       [](auto& e) {
         for (size_t i = 0; i < kEventQuantityElementsMax; ++i) {
           *e.add_quantity_list() = Qty(std::to_string(i) + "-L", 1);
         }
       },
       "elements"},
      {"too many parties",
       [](auto& e) {
         for (size_t i = 0; i <= kEventPartiesMax; ++i)
           *e.add_source_list() = Party("location", "g");
       },
       "source_list"},
      {"too many documents",
       [](auto& e) {
         for (size_t i = 0; i < kEventBizTransactionsMax; ++i) {
           *e.add_biz_transaction_list() = e.biz_transaction_list(0);
         }
       },
       "biz_transaction_list"},
  };
  for (const ShapeCase& c : cases) {
    v1::EpcisEvent event = HarvestEvent("LOT-S");
    c.mutate(event);
    v1::TxResult result = RecordAs("farm", event);
    EXPECT_EQ(CodeOf(result), Code::kInvalidArgument) << c.name << ": " << result.message();
    EXPECT_NE(result.message().find(c.needle), std::string::npos)
        << c.name << ": " << result.message();
    EXPECT_TRUE(result.message().starts_with("record_event: ")) << result.message();
  }
  EXPECT_FALSE(LotExists("LOT-S"));
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-S")));  // the unmutated event is fine
}

TEST_F(EventShapeTest, ZuluTimeMatchesZeroOffset) {
  v1::EpcisEvent event = HarvestEvent("LOT-Z");
  event.set_event_time("2026-11-19T21:30:00Z");
  event.set_event_time_zone_offset("+00:00");
  ExpectOk(RecordAs("farm", event));
}

TEST_F(EventShapeTest, TransformationShape) {
  ExpectOk(RecordAs("packer", PackEvent("IN-1", 1000, kSpinach, "packer")));
  const ShapeCase cases[] = {
      {"action", [](auto& e) { e.set_action(v1::ADD); }, "no action"},
      {"step", [](auto& e) { e.set_biz_step("shipping"); }, "transforming"},
      {"quantity_list", [](auto& e) { *e.add_quantity_list() = Qty("IN-1", 1); },
       "not quantity_list"},
      {"no inputs", [](auto& e) { e.clear_input_quantity_list(); }, "input_quantity_list"},
      {"no outputs", [](auto& e) { e.clear_output_quantity_list(); }, "output_quantity_list"},
      {"output is input", [](auto& e) { *e.add_output_quantity_list() = Qty("IN-1", 1, kMeal); },
       "twice"},
  };
  for (const ShapeCase& c : cases) {
    v1::EpcisEvent event = TransformEvent({{"IN-1", 500}}, {{"OUT-1", 400}});
    c.mutate(event);
    ExpectRefused(RecordAs("packer", event), Code::kInvalidArgument, c.needle);
  }
  // An empty bizStep is allowed on a TransformationEvent.
  v1::EpcisEvent event = TransformEvent({{"IN-1", 500}}, {{"OUT-1", 400}});
  event.clear_biz_step();
  ExpectOk(RecordAs("packer", event));
  EXPECT_EQ(Lot("OUT-1").created_biz_step(), "transforming");
}

TEST_F(EventShapeTest, IlmdOnlyOnAddAndTransformation) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-I")));
  v1::EpcisEvent event = ObserveEvent("LOT-I");
  event.mutable_ilmd()->set_vessel("Maru 7");
  ExpectRefused(RecordAs("farm", event), Code::kInvalidArgument, "ilmd");
}

TEST_F(EventShapeTest, ObjectAddNeedsACreatingStep) {
  v1::EpcisEvent event = HarvestEvent("LOT-A");
  event.set_biz_step("storing");
  ExpectRefused(RecordAs("farm", event), Code::kInvalidArgument, "OBJECT ADD creates lots");
  EXPECT_FALSE(LotExists("LOT-A"));
}

TEST_F(EventShapeTest, UnregisteredProductIsNotFound) {
  ExpectRefused(RecordAs("farm", HarvestEvent("LOT-U", 1000, "0000000000000")), Code::kNotFound,
                "0000000000000");
  EXPECT_FALSE(LotExists("LOT-U"));
}

TEST_F(EventShapeTest, CriticalTrackingEventClassification) {
  struct Case {
    v1::EventType type;
    v1::EventAction action;
    const char* step;
    const char* cte;
  };
  const Case cases[] = {
      {v1::OBJECT_EVENT, v1::ADD, "harvesting", "harvesting"},
      {v1::OBJECT_EVENT, v1::ADD, "cooling", "cooling"},
      {v1::OBJECT_EVENT, v1::OBSERVE, "cooling", "cooling"},
      {v1::OBJECT_EVENT, v1::ADD, "commissioning", "initial_packing"},
      {v1::OBJECT_EVENT, v1::ADD, "first_land_based_receiving", "first_land_based_receiving"},
      {v1::OBJECT_EVENT, v1::OBSERVE, "shipping", "shipping"},
      {v1::OBJECT_EVENT, v1::OBSERVE, "receiving", "receiving"},
      {v1::TRANSFORMATION_EVENT, v1::EVENT_ACTION_UNSPECIFIED, "", "transformation"},
      {v1::OBJECT_EVENT, v1::OBSERVE, "storing", ""},
      {v1::OBJECT_EVENT, v1::ADD, "shipping", ""},
      {v1::AGGREGATION_EVENT, v1::ADD, "packing", ""},
      {v1::TRANSACTION_EVENT, v1::OBSERVE, "shipping", ""},
  };
  for (const Case& c : cases) {
    v1::EpcisEvent event = BaseEvent(c.type, c.action, c.step);
    EXPECT_EQ(CriticalTrackingEvent(event), c.cte) << c.step;
  }
}

}  // namespace
}  // namespace tadori
