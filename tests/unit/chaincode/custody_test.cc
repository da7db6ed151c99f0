// Custody and mass balance through EPCIS events: create, ship, receive, transform, observe.
#include <gtest/gtest.h>

#include "chaincode/chaincode_limits.h"
#include "chaincode/state_keys.h"
#include "chaincode_fixture.h"

namespace tadori {
namespace {

class CustodyTest : public ChaincodeTest {
 protected:
  // The "held/" mirror of one org's holding: nullopt when absent.
  std::optional<std::string> HeldKey(const std::string& org, const std::string& lot) {
    Result<std::optional<std::string>> value = ledger_->state().Get(HeldStateKey(org, lot));
    TADORI_CHECK(value.ok());
    return *value;
  }
  void ExpectBalanced(const std::string& code) {
    v1::LotRecord lot = Lot(code);
    Result<int64_t> remaining = RemainingQuantity(lot);
    ASSERT_TRUE(remaining.ok());
    EXPECT_EQ(*remaining + lot.consumed_quantity_milli(), lot.created_quantity_milli()) << code;
  }
};

TEST_F(CustodyTest, HarvestCreatesLotHeldByTheCreator) {
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 2500)));
  v1::LotRecord lot = Lot("LOT-1");
  EXPECT_EQ(lot.product(), kSpinach);
  EXPECT_EQ(lot.unit(), "KGM");
  EXPECT_EQ(lot.created_quantity_milli(), 2500);
  EXPECT_EQ(lot.creator_org(), "farm");
  EXPECT_EQ(lot.created_biz_step(), "harvesting");
  EXPECT_EQ(lot.created_by().height(), height);
  EXPECT_EQ(lot.created_by().index(), ledger_->last_ctx().index);
  EXPECT_EQ(lot.created_by().tx_id(), ledger_->last_ctx().tx_id.ToBinaryString());
  EXPECT_EQ(lot.ilmd().harvest_date(), "2026-11-19");
  ASSERT_EQ(lot.holdings_size(), 1);
  EXPECT_EQ(lot.holdings(0).org_id(), "farm");
  EXPECT_EQ(lot.holdings(0).quantity_milli(), 2500);
  EXPECT_EQ(HeldKey("farm", "LOT-1"), "2500");
  EXPECT_EQ(*RemainingQuantity(lot), 2500);
}

TEST_F(CustodyTest, OneEventCreatesSeveralLots) {
  v1::EpcisEvent event = HarvestEvent("LOT-A", 100);
  *event.add_quantity_list() = Qty("LOT-B", 200);
  ExpectOk(RecordAs("farm", event));
  EXPECT_EQ(Held("LOT-A", "farm"), 100);
  EXPECT_EQ(Held("LOT-B", "farm"), 200);
}

TEST_F(CustodyTest, OnlyProducersAndProcessorsCreate) {
  for (const char* org : {"distributor", "carrier", "retailer", "city", "audit", "fda"}) {
    ExpectRefused(RecordAs(org, HarvestEvent("LOT-X")), Code::kPermissionDenied, "producer");
  }
  EXPECT_FALSE(LotExists("LOT-X"));
  ExpectOk(RecordAs("packer", PackEvent("LOT-X", 1000, kSpinach, "packer")));
}

TEST_F(CustodyTest, ExistingLotCodeAlreadyExists) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 1000)));
  ExpectRefused(RecordAs("packer", PackEvent("LOT-1", 7000, kSpinach, "packer")),
                Code::kAlreadyExists, "LOT-1");
  // A refused event changes nothing, even the lots it would have created first.
  v1::EpcisEvent event = HarvestEvent("LOT-2", 5);
  *event.add_quantity_list() = Qty("LOT-1", 5);
  ExpectRefused(RecordAs("farm", event), Code::kAlreadyExists, "LOT-1");
  EXPECT_FALSE(LotExists("LOT-2"));
  EXPECT_EQ(Lot("LOT-1").created_quantity_milli(), 1000);
}

