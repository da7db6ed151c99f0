// Municipal IoT pilot reports: municipalities submit and amend their own reports, auditors
// attach findings. No version is ever erased.
//
//   submit_pilot_report  the signer's org has role "municipality" (PERMISSION_DENIED); the
//                        report is well formed (below); report_id is new (ALREADY_EXISTS).
//   amend_pilot_report   the report exists (NOT_FOUND) and belongs to the signer's org
//                        (PERMISSION_DENIED); reason is required; the amended report is well
//                        formed; it becomes version n+1 (RESOURCE_EXHAUSTED beyond
//                        kPilotVersionsMax).
//   add_pilot_finding    the signer's org has role "auditor" (PERMISSION_DENIED); the report and
//                        version exist (NOT_FOUND); severity is info, minor or major; text is
//                        required. The finding records the auditor org, signer and transaction.
// A well-formed report: report_id an id (no NUL), title required, budget_jpy >= 0,
// period_start/period_end YYYY-MM-DD (when given) with start <= end, KPI names non-empty
// and unique, document sha256_hex exactly 64 hex digits, text fields within their limits.
#include <set>

#include "chaincode/chaincode_limits.h"
#include "chaincode/checks.h"
#include "chaincode/index_keys.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/rfc3339.h"

namespace tadori {
namespace {

bool IsHex64(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

Status CheckPeriod(std::string_view action, const v1::PilotReport& report) {
  int32_t start = 0;
  int32_t end = 0;
  for (auto [field, value, out] : {std::tuple{"period_start", &report.period_start(), &start},
                                   std::tuple{"period_end", &report.period_end(), &end}}) {
    if (value->empty()) continue;
    Result<int32_t> date = ParseIsoDate(*value);
    if (!date.ok()) {
      return Status::InvalidArgument(
          Prefixed(action, std::string(field) + ": " + date.status().message()));
    }
    *out = *date;
  }
  if (!report.period_start().empty() && !report.period_end().empty() && start > end) {
    return Status::InvalidArgument(Prefixed(action, "period_start is after period_end"));
  }
  return Status::Ok();
}

Status CheckReport(std::string_view action, const v1::PilotReport& report) {
  TADORI_RETURN_IF_ERROR(CheckId(action, "report_id", report.report_id(), kIdBytesMax));
  TADORI_RETURN_IF_ERROR(CheckRequiredText(action, "title", report.title(), kStringFieldBytesMax));
  for (auto [field, value] :
       {std::pair{"program", &report.program()}, std::pair{"round", &report.round()},
        std::pair{"fiscal_year", &report.fiscal_year()},
        std::pair{"municipality", &report.municipality()},
        std::pair{"prefecture", &report.prefecture()}, std::pair{"field", &report.field()},
        std::pair{"operator_name", &report.operator_name()}}) {
    TADORI_RETURN_IF_ERROR(CheckOptionalText(action, field, *value, kStringFieldBytesMax));
  }
  TADORI_RETURN_IF_ERROR(
      CheckOptionalText(action, "summary", report.summary(), kPilotSummaryBytesMax));
  if (report.budget_jpy() < 0) {
    return Status::InvalidArgument(Prefixed(action, "budget_jpy must be >= 0"));
  }
  TADORI_RETURN_IF_ERROR(CheckPeriod(action, report));
  if (static_cast<size_t>(report.kpis_size()) > kPilotKpisMax) {
    return Status::InvalidArgument(
        Prefixed(action, "more than " + std::to_string(kPilotKpisMax) + " KPIs"));
  }
  std::set<std::string_view> names;
  for (const v1::Kpi& kpi : report.kpis()) {
    TADORI_RETURN_IF_ERROR(
        CheckRequiredText(action, "kpis[].name", kpi.name(), kStringFieldBytesMax));
    TADORI_RETURN_IF_ERROR(CheckOptionalText(action, "kpis[].unit", kpi.unit(), kIdBytesMax));
    if (!names.insert(kpi.name()).second) {
      return Status::InvalidArgument(Prefixed(action, "KPI '" + kpi.name() + "' is repeated"));
    }
    if (!kpi.has_actual() && kpi.actual_milli() != 0) {
      return Status::InvalidArgument(
          Prefixed(action, "KPI '" + kpi.name() + "' has actual_milli but has_actual is false"));
    }
  }
  if (static_cast<size_t>(report.documents_size()) > kPilotDocumentsMax) {
    return Status::InvalidArgument(
        Prefixed(action, "more than " + std::to_string(kPilotDocumentsMax) + " documents"));
  }
  for (const v1::DocumentRef& document : report.documents()) {
    TADORI_RETURN_IF_ERROR(
        CheckRequiredText(action, "documents[].name", document.name(), kStringFieldBytesMax));
    if (!IsHex64(document.sha256_hex())) {
      return Status::InvalidArgument(
          Prefixed(action, "document '" + document.name() + "': sha256_hex must be 64 hex digits"));
    }
  }
  return Status::Ok();
}

v1::PilotVersion NewVersion(const Caller& caller, uint32_t number, const v1::PilotReport& report,
                            const std::string& reason) {
  v1::PilotVersion version;
  version.set_version(number);
  *version.mutable_report() = report;
  version.set_reason(reason);
  *version.mutable_recorded() = CurrentEventRef(caller.ctx);
  version.set_signer_key_id(caller.ctx.signer.ToBinaryString());
  return version;
}

void AddVersionIndex(const Caller& caller, const std::string& report_id, uint32_t version,
                     StateView& view) {
  view.AddIndex(index_keys::PilotVersion(report_id, version, {caller.ctx.height, caller.ctx.index}),
                "");
}

Result<v1::PilotRecord> ReadExistingPilot(std::string_view action, const StateReader& state,
                                          const std::string& report_id) {
  TADORI_RETURN_IF_ERROR(CheckId(action, "report_id", report_id, kIdBytesMax));
  v1::PilotRecord record;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, PilotStateKey(report_id), record));
  if (!found) {
    return Status::NotFound(Prefixed(action, "pilot report '" + report_id + "' does not exist"));
  }
  return record;
}

}  // namespace

