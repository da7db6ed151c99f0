#include "tools/cli/pilot_file.h"

#include <gtest/gtest.h>

namespace tadori::cli {
namespace {

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
  EXPECT_FALSE(ParsePilotReports("").ok());
  EXPECT_FALSE(ParsePilotReports("[]").ok());
  EXPECT_FALSE(ParsePilotReports("7").ok());
  EXPECT_FALSE(ParsePilotReports(R"({"title": "no id"})").ok());
  EXPECT_FALSE(ParsePilotReports(R"({"reportId": "r", "colour": "red"})").ok());
  EXPECT_FALSE(ParsePilotReports(R"({"submitPilotReport": {"report": {"reportId": "r"}},
                                     "extra": 1})")
                   .ok());
  auto second = ParsePilotReports(R"([{"reportId": "ok"}, {"reportId": 5}])");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("report 1"), std::string::npos)
      << second.status().message();
}

}  // namespace
}  // namespace tadori::cli