TEST_F(CustodyTest, ShipMovesQuantityIntoTransit) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 1000)));
  ExpectOk(RecordAs("farm", ShipEvent({{"LOT-1", 400}}, "farm", "distributor", "carrier")));
  v1::LotRecord lot = Lot("LOT-1");
  EXPECT_EQ(Held("LOT-1", "farm"), 600);
  ASSERT_EQ(lot.in_transit_size(), 1);
  EXPECT_EQ(lot.in_transit(0).from_org(), "farm");
  EXPECT_EQ(lot.in_transit(0).to_org(), "distributor");
  EXPECT_EQ(lot.in_transit(0).carrier_org(), "carrier");
  EXPECT_EQ(lot.in_transit(0).quantity_milli(), 400);
  EXPECT_EQ(lot.in_transit(0).shipped_by().height(), ledger_->height());
  EXPECT_EQ(HeldKey("farm", "LOT-1"), "600");
  EXPECT_EQ(*RemainingQuantity(lot), 1000);
  // Shipping the rest removes the holding and its "held/" key.
  ExpectOk(RecordAs("farm", ShipEvent({{"LOT-1", 600}}, "farm", "distributor")));
  EXPECT_EQ(Lot("LOT-1").holdings_size(), 0);
  EXPECT_EQ(HeldKey("farm", "LOT-1"), std::nullopt);
  ExpectBalanced("LOT-1");
}

TEST_F(CustodyTest, ShipRefusals) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 1000)));
  ExpectRefused(RecordAs("distributor", ShipEvent({{"LOT-1", 1}}, "distributor", "retailer")),
                Code::kPermissionDenied, "does not hold");
  ExpectRefused(RecordAs("farm", ShipEvent({{"LOT-1", 1001}}, "farm", "distributor")),
                Code::kFailedPrecondition, "holds only 1000");
  ExpectRefused(RecordAs("farm", ShipEvent({{"LOT-9", 1}}, "farm", "distributor")), Code::kNotFound,
                "LOT-9");
  ExpectRefused(RecordAs("farm", ShipEvent({{"LOT-1", 1}}, "farm", "farm")), Code::kInvalidArgument,
                "itself");
  ExpectRefused(RecordAs("farm", ShipEvent({{"LOT-1", 1}}, "farm", "nobody")), Code::kNotFound,
                "nobody");
  ExpectRefused(RecordAs("farm", ShipEvent({{"LOT-1", 1}}, "farm", "distributor", "retailer")),
                Code::kInvalidArgument, "carrier");
  ExpectRefused(RecordAs("farm", ShipEvent({{"LOT-1", 1}}, "farm", "distributor", "ghost")),
                Code::kNotFound, "ghost");
  ExpectRefused(RecordAs("farm", ShipEvent({{"LOT-1", 1}}, "packer", "distributor")),
                Code::kPermissionDenied, "its own goods");
  v1::EpcisEvent two = ShipEvent({{"LOT-1", 1}}, "farm", "distributor");
  *two.add_destination_list() = Party("owning_party", "retailer");
  ExpectRefused(RecordAs("farm", two), Code::kInvalidArgument, "exactly one owning_party");
  v1::EpcisEvent carriers = ShipEvent({{"LOT-1", 1}}, "farm", "distributor", "carrier");
  *carriers.add_destination_list() = Party("possessing_party", "carrier");
  ExpectRefused(RecordAs("farm", carriers), Code::kInvalidArgument, "possessing_party");
  v1::EpcisEvent wrong_product = ShipEvent({{"LOT-1", 1}}, "farm", "distributor", "", kMeal);
  ExpectRefused(RecordAs("farm", wrong_product), Code::kInvalidArgument, "product");
  v1::EpcisEvent wrong_unit = ShipEvent({{"LOT-1", 1}}, "farm", "distributor");
  wrong_unit.mutable_quantity_list(0)->set_unit("CS");
  ExpectRefused(RecordAs("farm", wrong_unit), Code::kInvalidArgument, "KGM");
  EXPECT_EQ(Held("LOT-1", "farm"), 1000);
  EXPECT_EQ(Lot("LOT-1").in_transit_size(), 0);
}

