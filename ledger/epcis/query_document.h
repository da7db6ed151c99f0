// EPCIS 2.0 JSON-LD out: the EPCISQueryDocument that QueryEpcis answers and
// `tadori epcis export` writes, built from the chain's RecordedEvents.
//
// Each event becomes one element of epcisBody.queryResults.resultsBody.eventList:
//   - captured from an EPCIS document (RecordedEvent.captured set): the event as it was
//     captured, every member byte for byte as kept (CapturedEpcis.event_json), plus
//     "recordTime";
//   - recorded natively (RecordEvent): written from the model (v1::EpcisEvent) in the forms
//     the capture mapping (capture.h) reads back to the same model, see ExportEvent;
//   - either way "recordTime" is the block time of the event's height (RFC 3339, UTC "Z",
//     milliseconds), and an event declared erroneous carries "errorDeclaration".
// The document's "@context" is the GS1 EPCIS 2.0 context URL followed by one object of the
// namespace prefixes the events use. A prefix two events bind to different IRIs keeps the
// binding of the first event in the list at document level; a later event binding it
// elsewhere gets its own "@context" object holding all of its prefixes (JSON-LD scoped
// context), so every event keeps the meaning it was captured with.
//
// Pure and deterministic: the same events, block times and creation date give the same
// bytes (no clock, no floating point, prefixes in byte order). Output is RFC 8259 JSON in
// UTF-8; text that is not valid UTF-8 (never stored: protobuf refuses it) is written with
// U+FFFD in place of each ill-formed byte.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"
#include "tadori/v1/records.pb.h"

namespace tadori::epcis {

// The GS1 EPCIS 2.0 JSON-LD context every document names first.
inline constexpr std::string_view kEpcisContextUrl =
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
// The prefix the export binds to tadori's ILMD namespace (kTadoriIlmdNamespace,
// event_map.h) for the KDEs of natively recorded events: "tadori:harvestDate", ...
inline constexpr std::string_view kTadoriPrefix = "tadori";
// The eventID of a natively recorded event (which has none of its own): this prefix and its
// transaction id (64 lower hex), which names where it is on the chain.
inline constexpr std::string_view kEventUriPrefix = "urn:tadori:event:";
// Namespace prefixes to the IRIs they stand for, in byte order of the prefix.
using PrefixMap = std::map<std::string, std::string, std::less<>>;

// `text` as a JSON string literal (RFC 8259), quotes included: '"' and '\' escaped, control
// characters as \n, \t, ... or \u00XX, everything else as UTF-8.
std::string JsonQuote(std::string_view text);

// The EPCIS name of an event type ("ObjectEvent"); "unknown" for an unset one (chaincode
// records no event without a type).
std::string_view EpcisTypeName(v1::EventType type);

// An exact decimal of milli-units: 520000 -> "520", 1500 -> "1.5", -1 -> "-0.001".
std::string DecimalFromMilli(int64_t milli);

// Unix milliseconds as RFC 3339 UTC with milliseconds: "2026-11-20T06:31:02.120Z".
std::string RecordTimeText(int64_t unix_ms);

// Characters other than ALPHA / DIGIT / "-" / "." / "_" / "~" as %XX (upper-case hex, per
// UTF-8 byte), as GS1 Digital Link wants AI values and URNs want their parts.
std::string PercentEncode(std::string_view text);

// The lot-level class of a quantity element: the GS1 Digital Link
// "https://id.gs1.org/01/<GTIN-14>/10/<lot, percent-encoded>" (identifiers.h LotClassUri).
// A product that is not a valid GTIN-14 has no Digital Link: kTadoriClassUrn
// "urn:tadori:class:<product>:<lot>" (both percent-encoded), which capture reads back.
std::string QuantityClassUri(std::string_view product, std::string_view lot_code);

// One eventList element and the namespace prefixes it uses.
struct ExportedEvent {
  std::string json;  // one JSON object
  PrefixMap namespaces;
};

// The eventList element of `event`, recorded in a block of time `record_time_ms`. A native
// event is written as:
//   type         ObjectEvent | AggregationEvent | TransformationEvent | TransactionEvent |
//                AssociationEvent; action unless TransformationEvent
//   eventTime, eventTimeZoneOffset as recorded; eventID kEventUriPrefix + tx id hex
//   bizStep, disposition: ExportBizStep/ExportDisposition (vocabulary.h): a CBV bare word,
//   or tadori's URN for its own (harvesting, cooling, ...); readPoint/bizLocation {"id": GLN}
//   parentID as recorded
//   quantityList (Object, Transaction), childQuantityList (Aggregation, Association),
//   inputQuantityList/outputQuantityList (Transformation): {epcClass QuantityClassUri,
//   quantity DecimalFromMilli, uom unit (left out when empty)}; an ObjectEvent without
//   quantities gets "epcList": [] (the schema wants one of the two)
//   bizTransactionList {type, bizTransaction: the id when it is a URI, else
//   kTadoriBizTransactionUrn + id percent-encoded}; sourceList/destinationList {type, source |
//   destination}: owning_party/possessing_party OrgPartyUri (urn:tadori:org:<id>), location
//   as recorded
//   ilmd (Object ADD, Transformation) {"tadori:<field>": value} for each set v1::Ilmd field,
//   named as its proto JSON name (harvestDate, harvestLocation, coolingDate, ...)
std::string NativeEventJson(const v1::RecordedEvent& event, int64_t record_time_ms);
ExportedEvent ExportEvent(const v1::RecordedEvent& event, int64_t record_time_ms);

// The EPCISQueryDocument holding `events` in order (queryName "SimpleEventQuery").
// `creation_date` is written as creationDate as given (RFC 3339).
std::string WriteQueryDocument(std::string_view creation_date,
                               const std::vector<ExportedEvent>& events);

// One document from the pages of a paged query, each an EPCISQueryDocument this writer
// made: their eventLists in page order, their prefixes in one "@context" (a later page that
// binds a prefix elsewhere gives its events without a "@context" of their own one holding
// that page's prefixes). INVALID_ARGUMENT naming the page when one is not such a document.
Result<std::string> MergeQueryDocuments(std::string_view creation_date,
                                        const std::vector<std::string>& pages);

// The parts of an EPCISQueryDocument this writer made (or any with the same layout): the
// prefixes of its "@context" objects and its events as written. Used to merge pages and by
// tests. INVALID_ARGUMENT when the text is not such a document.
struct QueryDocumentParts {
  std::string creation_date;  // as written
  PrefixMap namespaces;
  struct Event {
    std::string json;          // as written
    bool own_context = false;  // it has a "@context" member
  };
  std::vector<Event> events;
};
Result<QueryDocumentParts> ReadQueryDocument(std::string_view document);

}  // namespace tadori::epcis
