// Event times against the chain's clock and against the lots they name: an event is recorded
// after it happens (up to kEventTimeSkewMs of clock skew) and never before its lots existed.
#include <gtest/gtest.h>

#include "chaincode/chaincode_limits.h"
#include "chaincode_fixture.h"
#include "ledger/rfc3339.h"

namespace tadori {
namespace {

constexpr int32_t kJst = 9 * 60;

class EventTimeTest : public ChaincodeTest {
 protected:
  // The block time the next transaction runs at (the fixture's ledger: one second a block).
  int64_t NextBlockTimeMs() const {
    return kBlockTimeBaseMs + static_cast<int64_t>(ledger_->height() + 1) * 1000;
  }
  static void SetTime(v1::EpcisEvent& event, int64_t unix_ms) {
    event.set_event_time(FormatRfc3339Ms(unix_ms, kJst));
    event.set_event_time_zone_offset("+09:00");
  }
};

TEST_F(EventTimeTest, EventUpToTheSkewAheadOfTheBlockIsAccepted) {
  v1::EpcisEvent harvest = HarvestEvent("LOT-1");
  SetTime(harvest, NextBlockTimeMs() + kEventTimeSkewMs);
  ExpectOk(RecordAs("farm", harvest));
}

TEST_F(EventTimeTest, EventLaterThanBlockTimePlusSkewIsRefused) {
  v1::EpcisEvent harvest = HarvestEvent("LOT-1");
  SetTime(harvest, NextBlockTimeMs() + kEventTimeSkewMs + 1);
  ExpectRefused(RecordAs("farm", harvest), Code::kInvalidArgument, "later than the block time");
  EXPECT_FALSE(LotExists("LOT-1"));
}

TEST_F(EventTimeTest, EventInAnotherTimeZoneIsComparedInUtc) {
  // 09:00+09:00 is 00:00Z: a client that wrote its local time with a UTC offset by mistake
  // (09:00Z) is nine hours in the future and refused.
  v1::EpcisEvent harvest = HarvestEvent("LOT-1");
  const int64_t block_ms = NextBlockTimeMs();
  harvest.set_event_time(FormatRfc3339Ms(block_ms + 9 * 3'600'000, 0));
  harvest.set_event_time_zone_offset("+00:00");
  ExpectRefused(RecordAs("farm", harvest), Code::kInvalidArgument, "later than the block time");
}

TEST_F(EventTimeTest, LotRecordsItsCreationEventTime) {
  v1::EpcisEvent harvest = HarvestEvent("LOT-1");
  const int64_t t = kBlockTimeBaseMs - 3'600'000;
  SetTime(harvest, t);
  ExpectOk(RecordAs("farm", harvest));
  EXPECT_EQ(Lot("LOT-1").created_event_time_ms(), t);
}

TEST_F(EventTimeTest, ShippingBeforeTheLotWasCreatedIsRefused) {
  v1::EpcisEvent harvest = HarvestEvent("LOT-1");
  const int64_t t = kBlockTimeBaseMs - 3'600'000;
  SetTime(harvest, t);
  ExpectOk(RecordAs("farm", harvest));
  v1::EpcisEvent ship = ShipEvent({{"LOT-1", 1000}}, "farm", "distributor");
  SetTime(ship, t - 1);
  ExpectRefused(RecordAs("farm", ship), Code::kInvalidArgument, "before lot 'LOT-1' was created");
  EXPECT_EQ(Held("LOT-1", "farm"), 1000);
  SetTime(ship, t);  // the same instant is allowed
  ExpectOk(RecordAs("farm", ship));
}

TEST_F(EventTimeTest, ReceivingObservingAndTransformingBeforeCreationAreRefused) {
  v1::EpcisEvent harvest = HarvestEvent("LOT-1");
  const int64_t t = kBlockTimeBaseMs - 3'600'000;
  SetTime(harvest, t);
  ExpectOk(RecordAs("farm", harvest));

  v1::EpcisEvent observe = ObserveEvent("LOT-1");
  SetTime(observe, t - 60'000);
  ExpectRefused(RecordAs("farm", observe), Code::kInvalidArgument, "was created");

  v1::EpcisEvent ship = ShipEvent({{"LOT-1", 1000}}, "farm", "packer");
  SetTime(ship, t + 60'000);
  ExpectOk(RecordAs("farm", ship));
  v1::EpcisEvent receive = ReceiveEvent({{"LOT-1", 1000}}, "farm", "packer");
  SetTime(receive, t - 60'000);
  ExpectRefused(RecordAs("packer", receive), Code::kInvalidArgument, "was created");
  SetTime(receive, t + 120'000);
  ExpectOk(RecordAs("packer", receive));

  v1::EpcisEvent transform = TransformEvent({{"LOT-1", 500}}, {{"MEAL-1", 400}});
  SetTime(transform, t - 1);
  ExpectRefused(RecordAs("packer", transform), Code::kInvalidArgument,
                "before lot 'LOT-1' was created");
  EXPECT_FALSE(LotExists("MEAL-1"));
  SetTime(transform, t + 180'000);
  ExpectOk(RecordAs("packer", transform));
  EXPECT_EQ(Lot("MEAL-1").created_event_time_ms(), t + 180'000);
}

}  // namespace
}  // namespace tadori