TEST_F(CustodyTest, OnlyTheDestinationReceivesAndOnlyOnce) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 1000)));
  ExpectOk(RecordAs("farm", ShipEvent({{"LOT-1", 700}}, "farm", "distributor")));
  ExpectRefused(RecordAs("retailer", ReceiveEvent({{"LOT-1", 700}}, "farm", "retailer")),
                Code::kPermissionDenied, "not in transit to org 'retailer'");
  ExpectRefused(RecordAs("retailer", ReceiveEvent({{"LOT-1", 700}}, "farm", "distributor")),
                Code::kPermissionDenied, "only for itself");
  ExpectRefused(RecordAs("distributor", ReceiveEvent({{"LOT-1", 701}}, "farm", "distributor")),
                Code::kFailedPrecondition, "only 700");
  ExpectRefused(RecordAs("distributor", ReceiveEvent({{"LOT-1", 700}}, "packer", "distributor")),
                Code::kFailedPrecondition, "from 'packer'");
  const uint64_t before = ledger_->height();
  ExpectOk(RecordAs("distributor", ReceiveEvent({{"LOT-1", 300}}, "farm", "distributor")));
  ExpectOk(RecordAs("distributor", ReceiveEvent({{"LOT-1", 400}}, "farm", "distributor")));
  EXPECT_GT(ledger_->height(), before);
  EXPECT_EQ(Held("LOT-1", "distributor"), 700);
  EXPECT_EQ(Held("LOT-1", "farm"), 300);
  EXPECT_EQ(Lot("LOT-1").in_transit_size(), 0);
  EXPECT_EQ(HeldKey("distributor", "LOT-1"), "700");
  // Nothing is left in transit: the second receive of the same shipment fails.
  ExpectRefused(RecordAs("distributor", ReceiveEvent({{"LOT-1", 700}}, "farm", "distributor")),
                Code::kPermissionDenied, "not in transit");
  ExpectBalanced("LOT-1");
}

TEST_F(CustodyTest, ReceiveTakesOldestShipmentFirst) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 1000)));
  ExpectOk(RecordAs("farm", ShipEvent({{"LOT-1", 100}}, "farm", "distributor", "carrier")));
  ExpectOk(RecordAs("farm", ShipEvent({{"LOT-1", 200}}, "farm", "distributor")));
  ExpectOk(RecordAs("distributor", ReceiveEvent({{"LOT-1", 150}}, "farm", "distributor")));
  v1::LotRecord lot = Lot("LOT-1");
  ASSERT_EQ(lot.in_transit_size(), 1);
  EXPECT_EQ(lot.in_transit(0).quantity_milli(), 150);
  EXPECT_EQ(lot.in_transit(0).carrier_org(), "");
  ExpectBalanced("LOT-1");
}

TEST_F(CustodyTest, ReceiveNeedsTheShipper) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 1000)));
  ExpectOk(RecordAs("farm", ShipEvent({{"LOT-1", 1000}}, "farm", "distributor")));
  v1::EpcisEvent event = ReceiveEvent({{"LOT-1", 1000}}, "farm", "distributor");
  event.mutable_source_list(0)->set_type("location");
  ExpectRefused(RecordAs("distributor", event), Code::kInvalidArgument, "owning_party");
}

