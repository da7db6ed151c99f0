// `tadori epcis check` and the first step of `tadori epcis capture`: an EPCIS 2.0 JSON-LD
// document checked offline with epcis::CheckDocument (the code chaincode maps events with),
// summarised for a person or as JSON, or its problems one per line as
// "<json pointer>: <message>".
//
// Capture adds one check of its own: each event travels in one transaction with the
// document's @context, so an event whose context and JSON exceed epcis::kEventBytesMax is a
// problem of the document before anything is sent.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/epcis/capture.h"
#include "ledger/status.h"
#include "tadori/v1/payloads.pb.h"
#include "tadori/v1/transaction.pb.h"

namespace tadori::cli {

// What a valid document holds, as `epcis check` reports it.
struct EpcisSummary {
  std::string kind;  // "EPCISDocument" or "EPCISQueryDocument"
  size_t events = 0;
  std::map<std::string, size_t> events_by_type;  // "ObjectEvent" -> count
  std::map<std::string, size_t> biz_steps;       // as mapped ("shipping"); "(none)" when absent
  std::vector<std::string> lots;                 // lot codes named, sorted, each once
  size_t unattested_sensor_events = 0;           // events with sensorElementList
  size_t error_declarations = 0;
  // Members under a namespace prefix ("ex:temperature"), at any depth of the events: user
  // extensions and namespaced ILMD keys, kept byte for byte.
  size_t extension_members = 0;
};

// Summarises a document CheckDocument found valid (checked.problems empty).
EpcisSummary SummarizeEpcis(const epcis::CheckedDocument& checked);

// The problems of `checked` plus one per event too big for one capture transaction (in
// document order: the size problems after CheckDocument's).
std::vector<epcis::Problem> CaptureProblems(const epcis::CheckedDocument& checked);

// The human report: the summary's lines (valid), or one "<pointer>: <message>" line per
// problem. Every line ends with '\n'.
std::string RenderEpcisSummary(const EpcisSummary& summary);
std::string RenderEpcisProblems(const std::vector<epcis::Problem>& problems);

// {"kind", "valid", "events", "eventsByType", "bizSteps", "lots", "unattestedSensorEvents",
//  "errorDeclarations", "extensionMembers"} for a valid document, or
// {"kind", "valid": false, "problems": [{"pointer", "message"}]}.
nlohmann::json EpcisSummaryJson(const EpcisSummary& summary);
nlohmann::json EpcisProblemsJson(std::string_view kind,
                                 const std::vector<epcis::Problem>& problems);

// `tadori epcis check FILE [--json]` without printing: reads `path` ("-": standard input,
// at most epcis::kDocumentBytesMax bytes), checks it and says what to print. Exit kExitOk
// when the whole document is valid and mappable; kExitFailure with one line per problem
// on `out` (or the JSON) otherwise, and with the reason on `err` when the file cannot be read.
struct EpcisCheckReport {
  int exit_code = 0;
  std::string out;  // for stdout
  std::string err;  // for stderr, "tadori: ..." lines
};
EpcisCheckReport CheckEpcisFile(const std::string& path, bool json);

// Reads an EPCIS document file within epcis::kDocumentBytesMax, saying the limit when it is
// larger.
Result<std::string> ReadEpcisFile(const std::string& path);

// The payload that captures event `index` of a checked document.
v1::TransactionBody CapturePayload(const epcis::SplitDocument& document, size_t index);

}  // namespace tadori::cli
