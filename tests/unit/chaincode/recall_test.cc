// Recalls: who may issue one, and how far downstream it reaches.
#include <gtest/gtest.h>

#include "chaincode/chaincode_limits.h"
#include "chaincode_fixture.h"

namespace tadori {
namespace {

v1::TransactionBody RecallBody(const std::string& lot, const std::string& reason = "Listeria") {
  v1::TransactionBody body;
  body.mutable_issue_recall()->set_lot_code(lot);
  body.mutable_issue_recall()->set_reason(reason);
  return body;
}

class RecallTest : public ChaincodeTest {
 protected:
  // farm harvests H-1 and H-2 and ships H-1 to the packer, which makes M-1 from H-1 and
  // M-2 from M-1; H-2 stays unrelated.
  void BuildChain() {
    ExpectOk(RecordAs("farm", HarvestEvent("H-1", 1000)));
    ExpectOk(RecordAs("farm", HarvestEvent("H-2", 1000)));
    ExpectOk(RecordAs("farm", ShipEvent({{"H-1", 1000}}, "farm", "packer")));
    ExpectOk(RecordAs("packer", ReceiveEvent({{"H-1", 1000}}, "farm", "packer")));
    ExpectOk(RecordAs("packer", TransformEvent({{"H-1", 1000}}, {{"M-1", 800}})));
    ExpectOk(
        RecordAs("packer", TransformEvent({{"M-1", 800}}, {{"M-2", 700}}, "packer", kMeal, kMeal)));
  }
};

TEST_F(RecallTest, CreatorRecallsLotAndEverythingDownstream) {
  BuildChain();
  ExpectOk(RunAs("farm", RecallBody("H-1")));
  const std::string recall_id = ledger_->last_ctx().tx_id.Hex();
  for (const char* code : {"H-1", "M-1", "M-2"}) {
    v1::LotRecord lot = Lot(code);
    ASSERT_EQ(lot.recalls_size(), 1) << code;
    EXPECT_EQ(lot.recalls(0).recall_id(), recall_id);
    EXPECT_EQ(lot.recalls(0).origin_lot(), "H-1");
    EXPECT_EQ(lot.recalls(0).reason(), "Listeria");
    EXPECT_EQ(lot.recalls(0).issued_by_org(), "farm");
    EXPECT_EQ(lot.recalls(0).height(), ledger_->height());
  }
  EXPECT_EQ(Lot("H-2").recalls_size(), 0);
}

TEST_F(RecallTest, RegulatorRecallsAnyLot) {
  BuildChain();
  ExpectOk(RunAs("fda", RecallBody("M-1")));
  EXPECT_EQ(Lot("M-1").recalls_size(), 1);
  EXPECT_EQ(Lot("M-2").recalls_size(), 1);
  EXPECT_EQ(Lot("H-1").recalls_size(), 0);  // upstream is not flagged
}

TEST_F(RecallTest, OthersMayNotRecall) {
  BuildChain();
  // The packer holds H-1's products but did not create H-1.
  for (const char* org : {"packer", "distributor", "retailer", "audit", "city"}) {
    ExpectRefused(RunAs(org, RecallBody("H-1")), Code::kPermissionDenied, "regulator");
  }
  EXPECT_EQ(Lot("H-1").recalls_size(), 0);
}

TEST_F(RecallTest, Refusals) {
  BuildChain();
  ExpectRefused(RunAs("fda", RecallBody("NOPE")), Code::kNotFound, "NOPE");
  ExpectRefused(RunAs("fda", RecallBody("H-1", "")), Code::kInvalidArgument, "reason");
  ExpectRefused(RunAs("fda", RecallBody("")), Code::kInvalidArgument, "lot_code");
}

TEST_F(RecallTest, RecalledInputCannotBeTransformed) {
  ExpectOk(RecordAs("packer", PackEvent("IN", 1000, kSpinach, "packer")));
  ExpectOk(RunAs("packer", RecallBody("IN")));
  ExpectRefused(RecordAs("packer", TransformEvent({{"IN", 10}}, {{"OUT", 10}})),
                Code::kFailedPrecondition, "recalled");
  EXPECT_FALSE(LotExists("OUT"));
}

TEST_F(RecallTest, DiamondIsFlaggedOnce) {
  ExpectOk(RecordAs("packer", PackEvent("A", 1000, kSpinach, "packer")));
  ExpectOk(
      RecordAs("packer", TransformEvent({{"A", 100}}, {{"B", 100}}, "packer", kSpinach, kSpinach)));
  ExpectOk(
      RecordAs("packer", TransformEvent({{"A", 100}}, {{"C", 100}}, "packer", kSpinach, kSpinach)));
  ExpectOk(RecordAs("packer", TransformEvent({{"B", 100}, {"C", 100}}, {{"D", 200}})));
  ExpectOk(RunAs("fda", RecallBody("A")));
  for (const char* code : {"A", "B", "C", "D"}) EXPECT_EQ(Lot(code).recalls_size(), 1) << code;
  // A second recall adds a second flag.
  ExpectOk(RunAs("packer", RecallBody("B", "second look")));
  EXPECT_EQ(Lot("D").recalls_size(), 2);
  EXPECT_EQ(Lot("C").recalls_size(), 1);
}

TEST_F(RecallTest, RecallReachIsBounded) {
  // kRecallLotsMax + 1 lots downstream of one root: 1 root, 40 middles of up to 256 children.
  ExpectOk(RecordAs("packer", PackEvent("ROOT", 1'000'000, kSpinach, "packer")));
  size_t lots = 1;
  for (int m = 0; lots <= kRecallLotsMax; ++m) {
    const std::string middle = "MID-" + std::to_string(m);
    ExpectOk(RecordAs(
        "packer", TransformEvent({{"ROOT", 1}}, {{middle, 1000}}, "packer", kSpinach, kSpinach)));
    ++lots;
    LotQuantities outputs;
    for (size_t i = 0; i < kEventQuantityElementsMax && lots <= kRecallLotsMax; ++i, ++lots) {
      outputs.emplace_back(middle + "-" + std::to_string(i), 1);
    }
    if (!outputs.empty()) {
      LotQuantities inputs = {{middle, 1}};
      ExpectOk(RecordAs("packer", TransformEvent(inputs, outputs, "packer", kSpinach, kMeal)));
    }
  }
  ExpectRefused(RunAs("fda", RecallBody("ROOT")), Code::kResourceExhausted, "10000");
  EXPECT_EQ(Lot("ROOT").recalls_size(), 0);
  ExpectOk(RunAs("fda", RecallBody("MID-0")));
}

}  // namespace
}  // namespace tadori
