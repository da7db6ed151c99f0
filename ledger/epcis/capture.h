// EPCIS 2.0 JSON-LD in: reading an EPCISDocument or EPCISQueryDocument, checking it, and
// mapping each event to the chain's model (v1::EpcisEvent) plus what the chain keeps of it
// as written (v1::CapturedEpcis). `tadori epcis check` runs CheckDocument offline; the
// capture tools split a document into one CaptureEpcisEvent per event; chaincode runs
// MapEvent on each and records what it returns, so the check, the node and the chain agree.
//
// Pure and deterministic (chaincode runs it): no I/O, no clock, no floating point; nothing
// is fetched: the GS1 EPCIS 2.0 context (versioned 2.0.0 or unversioned URL) is known.
// Input is hostile: sizes and nesting are bounded (kDocumentBytesMax, kEventBytesMax, ...).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tadori/v1/payloads.pb.h"
#include "tadori/v1/records.pb.h"

namespace tadori::epcis {

inline constexpr size_t kDocumentBytesMax = 64 * 1024 * 1024;
inline constexpr size_t kDocumentEventsMax = 1'000'000;
// One event as a transaction carries it (with the document's @context): under the
// transaction size limit, with room for the envelope.
inline constexpr size_t kEventBytesMax = 56 * 1024;
inline constexpr size_t kJsonDepthMax = 32;

// One thing wrong with a document, at a JSON pointer (RFC 6901) into it, e.g.
// {"/epcisBody/eventList/3/quantityList/0/quantity", "not a number"}.
struct Problem {
  std::string pointer;
  std::string message;
};

// What an event of a document becomes on the chain.
struct MappedEvent {
  v1::EpcisEvent model;    // what chaincode applies (custody, mass balance, KDEs)
  v1::CapturedEpcis kept;  // eventID, event hash, the event's JSON as written, namespaces
  // Set when the event is an EPCIS error declaration (it has "errorDeclaration"): it declares
  // the captured event with the same eventID erroneous instead of being applied
  // (declared_by is left for chaincode to fill).
  std::optional<v1::ErrorDeclaration> error_declaration;
};

// Maps one event. `context_json` is the document's "@context" value as written, `event_json`
// one element of its eventList as written; problems name pointers under `pointer_prefix`
// (e.g. "/epcisBody/eventList/3"), problems of the context under "/@context". Returns the
// event, or every problem found (never both). What maps, what is kept opaque and what is
// refused: docs/ARCHITECTURE.md "EPCIS 2.0 mapping" (code: event_map.cc).
//   - kept.event_id and model.event_id are the eventID; without one, both are the event hash
//     (kept.event_hash, event_hash.h), so lookups by id find the event either way.
//   - The hash leaves out eventID and errorDeclaration: an error declaration that repeats the
//     event it declares (as EPCIS 2.0 asks) has that event's hash. Check idempotency by hash
//     only for events that are not declarations.
//   - kept.event_json is the event's members as written, compact between members and byte
//     for byte inside each, recordTime left out; MapEvent(context_json, kept.event_json)
//     gives the same event again (the fuzz target checks it).
struct MapOutcome {
  std::optional<MappedEvent> event;
  std::vector<Problem> problems;
};
MapOutcome MapEvent(std::string_view context_json, std::string_view event_json,
                    std::string_view pointer_prefix = "");

// A document split into its events, as written.
struct DocumentEvent {
  std::string pointer;     // "/epcisBody/eventList/<i>" (or the query document's path)
  std::string event_json;  // the element exactly as the document wrote it
};
struct SplitDocument {
  std::string kind;          // "EPCISDocument" or "EPCISQueryDocument"
  std::string context_json;  // the document's "@context" value as written
  std::vector<DocumentEvent> events;
  std::vector<Problem> problems;  // of the document itself (not of its events)
};
SplitDocument SplitEpcisDocument(std::string_view document_json);

// Splits and maps every event: problems of the document and of each event, in document
// order; `events` holds the events that mapped (all of them when problems is empty).
struct CheckedDocument {
  SplitDocument document;
  std::vector<MappedEvent> events;
  std::vector<Problem> problems;
};
CheckedDocument CheckDocument(std::string_view document_json);

}  // namespace tadori::epcis
