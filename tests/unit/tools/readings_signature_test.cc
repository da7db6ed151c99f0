#include "tools/client/readings_signature.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "ledger/hash.h"

namespace tadori::client {
namespace {

v1::ReadingBatch SampleBatch() {
  v1::ReadingBatch batch;
  batch.set_device_id("urn:dev:kyushu-coldchain:truck-7:temp-1");
  batch.set_sequence(3);
  batch.add_lot_codes("KF-SPN-261120-P1");
  v1::SensorReading* r = batch.add_readings();
  r->set_time("2026-11-20T12:15:00+09:00");
  r->set_sensor_type("temperature");
  r->set_value_milli(7'800);
  r->set_unit("CEL");
  return batch;
}

TEST(ReadingsSignatureTest, MessageIsTagThenDigestOfTheBatchBytes) {
  const std::string bytes = SampleBatch().SerializeAsString();
  const Bytes message = ReadingsSigningMessage(AsBytes(bytes));
  ASSERT_EQ(message.size(), 18u + 32u);
  EXPECT_EQ(std::string(message.begin(), message.begin() + 18), "TADORI-READINGS-V1");
  EXPECT_EQ(std::string(message.begin() + 18, message.end()), Sha256(bytes).ToBinaryString());
}

TEST(ReadingsSignatureTest, DeviceSignatureVerifiesOverTheCarriedBytesOnly) {
  for (KeyType type : {KeyType::kP256, KeyType::kEd25519}) {
    Result<PrivateKey> device = PrivateKey::Generate(type);
    ASSERT_TRUE(device.ok());
    const v1::SubmitReadings payload = SignReadingBatch(SampleBatch(), *device);
    v1::ReadingBatch carried;
    ASSERT_TRUE(carried.ParseFromString(payload.batch()));
    EXPECT_EQ(carried.sequence(), 3u);
    const PublicKey& pub = device->public_key();
    EXPECT_TRUE(pub.Verify(ReadingsSigningMessage(AsBytes(payload.batch())),
                           AsBytes(payload.device_signature()))
                    .ok());
    // One changed byte of the batch (a forged reading) breaks the signature.
    std::string forged = payload.batch();
    forged[forged.size() - 3] ^= 0x01;
    const Status s =
        pub.Verify(ReadingsSigningMessage(AsBytes(forged)), AsBytes(payload.device_signature()));
    EXPECT_EQ(s.code(), Code::kUnauthenticated) << s.ToString();
    EXPECT_EQ(s.message(), "signature does not verify");
    // A transaction-style signature over the bare digest is not a device signature.
    const Bytes bare = device->Sign(Sha256(payload.batch()).view());
    const Status b = pub.Verify(ReadingsSigningMessage(AsBytes(payload.batch())), bare);
    EXPECT_EQ(b.code(), Code::kUnauthenticated) << b.ToString();
    EXPECT_EQ(b.message(), "signature does not verify");
  }
}

TEST(ReadingsSignatureTest, ParsesBatchJsonAndRefusesIncompleteOnes) {
  Result<v1::ReadingBatch> batch = ParseReadingBatchJson(R"({"deviceId": "d1", "sequence": "2",
      "lotCodes": ["L1"], "readings": [{"time": "2026-11-20T11:15:00+09:00",
      "sensorType": "temperature", "valueMilli": "3100", "unit": "CEL"}]})");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->device_id(), "d1");
  EXPECT_EQ(batch->sequence(), 2u);
  EXPECT_EQ(batch->readings(0).value_milli(), 3100);

  auto refused = [](std::string_view json, const std::string& reason) {
    const Status s = ParseReadingBatchJson(json).status();
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << json << ": " << s.ToString();
    EXPECT_NE(s.message().find(reason), std::string::npos)
        << json << ": want \"" << reason << "\", got " << s.ToString();
  };
  refused("{", "reading batch: Unexpected end of string");
  refused(R"({"deviceId": "d", "sequence": 1, "readings": [{}], "colour": "red"})",
          "reading batch: colour: Cannot find field");
  refused(R"({"deviceId": "d", "readings": [{"sensorType": "t"}]})",
          "reading batch: sequence must be 1 or more");
  refused(R"({"deviceId": "d", "sequence": 1})", "reading batch: no readings");
  refused(R"({"sequence": 1, "readings": [{}]})", "reading batch: no deviceId");
}

}  // namespace
}  // namespace tadori::client
