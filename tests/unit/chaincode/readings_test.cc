// Sensor attestations: device signatures, sequence numbers, lots, excursions and index.
#include <gtest/gtest.h>

#include "chaincode/chaincode_limits.h"
#include "chaincode/index_keys.h"
#include "chaincode_fixture.h"
#include "ledger/rfc3339.h"
#include "tadori/v1/records.pb.h"

namespace tadori {
namespace {

v1::SensorReading Reading(const std::string& time, int64_t value_milli,
                          const std::string& type = "temperature") {
  v1::SensorReading reading;
  reading.set_time(time);
  reading.set_sensor_type(type);
  reading.set_value_milli(value_milli);
  reading.set_unit("CEL");
  return reading;
}

v1::TransactionBody SignedReadings(const PrivateKey& device_key, const v1::ReadingBatch& batch) {
  const std::string bytes = batch.SerializeAsString();
  std::string message = "TADORI-READINGS-V1";
  message += Sha256(bytes).ToBinaryString();
  Bytes signature = device_key.Sign(AsBytes(message));
  v1::TransactionBody body;
  body.mutable_submit_readings()->set_batch(bytes);
  body.mutable_submit_readings()->set_device_signature(ToString(signature));
  return body;
}

class ReadingsTest : public ChaincodeTest {
 protected:
  void SetUp() override {
    ChaincodeTest::SetUp();
    ExpectOk(Run(admin("carrier"),
                 DeviceBody("truck-7", device_key_.public_key(), {"temperature", "humidity"})));
    ExpectOk(RecordAs("farm", HarvestEvent("LOT-1", 1000)));
    ExpectOk(RecordAs("farm", ShipEvent({{"LOT-1", 1000}}, "farm", "distributor", "carrier")));
  }

  v1::ReadingBatch Batch(uint64_t sequence, std::vector<v1::SensorReading> readings,
                         std::vector<std::string> lots = {"LOT-1"}) {
    v1::ReadingBatch batch;
    batch.set_device_id("truck-7");
    batch.set_sequence(sequence);
    for (auto& lot : lots) batch.add_lot_codes(lot);
    for (auto& reading : readings) *batch.add_readings() = reading;
    return batch;
  }
  v1::TxResult Submit(const v1::ReadingBatch& batch, const std::string& org = "carrier") {
    return RunAs(org, SignedReadings(device_key_, batch));
  }

