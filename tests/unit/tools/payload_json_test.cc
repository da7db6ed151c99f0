#include "tools/client/payload_json.h"

#include <gtest/gtest.h>

namespace tadori::client {
namespace {

TEST(PayloadJsonTest, ParsesCamelCaseCreateLot) {
  auto p = ParsePayloads(R"({"createLot": {"lotCode": "L1", "product": "tomatoes",
      "quantityMilli": "5000000", "unit": "kg", "location": "urn:epc:id:sgln:1"}})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 1u);
  const v1::CreateLot& lot = (*p)[0].create_lot();
  EXPECT_EQ(lot.lot_code(), "L1");
  EXPECT_EQ(lot.product(), "tomatoes");
  EXPECT_EQ(lot.quantity_milli(), 5000000);
  EXPECT_EQ(lot.unit(), "kg");
  EXPECT_EQ(lot.location(), "urn:epc:id:sgln:1");
  EXPECT_EQ(PayloadName((*p)[0]), "create_lot");
}

TEST(PayloadJsonTest, ParsesSnakeCaseNames) {
  auto p = ParsePayloads(R"({"ship_lot": {"lot_code": "L1", "to_org": "dist"}})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)[0].ship_lot().lot_code(), "L1");
  EXPECT_EQ((*p)[0].ship_lot().to_org(), "dist");
}

TEST(PayloadJsonTest, ArrayKeepsFileOrder) {
  auto p = ParsePayloads(R"([{"createLot": {"lotCode": "A"}},
                             {"shipLot": {"lotCode": "A", "toOrg": "o2"}},
                             {"receiveLot": {"lotCode": "A"}}])");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[0].payload_case(), v1::TransactionBody::kCreateLot);
  EXPECT_EQ((*p)[1].payload_case(), v1::TransactionBody::kShipLot);
  EXPECT_EQ((*p)[2].payload_case(), v1::TransactionBody::kReceiveLot);
}

TEST(PayloadJsonTest, RefusesSyntaxErrors) {
  auto p = ParsePayloads(R"({"createLot": {"lotCode": "L1",)");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_NE(p.status().message().find("not valid JSON"), std::string::npos);
}

TEST(PayloadJsonTest, RefusesUnknownFieldsAndWrongTypes) {
  EXPECT_FALSE(ParsePayloads(R"({"createLot": {"lotCod": "L1"}})").ok());
  EXPECT_FALSE(ParsePayloads(R"({"createLot": {"quantityMilli": "lots"}})").ok());
  EXPECT_FALSE(ParsePayloads(R"({"bakeLot": {}})").ok());
}

TEST(PayloadJsonTest, RefusesEntryWithoutPayload) {
  auto p = ParsePayloads("{}");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("createLot"), std::string::npos)
      << "the error should list the payloads one may use: " << p.status().message();
}

TEST(PayloadJsonTest, RefusesEnvelopeFieldsTheClientFillsIn) {
  for (const char* text : {R"({"chainId": "x", "receiveLot": {"lotCode": "L"}})",
                           R"({"nonce": "AAAA", "receiveLot": {"lotCode": "L"}})",
                           R"({"validUntilHeight": "9", "receiveLot": {"lotCode": "L"}})",
                           R"({"created_at_ms": "9", "receiveLot": {"lotCode": "L"}})"}) {
    auto p = ParsePayloads(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_NE(p.status().message().find("set by the client"), std::string::npos) << text;
  }
}

TEST(PayloadJsonTest, ArrayErrorNamesTheEntry) {
  auto p = ParsePayloads(R"([{"receiveLot": {"lotCode": "A"}}, {"receiveLot": 5}])");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("payload 1"), std::string::npos) << p.status().message();
}

TEST(PayloadJsonTest, RefusesEmptyArrayScalarsAndNonObjectEntries) {
  EXPECT_FALSE(ParsePayloads("[]").ok());
  EXPECT_FALSE(ParsePayloads("42").ok());
  EXPECT_FALSE(ParsePayloads(R"("createLot")").ok());
  EXPECT_FALSE(ParsePayloads(R"([{"receiveLot": {"lotCode": "A"}}, 3])").ok());
  EXPECT_FALSE(ParsePayloads("").ok());
}

}  // namespace
}  // namespace tadori::client
