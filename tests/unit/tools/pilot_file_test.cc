#include "tools/cli/pilot_file.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tadori::cli {
namespace {

// Success when `json` is refused as INVALID_ARGUMENT with a message containing `reason`: the
// check that refused is the one the caller meant, not merely some check.
::testing::AssertionResult Refused(std::string_view json, std::string_view reason) {
  const Status s = ParsePilotReports(json).status();
  if (s.code() == Code::kInvalidArgument && s.message().find(reason) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << s.ToString() << "; want INVALID_ARGUMENT saying \"" << reason << "\"";
}

TEST(PilotFileTest, AcceptsBareReportsAndPayloadWrappersInOrder) {
  auto reports = ParsePilotReports(R"([
      {"reportId": "r1", "title": "T1", "fiscalYear": "H29"},
      {"submitPilotReport": {"report": {"reportId": "r2", "budgetJpy": "510000000"}}},
      {"amendPilotReport": {"report": {"reportId": "r3"}, "reason": "fix"}}])");
  ASSERT_TRUE(reports.ok()) << reports.status().ToString();
  ASSERT_EQ(reports->size(), 3u);
  EXPECT_EQ((*reports)[0].report_id(), "r1");
  EXPECT_EQ((*reports)[0].fiscal_year(), "H29");
  EXPECT_EQ((*reports)[1].report_id(), "r2");
  EXPECT_EQ((*reports)[1].budget_jpy(), 510'000'000);
  EXPECT_EQ((*reports)[2].report_id(), "r3");

  auto one = ParsePilotReports(R"({"reportId": "solo", "kpis": [{"name": "k",
      "targetMilli": "5000", "actualMilli": "2000", "hasActual": true}]})");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].kpis(0).actual_milli(), 2000);
}

TEST(PilotFileTest, RefusesBadEntriesNamingThem) {
  EXPECT_TRUE(Refused("", "not valid JSON"));
  EXPECT_TRUE(Refused("[]", "the report array is empty"));
  EXPECT_TRUE(Refused("7", "expected a report object or an array"));
  EXPECT_TRUE(Refused(R"({"title": "no id"})", "report: no reportId"));
  EXPECT_TRUE(
      Refused(R"({"reportId": "r", "colour": "red"})", "report: colour: Cannot find field"));
  EXPECT_TRUE(Refused(R"({"submitPilotReport": {"report": {"reportId": "r"}}, "extra": 1})",
                      "report: a payload holds one submitPilotReport"));
  EXPECT_TRUE(Refused(R"({"amendPilotReport": {"report": {"reportId": "r"}}, "extra": 1})",
                      "report: a payload holds one amendPilotReport"));
  EXPECT_TRUE(Refused(R"([{"reportId": "ok"}, {"reportId": 5}])",
                      "report 1: (report_id): invalid value 5 for type TYPE_STRING"));
}

}  // namespace
}  // namespace tadori::cli
