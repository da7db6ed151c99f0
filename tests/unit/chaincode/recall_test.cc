// Recalls: who may issue and continue one, how far downstream it reaches, how recalls of
// different organisations share a lot, and how a recall too big for one transaction goes on.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "chaincode/chaincode_limits.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "chaincode_fixture.h"

namespace tadori {
namespace {

v1::TransactionBody RecallBody(const std::string& lot, const std::string& reason = "Listeria") {
  v1::TransactionBody body;
  body.mutable_issue_recall()->set_lot_code(lot);
  body.mutable_issue_recall()->set_reason(reason);
  return body;
}

v1::TransactionBody ContinueBody(const std::string& recall_id) {
  v1::TransactionBody body;
  body.mutable_continue_recall()->set_recall_id(recall_id);
  return body;
}

// Lots made by BuildFanOut: H -> ROOT -> MID-0 .. MID-<middles - 1>, each with 256 leaves
// MID-m-0 .. MID-m-255.
struct FanOut {
  size_t lots = 0;  // H included
  size_t middles = 0;
  std::vector<std::string> leaves;  // in breadth-first order
};

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

  // The recall ids flagged on a lot, in the lot's order.
  std::vector<std::string> FlagIds(const std::string& code) {
    const v1::LotRecord lot = Lot(code);
    std::vector<std::string> ids;
    for (const v1::RecallFlag& flag : lot.recalls()) ids.push_back(flag.recall_id());
    return ids;
  }
  bool Flagged(const std::string& code, const std::string& recall_id) {
    const std::vector<std::string> ids = FlagIds(code);
    return std::find(ids.begin(), ids.end(), recall_id) != ids.end();
  }
  std::string LastRecallId() const { return ledger_->last_ctx().tx_id.Hex(); }

  v1::RecallRecord Record(const std::string& recall_id) {
    v1::RecallRecord record;
    Result<bool> found = ReadRecord(ledger_->state(), RecallStateKey(recall_id), record);
    TADORI_CHECK(found.ok() && *found);
    return record;
  }
  // State entries that hold recalls' queues.
  size_t QueueEntries() const {
    size_t count = 0;
    for (const auto& [key, value] : ledger_->state().entries()) {
      if (key.starts_with("recall-queue/") || key.starts_with("recall-waiting/")) ++count;
    }
    return count;
  }
  // Lot records the last transaction wrote.
  size_t LotsWritten() const {
    size_t count = 0;
    for (const auto& [key, value] : ledger_->last_writes()) count += key.starts_with("lot/");
    return count;
  }
  // Runs continue_recall as `org` until the recall is complete; returns how many it took.
  size_t ContinueUntilComplete(const std::string& org, const std::string& recall_id) {
    size_t transactions = 0;
    while (!Record(recall_id).complete() && transactions < 100) {
      ExpectOk(RunAs(org, ContinueBody(recall_id)));
      ++transactions;
    }
    return transactions;
  }

  // The packer makes OUT from farm's H and `own_lots` lots it packed itself, P-0, P-1, ...
  void BuildSharedDownstream(size_t own_lots) {
    ShipHarvestToPacker();
    LotQuantities inputs = {{"H", 1000}};
    for (size_t i = 0; i < own_lots; ++i) {
      const std::string lot = "P-" + std::to_string(i);
      ExpectOk(RecordAs("packer", PackEvent(lot, 1000, kSpinach, "packer")));
      inputs.emplace_back(lot, 1000);
    }
    ExpectOk(RecordAs("packer", TransformEvent(inputs, {{"OUT", 1000}})));
  }

  // The packer makes ROOT from farm's H and fans it out to more than kRecallLotsMax lots:
  // ROOT -> MID-m (one transformation each) -> MID-m-i (256 per transformation).
  FanOut BuildFanOut() {
    ShipHarvestToPacker();
    ExpectOk(RecordAs("packer", TransformEvent({{"H", 1000}}, {{"ROOT", 1'000'000}}, "packer",
                                               kSpinach, kSpinach)));
    FanOut fan;
    fan.lots = 2;
    for (; fan.lots <= kRecallLotsMax + 100; ++fan.middles) {
      const std::string middle = "MID-" + std::to_string(fan.middles);
      ExpectOk(RecordAs(
          "packer", TransformEvent({{"ROOT", 1}}, {{middle, 1000}}, "packer", kSpinach, kSpinach)));
      ++fan.lots;
      LotQuantities outputs;
      for (size_t i = 0; i < kEventQuantityElementsMax; ++i, ++fan.lots) {
        outputs.emplace_back(middle + "-" + std::to_string(i), 1);
        fan.leaves.push_back(outputs.back().first);
      }
      ExpectOk(
          RecordAs("packer", TransformEvent({{middle, 1}}, outputs, "packer", kSpinach, kMeal)));
    }
    return fan;
  }

