// Municipal IoT pilot reports: submit, amend (never erase), auditor findings.
#include <gtest/gtest.h>

#include <functional>

#include "chaincode/chaincode_limits.h"
#include "chaincode/index_keys.h"
#include "chaincode_fixture.h"

namespace tadori {
namespace {

v1::PilotReport Report(const std::string& id = "H29-3-kyushu-food") {
  v1::PilotReport report;
  report.set_report_id(id);
  report.set_program("IoTサービス創出支援事業");
  report.set_round("第3期");
  report.set_fiscal_year("H29");
  report.set_municipality("九州圏内");
  report.set_field("地域ビジネス");
  report.set_title("食品トレーサビリティ実証");
  report.set_budget_jpy(9'800'000);
  report.set_period_start("2017-08-01");
  report.set_period_end("2018-03-31");
  v1::Kpi* kpi = report.add_kpis();
  kpi->set_name("trace time");
  kpi->set_unit("s");
  kpi->set_target_milli(5'000);
  kpi->set_actual_milli(2'200);
  kpi->set_has_actual(true);
  v1::DocumentRef* doc = report.add_documents();
  doc->set_name("final report.pdf");
  doc->set_sha256_hex(std::string(64, 'a'));
  return report;
}

v1::TransactionBody SubmitBody(const v1::PilotReport& report) {
  v1::TransactionBody body;
  *body.mutable_submit_pilot_report()->mutable_report() = report;
  return body;
}
v1::TransactionBody AmendBody(const v1::PilotReport& report, const std::string& reason) {
  v1::TransactionBody body;
  *body.mutable_amend_pilot_report()->mutable_report() = report;
  body.mutable_amend_pilot_report()->set_reason(reason);
  return body;
}
v1::TransactionBody FindingBody(const std::string& id, uint32_t version,
                                const std::string& severity, const std::string& text = "ok") {
  v1::TransactionBody body;
  v1::AddPilotFinding* finding = body.mutable_add_pilot_finding();
  finding->set_report_id(id);
  finding->set_version(version);
  finding->set_severity(severity);
  finding->set_text(text);
  return body;
}

class PilotTest : public ChaincodeTest {
 protected:
  v1::PilotRecord Pilot(const std::string& id = "H29-3-kyushu-food") {
    Result<std::optional<v1::PilotRecord>> record = FindPilot(ledger_->state(), id);
    TADORI_CHECK(record.ok() && record->has_value());
    return **record;
  }
};

TEST_F(PilotTest, MunicipalitySubmitsReport) {
  ExpectOk(RunAs("city", SubmitBody(Report())));
  v1::PilotRecord record = Pilot();
  EXPECT_EQ(record.org_id(), "city");
  ASSERT_EQ(record.versions_size(), 1);
  EXPECT_EQ(record.versions(0).version(), 1u);
  EXPECT_EQ(record.versions(0).report().title(), "食品トレーサビリティ実証");
  EXPECT_EQ(record.versions(0).reason(), "");
  EXPECT_EQ(record.versions(0).recorded().height(), ledger_->height());
  EXPECT_EQ(record.versions(0).signer_key_id(), Id(member("city")).ToBinaryString());
  ASSERT_EQ(ledger_->last_index().size(), 1u);
  EXPECT_EQ(ledger_->last_index()[0].first,
            index_keys::PilotVersion("H29-3-kyushu-food", 1,
                                     {ledger_->height(), ledger_->last_ctx().index}));
}

TEST_F(PilotTest, OnlyMunicipalitiesSubmit) {
  for (const char* org : {"farm", "audit", "fda", "retailer"}) {
    ExpectRefused(RunAs(org, SubmitBody(Report())), Code::kPermissionDenied, "municipality");
  }
}

TEST_F(PilotTest, SubmitRefusals) {
  ExpectOk(RunAs("city", SubmitBody(Report())));
  ExpectRefused(RunAs("city", SubmitBody(Report())), Code::kAlreadyExists, "already exists");
  struct Case {
    const char* name;
    std::function<void(v1::PilotReport&)> mutate;
    const char* needle;
  };
  const Case cases[] = {
      {"id", [](auto& r) { r.clear_report_id(); }, "report_id"},
      {"title", [](auto& r) { r.clear_title(); }, "title"},
      {"budget", [](auto& r) { r.set_budget_jpy(-1); }, "budget_jpy"},
      {"start", [](auto& r) { r.set_period_start("2017-13-01"); }, "period_start"},
      {"end", [](auto& r) { r.set_period_end("H30"); }, "period_end"},
      {"order", [](auto& r) { r.set_period_end("2017-07-31"); }, "after"},
      {"kpi dup", [](auto& r) { *r.add_kpis() = r.kpis(0); }, "repeated"},
      {"kpi name", [](auto& r) { r.mutable_kpis(0)->clear_name(); }, "kpis[].name"},
      {"kpi actual", [](auto& r) { r.mutable_kpis(0)->set_has_actual(false); }, "has_actual"},
      {"hash short", [](auto& r) { r.mutable_documents(0)->set_sha256_hex("abc"); }, "64 hex"},
      {"hash not hex",
       [](auto& r) { r.mutable_documents(0)->set_sha256_hex(std::string(64, 'g')); }, "64 hex"},
      {"summary", [](auto& r) { r.set_summary(std::string(kPilotSummaryBytesMax + 1, 's')); },
       "summary"},
      {"kpis",
       [](auto& r) {
         for (size_t i = 0; i < kPilotKpisMax; ++i) r.add_kpis()->set_name(std::to_string(i));
       },
       "KPIs"},
  };
  for (const Case& c : cases) {
    v1::PilotReport report = Report("R-2");
    c.mutate(report);
    ExpectRefused(RunAs("city", SubmitBody(report)), Code::kInvalidArgument, c.needle);
  }
}

TEST_F(PilotTest, AmendAddsVersionsAndNeverErases) {
  ExpectOk(RunAs("city", SubmitBody(Report())));
  v1::PilotReport amended = Report();
  amended.mutable_kpis(0)->set_actual_milli(2'100);
  ExpectOk(Run(admin("city"), AmendBody(amended, "corrected measurement")));
  amended.set_budget_jpy(9'700'000);
  ExpectOk(RunAs("city", AmendBody(amended, "final accounts")));
  v1::PilotRecord record = Pilot();
  ASSERT_EQ(record.versions_size(), 3);
  EXPECT_EQ(record.versions(0).report().kpis(0).actual_milli(), 2'200);
  EXPECT_EQ(record.versions(1).version(), 2u);
  EXPECT_EQ(record.versions(1).reason(), "corrected measurement");
  EXPECT_EQ(record.versions(1).report().kpis(0).actual_milli(), 2'100);
  EXPECT_EQ(record.versions(2).report().budget_jpy(), 9'700'000);
  EXPECT_EQ(record.versions(2).version(), 3u);
}

TEST_F(PilotTest, AmendRefusals) {
  ExpectOk(RunAs("city", SubmitBody(Report())));
  ExpectRefused(RunAs("audit", AmendBody(Report(), "x")), Code::kPermissionDenied, "city");
  ExpectRefused(RunAs("fda", AmendBody(Report(), "x")), Code::kPermissionDenied, "city");
  ExpectRefused(RunAs("city", AmendBody(Report(), "")), Code::kInvalidArgument, "reason");
  ExpectRefused(RunAs("city", AmendBody(Report("nope"), "x")), Code::kNotFound, "nope");
  v1::PilotReport bad = Report();
  bad.set_budget_jpy(-5);
  ExpectRefused(RunAs("city", AmendBody(bad, "x")), Code::kInvalidArgument, "budget");
  EXPECT_EQ(Pilot().versions_size(), 1);
}

TEST_F(PilotTest, AnotherMunicipalityCannotAmend) {
  PrivateKey other_admin = NewKey();
  *genesis_.add_organizations() = MakeOrg("town", {"municipality"}, other_admin);
  Ledger ledger(genesis_);
  RegisterMembers(ledger);
  ExpectOk(ledger.Run(Id(member("city")), SubmitBody(Report())));
  v1::TxResult result = ledger.Run(Id(other_admin), AmendBody(Report(), "mine now"));
  ExpectRefused(result, Code::kPermissionDenied, "belongs to org 'city'");
}

TEST_F(PilotTest, AuditorAddsFindings) {
  ExpectOk(RunAs("city", SubmitBody(Report())));
  ExpectOk(RunAs("city", AmendBody(Report(), "typo")));
  ExpectOk(RunAs("audit", FindingBody("H29-3-kyushu-food", 2, "minor", "KPI baseline unclear")));
  ExpectOk(Run(admin("audit"), FindingBody("H29-3-kyushu-food", 1, "info")));
  v1::PilotRecord record = Pilot();
  ASSERT_EQ(record.findings_size(), 2);
  EXPECT_EQ(record.findings(0).version(), 2u);
  EXPECT_EQ(record.findings(0).severity(), "minor");
  EXPECT_EQ(record.findings(0).text(), "KPI baseline unclear");
  EXPECT_EQ(record.findings(0).auditor_org(), "audit");
  EXPECT_EQ(record.findings(0).signer_key_id(), Id(member("audit")).ToBinaryString());
  EXPECT_EQ(record.findings(1).signer_key_id(), Id(admin("audit")).ToBinaryString());
  EXPECT_EQ(record.findings(1).recorded().height(), ledger_->height());
  EXPECT_EQ(record.versions_size(), 2);
}

TEST_F(PilotTest, FindingRefusals) {
  ExpectOk(RunAs("city", SubmitBody(Report())));
  for (const char* org : {"city", "fda", "farm"}) {
    ExpectRefused(RunAs(org, FindingBody("H29-3-kyushu-food", 1, "info")), Code::kPermissionDenied,
                  "auditor");
  }
  ExpectRefused(RunAs("audit", FindingBody("H29-3-kyushu-food", 2, "info")), Code::kNotFound,
                "version 2");
  ExpectRefused(RunAs("audit", FindingBody("H29-3-kyushu-food", 0, "info")), Code::kNotFound,
                "version 0");
  ExpectRefused(RunAs("audit", FindingBody("nope", 1, "info")), Code::kNotFound, "nope");
  ExpectRefused(RunAs("audit", FindingBody("H29-3-kyushu-food", 1, "critical")),
                Code::kInvalidArgument, "severity");
  ExpectRefused(RunAs("audit", FindingBody("H29-3-kyushu-food", 1, "major", "")),
                Code::kInvalidArgument, "text");
  EXPECT_EQ(Pilot().findings_size(), 0);
}

}  // namespace
}  // namespace tadori
