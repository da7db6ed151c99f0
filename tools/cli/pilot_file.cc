#include "tools/cli/pilot_file.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>
#include <string>

namespace tadori::cli {

namespace {

template <typename Message>
Status ParseMessage(const nlohmann::json& entry, Message& out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = google::protobuf::util::JsonStringToMessage(entry.dump(), &out, options);
  if (!parsed.ok()) return Status::InvalidArgument(std::string(parsed.message()));
  return Status::Ok();
}

Result<v1::PilotReport> ParseEntry(const nlohmann::json& entry) {
  if (!entry.is_object()) return Status::InvalidArgument("is not a JSON object");
  v1::PilotReport report;
  if (entry.contains("submitPilotReport") || entry.contains("submit_pilot_report")) {
    if (entry.size() != 1) return Status::InvalidArgument("a payload holds one submitPilotReport");
    v1::SubmitPilotReport payload;
    TADORI_RETURN_IF_ERROR(ParseMessage(entry.begin().value(), payload));
    report = payload.report();
  } else if (entry.contains("amendPilotReport") || entry.contains("amend_pilot_report")) {
    if (entry.size() != 1) return Status::InvalidArgument("a payload holds one amendPilotReport");
    v1::AmendPilotReport payload;
    TADORI_RETURN_IF_ERROR(ParseMessage(entry.begin().value(), payload));
    report = payload.report();
  } else {
    TADORI_RETURN_IF_ERROR(ParseMessage(entry, report));
  }
  if (report.report_id().empty()) return Status::InvalidArgument("no reportId");
  return report;
}

}  // namespace

Result<std::vector<v1::PilotReport>> ParsePilotReports(std::string_view json) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(std::string("not valid JSON: ") + e.what());
  }
  std::vector<v1::PilotReport> out;
  if (doc.is_object()) {
    Result<v1::PilotReport> one = ParseEntry(doc);
    if (!one.ok()) return one.status().WithContext("report");
    out.push_back(std::move(one).value());
    return out;
  }
  if (!doc.is_array()) return Status::InvalidArgument("expected a report object or an array");
  if (doc.empty()) return Status::InvalidArgument("the report array is empty");
  if (doc.size() > kPilotFileReportsMax) {
    return Status::InvalidArgument("more than " + std::to_string(kPilotFileReportsMax) +
                                   " reports in one file");
  }
  for (size_t i = 0; i < doc.size(); ++i) {
    Result<v1::PilotReport> one = ParseEntry(doc[i]);
    if (!one.ok()) return one.status().WithContext("report " + std::to_string(i));
    out.push_back(std::move(one).value());
  }
  return out;
}

}  // namespace tadori::cli
