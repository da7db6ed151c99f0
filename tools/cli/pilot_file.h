// Pilot report files for `tadori pilot submit|amend`.
//
// A file holds one report or an array of them. Each entry is either a PilotReport in
// protobuf JSON ({"reportId": "...", "title": "...", ...}) or a whole payload wrapping one
// ({"submitPilotReport": {"report": {...}}} or {"amendPilotReport": {"report": {...}}}), so
// the files in tools/data/pilots/ work with both `tadori submit` and `tadori pilot submit`.
#pragma once

#include <string_view>
#include <vector>

#include "ledger/status.h"
#include "tadori/v1/payloads.pb.h"

namespace tadori::cli {

// Most reports one file may hold.
inline constexpr size_t kPilotFileReportsMax = 10'000;

// The reports in file order. INVALID_ARGUMENT naming the entry ("report 2") for text that
// is not JSON, an empty array, unknown fields, a wrapper other than the two above, more
// than kPilotFileReportsMax entries, or a report without a reportId.
Result<std::vector<v1::PilotReport>> ParsePilotReports(std::string_view json);

}  // namespace tadori::cli
