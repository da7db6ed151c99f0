#include "tools/client/payload_json.h"

#include <gtest/gtest.h>

namespace tadori::client {
namespace {

TEST(PayloadJsonTest, ParsesCamelCaseRecordEvent) {
  auto p = ParsePayloads(R"({"recordEvent": {"event": {"type": "OBJECT_EVENT",
      "eventTime": "2026-11-20T06:30:00+09:00", "eventTimeZoneOffset": "+09:00",
      "action": "ADD", "bizStep": "harvesting",
      "quantityList": [{"lotCode": "L1", "product": "04569951000010",
                        "quantityMilli": "5000000", "unit": "KGM"}],
      "ilmd": {"harvestDate": "2026-11-20"}}}})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 1u);
  const v1::EpcisEvent& e = (*p)[0].record_event().event();
  EXPECT_EQ(e.type(), v1::OBJECT_EVENT);
  EXPECT_EQ(e.action(), v1::ADD);
  EXPECT_EQ(e.biz_step(), "harvesting");
  ASSERT_EQ(e.quantity_list_size(), 1);
  EXPECT_EQ(e.quantity_list(0).lot_code(), "L1");
  EXPECT_EQ(e.quantity_list(0).quantity_milli(), 5000000);
  EXPECT_EQ(e.ilmd().harvest_date(), "2026-11-20");
  EXPECT_EQ(PayloadName((*p)[0]), "record_event");
}

TEST(PayloadJsonTest, ParsesSnakeCaseNames) {
  auto p = ParsePayloads(R"({"issue_recall": {"lot_code": "L1", "reason": "listeria"}})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)[0].issue_recall().lot_code(), "L1");
  EXPECT_EQ((*p)[0].issue_recall().reason(), "listeria");
}

TEST(PayloadJsonTest, ArrayKeepsFileOrder) {
  auto p = ParsePayloads(R"([{"registerProduct": {"gtin": "A"}},
                             {"recordEvent": {"event": {"bizStep": "shipping"}}},
                             {"submitReadings": {"batch": "AAE=", "deviceSignature": "AQ=="}},
                             {"addPilotFinding": {"reportId": "r", "version": 2}}])");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ((*p)[0].payload_case(), v1::TransactionBody::kRegisterProduct);
  EXPECT_EQ((*p)[1].payload_case(), v1::TransactionBody::kRecordEvent);
  EXPECT_EQ((*p)[2].payload_case(), v1::TransactionBody::kSubmitReadings);
  EXPECT_EQ((*p)[2].submit_readings().batch(), std::string("\x00\x01", 2));
  EXPECT_EQ((*p)[3].payload_case(), v1::TransactionBody::kAddPilotFinding);
}

TEST(PayloadJsonTest, RefusesSyntaxErrors) {
  auto p = ParsePayloads(R"({"issueRecall": {"lotCode": "L1",)");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_NE(p.status().message().find("not valid JSON"), std::string::npos);
}

TEST(PayloadJsonTest, RefusesUnknownFieldsAndWrongTypes) {
  EXPECT_FALSE(ParsePayloads(R"({"issueRecall": {"lotCod": "L1"}})").ok());
  EXPECT_FALSE(ParsePayloads(R"({"addPilotFinding": {"version": "two"}})").ok());
  EXPECT_FALSE(ParsePayloads(R"({"createLot": {"lotCode": "L1"}})").ok());  // removed payload
  EXPECT_FALSE(ParsePayloads(R"({"bakeLot": {}})").ok());
}

TEST(PayloadJsonTest, RefusesEntryWithoutPayload) {
  auto p = ParsePayloads("{}");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("recordEvent"), std::string::npos)
      << "the error should list the payloads one may use: " << p.status().message();
}

TEST(PayloadJsonTest, RefusesEnvelopeFieldsTheClientFillsIn) {
  for (const char* text : {R"({"chainId": "x", "issueRecall": {"lotCode": "L"}})",
                           R"({"nonce": "AAAA", "issueRecall": {"lotCode": "L"}})",
                           R"({"validUntilHeight": "9", "issueRecall": {"lotCode": "L"}})",
                           R"({"created_at_ms": "9", "issueRecall": {"lotCode": "L"}})"}) {
    auto p = ParsePayloads(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_NE(p.status().message().find("set by the client"), std::string::npos) << text;
  }
}

TEST(PayloadJsonTest, ArrayErrorNamesTheEntry) {
  auto p = ParsePayloads(R"([{"issueRecall": {"lotCode": "A"}}, {"issueRecall": 5}])");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("payload 1"), std::string::npos) << p.status().message();
}

TEST(PayloadJsonTest, RefusesEmptyArrayScalarsAndNonObjectEntries) {
  EXPECT_FALSE(ParsePayloads("[]").ok());
  EXPECT_FALSE(ParsePayloads("42").ok());
  EXPECT_FALSE(ParsePayloads(R"("recordEvent")").ok());
  EXPECT_FALSE(ParsePayloads(R"([{"issueRecall": {"lotCode": "A"}}, 3])").ok());
  EXPECT_FALSE(ParsePayloads("").ok());
}

}  // namespace
}  // namespace tadori::client
