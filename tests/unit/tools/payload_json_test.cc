#include "tools/client/payload_json.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tadori::client {
namespace {

// Success when `json` is refused as INVALID_ARGUMENT with a message containing `reason`: the
// check that refused is the one the caller meant, not merely some check.
::testing::AssertionResult Refused(std::string_view json, std::string_view reason) {
  const Status s = ParsePayloads(json).status();
  if (s.code() == Code::kInvalidArgument && s.message().find(reason) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << s.ToString() << "; want INVALID_ARGUMENT saying \"" << reason << "\"";
}

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
  EXPECT_TRUE(Refused(R"({"issueRecall": {"lotCod": "L1"}})",
                      "payload: (issue_recall) lotCod: Cannot find field"));
  EXPECT_TRUE(
      Refused(R"({"addPilotFinding": {"version": "two"}})",
              "payload: (add_pilot_finding.version): invalid value \"two\" for type TYPE_UINT32"));
  EXPECT_TRUE(Refused(R"({"createLot": {"lotCode": "L1"}})",
                      "payload: createLot: Cannot find field"));  // removed payload
  EXPECT_TRUE(Refused(R"({"bakeLot": {}})", "payload: bakeLot: Cannot find field"));
}

TEST(PayloadJsonTest, RefusesEntryWithoutPayload) {
  EXPECT_TRUE(Refused("{}", "payload: no payload (expected one of "));
  auto p = ParsePayloads("{}");
  EXPECT_NE(p.status().message().find("recordEvent"), std::string::npos)
      << "the error should list the payloads one may use: " << p.status().message();
}

TEST(PayloadJsonTest, RefusesEnvelopeFieldsTheClientFillsIn) {
  EXPECT_TRUE(Refused(R"({"chainId": "x", "issueRecall": {"lotCode": "L"}})",
                      "payload: chainId is set by the client"));
  EXPECT_TRUE(Refused(R"({"nonce": "AAAA", "issueRecall": {"lotCode": "L"}})",
                      "payload: nonce is set by the client"));
  EXPECT_TRUE(Refused(R"({"validUntilHeight": "9", "issueRecall": {"lotCode": "L"}})",
                      "payload: validUntilHeight is set by the client"));
  EXPECT_TRUE(Refused(R"({"created_at_ms": "9", "issueRecall": {"lotCode": "L"}})",
                      "payload: createdAtMs is set by the client"));
}

TEST(PayloadJsonTest, ArrayErrorNamesTheEntry) {
  EXPECT_TRUE(Refused(R"([{"issueRecall": {"lotCode": "A"}}, {"issueRecall": 5}])",
                      "payload 1: (issue_recall): invalid value 5"));
}

TEST(PayloadJsonTest, RefusesEmptyArrayScalarsAndNonObjectEntries) {
  EXPECT_TRUE(Refused("[]", "the payload array is empty"));
  EXPECT_TRUE(Refused("42", "expected a payload object or an array of them"));
  EXPECT_TRUE(Refused(R"("recordEvent")", "expected a payload object or an array of them"));
  EXPECT_TRUE(
      Refused(R"([{"issueRecall": {"lotCode": "A"}}, 3])", "payload 1: is not a JSON object"));
  EXPECT_TRUE(Refused("", "not valid JSON"));
}

}  // namespace
}  // namespace tadori::client
