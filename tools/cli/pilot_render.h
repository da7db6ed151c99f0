// Human text for municipal IoT pilot reports. Pure; each result ends in '\n'.
#pragma once

#include <string>

#include "tadori/v1/trace.pb.h"

namespace tadori::cli {

// "¥510,000,000" for 510000000; "-" for 0 (the seed gives no budget for that report).
std::string FormatYen(int64_t yen);

// `tadori pilot list`: one row per report (id, fiscal year, municipality, field, program,
// budget, versions, findings, title).
std::string RenderPilotList(const v1::PilotListResponse& list);

// `tadori pilot show`: the latest version's fields and KPIs, every version with its
// amendment reason, and every finding with the version it is about.
std::string RenderPilotRecord(const v1::PilotRecord& record);

}  // namespace tadori::cli