  PrivateKey device_key_ = NewKey();
};

TEST_F(ReadingsTest, InRangeReadingsMakeNoExcursion) {
  ExpectOk(Submit(Batch(1, {Reading("2026-11-20T08:00:00+09:00", 3000),
                            Reading("2026-11-20T08:05:00+09:00", 5000)})));
  EXPECT_EQ(Lot("LOT-1").excursions_size(), 0);
  EXPECT_EQ((*FindDevice(ledger_->state(), "truck-7"))->last_sequence(), 1u);
}

TEST_F(ReadingsTest, OutOfRangeReadingsMakeOneExcursionPerLotAndType) {
  ExpectOk(Submit(Batch(
      1, {Reading("2026-11-20T08:10:00+09:00", 7000), Reading("2026-11-20T08:00:00+09:00", 3000),
          Reading("2026-11-20T08:05:00+09:00", 9500), Reading("2026-11-20T08:20:00+09:00", -2000),
          Reading("2026-11-20T08:15:00+09:00", 99'000, "humidity")})));
  v1::LotRecord lot = Lot("LOT-1");
  ASSERT_EQ(lot.excursions_size(), 1);  // the product has no humidity range
  const v1::Excursion& excursion = lot.excursions(0);
  EXPECT_EQ(excursion.device_id(), "truck-7");
  EXPECT_EQ(excursion.sensor_type(), "temperature");
  EXPECT_EQ(excursion.start_time(), "2026-11-20T08:05:00+09:00");
  EXPECT_EQ(excursion.end_time(), "2026-11-20T08:20:00+09:00");
  EXPECT_EQ(excursion.worst_value_milli(), 9500);  // 4.5 °C over beats 2 °C under
  EXPECT_EQ(excursion.reading_count(), 3u);
  EXPECT_EQ(excursion.range_min_milli(), 0);
  EXPECT_EQ(excursion.range_max_milli(), 5000);
  EXPECT_EQ(excursion.unit(), "CEL");
  EXPECT_EQ(excursion.attestation().height(), ledger_->height());
  // A second batch with an excursion adds a second record.
  ExpectOk(Submit(Batch(2, {Reading("2026-11-20T09:00:00+09:00", -100)})));
  ASSERT_EQ(Lot("LOT-1").excursions_size(), 2);
  EXPECT_EQ(Lot("LOT-1").excursions(1).worst_value_milli(), -100);
}

TEST_F(ReadingsTest, ExcursionsAreBoundedAndMergeIntoTheLast) {
  for (uint64_t seq = 1; seq <= kLotExcursionsMax + 2; ++seq) {
    ExpectOk(Submit(
        Batch(seq, {Reading("2026-11-20T09:00:00+09:00", 6000 + static_cast<int64_t>(seq))})));
  }
  v1::LotRecord lot = Lot("LOT-1");
  ASSERT_EQ(lot.excursions_size(), static_cast<int>(kLotExcursionsMax));
  const v1::Excursion& last = lot.excursions(lot.excursions_size() - 1);
  EXPECT_EQ(last.reading_count(), 3u);
  EXPECT_EQ(last.worst_value_milli(), 6000 + static_cast<int64_t>(kLotExcursionsMax) + 2);
}

TEST_F(ReadingsTest, SequenceMustFollow) {
  ExpectRefused(Submit(Batch(2, {Reading("2026-11-20T08:00:00+09:00", 1)})),
                Code::kFailedPrecondition, "expects sequence 1");
  ExpectRefused(Submit(Batch(0, {Reading("2026-11-20T08:00:00+09:00", 1)})),
                Code::kFailedPrecondition, "expects sequence 1");
  ExpectOk(Submit(Batch(1, {Reading("2026-11-20T08:00:00+09:00", 1)})));
  ExpectRefused(Submit(Batch(1, {Reading("2026-11-20T08:00:00+09:00", 1)})),  // replay
                Code::kFailedPrecondition, "expects sequence 2");
  ExpectRefused(Submit(Batch(3, {Reading("2026-11-20T08:00:00+09:00", 1)})),  // gap
                Code::kFailedPrecondition, "expects sequence 2");
  ExpectOk(Submit(Batch(2, {Reading("2026-11-20T08:00:00+09:00", 1)})));
}

TEST_F(ReadingsTest, SignatureMustVerify) {
  v1::TransactionBody body =
      SignedReadings(NewKey(), Batch(1, {Reading("2026-11-20T08:00:00Z", 1)}));
  ExpectRefused(RunAs("carrier", body), Code::kUnauthenticated, "does not verify");
  // The signature covers the exact bytes: a changed batch fails too.
  body = SignedReadings(device_key_, Batch(1, {Reading("2026-11-20T08:00:00Z", 1)}));
  body.mutable_submit_readings()->set_batch(
      Batch(1, {Reading("2026-11-20T08:00:00Z", 2)}).SerializeAsString());
  ExpectRefused(RunAs("carrier", body), Code::kUnauthenticated, "does not verify");
  body.mutable_submit_readings()->set_device_signature("short");
  ExpectRefused(RunAs("carrier", body), Code::kUnauthenticated, "truck-7");
  EXPECT_EQ((*FindDevice(ledger_->state(), "truck-7"))->last_sequence(), 0u);
}

TEST_F(ReadingsTest, DeviceMustBeRegisteredActiveAndOfTheSignersOrg) {
  ExpectRefused(Submit(Batch(1, {Reading("2026-11-20T08:00:00Z", 1)}), "distributor"),
                Code::kPermissionDenied, "belongs to org 'carrier'");
  v1::ReadingBatch unknown = Batch(1, {Reading("2026-11-20T08:00:00Z", 1)});
  unknown.set_device_id("ghost");
  ExpectRefused(Submit(unknown), Code::kNotFound, "ghost");
  ExpectOk(Run(admin("carrier"), RevokeDeviceBody("truck-7")));
  ExpectRefused(Submit(Batch(1, {Reading("2026-11-20T08:00:00Z", 1)})), Code::kPermissionDenied,
                "revoked");
}

TEST_F(ReadingsTest, LotsMustBeHeldOrCarried) {
  ExpectOk(RecordAs("farm", HarvestEvent("LOT-F", 1000)));
  ExpectRefused(Submit(Batch(1, {Reading("2026-11-20T08:00:00Z", 1)}, {"LOT-F"})),
                Code::kPermissionDenied, "LOT-F");
  ExpectRefused(Submit(Batch(1, {Reading("2026-11-20T08:00:00Z", 1)}, {"NOPE"})), Code::kNotFound,
                "NOPE");
  // Once delivered, the carrier no longer carries it.
  ExpectOk(RecordAs("distributor", ReceiveEvent({{"LOT-1", 1000}}, "farm", "distributor")));
  ExpectRefused(Submit(Batch(1, {Reading("2026-11-20T08:00:00Z", 1)})), Code::kPermissionDenied,
                "LOT-1");
}

TEST_F(ReadingsTest, BatchShapeRefusals) {
  struct Case {
    const char* name;
    v1::ReadingBatch batch;
    const char* needle;
  };
  std::vector<v1::SensorReading> too_many(kReadingsPerBatchMax + 1,
                                          Reading("2026-11-20T08:00:00Z", 1));
  std::vector<std::string> many_lots;
  for (size_t i = 0; i <= kReadingLotCodesMax; ++i) many_lots.push_back("LOT-1");
  const Case cases[] = {
      {"no readings", Batch(1, {}), "readings"},
      {"too many readings", Batch(1, too_many), "readings"},
      {"no lots", Batch(1, {Reading("2026-11-20T08:00:00Z", 1)}, {}), "lot codes"},
      {"too many lots", Batch(1, {Reading("2026-11-20T08:00:00Z", 1)}, many_lots), "lot codes"},
      {"lot twice", Batch(1, {Reading("2026-11-20T08:00:00Z", 1)}, {"LOT-1", "LOT-1"}), "twice"},
      {"bad time", Batch(1, {Reading("yesterday", 1)}), "reading time"},
      {"unknown sensor", Batch(1, {Reading("2026-11-20T08:00:00Z", 1, "pressure")}), "pressure"},
  };
  for (const Case& c : cases) {
    ExpectRefused(Submit(c.batch), Code::kInvalidArgument, c.needle);
  }
  v1::ReadingBatch no_unit = Batch(1, {Reading("2026-11-20T08:00:00Z", 1)});
  no_unit.mutable_readings(0)->clear_unit();
  ExpectRefused(Submit(no_unit), Code::kInvalidArgument, "unit");
  v1::TransactionBody garbage;
  garbage.mutable_submit_readings()->set_batch("\xff\xff\xff");
  ExpectRefused(RunAs("carrier", garbage), Code::kInvalidArgument, "ReadingBatch");
}

TEST_F(ReadingsTest, ReadingsAreIndexedByDeviceAndLot) {
  ExpectOk(Submit(Batch(1, {Reading("2026-11-20T08:00:00+09:00", 3000),
                            Reading("2026-11-20T08:05:00+09:00", 8000)})));
  const IndexEntries& entries = ledger_->last_index();
  ASSERT_EQ(entries.size(), 4u);  // 2 readings x (device + 1 lot)
  const int64_t t1 = *ParseRfc3339Ms("2026-11-20T08:05:00+09:00");
  int found = 0;
  for (const auto& [key, value] : entries) {
    v1::RecordedReading recorded;
    ASSERT_TRUE(recorded.ParseFromString(value));
    EXPECT_EQ(recorded.device_id(), "truck-7");
    EXPECT_EQ(recorded.sequence(), 1u);
    EXPECT_EQ(recorded.attestation().height(), ledger_->height());
    if (key == index_keys::DeviceReading("truck-7", t1, 1, 1) ||
        key == index_keys::LotReading("LOT-1", t1, "truck-7", 1, 1)) {
      EXPECT_TRUE(recorded.excursion());
      EXPECT_EQ(recorded.time_ms(), t1);
      EXPECT_EQ(recorded.reading().value_milli(), 8000);
      ++found;
    }
  }
  EXPECT_EQ(found, 2);
}

}  // namespace
}  // namespace tadori
