// The sample data the quickstart and the story test load must stay parseable by the tools
// that read it (tools/data/kyushu, tools/data/pilots).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tools/cli/pilot_file.h"
#include "tools/client/payload_json.h"
#include "tools/client/readings_signature.h"

namespace tadori {
namespace {

namespace fs = std::filesystem;

// TADORI_SOURCE_DIR comes from CMake (__FILE__ may be relative to the build directory).
fs::path DataDir() {
  return fs::path(TADORI_SOURCE_DIR) / "tools/data";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(SampleDataTest, EveryKyushuPayloadFileParses) {
  size_t files = 0;
  std::set<v1::TransactionBody::PayloadCase> kinds;
  for (const auto& entry : fs::directory_iterator(DataDir() / "kyushu")) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name.find("readings-batch") != std::string::npos) {
      continue;
    }
    auto payloads = client::ParsePayloads(ReadFile(entry.path()));
    ASSERT_TRUE(payloads.ok()) << name << ": " << payloads.status().ToString();
    for (const auto& p : *payloads) kinds.insert(p.payload_case());
    ++files;
  }
  EXPECT_GE(files, 8u);
  for (auto kind : {v1::TransactionBody::kRegisterLocation, v1::TransactionBody::kRegisterProduct,
                    v1::TransactionBody::kRecordEvent, v1::TransactionBody::kIssueRecall,
                    v1::TransactionBody::kAddPilotFinding}) {
    EXPECT_TRUE(kinds.count(kind)) << "no sample payload of kind " << kind;
  }
}

TEST(SampleDataTest, TruckBatchParsesAndHasAnExcursion) {
  auto batch = client::ParseReadingBatchJson(
      ReadFile(DataDir() / "kyushu" / "11-truck-readings-batch.json"));
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  bool above_five = false;
  for (const auto& r : batch->readings()) above_five |= r.value_milli() > 5'000;
  EXPECT_TRUE(above_five);
}

TEST(SampleDataTest, PilotReportsComeFromTheSeedWithIdsAndTheKyushuPilot) {
  auto round3 =
      cli::ParsePilotReports(ReadFile(DataDir() / "pilots" / "h29-iot-service-round3.json"));
  ASSERT_TRUE(round3.ok()) << round3.status().ToString();
  EXPECT_EQ(round3->size(), 9u);  // the seed's nine third-round pilots
  auto others = cli::ParsePilotReports(ReadFile(DataDir() / "pilots" / "2017-other-programs.json"));
  ASSERT_TRUE(others.ok()) << others.status().ToString();
  std::set<std::string> ids;
  bool kyushu = false;
  for (const auto* list : {&*round3, &*others}) {
    for (const auto& r : *list) {
      EXPECT_TRUE(ids.insert(r.report_id()).second) << "repeated id " << r.report_id();
      EXPECT_FALSE(r.title().empty()) << r.report_id();
      EXPECT_FALSE(r.program().empty()) << r.report_id();
      // KPIs are sample values, allowed only on the Kyushu pilot and labelled as such.
      if (r.kpis_size() > 0) {
        EXPECT_NE(r.summary().find("サンプルデータ"), std::string::npos);
      }
      if (r.municipality() == "九州圏内") {
        kyushu = true;
        EXPECT_EQ(r.fiscal_year(), "H29");
        EXPECT_EQ(r.round(), "第3期");
      }
    }
  }
  EXPECT_TRUE(kyushu);
  auto amendment = cli::ParsePilotReports(ReadFile(DataDir() / "pilots" / "kyushu-amendment.json"));
  ASSERT_TRUE(amendment.ok()) << amendment.status().ToString();
  ASSERT_EQ(amendment->size(), 1u);
  EXPECT_TRUE(ids.count((*amendment)[0].report_id()));
}

}  // namespace
}  // namespace tadori
