#include <gtest/gtest.h>

#include "chaincode/state_keys.h"
#include "chaincode_fixture.h"
#include "ledger/limits.h"

namespace tadori {
namespace {

using CustodyTest = ChaincodeTest;

TEST_F(CustodyTest, ProducerMemberCreatesHeldLot) {
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(Run(farm_member_, CreateBody("LOT-1", 2500, "baby spinach", "kg")));
  ASSERT_EQ(ledger_->last_writes().size(), 1u);
  EXPECT_EQ(ledger_->last_writes().begin()->first, LotStateKey("LOT-1"));

  v1::LotRecord lot = Lot("LOT-1");
  EXPECT_EQ(lot.lot_code(), "LOT-1");
  EXPECT_EQ(lot.product(), "baby spinach");
  EXPECT_EQ(lot.quantity_milli(), 2500);
  EXPECT_EQ(lot.unit(), "kg");
  EXPECT_EQ(lot.location(), "urn:gln:4912345000019");
  EXPECT_EQ(lot.creator_org(), "farm");
  EXPECT_EQ(lot.custodian_org(), "farm");
  EXPECT_EQ(lot.state(), v1::LOT_STATE_HELD);
  EXPECT_EQ(lot.destination_org(), "");
  EXPECT_EQ(lot.created_height(), height);
  EXPECT_EQ(lot.updated_height(), height);
}

TEST_F(CustodyTest, OrgWithoutProducerRoleCannotCreate) {
  for (const PrivateKey* signer : {&dist_member_, &dist_admin_, &retail_member_}) {
    v1::TxResult result = Run(*signer, CreateBody("LOT-D"));
    EXPECT_EQ(CodeOf(result), Code::kPermissionDenied);
    EXPECT_NE(result.message().find("producer"), std::string::npos) << result.message();
  }
  Result<std::optional<v1::LotRecord>> lot = FindLot(ledger_->state(), "LOT-D");
  ASSERT_TRUE(lot.ok());
  EXPECT_FALSE(lot->has_value());
}

TEST_F(CustodyTest, ProcessorMayCreate) {
  PrivateKey kitchen_admin = NewKey();
  *genesis_.add_organizations() = MakeOrg("kitchen", {"retailer", "processor"}, kitchen_admin);
  Ledger ledger(genesis_);
  ExpectOk(ledger.Run(Id(kitchen_admin), CreateBody("MEAL-1")));
  Result<std::optional<v1::LotRecord>> lot = FindLot(ledger.state(), "MEAL-1");
  ASSERT_TRUE(lot.ok() && lot->has_value());
  EXPECT_EQ((*lot)->custodian_org(), "kitchen");
}

TEST_F(CustodyTest, CreateRefusesMissingFields) {
  struct Case {
    v1::TransactionBody body;
    const char* field;
  };
  const Case cases[] = {
      {CreateBody(""), "lot_code"},
      {CreateBody("LOT-2", 1000, ""), "product"},
      {CreateBody("LOT-2", 1000, "kale", ""), "unit"},
      {CreateBody("LOT-2", 0), "quantity_milli"},
      {CreateBody("LOT-2", -5), "quantity_milli"},
      {CreateBody(std::string(kStringFieldBytesMax + 1, 'L')), "lot_code"},
  };
  for (const Case& c : cases) {
    v1::TxResult result = Run(farm_member_, c.body);
    EXPECT_EQ(CodeOf(result), Code::kInvalidArgument) << c.field;
    EXPECT_NE(result.message().find(c.field), std::string::npos) << result.message();
  }
  Result<std::optional<v1::LotRecord>> lot = FindLot(ledger_->state(), "LOT-2");
  ASSERT_TRUE(lot.ok());
  EXPECT_FALSE(lot->has_value());
}

TEST_F(CustodyTest, ExistingLotCodeAlreadyExists) {
  ExpectOk(Run(farm_member_, CreateBody("LOT-1", 1000)));
  EXPECT_EQ(CodeOf(Run(farm_admin_, CreateBody("LOT-1", 7000))), Code::kAlreadyExists);
  EXPECT_EQ(Lot("LOT-1").quantity_milli(), 1000);
}

class ShippedLotTest : public ChaincodeTest {
 protected:
  void SetUp() override {
    ChaincodeTest::SetUp();
    ExpectOk(Run(farm_member_, CreateBody("LOT-1")));
  }
};

TEST_F(ShippedLotTest, CustodianShips) {
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(Run(farm_member_, ShipBody("LOT-1", "distributor")));
  v1::LotRecord lot = Lot("LOT-1");
  EXPECT_EQ(lot.state(), v1::LOT_STATE_IN_TRANSIT);
  EXPECT_EQ(lot.destination_org(), "distributor");
  EXPECT_EQ(lot.custodian_org(), "farm");  // custody moves on receipt, not on shipment
  EXPECT_EQ(lot.updated_height(), height);
  EXPECT_LT(lot.created_height(), height);
}

TEST_F(ShippedLotTest, ShipUnknownLotIsNotFound) {
  EXPECT_EQ(CodeOf(Run(farm_member_, ShipBody("LOT-404", "distributor"))), Code::kNotFound);
}

TEST_F(ShippedLotTest, NonCustodianCannotShip) {
  for (const PrivateKey* signer : {&dist_member_, &retail_admin_}) {
    v1::TxResult result = Run(*signer, ShipBody("LOT-1", "retailer"));
    EXPECT_EQ(CodeOf(result), Code::kPermissionDenied);
    EXPECT_NE(result.message().find("only the custodian"), std::string::npos) << result.message();
  }
  EXPECT_EQ(Lot("LOT-1").state(), v1::LOT_STATE_HELD);
}

TEST_F(ShippedLotTest, LotInTransitCannotShipAgain) {
  ExpectOk(Run(farm_member_, ShipBody("LOT-1", "distributor")));
  EXPECT_EQ(CodeOf(Run(farm_member_, ShipBody("LOT-1", "retailer"))), Code::kFailedPrecondition);
  EXPECT_EQ(Lot("LOT-1").destination_org(), "distributor");
}

TEST_F(ShippedLotTest, UnknownDestinationIsNotFound) {
  EXPECT_EQ(CodeOf(Run(farm_member_, ShipBody("LOT-1", "nowhere"))), Code::kNotFound);
  EXPECT_EQ(CodeOf(Run(farm_member_, ShipBody("LOT-1", ""))), Code::kInvalidArgument);
  EXPECT_EQ(Lot("LOT-1").state(), v1::LOT_STATE_HELD);
}

TEST_F(ShippedLotTest, ShipToCustodianIsInvalid) {
  EXPECT_EQ(CodeOf(Run(farm_member_, ShipBody("LOT-1", "farm"))), Code::kInvalidArgument);
  EXPECT_EQ(Lot("LOT-1").state(), v1::LOT_STATE_HELD);
}

TEST_F(ShippedLotTest, DestinationReceives) {
  ExpectOk(Run(farm_member_, ShipBody("LOT-1", "distributor")));
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(Run(dist_member_, ReceiveBody("LOT-1")));
  v1::LotRecord lot = Lot("LOT-1");
  EXPECT_EQ(lot.state(), v1::LOT_STATE_HELD);
  EXPECT_EQ(lot.custodian_org(), "distributor");
  EXPECT_EQ(lot.creator_org(), "farm");
  EXPECT_EQ(lot.destination_org(), "");
  EXPECT_EQ(lot.updated_height(), height);
}

TEST_F(ShippedLotTest, NonDestinationCannotReceive) {
  ExpectOk(Run(farm_member_, ShipBody("LOT-1", "distributor")));
  for (const PrivateKey* signer : {&retail_member_, &farm_member_}) {
    v1::TxResult result = Run(*signer, ReceiveBody("LOT-1"));
    EXPECT_EQ(CodeOf(result), Code::kPermissionDenied);
    EXPECT_NE(result.message().find("only the destination"), std::string::npos) << result.message();
  }
  EXPECT_EQ(Lot("LOT-1").state(), v1::LOT_STATE_IN_TRANSIT);
}

TEST_F(ShippedLotTest, SecondReceiveFails) {
  ExpectOk(Run(farm_member_, ShipBody("LOT-1", "distributor")));
  ExpectOk(Run(dist_member_, ReceiveBody("LOT-1")));
  v1::TxResult result = Run(dist_member_, ReceiveBody("LOT-1"));
  EXPECT_EQ(CodeOf(result), Code::kFailedPrecondition);
  EXPECT_NE(result.message().find("not in transit"), std::string::npos) << result.message();
}

TEST_F(ShippedLotTest, HeldLotCannotBeReceived) {
  EXPECT_EQ(CodeOf(Run(farm_member_, ReceiveBody("LOT-1"))), Code::kFailedPrecondition);
  EXPECT_EQ(CodeOf(Run(dist_member_, ReceiveBody("LOT-1"))), Code::kFailedPrecondition);
  EXPECT_EQ(CodeOf(Run(dist_member_, ReceiveBody("LOT-404"))), Code::kNotFound);
}

TEST_F(ShippedLotTest, RevokedMemberOfCustodianCannotShip) {
  ExpectOk(Run(farm_admin_, RevokeBody(Id(farm_member_))));
  EXPECT_EQ(CodeOf(Run(farm_member_, ShipBody("LOT-1", "distributor"))), Code::kPermissionDenied);
  // Custody belongs to the organisation: another active key of it still ships.
  ExpectOk(Run(farm_admin_, ShipBody("LOT-1", "distributor")));
}

TEST_F(CustodyTest, FullPathFarmToDistributorToRetailer) {
  ExpectOk(Run(farm_member_, CreateBody("TLC-2026-0001", 120'000, "komatsuna", "kg")));
  ExpectOk(Run(farm_member_, ShipBody("TLC-2026-0001", "distributor")));
  ExpectOk(Run(dist_member_, ReceiveBody("TLC-2026-0001")));
  // The farm gave up custody: it can no longer ship the lot.
  EXPECT_EQ(CodeOf(Run(farm_member_, ShipBody("TLC-2026-0001", "retailer"))),
            Code::kPermissionDenied);
  ExpectOk(Run(dist_admin_, ShipBody("TLC-2026-0001", "retailer")));
  ExpectOk(Run(retail_member_, ReceiveBody("TLC-2026-0001")));

  v1::LotRecord lot = Lot("TLC-2026-0001");
  EXPECT_EQ(lot.custodian_org(), "retailer");
  EXPECT_EQ(lot.creator_org(), "farm");
  EXPECT_EQ(lot.state(), v1::LOT_STATE_HELD);
  EXPECT_EQ(lot.quantity_milli(), 120'000);
  EXPECT_EQ(lot.updated_height(), ledger_->height());
  EXPECT_EQ(CodeOf(Run(dist_member_, ShipBody("TLC-2026-0001", "farm"))), Code::kPermissionDenied);
}

}  // namespace
}  // namespace tadori
