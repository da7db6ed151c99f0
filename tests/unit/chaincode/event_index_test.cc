// The query index entries an accepted event adds (chaincode/index_keys.h).
#include <gtest/gtest.h>

#include <set>

#include "chaincode/index_keys.h"
#include "chaincode_fixture.h"
#include "ledger/rfc3339.h"
#include "tadori/v1/records.pb.h"

namespace tadori {
namespace {

using EventIndexTest = ChaincodeTest;

std::set<std::string> Keys(const IndexEntries& entries) {
  std::set<std::string> keys;
  for (const auto& [key, value] : entries) keys.insert(key);
  return keys;
}

TEST_F(EventIndexTest, ShippingEventIndexesEveryDimension) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 1000)));
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-2", 1000)));
  v1::EpcisEvent ship = ShipEvent({{"LOT-1", 10}, {"LOT-2", 20}}, "farm", "distributor");
  ship.set_biz_location(Gln("farm") + ":dock");
  ExpectOk(RecordAs("farm", ship));
  const index_keys::Position pos{ledger_->height(), ledger_->last_ctx().index};
  const int64_t t = *ParseRfc3339Ms(ship.event_time());
  const std::set<std::string> expected = {
      index_keys::Event(pos),
      index_keys::LotEvent("LOT-1", pos),
      index_keys::LotEvent("LOT-2", pos),
      index_keys::EventByTime(t, pos),
      index_keys::EventByBizStep("shipping", t, pos),
      index_keys::EventByLocation(Gln("farm"), t, pos),
      index_keys::EventByLocation(Gln("farm") + ":dock", t, pos),
      index_keys::EventByOrg("farm", t, pos),
  };
  EXPECT_EQ(Keys(ledger_->last_index()), expected);
  EXPECT_EQ(ledger_->last_index().size(), expected.size());

  for (const auto& [key, value] : ledger_->last_index()) {
    if (key != index_keys::Event(pos)) {
      EXPECT_EQ(value, "");
      continue;
    }
    v1::RecordedEvent recorded;
    ASSERT_TRUE(recorded.ParseFromString(value));
    EXPECT_EQ(recorded.ref().height(), pos.height);
    EXPECT_EQ(recorded.ref().index(), pos.index);
    EXPECT_EQ(recorded.ref().tx_id(), ledger_->last_ctx().tx_id.ToBinaryString());
    EXPECT_EQ(recorded.event().SerializeAsString(), ship.SerializeAsString());
    EXPECT_EQ(recorded.org_id(), "farm");
    EXPECT_EQ(recorded.signer_key_id(), Id(member("farm")).ToBinaryString());
    EXPECT_EQ(recorded.event_time_ms(), t);
    EXPECT_EQ(recorded.cte(), "shipping");
  }
}

TEST_F(EventIndexTest, TransformationIndexesInputsAndOutputs) {
  ExpectOk(RecordAs("packer", PackEvent("IN", 1000, kSpinach, "packer")));
  ExpectOk(RecordAs("packer", TransformEvent({{"IN", 10}}, {{"OUT-A", 5}, {"OUT-B", 5}})));
  const index_keys::Position pos{ledger_->height(), ledger_->last_ctx().index};
  const std::set<std::string> keys = Keys(ledger_->last_index());
  for (const char* lot : {"IN", "OUT-A", "OUT-B"}) {
    EXPECT_TRUE(keys.contains(index_keys::LotEvent(lot, pos))) << lot;
  }
  const int64_t t = *ParseRfc3339Ms("2026-11-20T06:30:00+09:00");
  EXPECT_TRUE(keys.contains(index_keys::EventByBizStep("transforming", t, pos)));
}

TEST_F(EventIndexTest, RefusedEventLeavesNoEntries) {
  ExpectRefused(RecordAs("distributor", HarvestEvent("LOT-1")), Code::kPermissionDenied,
                "producer");
  EXPECT_TRUE(ledger_->last_index().empty());
}

TEST_F(EventIndexTest, RegistryPayloadsAddNoEntries) {
  ExpectOk(RunAs("farm", LocationBody("g-1")));
  EXPECT_TRUE(ledger_->last_index().empty());
}

}  // namespace
}  // namespace tadori