TEST_F(CustodyTest, ReshipAlongTheChain) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 1000)));
  ExpectOk(RecordAs("farm", ShipEvent({{"LOT-1", 1000}}, "farm", "distributor")));
  ExpectOk(RecordAs("distributor", ReceiveEvent({{"LOT-1", 1000}}, "farm", "distributor")));
  ExpectOk(RecordAs("distributor", ShipEvent({{"LOT-1", 250}}, "distributor", "retailer")));
  ExpectRefused(RecordAs("farm", ShipEvent({{"LOT-1", 1}}, "farm", "retailer")),
                Code::kPermissionDenied, "does not hold");
  ExpectOk(RecordAs("retailer", ReceiveEvent({{"LOT-1", 250}}, "distributor", "retailer")));
  EXPECT_EQ(Held("LOT-1", "retailer"), 250);
  EXPECT_EQ(Held("LOT-1", "distributor"), 750);
  ExpectBalanced("LOT-1");
}

TEST_F(CustodyTest, TransformationConsumesInputsAndCreatesOutputs) {
  ExpectOk(RecordAs("packer", PackEvent("IN-1", 1000, kSpinach, "packer")));
  ExpectOk(RecordAs("packer", PackEvent("IN-2", 500, kSpinach, "packer")));
  ExpectOk(RecordAs(
      "packer", TransformEvent({{"IN-1", 600}, {"IN-2", 500}}, {{"OUT-1", 900}, {"OUT-2", 50}})));
  v1::LotRecord in1 = Lot("IN-1");
  EXPECT_EQ(in1.consumed_quantity_milli(), 600);
  EXPECT_EQ(Held("IN-1", "packer"), 400);
  ASSERT_EQ(in1.children_size(), 2);
  EXPECT_EQ(in1.children(0), "OUT-1");
  EXPECT_EQ(in1.children(1), "OUT-2");
  EXPECT_EQ(Lot("IN-2").holdings_size(), 0);
  EXPECT_EQ(HeldKey("packer", "IN-2"), std::nullopt);
  v1::LotRecord out1 = Lot("OUT-1");
  EXPECT_EQ(out1.product(), kMeal);
  EXPECT_EQ(out1.creator_org(), "packer");
  EXPECT_EQ(out1.created_quantity_milli(), 900);
  ASSERT_EQ(out1.parents_size(), 2);
  EXPECT_EQ(out1.parents(0), "IN-1");
  EXPECT_EQ(out1.parents(1), "IN-2");
  EXPECT_EQ(Held("OUT-1", "packer"), 900);
  for (const char* code : {"IN-1", "IN-2", "OUT-1", "OUT-2"}) ExpectBalanced(code);
}

TEST_F(CustodyTest, TransformationRefusals) {
  ExpectOk(RecordAs("packer", PackEvent("IN-1", 1000, kSpinach, "packer")));
  ExpectOk(RecordAs("farm", HarvestEvent("FARM-1", 1000)));
  ExpectOk(RecordAs("packer", PackEvent("OUT-X", 1, kMeal, "packer")));
  ExpectRefused(RecordAs("packer", TransformEvent({{"IN-1", 1001}}, {{"OUT-1", 1}})),
                Code::kFailedPrecondition, "holds only 1000");
  ExpectRefused(RecordAs("packer", TransformEvent({{"FARM-1", 1}}, {{"OUT-1", 1}})),
                Code::kPermissionDenied, "does not hold");
  ExpectRefused(RecordAs("packer", TransformEvent({{"NOPE", 1}}, {{"OUT-1", 1}})), Code::kNotFound,
                "NOPE");
  ExpectRefused(RecordAs("packer", TransformEvent({{"IN-1", 1}}, {{"OUT-X", 1}})),
                Code::kAlreadyExists, "OUT-X");
  ExpectRefused(
      RecordAs("packer", TransformEvent({{"IN-1", 1}}, {{"OUT-1", 1}}, "packer", kMeal, kMeal)),
      Code::kInvalidArgument, "product");
  EXPECT_FALSE(LotExists("OUT-1"));
  EXPECT_EQ(Held("IN-1", "packer"), 1000);
  EXPECT_EQ(Lot("IN-1").children_size(), 0);
}

