// Products and locations belong to the organisation that registered them, and GS1 company
// prefixes to the organisation whose SGLN first named them: no other organisation redefines
// a registration or registers ids under a prefix it does not own.
#include <gtest/gtest.h>

#include "chaincode/state_keys.h"
#include "chaincode_fixture.h"

namespace tadori {
namespace {

using Gs1OwnershipTest = ChaincodeTest;

constexpr char kFarmSite[] = "urn:epc:id:sgln:4569951.10001.0";

std::optional<std::string> StateValue(const MemoryState& state, const std::string& key) {
  Result<std::optional<std::string>> value = state.Get(key);
  TADORI_CHECK(value.ok());
  return *value;
}

TEST_F(Gs1OwnershipTest, AnotherOrgCannotRedefineStorageRanges) {
  // kSpinach is the farm's, kept at 0-5 °C.
  ExpectRefused(RunAs("packer", ProductBody(kSpinach, true, {Range("temperature", 0, 20000)})),
                Code::kAlreadyExists, "farm");
  // Not even its owner: there is no way to widen a range after readings were judged by it.
  ExpectRefused(RunAs("farm", ProductBody(kSpinach, true, {Range("temperature", -5000, 9000)})),
                Code::kAlreadyExists, "farm");
  Result<std::optional<v1::ProductRecord>> product = FindProduct(ledger_->state(), kSpinach);
  ASSERT_TRUE(product.ok() && product->has_value());
  EXPECT_EQ((*product)->org_id(), "farm");
  ASSERT_EQ((*product)->product().storage_size(), 1);
  EXPECT_EQ((*product)->product().storage(0).min_milli(), 0);
  EXPECT_EQ((*product)->product().storage(0).max_milli(), 5000);
}

TEST_F(Gs1OwnershipTest, AnotherOrgCannotRedefineALocation) {
  ExpectOk(RunAs("farm", LocationBody(kFarmSite)));
  v1::TransactionBody moved = LocationBody(kFarmSite);
  moved.mutable_register_location()->set_name("not the farm");
  ExpectRefused(RunAs("distributor", moved), Code::kAlreadyExists, "farm");
  Result<std::optional<v1::LocationRecord>> location = FindLocation(ledger_->state(), kFarmSite);
  ASSERT_TRUE(location.ok() && location->has_value());
  EXPECT_EQ((*location)->org_id(), "farm");
  EXPECT_EQ((*location)->location().name(), std::string("site ") + kFarmSite);
}

TEST_F(Gs1OwnershipTest, FirstSglnClaimsItsCompanyPrefix) {
  EXPECT_FALSE(StateValue(ledger_->state(), Gs1CompanyPrefixStateKey("4569951")).has_value());
  ExpectOk(RunAs("farm", LocationBody(kFarmSite)));
  EXPECT_EQ(StateValue(ledger_->state(), Gs1CompanyPrefixStateKey("4569951")), "farm");
  // The owner registers more locations under its prefix.
  ExpectOk(RunAs("farm", LocationBody("urn:epc:id:sgln:4569951.10002.0")));
  EXPECT_EQ(StateValue(ledger_->state(), Gs1CompanyPrefixStateKey("4569951")), "farm");
}

TEST_F(Gs1OwnershipTest, AnotherOrgCannotSquatALocationUnderAClaimedPrefix) {
  ExpectOk(RunAs("farm", LocationBody(kFarmSite)));
  ExpectRefused(RunAs("distributor", LocationBody("urn:epc:id:sgln:4569951.99999.0")),
                Code::kPermissionDenied, "company prefix 4569951 belongs to org 'farm'");
  EXPECT_FALSE(FindLocation(ledger_->state(), "urn:epc:id:sgln:4569951.99999.0")->has_value());
  // A longer prefix inside the farm's allocation is the farm's too.
  ExpectRefused(RunAs("distributor", LocationBody("urn:epc:id:sgln:45699510.9999.0")),
                Code::kPermissionDenied, "4569951");
  // A GLN-13 written as digits under the farm's prefix.
  ExpectRefused(RunAs("distributor", LocationBody("4569951000106")), Code::kPermissionDenied,
                "4569951");
  // Its own prefix is free.
  ExpectOk(RunAs("distributor", LocationBody("urn:epc:id:sgln:4569952.20001.0")));
  EXPECT_EQ(StateValue(ledger_->state(), Gs1CompanyPrefixStateKey("4569952")), "distributor");
}

TEST_F(Gs1OwnershipTest, AnotherOrgCannotSquatAGtinUnderAClaimedPrefix) {
  ExpectOk(RunAs("farm", LocationBody(kFarmSite)));
  // GTIN-14: indicator digit, then the company prefix.
  ExpectRefused(RunAs("packer", ProductBody("04569951000027", false)), Code::kPermissionDenied,
                "company prefix 4569951 belongs to org 'farm'");
  ExpectRefused(RunAs("packer", ProductBody("14569951000024", false)), Code::kPermissionDenied,
                "farm");
  // GTIN-13: the company prefix first.
  ExpectRefused(RunAs("packer", ProductBody("4569951000041", false)), Code::kPermissionDenied,
                "farm");
  EXPECT_FALSE(FindProduct(ledger_->state(), "04569951000027")->has_value());
  // The owner registers its own GTINs; another org its GTINs under an unclaimed prefix.
  ExpectOk(RunAs("farm", ProductBody("04569951000034", false)));
  ExpectOk(RunAs("packer", ProductBody("04569953000018", false)));
}

TEST_F(Gs1OwnershipTest, AnOrgCannotClaimAPrefixAnotherOrgSglnAlreadyClaimed) {
  ExpectOk(RunAs("packer", LocationBody("urn:epc:id:sgln:4569953.30001.0")));
  ExpectRefused(RunAs("farm", LocationBody("urn:epc:id:sgln:4569953.30009.0")),
                Code::kPermissionDenied, "packer");
}

TEST_F(Gs1OwnershipTest, IdsWithoutACompanyPrefixBindNothing) {
  // Ids that are not GS1 keys (or whose prefix is not digits) claim and check nothing.
  ExpectOk(RunAs("farm", LocationBody("urn:epc:id:sgln:farm.0")));
  ExpectOk(RunAs("packer", LocationBody("urn:epc:id:sgln:packer.0")));
  ExpectOk(RunAs("farm", LocationBody("g1")));
  ExpectOk(RunAs("packer", LocationBody("g2")));
  ExpectOk(RunAs("packer", ProductBody("P-1", false)));
}

}  // namespace
}  // namespace tadori