Status ExecuteSubmitPilotReport(const Caller& caller, const v1::SubmitPilotReport& payload,
                                StateView& view) {
  constexpr std::string_view kAction = "submit_pilot_report";
  TADORI_RETURN_IF_ERROR(RequireRole(kAction, caller, view, {"municipality"}));
  const v1::PilotReport& report = payload.report();
  TADORI_RETURN_IF_ERROR(CheckReport(kAction, report));
  const std::string key = PilotStateKey(report.report_id());
  v1::PilotRecord record;
  TADORI_ASSIGN_OR_RETURN(bool exists, ReadRecord(view, key, record));
  if (exists) {
    return Status::AlreadyExists(
        Prefixed(kAction, "pilot report '" + report.report_id() + "' already exists"));
  }
  record.set_report_id(report.report_id());
  record.set_org_id(caller.member.org_id());
  *record.add_versions() = NewVersion(caller, 1, report, "");
  view.Put(key, EncodeRecord(record));
  AddVersionIndex(caller, report.report_id(), 1, view);
  return Status::Ok();
}

Status ExecuteAmendPilotReport(const Caller& caller, const v1::AmendPilotReport& payload,
                               StateView& view) {
  constexpr std::string_view kAction = "amend_pilot_report";
  const v1::PilotReport& report = payload.report();
  TADORI_ASSIGN_OR_RETURN(v1::PilotRecord record,
                          ReadExistingPilot(kAction, view, report.report_id()));
  if (record.org_id() != caller.member.org_id()) {
    return Status::PermissionDenied(Prefixed(kAction, "pilot report '" + record.report_id() +
                                                          "' belongs to org '" + record.org_id() +
                                                          "'; only it amends the report"));
  }
  TADORI_RETURN_IF_ERROR(
      CheckRequiredText(kAction, "reason", payload.reason(), kStringFieldBytesMax));
  TADORI_RETURN_IF_ERROR(CheckReport(kAction, report));
  if (static_cast<size_t>(record.versions_size()) >= kPilotVersionsMax) {
    return Status::ResourceExhausted(
        Prefixed(kAction, "pilot report '" + record.report_id() + "' already has " +
                              std::to_string(kPilotVersionsMax) + " versions"));
  }
  const uint32_t number = static_cast<uint32_t>(record.versions_size()) + 1;
  *record.add_versions() = NewVersion(caller, number, report, payload.reason());
  view.Put(PilotStateKey(record.report_id()), EncodeRecord(record));
  AddVersionIndex(caller, record.report_id(), number, view);
  return Status::Ok();
}

Status ExecuteAddPilotFinding(const Caller& caller, const v1::AddPilotFinding& payload,
                              StateView& view) {
  constexpr std::string_view kAction = "add_pilot_finding";
  TADORI_RETURN_IF_ERROR(RequireRole(kAction, caller, view, {"auditor"}));
  TADORI_ASSIGN_OR_RETURN(v1::PilotRecord record,
                          ReadExistingPilot(kAction, view, payload.report_id()));
  if (payload.version() == 0 || payload.version() > static_cast<uint32_t>(record.versions_size())) {
    return Status::NotFound(Prefixed(kAction, "pilot report '" + record.report_id() +
                                                  "' has no version " +
                                                  std::to_string(payload.version())));
  }
  const std::string& severity = payload.severity();
  if (severity != "info" && severity != "minor" && severity != "major") {
    return Status::InvalidArgument(Prefixed(kAction, "severity must be info, minor or major"));
  }
  TADORI_RETURN_IF_ERROR(
      CheckRequiredText(kAction, "text", payload.text(), kPilotFindingTextBytesMax));
  if (static_cast<size_t>(record.findings_size()) >= kPilotFindingsMax) {
    return Status::ResourceExhausted(
        Prefixed(kAction, "pilot report '" + record.report_id() + "' already has " +
                              std::to_string(kPilotFindingsMax) + " findings"));
  }
  v1::PilotFinding* finding = record.add_findings();
  finding->set_version(payload.version());
  finding->set_severity(severity);
  finding->set_text(payload.text());
  finding->set_auditor_org(caller.member.org_id());
  finding->set_signer_key_id(caller.ctx.signer.ToBinaryString());
  *finding->mutable_recorded() = CurrentEventRef(caller.ctx);
  view.Put(PilotStateKey(record.report_id()), EncodeRecord(record));
  return Status::Ok();
}

}  // namespace tadori