 private:
  void ShipHarvestToPacker() {
    ExpectOk(RecordAs("farm", HarvestEvent("H", 1000)));
    ExpectOk(RecordAs("farm", ShipEvent({{"H", 1000}}, "farm", "packer")));
    ExpectOk(RecordAs("packer", ReceiveEvent({{"H", 1000}}, "farm", "packer")));
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

TEST_F(RecallTest, RecallThatFitsOneTransactionIsCompleteAtOnce) {
  BuildChain();
  ExpectOk(RunAs("fda", RecallBody("H-1", "Salmonella")));
  const v1::RecallRecord record = Record(LastRecallId());
  EXPECT_EQ(record.recall_id(), LastRecallId());
  EXPECT_EQ(record.origin_lot(), "H-1");
  EXPECT_EQ(record.reason(), "Salmonella");
  EXPECT_EQ(record.issued_by_org(), "fda");
  EXPECT_EQ(record.height(), ledger_->height());
  EXPECT_EQ(record.lots_flagged(), 3u);
  EXPECT_TRUE(record.complete());
  EXPECT_EQ(QueueEntries(), 0u);
}

// ---------------------------------------------------------------- flags per organisation

TEST_F(RecallTest, RecallingOwnLotAgainAndAgainDoesNotBlockARegulator) {
  BuildSharedDownstream(1);
  for (int i = 0; i < 64; ++i) {
    ExpectOk(RunAs("packer", RecallBody("P-0", "again " + std::to_string(i))));
  }
  ExpectOk(RunAs("fda", RecallBody("H", "Listeria")));
  EXPECT_TRUE(Flagged("OUT", LastRecallId()));
  EXPECT_EQ(FlagIds("H"), std::vector<std::string>{LastRecallId()});
}

TEST_F(RecallTest, RecallingManyOwnInputsDoesNotBlockARegulator) {
  BuildSharedDownstream(64);
  for (int i = 0; i < 64; ++i) {
    ExpectOk(RunAs("packer", RecallBody("P-" + std::to_string(i))));
  }
  ExpectOk(RunAs("fda", RecallBody("H", "Listeria")));
  EXPECT_TRUE(Flagged("OUT", LastRecallId()));
  EXPECT_LE(static_cast<size_t>(Lot("OUT").recalls_size()), kLotRecallsPerOrgMax + 1);
}

TEST_F(RecallTest, OrgsOldestFlagOnALotGivesWayToItsNewest) {
  BuildSharedDownstream(1);
  std::vector<std::string> packer_recalls;
  for (size_t i = 0; i < kLotRecallsPerOrgMax + 2; ++i) {
    ExpectOk(RunAs("packer", RecallBody("P-0", "look " + std::to_string(i))));
    packer_recalls.push_back(LastRecallId());
  }
  const std::vector<std::string> newest(packer_recalls.end() - kLotRecallsPerOrgMax,
                                        packer_recalls.end());
  EXPECT_EQ(FlagIds("OUT"), newest);
  EXPECT_EQ(FlagIds("P-0"), newest);
  // The lot stays recalled by the packer, so it still cannot be transformed.
  ExpectRefused(
      RecordAs("packer", TransformEvent({{"OUT", 1}}, {{"X", 1}}, "packer", kMeal, kMeal)),
      Code::kFailedPrecondition, "recalled");
}

TEST_F(RecallTest, AnotherOrgsFlagsNeverGiveWay) {
  BuildSharedDownstream(1);
  ExpectOk(RunAs("fda", RecallBody("H", "Listeria")));
  const std::string fda_recall = LastRecallId();
  for (size_t i = 0; i < 3 * kLotRecallsPerOrgMax; ++i) {
    ExpectOk(RunAs("packer", RecallBody("P-0", "look " + std::to_string(i))));
  }
  const std::vector<std::string> flags = FlagIds("OUT");
  ASSERT_EQ(flags.size(), kLotRecallsPerOrgMax + 1);
  EXPECT_EQ(flags.front(), fda_recall);
  EXPECT_EQ(FlagIds("H"), std::vector<std::string>{fda_recall});
}

// ---------------------------------------------------------------- recalls beyond one transaction

TEST_F(RecallTest, FanOutBeyondOneTransactionDoesNotBlockARegulator) {
  BuildFanOut();
  ExpectOk(RunAs("fda", RecallBody("H", "Listeria")));
  EXPECT_EQ(Lot("H").recalls_size(), 1);
  EXPECT_EQ(Lot("ROOT").recalls_size(), 1);
}

TEST_F(RecallTest, RecallTooBigForOneTransactionFlagsBreadthFirstAndQueuesTheRest) {
  const FanOut fan = BuildFanOut();
  ExpectOk(RunAs("fda", RecallBody("H", "Listeria")));
  const std::string recall_id = LastRecallId();
  const v1::RecallRecord record = Record(recall_id);
  EXPECT_FALSE(record.complete());
  EXPECT_EQ(record.lots_flagged(), kRecallLotsMax);
  EXPECT_EQ(record.lots_queued(), fan.lots);
  EXPECT_EQ(LotsWritten(), kRecallLotsMax);
  // Breadth first: H, ROOT, every middle lot, then leaves in order until the budget ends.
  EXPECT_TRUE(Flagged("MID-" + std::to_string(fan.middles - 1), recall_id));
  const size_t leaves_flagged = kRecallLotsMax - 2 - fan.middles;
  EXPECT_TRUE(Flagged(fan.leaves[leaves_flagged - 1], recall_id));
  EXPECT_FALSE(Flagged(fan.leaves[leaves_flagged], recall_id));
  EXPECT_FALSE(Flagged(fan.leaves.back(), recall_id));
  // One queue entry and one waiting entry per lot not flagged yet.
  EXPECT_EQ(QueueEntries(), 2 * (fan.lots - kRecallLotsMax));
}

TEST_F(RecallTest, ContinueRecallFlagsTheRestAndDeletesTheQueue) {
  const FanOut fan = BuildFanOut();
  ExpectOk(RunAs("fda", RecallBody("H", "Listeria")));
  const std::string recall_id = LastRecallId();
  const uint64_t issued_at = ledger_->height();
  ExpectOk(RunAs("fda", ContinueBody(recall_id)));
  const v1::RecallRecord record = Record(recall_id);
  EXPECT_TRUE(record.complete());
  EXPECT_EQ(record.lots_flagged(), fan.lots);
  EXPECT_EQ(record.lots_queued(), fan.lots);
  EXPECT_EQ(record.height(), issued_at);
  EXPECT_EQ(record.updated_height(), ledger_->height());
  EXPECT_EQ(QueueEntries(), 0u);
  // Every lot carries the one flag of the recall, as issued.
  for (const std::string& code :
       {std::string("H"), std::string("ROOT"), fan.leaves.front(), fan.leaves.back()}) {
    const v1::LotRecord lot = Lot(code);
    ASSERT_EQ(lot.recalls_size(), 1) << code;
    EXPECT_EQ(lot.recalls(0).recall_id(), recall_id);
    EXPECT_EQ(lot.recalls(0).origin_lot(), "H");
    EXPECT_EQ(lot.recalls(0).issued_by_org(), "fda");
    EXPECT_EQ(lot.recalls(0).height(), issued_at);
  }
  size_t flagged = 0;
  for (const std::string& leaf : fan.leaves) flagged += Flagged(leaf, recall_id);
  EXPECT_EQ(flagged, fan.leaves.size());
}

TEST_F(RecallTest, IssuingOrgMayContinueItsOwnRecall) {
  BuildFanOut();
  ExpectOk(RunAs("packer", RecallBody("ROOT", "foreign matter")));
  const std::string recall_id = LastRecallId();
  EXPECT_FALSE(Record(recall_id).complete());
  EXPECT_EQ(ContinueUntilComplete("packer", recall_id), 1u);
  EXPECT_FALSE(Flagged("H", recall_id));  // upstream of the origin
}

TEST_F(RecallTest, OnlyTheIssuerOrARegulatorMayContinueARecall) {
  BuildFanOut();
  ExpectOk(RunAs("packer", RecallBody("ROOT", "foreign matter")));
  const std::string recall_id = LastRecallId();
  for (const char* org : {"farm", "distributor", "retailer", "audit", "city"}) {
    ExpectRefused(RunAs(org, ContinueBody(recall_id)), Code::kPermissionDenied,
                  "neither a regulator nor the issuer ('packer')");
  }
  EXPECT_EQ(Record(recall_id).lots_flagged(), kRecallLotsMax);
  ExpectOk(RunAs("fda", ContinueBody(recall_id)));
  EXPECT_TRUE(Record(recall_id).complete());
}

TEST_F(RecallTest, ContinueRecallRefusals) {
  BuildChain();
  ExpectOk(RunAs("fda", RecallBody("H-1")));
  const std::string complete = LastRecallId();
  ExpectRefused(RunAs("fda", ContinueBody(complete)), Code::kFailedPrecondition,
                "recall " + complete + " is complete (3 lots flagged)");
  const std::string unknown(64, 'a');
  ExpectRefused(RunAs("fda", ContinueBody(unknown)), Code::kNotFound,
                "recall " + unknown + " does not exist");
  for (const std::string& bad :
       {std::string(), std::string(63, 'a'), std::string(64, 'A'), "lot/" + std::string(60, 'a')}) {
    ExpectRefused(RunAs("fda", ContinueBody(bad)), Code::kInvalidArgument,
                  "recall_id must be 64 lower-case hex digits");
  }
}

TEST_F(RecallTest, ChildLinksOneTransactionFollowsAreBounded) {
  // ROOT -> A-0..A-255, then one transformation makes B-0..B-255 from all of A: each A lot
  // has 256 children, 65,792 links in all.
  ExpectOk(RecordAs("packer", PackEvent("ROOT", 1'000'000, kSpinach, "packer")));
  LotQuantities a_lots;
  LotQuantities b_lots;
  for (size_t i = 0; i < kEventQuantityElementsMax; ++i) {
    a_lots.emplace_back("A-" + std::to_string(i), 1000);
    b_lots.emplace_back("B-" + std::to_string(i), 1);
  }
  ExpectOk(
      RecordAs("packer", TransformEvent({{"ROOT", 1000}}, a_lots, "packer", kSpinach, kSpinach)));
  LotQuantities a_inputs = a_lots;
  for (auto& [lot, quantity] : a_inputs) quantity = 1;
  ExpectOk(RecordAs("packer", TransformEvent(a_inputs, b_lots)));
  constexpr size_t kFanOut = kEventQuantityElementsMax;

  ExpectOk(RunAs("fda", RecallBody("ROOT")));
  const std::string recall_id = LastRecallId();
  // ROOT's links, then as many A lots as fit whole in the links budget.
  const size_t a_flagged = (kRecallChildLinksMax - kFanOut) / kFanOut;
  EXPECT_EQ(Record(recall_id).lots_flagged(), 1 + a_flagged);
  EXPECT_TRUE(Flagged("A-" + std::to_string(a_flagged - 1), recall_id));
  EXPECT_FALSE(Flagged("A-" + std::to_string(a_flagged), recall_id));
  EXPECT_LE(ledger_->last_writes().size(), 3 * kRecallLotsMax + 2 * kRecallChildLinksMax + 1);

  const size_t continues = ContinueUntilComplete("fda", recall_id);
  // Each continuation flags as many A lots as fit (the B lots have no links to follow).
  const size_t a_per_transaction = kRecallChildLinksMax / kFanOut;
  EXPECT_EQ(continues, (kFanOut - a_flagged + a_per_transaction - 1) / a_per_transaction);
  EXPECT_EQ(Record(recall_id).lots_flagged(), 1 + 2 * kFanOut);
  for (const auto& lots : {a_lots, b_lots}) {
    for (const auto& [lot, quantity] : lots) EXPECT_EQ(FlagIds(lot), std::vector{recall_id}) << lot;
  }
  EXPECT_EQ(QueueEntries(), 0u);
}

TEST_F(RecallTest, QueueKeysSortInQueueOrder) {
  const std::string id(64, 'c');
  EXPECT_LT(RecallQueueStateKey(id, 9), RecallQueueStateKey(id, 10));
  EXPECT_LT(RecallQueueStateKey(id, 0xff), RecallQueueStateKey(id, 0x100));
  EXPECT_EQ(RecallQueueStateKey(id, 0x1a),
            "recall-queue/" + id + std::string(1, '\0') + "000000000000001a");
  EXPECT_EQ(RecallWaitingStateKey(id, "L"), "recall-waiting/" + id + std::string(1, '\0') + "L");
  EXPECT_EQ(RecallStateKey(id), "recall/" + id);
}

}  // namespace
}  // namespace tadori
