// EPCIS 2.0 documents: splitting an EPCISDocument or EPCISQueryDocument into its events, and
// checking a whole document (every problem of the document and of each event).
#include "ledger/epcis/capture.h"

#include "ledger/epcis/context.h"
#include "ledger/epcis/event_map.h"
#include "ledger/epcis/json.h"
#include "ledger/rfc3339.h"
#include "ledger/utf8.h"

namespace tadori::epcis {
namespace {

std::string Quoted(std::string_view text) {
  return json::Quote(PrintableExcerpt(text));
}

// Reads the "@context" value: problems when it names nothing known or lacks GS1's context.
Namespaces ReadDocumentContext(const json::Value& context, std::string_view pointer,
                               std::vector<Problem>& problems) {
  Namespaces namespaces;
  ReadContext(context, pointer, namespaces, problems);
  if (!namespaces.has_gs1_context) {
    problems.push_back({std::string(pointer), "@context must name GS1's EPCIS 2.0 context (" +
                                                  std::string(kGs1ContextVersioned) + " or " +
                                                  std::string(kGs1ContextUnversioned) + ")"});
  }
  return namespaces;
}

// The eventList of the body: EPCISDocument: epcisBody.eventList; EPCISQueryDocument:
// epcisBody.queryResults.resultsBody.eventList.
const json::Value* FindEventList(const json::Value& body, bool query, std::string& pointer,
                                 std::vector<Problem>& problems) {
  const json::Value* holder = &body;
  pointer = "/epcisBody";
  if (query) {
    for (std::string_view key : {"queryResults", "resultsBody"}) {
      const json::Value* next = holder->Find(key);
      if (next == nullptr || !next->is_object()) {
        problems.push_back({pointer, std::string(key) + " is missing or not an object"});
        return nullptr;
      }
      holder = next;
      pointer += "/" + std::string(key);
    }
  }
  const json::Value* list = holder->Find("eventList");
  if (list == nullptr || !list->is_array()) {
    problems.push_back({pointer, "eventList is missing or not an array"});
    return nullptr;
  }
  pointer += "/eventList";
  return list;
}

}  // namespace

MapOutcome MapEvent(std::string_view context_json, std::string_view event_json,
                    std::string_view pointer_prefix) {
  MapOutcome outcome;
  if (context_json.size() > kEventBytesMax) {
    outcome.problems.push_back(
        {std::string(pointer_prefix),
         "the @context is longer than " + std::to_string(kEventBytesMax) + " bytes"});
    return outcome;
  }
  json::ParseOutcome context = json::Parse(context_json, kEventBytesMax, kJsonDepthMax);
  if (!context.ok) {
    outcome.problems.push_back({std::string(pointer_prefix),
                                "@context is not JSON: " + context.error.message + " (at byte " +
                                    std::to_string(context.error.offset) + ")"});
    return outcome;
  }
  std::vector<Problem> problems;
  const Namespaces namespaces = ReadDocumentContext(context.value, "/@context", problems);
  outcome = MapEventInContext(namespaces, context_json.size(), event_json, pointer_prefix);
  if (!problems.empty()) {
    problems.insert(problems.end(), outcome.problems.begin(), outcome.problems.end());
    outcome.event.reset();
    outcome.problems = std::move(problems);
  }
  return outcome;
}

SplitDocument SplitEpcisDocument(std::string_view document_json) {
  SplitDocument out;
  // The events stay shallow in the tree: each is mapped from its raw text (event_map.h).
  json::ParseOutcome parsed =
      json::Parse(document_json, kDocumentBytesMax, kJsonDepthMax, "eventList");
  if (!parsed.ok) {
    out.problems.push_back({"", "not a JSON document: " + parsed.error.message + " (at byte " +
                                    std::to_string(parsed.error.offset) + ")"});
    return out;
  }
  const json::Value& root = parsed.value;
  if (!root.is_object()) {
    out.problems.push_back({"", "an EPCIS document is a JSON object"});
    return out;
  }
  if (const json::Value* context = root.Find("@context")) {
    out.context_json = std::string(context->raw);
    ReadDocumentContext(*context, "/@context", out.problems);
  } else {
    out.problems.push_back({"",
                            "@context is missing (the document must name GS1's EPCIS 2.0 "
                            "context and declare the prefixes of its extensions)"});
  }
  const json::Value* type = root.Find("type");
  bool query = false;
  if (type == nullptr || !type->is_string()) {
    out.problems.push_back({type == nullptr ? "" : "/type",
                            "type must be \"EPCISDocument\" or \"EPCISQueryDocument\""});
  } else if (type->text == "EPCISDocument" || type->text == "EPCISQueryDocument") {
    out.kind = type->text;
    query = type->text == "EPCISQueryDocument";
  } else {
    out.problems.push_back({"/type", "document type " + Quoted(type->text) +
                                         " is not EPCISDocument or EPCISQueryDocument"});
  }
  const json::Value* version = root.Find("schemaVersion");
  if (version == nullptr) {
    out.problems.push_back({"", "schemaVersion is missing (\"2.0\")"});
  } else if (!version->is_string() || !version->text.starts_with("2.")) {
    out.problems.push_back({"/schemaVersion", "schemaVersion must be \"2.0\" (EPCIS 2.0)"});
  }
  const json::Value* created = root.Find("creationDate");
  if (created == nullptr) {
    out.problems.push_back({"", "creationDate is missing"});
  } else if (!created->is_string()) {
    out.problems.push_back({"/creationDate", "creationDate must be a string"});
  } else if (Result<int64_t> ms = ParseRfc3339Ms(created->text); !ms.ok()) {
    out.problems.push_back(
        {"/creationDate", "creationDate " + Quoted(created->text) + ": " + ms.status().message()});
  }
  const json::Value* body = root.Find("epcisBody");
  if (body == nullptr || !body->is_object()) {
    out.problems.push_back(
        {body == nullptr ? "" : "/epcisBody", "epcisBody is missing or not an object"});
    return out;
  }
  std::string list_pointer;
  const json::Value* list = FindEventList(*body, query, list_pointer, out.problems);
  if (list == nullptr) return out;
  if (list->items.size() > kDocumentEventsMax) {
    out.problems.push_back(
        {list_pointer, "more than " + std::to_string(kDocumentEventsMax) + " events"});
    return out;
  }
  out.events.reserve(list->items.size());
  for (size_t i = 0; i < list->items.size(); ++i) {
    out.events.push_back({list_pointer + "/" + std::to_string(i), std::string(list->items[i].raw)});
  }
  return out;
}

CheckedDocument CheckDocument(std::string_view document_json) {
  CheckedDocument out;
  out.document = SplitEpcisDocument(document_json);
  out.problems = out.document.problems;
  if (out.document.context_json.empty()) return out;
  // The context once for all events (its problems are the document's, already listed).
  json::ParseOutcome context =
      json::Parse(out.document.context_json, kDocumentBytesMax, kJsonDepthMax);
  if (!context.ok) return out;
  std::vector<Problem> context_problems;
  Namespaces namespaces;
  ReadContext(context.value, "/@context", namespaces, context_problems);
  for (const DocumentEvent& event : out.document.events) {
    MapOutcome mapped = MapEventInContext(namespaces, out.document.context_json.size(),
                                          event.event_json, event.pointer);
    if (mapped.event) {
      out.events.push_back(std::move(*mapped.event));
    } else {
      out.problems.insert(out.problems.end(), mapped.problems.begin(), mapped.problems.end());
    }
  }
  return out;
}

}  // namespace tadori::epcis
