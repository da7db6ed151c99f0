#include "tools/cli/epcis_check.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "ledger/epcis/query_document.h"
#include "tools/cli/cli_context.h"
#include "tools/client/key_file.h"
#include "tools/client/rpc_error.h"

namespace tadori::cli {

namespace {

// Members named "prefix:name" anywhere in `value`: EPCIS's own members have no prefix, so
// these are the user extensions and namespaced ILMD keys the chain keeps as written.
size_t CountExtensionMembers(const nlohmann::json& value, size_t depth) {
  if (depth > epcis::kJsonDepthMax) return 0;
  size_t count = 0;
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (!key.empty() && key[0] != '@' && key.find(':') != std::string::npos) ++count;
      count += CountExtensionMembers(member, depth + 1);
    }
  } else if (value.is_array()) {
    for (const nlohmann::json& item : value) count += CountExtensionMembers(item, depth + 1);
  }
  return count;
}

void AddLots(const google::protobuf::RepeatedPtrField<v1::QuantityElement>& list,
             std::set<std::string>& lots) {
  for (const v1::QuantityElement& q : list) {
    if (!q.lot_code().empty()) lots.insert(q.lot_code());
  }
}

std::string Counts(const std::map<std::string, size_t>& counts) {
  std::string out;
  for (const auto& [name, n] : counts) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", name, n);
  }
  return out.empty() ? "none" : out;
}

}  // namespace

EpcisSummary SummarizeEpcis(const epcis::CheckedDocument& checked) {
  EpcisSummary out;
  out.kind = checked.document.kind;
  out.events = checked.events.size();
  std::set<std::string> lots;
  for (const epcis::MappedEvent& event : checked.events) {
    const v1::EpcisEvent& model = event.model;
    out.events_by_type[std::string(epcis::EpcisTypeName(model.type()))]++;
    out.biz_steps[model.biz_step().empty() ? "(none)" : model.biz_step()]++;
    AddLots(model.quantity_list(), lots);
    AddLots(model.input_quantity_list(), lots);
    AddLots(model.output_quantity_list(), lots);
    if (event.kept.unattested_sensor_data()) ++out.unattested_sensor_events;
    if (event.error_declaration.has_value()) ++out.error_declarations;
    const nlohmann::json json =
        nlohmann::json::parse(event.kept.event_json(), nullptr, /*allow_exceptions=*/false);
    if (!json.is_discarded()) out.extension_members += CountExtensionMembers(json, 0);
  }
  out.lots.assign(lots.begin(), lots.end());
  return out;
}

std::vector<epcis::Problem> CaptureProblems(const epcis::CheckedDocument& checked) {
  std::vector<epcis::Problem> out = checked.problems;
  const size_t context_bytes = checked.document.context_json.size();
  for (const epcis::DocumentEvent& event : checked.document.events) {
    const size_t bytes = context_bytes + event.event_json.size();
    if (bytes > epcis::kEventBytesMax) {
      out.push_back({event.pointer,
                     fmt::format("the event and the document's @context are {} bytes, more than "
                                 "the {} one capture transaction carries",
                                 bytes, epcis::kEventBytesMax)});
    }
  }
  return out;
}

std::string RenderEpcisSummary(const EpcisSummary& s) {
  std::string out = fmt::format("{}: {} event(s), valid and mappable\n", s.kind, s.events);
  out += "  events by type: " + Counts(s.events_by_type) + "\n";
  out += "  bizSteps: " + Counts(s.biz_steps) + "\n";
  out += fmt::format("  lots named: {}", s.lots.size());
  if (!s.lots.empty()) {
    std::string names;
    for (const std::string& lot : s.lots) names += (names.empty() ? "" : ", ") + lot;
    out += " (" + names + ")";
  }
  out += "\n";
  out += fmt::format("  events with sensor data (unattested): {}\n", s.unattested_sensor_events);
  out += fmt::format("  error declarations: {}\n", s.error_declarations);
  out += fmt::format("  extension members kept: {}\n", s.extension_members);
  return out;
}

std::string RenderEpcisProblems(const std::vector<epcis::Problem>& problems) {
  std::string out;
  for (const epcis::Problem& p : problems) {
    // The document's root is the empty pointer; "/" would name a member called "".
    out += (p.pointer.empty() ? std::string("(document)") : p.pointer) + ": " + p.message + "\n";
  }
  return out;
}

nlohmann::json EpcisSummaryJson(const EpcisSummary& s) {
  return {{"kind", s.kind},
          {"valid", true},
          {"events", s.events},
          {"eventsByType", s.events_by_type},
          {"bizSteps", s.biz_steps},
          {"lots", s.lots},
          {"unattestedSensorEvents", s.unattested_sensor_events},
          {"errorDeclarations", s.error_declarations},
          {"extensionMembers", s.extension_members}};
}

nlohmann::json EpcisProblemsJson(std::string_view kind,
                                 const std::vector<epcis::Problem>& problems) {
  nlohmann::json list = nlohmann::json::array();
  for (const epcis::Problem& p : problems) {
    list.push_back({{"pointer", p.pointer}, {"message", p.message}});
  }
  return {{"kind", std::string(kind)}, {"valid", false}, {"problems", std::move(list)}};
}

Result<std::string> ReadEpcisFile(const std::string& path) {
  Result<std::string> text = client::ReadInputFile(path, epcis::kDocumentBytesMax);
  if (!text.ok() && text.status().code() == Code::kInvalidArgument) {
    return Status::InvalidArgument(fmt::format(
        "{}; an EPCIS document is at most {} bytes (split larger ones into several documents)",
        text.status().message(), epcis::kDocumentBytesMax));
  }
  return text;
}

EpcisCheckReport CheckEpcisFile(const std::string& path, bool json) {
  EpcisCheckReport report;
  const std::string source = path == "-" ? "standard input" : path;
  Result<std::string> text = ReadEpcisFile(path);
  if (!text.ok()) {
    report.exit_code = kExitFailure;
    report.err = "tadori: " + client::DescribeError("reading " + source, text.status()) + "\n";
    return report;
  }
  const epcis::CheckedDocument checked = epcis::CheckDocument(*text);
  if (checked.problems.empty()) {
    const EpcisSummary summary = SummarizeEpcis(checked);
    report.out = json ? EpcisSummaryJson(summary).dump() + "\n" : RenderEpcisSummary(summary);
    report.exit_code = kExitOk;
    return report;
  }
  report.exit_code = kExitFailure;
  if (json) {
    report.out = EpcisProblemsJson(checked.document.kind, checked.problems).dump() + "\n";
  } else {
    report.out = RenderEpcisProblems(checked.problems);
  }
  report.err = fmt::format("tadori: {}: {} problem(s); the document is not valid\n", source,
                           checked.problems.size());
  return report;
}

v1::TransactionBody CapturePayload(const epcis::SplitDocument& document, size_t index) {
  v1::TransactionBody body;
  v1::CaptureEpcisEvent* capture = body.mutable_capture_epcis_event();
  capture->set_context_json(document.context_json);
  capture->set_event_json(document.events.at(index).event_json);
  return body;
}

}  // namespace tadori::cli
