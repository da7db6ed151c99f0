#include "tools/cli/pilot_render.h"

#include <gtest/gtest.h>

namespace tadori::cli {
namespace {

TEST(PilotRenderTest, YenHasThousandsSeparatorsAndZeroIsUnknown) {
  EXPECT_EQ(FormatYen(510'000'000), "¥510,000,000");
  EXPECT_EQ(FormatYen(999), "¥999");
  EXPECT_EQ(FormatYen(1'000), "¥1,000");
  EXPECT_EQ(FormatYen(0), "-");
}

TEST(PilotRenderTest, ListShowsVersionsFindingsAndFilters) {
  v1::PilotListResponse list;
  v1::PilotSummary* s = list.add_reports();
  s->set_report_id("mic-iot-service-h29-r3-04");
  s->set_fiscal_year("H29");
  s->set_municipality("九州圏内");
  s->set_versions(2);
  s->set_findings(1);
  s->set_title("ブロックチェーン技術を利用した中食・外食の食材トレーサビリティ社会実装");
  const std::string out = RenderPilotList(list);
  EXPECT_NE(out.find("1 pilot report(s)"), std::string::npos) << out;
  EXPECT_NE(out.find("mic-iot-service-h29-r3-04  H29  九州圏内"), std::string::npos) << out;
  EXPECT_NE(out.find("中食・外食"), std::string::npos) << out;
}

TEST(PilotRenderTest, RecordShowsLatestKpisEveryVersionAndFindings) {
  v1::PilotRecord record;
  record.set_report_id("r4");
  record.set_org_id("kyushu-iot-council");
  v1::PilotVersion* v1_ = record.add_versions();
  v1_->set_version(1);
  v1_->mutable_report()->set_title("first");
  v1::PilotVersion* v2 = record.add_versions();
  v2->set_version(2);
  v2->set_reason("FY-end actuals");
  v2->mutable_report()->set_title("second");
  v1::Kpi* k = v2->mutable_report()->add_kpis();
  k->set_name("lots traced");
  k->set_unit("lots");
  k->set_target_milli(1'000'000);
  k->set_actual_milli(1'240'000);
  k->set_has_actual(true);
  v1::Kpi* pending = v2->mutable_report()->add_kpis();
  pending->set_name("pending");
  pending->set_target_milli(2'500);
  v1::PilotFinding* f = record.add_findings();
  f->set_version(2);
  f->set_severity("minor");
  f->set_auditor_org("kyushu-audit");
  f->set_text("no document hash");
  const std::string out = RenderPilotRecord(record);
  EXPECT_NE(out.find("second"), std::string::npos) << out;
  EXPECT_EQ(out.find("title           first"), std::string::npos) << out;
  EXPECT_NE(out.find("lots traced  1000 lots  1240 lots"), std::string::npos) << out;
  EXPECT_NE(out.find("pending      2.500"), std::string::npos) << out;
  EXPECT_NE(out.find("(first filing)"), std::string::npos) << out;
  EXPECT_NE(out.find("FY-end actuals"), std::string::npos) << out;
  EXPECT_NE(out.find("minor     kyushu-audit"), std::string::npos) << out;
}

}  // namespace
}  // namespace tadori::cli
