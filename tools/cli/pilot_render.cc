#include "tools/cli/pilot_render.h"

#include "tools/cli/lot_render.h"
#include "tools/cli/render.h"
#include "tools/cli/table.h"

namespace tadori::cli {

namespace {

std::string OrDash(const std::string& s) {
  return s.empty() ? "-" : s;
}

std::string FormatKpiValue(int64_t milli, const std::string& unit) {
  std::string value = FormatMilli(milli);
  // "12.000" reads better as "12" for the whole numbers KPIs usually are.
  if (value.size() > 4 && value.compare(value.size() - 4, 4, ".000") == 0) {
    value.resize(value.size() - 4);
  }
  return unit.empty() ? value : value + " " + unit;
}

std::string Period(const v1::PilotReport& r) {
  if (r.period_start().empty() && r.period_end().empty()) return "-";
  return OrDash(r.period_start()) + " .. " + OrDash(r.period_end());
}

}  // namespace

std::string FormatYen(int64_t yen) {
  if (yen == 0) return "-";
  const bool negative = yen < 0;
  std::string digits =
      std::to_string(negative ? 0 - static_cast<uint64_t>(yen) : static_cast<uint64_t>(yen));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (negative ? "-¥" : "¥") + out;
}

std::string RenderPilotList(const v1::PilotListResponse& list) {
  Table table(
      {"REPORT", "FY", "MUNICIPALITY", "FIELD", "PROGRAM", "BUDGET", "VERS", "FINDINGS", "TITLE"});
  for (const v1::PilotSummary& s : list.reports()) {
    table.AddRow({s.report_id(), OrDash(s.fiscal_year()), OrDash(s.municipality()),
                  OrDash(s.field()), OrDash(s.program()), FormatYen(s.budget_jpy()),
                  std::to_string(s.versions()), std::to_string(s.findings()), s.title()});
  }
  std::string out = std::to_string(list.reports_size()) + " pilot report(s), read at height " +
                    std::to_string(list.read_at_height()) + "\n";
  if (list.reports_size() > 0) out += table.Render();
  if (!list.next_cursor().empty()) out += "(more reports: raise --limit to see them)\n";
  return out;
}

std::string RenderPilotRecord(const v1::PilotRecord& record) {
  if (record.versions_size() == 0) return "report " + record.report_id() + " has no versions\n";
  const v1::PilotVersion& latest = record.versions(record.versions_size() - 1);
  const v1::PilotReport& r = latest.report();
  std::string out = RenderFields({
      {"report id", record.report_id()},
      {"filed by org", record.org_id()},
      {"title", r.title()},
      {"program", OrDash(r.program())},
      {"round", OrDash(r.round())},
      {"fiscal year", OrDash(r.fiscal_year())},
      {"municipality", OrDash(r.municipality())},
      {"prefecture", OrDash(r.prefecture())},
      {"field", OrDash(r.field())},
      {"operator", OrDash(r.operator_name())},
      {"budget", FormatYen(r.budget_jpy())},
      {"period", Period(r)},
      {"summary", OrDash(r.summary())},
      {"latest version", std::to_string(latest.version())},
  });
  if (r.kpis_size() > 0) {
    Table kpis({"KPI", "TARGET", "ACTUAL"});
    for (const v1::Kpi& k : r.kpis()) {
      kpis.AddRow({k.name(), FormatKpiValue(k.target_milli(), k.unit()),
                   k.has_actual() ? FormatKpiValue(k.actual_milli(), k.unit()) : "-"});
    }
    out += "\n";
    out += kpis.Render();
  }
  for (const v1::DocumentRef& d : r.documents()) {
    out += "document " + d.name() + " sha256 " + d.sha256_hex() + "\n";
  }
  Table versions({"VERSION", "RECORDED", "REASON"});
  for (const v1::PilotVersion& v : record.versions()) {
    versions.AddRow({std::to_string(v.version()), FormatEventRef(v.recorded()),
                     v.reason().empty() ? "(first filing)" : v.reason()});
  }
  out += "\n";
  out += versions.Render();
  if (record.findings_size() > 0) {
    Table findings({"VERSION", "SEVERITY", "AUDITOR", "RECORDED", "FINDING"});
    for (const v1::PilotFinding& f : record.findings()) {
      findings.AddRow({std::to_string(f.version()), f.severity(), f.auditor_org(),
                       FormatEventRef(f.recorded()), f.text()});
    }
    out += "\n";
    out += findings.Render();
  } else {
    out += "\nno findings\n";
  }
  return out;
}

}  // namespace tadori::cli
