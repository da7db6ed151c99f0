// Municipal pilot reports: the filtered list (a scan of "pilot/" state) and one report.
#include "chaincode/chaincode.h"
#include "chaincode/chaincode_limits.h"
#include "chaincode/state_keys.h"
#include "node/query/paging.h"
#include "node/query/trace_query.h"

namespace tadori {
namespace {

bool Matches(const v1::PilotListRequest& q, const v1::PilotReport& r) {
  return (q.program().empty() || r.program() == q.program()) &&
         (q.municipality().empty() || r.municipality() == q.municipality()) &&
         (q.fiscal_year().empty() || r.fiscal_year() == q.fiscal_year()) &&
         (q.field().empty() || r.field() == q.field());
}

v1::PilotSummary Summarize(const v1::PilotRecord& record) {
  const v1::PilotReport& latest = record.versions(record.versions_size() - 1).report();
  v1::PilotSummary s;
  s.set_report_id(record.report_id());
  s.set_org_id(record.org_id());
  s.set_title(latest.title());
  s.set_program(latest.program());
  s.set_municipality(latest.municipality());
  s.set_fiscal_year(latest.fiscal_year());
  s.set_field(latest.field());
  s.set_versions(static_cast<uint32_t>(record.versions_size()));
  s.set_findings(static_cast<uint32_t>(record.findings_size()));
  s.set_budget_jpy(latest.budget_jpy());
  return s;
}

}  // namespace

Result<v1::PilotListResponse> ListPilotReports(const Store::Snapshot& snapshot,
                                               const v1::PilotListRequest& request) {
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string&>{"program", request.program()},
        {"municipality", request.municipality()},
        {"fiscal_year", request.fiscal_year()},
        {"field", request.field()}}) {
    TADORI_RETURN_IF_ERROR(query::CheckId(field, value, kStringFieldBytesMax, false));
  }
  TADORI_ASSIGN_OR_RETURN(uint32_t page_size, query::PageSize(request.page_size()));
  const std::string prefix = PilotStateKey("");
  TADORI_ASSIGN_OR_RETURN(std::string after, query::DecodeCursor(request.cursor(), prefix));

  v1::PilotListResponse out;
  auto scan = [&](std::string_view start_after, size_t limit) {
    return snapshot.ScanState(prefix, start_after, limit);
  };
  auto take = [&](const std::string& key, const std::string& value) -> Result<bool> {
    v1::PilotRecord record;
    if (!record.ParseFromString(value) || record.versions().empty()) {
      return Status::DataLoss("pilot record " + key + " does not parse or has no version");
    }
    if (!Matches(request, record.versions(record.versions_size() - 1).report())) return false;
    *out.add_reports() = Summarize(record);
    return true;
  };
  TADORI_ASSIGN_OR_RETURN(std::string next, query::ScanPage(scan, after, page_size, take));
  if (!next.empty()) out.set_next_cursor(query::EncodeCursor(next));
  out.set_read_at_height(snapshot.Height());
  return out;
}

Result<v1::PilotRecord> GetPilotReport(const Store::Snapshot& snapshot,
                                       const v1::PilotReportRequest& request) {
  TADORI_RETURN_IF_ERROR(query::CheckId("report_id", request.report_id(), kIdBytesMax, true));
  TADORI_ASSIGN_OR_RETURN(std::optional<v1::PilotRecord> record,
                          FindPilot(snapshot, request.report_id()));
  if (!record) return Status::NotFound("no pilot report " + request.report_id());
  return std::move(*record);
}

}  // namespace tadori
