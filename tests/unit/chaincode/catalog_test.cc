// Devices, locations and products: who registers them, uniqueness, and their shape.
#include <gtest/gtest.h>

#include "chaincode/chaincode_limits.h"
#include "chaincode/state_keys.h"
#include "chaincode_fixture.h"

namespace tadori {
namespace {

using CatalogTest = ChaincodeTest;

TEST_F(CatalogTest, AdminRegistersDeviceOfOwnOrg) {
  PrivateKey device_key = NewKey();
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(Run(admin("carrier"),
               DeviceBody("truck-7:t1", device_key.public_key(), {"temperature", "humidity"})));
  Result<std::optional<v1::DeviceRecord>> device = FindDevice(ledger_->state(), "truck-7:t1");
  ASSERT_TRUE(device.ok() && device->has_value());
  EXPECT_EQ((*device)->org_id(), "carrier");
  EXPECT_EQ((*device)->public_key(), device_key.public_key().ToPem());
  EXPECT_EQ((*device)->sensor_types_size(), 2);
  EXPECT_EQ((*device)->registered_height(), height);
  EXPECT_EQ((*device)->revoked_height(), 0u);
  EXPECT_EQ((*device)->last_sequence(), 0u);
}

TEST_F(CatalogTest, NonAdminCannotRegisterDevice) {
  ExpectRefused(Run(member("carrier"), DeviceBody("d1", NewKey().public_key())),
                Code::kPermissionDenied, "admin");
}

TEST_F(CatalogTest, DeviceRefusals) {
  PrivateKey key = NewKey();
  ExpectOk(Run(admin("carrier"), DeviceBody("d1", key.public_key())));
  ExpectRefused(Run(admin("farm"), DeviceBody("d1", NewKey().public_key())), Code::kAlreadyExists,
                "d1");
  ExpectRefused(Run(admin("farm"), DeviceBody("", key.public_key())), Code::kInvalidArgument,
                "device_id");
  ExpectRefused(Run(admin("farm"), DeviceBody(std::string("d\0x", 3), key.public_key())),
                Code::kInvalidArgument, "NUL");
  ExpectRefused(Run(admin("farm"), DeviceBody("d2", key.public_key(), {})), Code::kInvalidArgument,
                "sensor_types");
  ExpectRefused(Run(admin("farm"), DeviceBody("d2", key.public_key(), {"t", "t"})),
                Code::kInvalidArgument, "repeated");
  ExpectRefused(Run(admin("farm"), DeviceBody("d2", key.public_key(), {""})),
                Code::kInvalidArgument, "sensor_types");
  std::vector<std::string> many;
  for (size_t i = 0; i <= kDeviceSensorTypesMax; ++i) many.push_back(std::to_string(i) + "s");
  ExpectRefused(Run(admin("farm"), DeviceBody("d2", key.public_key(), many)),
                Code::kInvalidArgument, "sensor_types");
  v1::TransactionBody bad_pem = DeviceBody("d2", key.public_key());
  bad_pem.mutable_register_device()->set_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n");
  ExpectRefused(Run(admin("farm"), bad_pem), Code::kInvalidArgument, "public_key");
}

TEST_F(CatalogTest, AdminRevokesDeviceOnlyOfOwnOrg) {
  ExpectOk(Run(admin("carrier"), DeviceBody("d1", NewKey().public_key())));
  ExpectRefused(Run(admin("farm"), RevokeDeviceBody("d1")), Code::kPermissionDenied, "carrier");
  ExpectRefused(Run(member("carrier"), RevokeDeviceBody("d1")), Code::kPermissionDenied, "carrier");
  ExpectRefused(Run(admin("carrier"), RevokeDeviceBody("nope")), Code::kNotFound, "nope");
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(Run(admin("carrier"), RevokeDeviceBody("d1")));
  EXPECT_EQ((*FindDevice(ledger_->state(), "d1"))->revoked_height(), height);
  ExpectRefused(Run(admin("carrier"), RevokeDeviceBody("d1")), Code::kFailedPrecondition,
                "already revoked");
  // A revoked device id is never reused.
  ExpectRefused(Run(admin("carrier"), DeviceBody("d1", NewKey().public_key())),
                Code::kAlreadyExists, "d1");
}

TEST_F(CatalogTest, AnyMemberRegistersLocationOfOwnOrg) {
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(RunAs("retailer", LocationBody("urn:epc:id:sgln:4912345.00001.0")));
  Result<std::optional<v1::LocationRecord>> location =
      FindLocation(ledger_->state(), "urn:epc:id:sgln:4912345.00001.0");
  ASSERT_TRUE(location.ok() && location->has_value());
  EXPECT_EQ((*location)->org_id(), "retailer");
  EXPECT_EQ((*location)->registered_height(), height);
  EXPECT_EQ((*location)->location().latitude_micro(), 33'591'000);
  ExpectRefused(RunAs("farm", LocationBody("urn:epc:id:sgln:4912345.00001.0")),
                Code::kAlreadyExists, "retailer");
}

TEST_F(CatalogTest, LocationRefusals) {
  v1::TransactionBody body = LocationBody("g1");
  body.mutable_register_location()->set_latitude_micro(90'000'001);
  ExpectRefused(RunAs("farm", body), Code::kInvalidArgument, "latitude");
  body = LocationBody("g1");
  body.mutable_register_location()->set_longitude_micro(-180'000'001);
  ExpectRefused(RunAs("farm", body), Code::kInvalidArgument, "longitude");
  body = LocationBody("g1");
  body.mutable_register_location()->set_has_coordinates(false);
  ExpectRefused(RunAs("farm", body), Code::kInvalidArgument, "has_coordinates");
  ExpectRefused(RunAs("farm", LocationBody("")), Code::kInvalidArgument, "gln");
  body = LocationBody("g1");
  body.mutable_register_location()->clear_name();
  ExpectRefused(RunAs("farm", body), Code::kInvalidArgument, "name");
  ExpectRefused(Run(outsider_, LocationBody("g1")), Code::kPermissionDenied, "active member");
}

TEST_F(CatalogTest, ProducerOrProcessorRegistersProducts) {
  ExpectOk(RunAs("packer", ProductBody("P-1", false)));
  Result<std::optional<v1::ProductRecord>> product = FindProduct(ledger_->state(), kSpinach);
  ASSERT_TRUE(product.ok() && product->has_value());
  EXPECT_EQ((*product)->org_id(), "farm");
  EXPECT_TRUE((*product)->product().on_food_traceability_list());
  EXPECT_GT((*product)->registered_height(), 0u);
  for (const char* org : {"distributor", "carrier", "retailer", "city", "fda"}) {
    ExpectRefused(RunAs(org, ProductBody("P-2", false)), Code::kPermissionDenied, "producer");
  }
}

TEST_F(CatalogTest, ProductRefusals) {
  ExpectRefused(RunAs("farm", ProductBody(kSpinach, false)), Code::kAlreadyExists, kSpinach);
  ExpectRefused(RunAs("farm", ProductBody("P", true, {Range("temperature", 6, 5)})),
                Code::kInvalidArgument, "min_milli");
  ExpectRefused(RunAs("farm", ProductBody("P", true, {Range("t", 0, 5), Range("t", 1, 2)})),
                Code::kInvalidArgument, "twice");
  ExpectRefused(RunAs("farm", ProductBody("P", true, {Range("t", 0, 5, "")})),
                Code::kInvalidArgument, "unit");
  ExpectRefused(RunAs("farm", ProductBody("P", true, {Range("", 0, 5)})), Code::kInvalidArgument,
                "sensor_type");
  v1::TransactionBody body = ProductBody("P", false);
  body.mutable_register_product()->clear_description();
  ExpectRefused(RunAs("farm", body), Code::kInvalidArgument, "description");
  // A range of one value is allowed.
  ExpectOk(RunAs("farm", ProductBody("P", true, {Range("t", 5, 5)})));
}

}  // namespace
}  // namespace tadori