TEST_F(CustodyTest, ChildrenAreBounded) {
  ExpectOk(RecordAs("packer", PackEvent("IN-1", 1'000'000, kSpinach, "packer")));
  // Fill the input's children with transformations of kEventQuantityElementsMax outputs each.
  size_t made = 0;
  while (made < kLotChildrenMax) {
    LotQuantities outputs;
    for (size_t i = 0; i < kEventQuantityElementsMax && made < kLotChildrenMax; ++i, ++made) {
      outputs.emplace_back("C-" + std::to_string(made), 1);
    }
    ExpectOk(RecordAs("packer", TransformEvent({{"IN-1", 1}}, outputs)));
  }
  EXPECT_EQ(Lot("IN-1").children_size(), static_cast<int>(kLotChildrenMax));
  ExpectRefused(RecordAs("packer", TransformEvent({{"IN-1", 1}}, {{"C-MORE", 1}})),
                Code::kResourceExhausted, "child lots");
}

TEST_F(CustodyTest, ObserveNeedsHolderOrCarrier) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 1000)));
  ExpectOk(RecordAs("farm", ObserveEvent("LOT-1", "storing")));
  ExpectRefused(RecordAs("distributor", ObserveEvent("LOT-1", "inspecting")),
                Code::kPermissionDenied, "neither holds nor carries");
  ExpectRefused(RecordAs("carrier", ObserveEvent("LOT-1", "loading")), Code::kPermissionDenied,
                "neither holds nor carries");
  ExpectOk(RecordAs("farm", ShipEvent({{"LOT-1", 1000}}, "farm", "distributor", "carrier")));
  ExpectOk(RecordAs("carrier", ObserveEvent("LOT-1", "departing")));
  // An Aggregation (pallet) and a Transaction event are recorded the same way.
  v1::EpcisEvent pallet = BaseEvent(v1::AGGREGATION_EVENT, v1::ADD, "packing");
  pallet.set_parent_id("urn:epc:id:sscc:4912345.0000000001");
  *pallet.add_quantity_list() = Qty("LOT-1", 1000);
  ExpectOk(RecordAs("carrier", pallet));
  ExpectRefused(RecordAs("retailer", pallet), Code::kPermissionDenied, "neither holds");
  v1::EpcisEvent tx = BaseEvent(v1::TRANSACTION_EVENT, v1::ADD, "accepting");
  *tx.add_quantity_list() = Qty("LOT-1", 1000);
  ExpectRefused(RecordAs("distributor", tx), Code::kPermissionDenied, "neither holds");
  ExpectOk(RecordAs("distributor", ReceiveEvent({{"LOT-1", 1000}}, "farm", "distributor")));
  ExpectOk(RecordAs("distributor", tx));
  // Observing never changes the lot.
  v1::LotRecord before = Lot("LOT-1");
  v1::EpcisEvent cooling = ObserveEvent("LOT-1", "cooling");
  ExpectRefused(RecordAs("distributor", cooling), Code::kInvalidArgument, "cooled");
  cooling.set_biz_location(Gln("distributor"));
  ExpectOk(RecordAs("distributor", cooling));
  EXPECT_EQ(Lot("LOT-1").SerializeAsString(), before.SerializeAsString());
}

TEST_F(CustodyTest, RemainingQuantityRefusesOverflow) {
  v1::LotRecord lot;
  lot.set_lot_code("L");
  lot.add_holdings()->set_quantity_milli(INT64_MAX);
  lot.add_in_transit()->set_quantity_milli(1);
  EXPECT_EQ(RemainingQuantity(lot).status().code(), Code::kDataLoss);
  lot.clear_in_transit();
  EXPECT_EQ(*RemainingQuantity(lot), INT64_MAX);
}

}  // namespace
}  // namespace tadori
