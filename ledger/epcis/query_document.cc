#include "ledger/epcis/query_document.h"

#include <cstddef>
#include <optional>
#include <utility>

#include "ledger/bytes.h"
#include "ledger/epcis/capture.h"
#include "ledger/epcis/context.h"
#include "ledger/epcis/event_map.h"
#include "ledger/epcis/identifiers.h"
#include "ledger/epcis/json.h"
#include "ledger/epcis/vocabulary.h"
#include "ledger/rfc3339.h"

namespace tadori::epcis {
namespace {

// ---------------------------------------------------------------- reading

// Parses a stored event object or a page this writer made; nullopt when it is not JSON.
// Values keep their bytes as written (json::Value::raw), so members re-emit unchanged. The
// returned tree points into `text`.
std::optional<json::Value> ParseJson(std::string_view text, size_t bytes_max) {
  // A document adds four levels (epcisBody, queryResults, resultsBody, eventList) above the
  // events, which the capture mapping bounds at kJsonDepthMax.
  json::ParseOutcome parsed = json::Parse(text, bytes_max, kJsonDepthMax + 4);
  if (!parsed.ok) return std::nullopt;
  return std::move(parsed.value);
}

// The string-valued members of a flat JSON object {"prefix": "IRI", ...}; members of other
// kinds (JSON-LD term definitions) and keywords are not prefixes and are left out.
PrefixMap ReadPrefixes(const json::Value& object) {
  PrefixMap out;
  for (const json::Member& m : object.members) {
    if (!m.value.is_string() || m.key.empty() || m.key.front() == '@') continue;
    out.emplace(m.key, m.value.text);
  }
  return out;
}

// The prefixes of an "@context" value: a URL, an object, or an array of them.
PrefixMap ContextPrefixes(const json::Value& context) {
  if (context.is_object()) return ReadPrefixes(context);
  PrefixMap out;
  for (const json::Value& item : context.items) {
    if (item.is_object()) out.merge(ReadPrefixes(item));
  }
  return out;
}

// ---------------------------------------------------------------- writing

// An object written member by member: `{"a":1,"b":"x"}`.
class ObjectWriter {
 public:
  void Raw(std::string_view key, std::string_view json) {
    out_ += out_.empty() ? "{" : ",";
    out_ += JsonQuote(key);
    out_ += ':';
    out_ += json;
  }
  void RawMember(std::string_view key_literal, std::string_view json) {
    out_ += out_.empty() ? "{" : ",";
    out_ += key_literal;
    out_ += ':';
    out_ += json;
  }
  void String(std::string_view key, std::string_view value) { Raw(key, JsonQuote(value)); }
  void StringIfSet(std::string_view key, std::string_view value) {
    if (!value.empty()) String(key, value);
  }
  std::string Finish() && {
    if (out_.empty()) return "{}";
    out_ += '}';
    return std::move(out_);
  }

 private:
  std::string out_;
};

std::string JsonArray(const std::vector<std::string>& elements) {
  std::string out = "[";
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out += ',';
    out += elements[i];
  }
  out += ']';
  return out;
}

std::string PrefixesObject(const PrefixMap& namespaces) {
  ObjectWriter w;
  for (const auto& [prefix, iri] : namespaces) w.String(prefix, iri);
  return std::move(w).Finish();
}

std::string ContextJson(const PrefixMap& namespaces) {
  std::string out = "[" + JsonQuote(kEpcisContextUrl);
  if (!namespaces.empty()) out += "," + PrefixesObject(namespaces);
  out += ']';
  return out;
}

std::string_view ActionName(v1::EventAction action) {
  switch (action) {
    case v1::ADD:
      return "ADD";
    case v1::DELETE:
      return "DELETE";
    default:
      return "OBSERVE";
  }
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string PartyUri(const v1::PartyRef& party) {
  if (party.type() == "owning_party" || party.type() == "possessing_party") {
    return OrgPartyUri(party.id());
  }
  return party.id();  // a location: its GLN as recorded
}

std::string QuantityListJson(const google::protobuf::RepeatedPtrField<v1::QuantityElement>& list) {
  std::vector<std::string> elements;
  for (const v1::QuantityElement& q : list) {
    ObjectWriter w;
    w.String("epcClass", QuantityClassUri(q.product(), q.lot_code()));
    w.Raw("quantity", DecimalFromMilli(q.quantity_milli()));
    w.StringIfSet("uom", q.unit());
    elements.push_back(std::move(w).Finish());
  }
  return JsonArray(elements);
}

std::string PartyListJson(const google::protobuf::RepeatedPtrField<v1::PartyRef>& list,
                          std::string_view member) {
  std::vector<std::string> elements;
  for (const v1::PartyRef& party : list) {
    ObjectWriter w;
    w.String("type", party.type());
    w.String(member, PartyUri(party));
    elements.push_back(std::move(w).Finish());
  }
  return JsonArray(elements);
}

std::string IlmdJson(const v1::Ilmd& ilmd) {
  ObjectWriter w;
  const std::string p = std::string(kTadoriPrefix) + ":";
  w.StringIfSet(p + "harvestDate", ilmd.harvest_date());
  w.StringIfSet(p + "harvestLocation", ilmd.harvest_location());
  w.StringIfSet(p + "coolingDate", ilmd.cooling_date());
  w.StringIfSet(p + "coolingLocation", ilmd.cooling_location());
  w.StringIfSet(p + "packingDate", ilmd.packing_date());
  w.StringIfSet(p + "landingDate", ilmd.landing_date());
  w.StringIfSet(p + "vessel", ilmd.vessel());
  w.StringIfSet(p + "tlcSource", ilmd.tlc_source());
  w.StringIfSet(p + "bestBeforeDate", ilmd.best_before_date());
  return std::move(w).Finish();
}

bool IlmdEmpty(const v1::Ilmd& ilmd) {
  return IlmdJson(ilmd) == "{}";
}

bool MayCarryIlmd(const v1::EpcisEvent& e) {
  return e.type() == v1::TRANSFORMATION_EVENT ||
         (e.type() == v1::OBJECT_EVENT && e.action() == v1::ADD);
}

std::string ErrorDeclarationJson(const v1::ErrorDeclaration& declaration) {
  ObjectWriter w;
  w.String("declarationTime", declaration.declaration_time());
  w.StringIfSet("reason", declaration.reason());
  if (declaration.corrective_event_ids_size() > 0) {
    std::vector<std::string> ids;
    for (const std::string& id : declaration.corrective_event_ids()) ids.push_back(JsonQuote(id));
    w.Raw("correctiveEventIDs", JsonArray(ids));
  }
  return std::move(w).Finish();
}

bool Declared(const v1::RecordedEvent& event) {
  return event.has_error_declaration() && !event.error_declaration().declaration_time().empty();
}

// A captured event: its kept members as written, then recordTime and errorDeclaration (a kept
// member of either name gives way to the chain's). `own_context` (when not empty) becomes the
// event's "@context", replacing one it kept.
std::string CapturedEventJson(const v1::RecordedEvent& event, int64_t record_time_ms,
                              const PrefixMap& own_context) {
  ObjectWriter w;
  if (!own_context.empty()) w.Raw("@context", PrefixesObject(own_context));
  std::optional<json::Value> kept = ParseJson(event.captured().event_json(), kEventBytesMax);
  if (kept && kept->is_object()) {
    for (const json::Member& m : kept->members) {
      if (m.key == "recordTime" || (m.key == "errorDeclaration" && Declared(event)) ||
          (m.key == "@context" && !own_context.empty())) {
        continue;
      }
      w.RawMember(m.raw_key, m.value.raw);
    }
  } else {
    // Chaincode stores only events the mapping parsed; one that does not read back is kept
    // visible rather than dropped, under a member of tadori's own.
    w.String(std::string(kTadoriPrefix) + ":unreadableEventJson", event.captured().event_json());
  }
  w.String("recordTime", RecordTimeText(record_time_ms));
  if (Declared(event)) w.Raw("errorDeclaration", ErrorDeclarationJson(event.error_declaration()));
  return std::move(w).Finish();
}

bool Captured(const v1::RecordedEvent& event) {
  return event.has_captured() && !event.captured().event_json().empty();
}

// `event` (an event object) with `context` as its first member, replacing one it had.
std::string WithEventContext(const json::Value& event, const PrefixMap& context) {
  ObjectWriter w;
  w.Raw("@context", PrefixesObject(context));
  for (const json::Member& m : event.members) {
    if (m.key != "@context") w.RawMember(m.raw_key, m.value.raw);
  }
  return std::move(w).Finish();
}

}  // namespace

std::string_view EpcisTypeName(v1::EventType type) {
  switch (type) {
    case v1::OBJECT_EVENT:
      return "ObjectEvent";
    case v1::AGGREGATION_EVENT:
      return "AggregationEvent";
    case v1::TRANSFORMATION_EVENT:
      return "TransformationEvent";
    case v1::TRANSACTION_EVENT:
      return "TransactionEvent";
    case v1::ASSOCIATION_EVENT:
      return "AssociationEvent";
    default:
      return "unknown";
  }
}

std::string JsonQuote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: copied when well-formed (Unicode table 3-7), else U+FFFD.
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    }
    bool ok = length > 0 && i + length <= text.size();
    for (size_t k = 1; ok && k < length; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      ok = k == 1 ? (b >= low && b <= high) : (b >= 0x80 && b <= 0xBF);
    }
    if (ok) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  out += '"';
  return out;
}

std::string DecimalFromMilli(int64_t milli) {
  // Magnitude as unsigned, so INT64_MIN has one too.
  const bool negative = milli < 0;
  const uint64_t magnitude = negative ? static_cast<uint64_t>(0) - static_cast<uint64_t>(milli)
                                      : static_cast<uint64_t>(milli);
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 1000);
  uint64_t fraction = magnitude % 1000;
  if (fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 3 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

std::string RecordTimeText(int64_t unix_ms) {
  std::string text = FormatRfc3339Ms(unix_ms, 0);  // "...:SSZ" or "...:SS.fffZ"
  if (text.find('.') == std::string::npos) text.insert(text.size() - 1, ".000");
  return text;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string QuantityClassUri(std::string_view product, std::string_view lot_code) {
  std::optional<std::string> link = LotClassUri(product, lot_code);
  if (link) return *link;
  return std::string(kTadoriClassUrn) + PercentEncode(product) + ":" + PercentEncode(lot_code);
}

std::string NativeEventJson(const v1::RecordedEvent& event, int64_t record_time_ms) {
  const v1::EpcisEvent& e = event.event();
  ObjectWriter w;
  w.String("type", EpcisTypeName(e.type()));
  w.String("eventTime", e.event_time());
  w.String("eventTimeZoneOffset", e.event_time_zone_offset());
  w.String("eventID", std::string(kEventUriPrefix) + ToHex(AsBytes(event.ref().tx_id())));
  w.String("recordTime", RecordTimeText(record_time_ms));
  if (e.type() != v1::TRANSFORMATION_EVENT) w.String("action", ActionName(e.action()));
  w.StringIfSet("parentID", e.parent_id());
  switch (e.type()) {
    case v1::TRANSFORMATION_EVENT:
      if (e.input_quantity_list_size() > 0) {
        w.Raw("inputQuantityList", QuantityListJson(e.input_quantity_list()));
      }
      if (e.output_quantity_list_size() > 0) {
        w.Raw("outputQuantityList", QuantityListJson(e.output_quantity_list()));
      }
      break;
    case v1::AGGREGATION_EVENT:
    case v1::ASSOCIATION_EVENT:
      if (e.quantity_list_size() > 0) {
        w.Raw("childQuantityList", QuantityListJson(e.quantity_list()));
      }
      break;
    default:
      if (e.quantity_list_size() > 0) {
        w.Raw("quantityList", QuantityListJson(e.quantity_list()));
      } else if (e.type() == v1::OBJECT_EVENT) {
        w.Raw("epcList", "[]");
      }
      break;
  }
  if (!e.biz_step().empty()) w.String("bizStep", ExportBizStep(e.biz_step()));
  if (!e.disposition().empty()) w.String("disposition", ExportDisposition(e.disposition()));
  if (!e.read_point().empty()) w.Raw("readPoint", "{\"id\":" + JsonQuote(e.read_point()) + "}");
  if (!e.biz_location().empty()) {
    w.Raw("bizLocation", "{\"id\":" + JsonQuote(e.biz_location()) + "}");
  }
  if (e.biz_transaction_list_size() > 0) {
    std::vector<std::string> elements;
    for (const v1::BizTransaction& bt : e.biz_transaction_list()) {
      ObjectWriter item;
      item.StringIfSet("type", bt.type());
      item.String("bizTransaction", IsAbsoluteUri(bt.id()) ? bt.id()
                                                           : std::string(kTadoriBizTransactionUrn) +
                                                                 PercentEncode(bt.id()));
      elements.push_back(std::move(item).Finish());
    }
    w.Raw("bizTransactionList", JsonArray(elements));
  }
  if (e.source_list_size() > 0) w.Raw("sourceList", PartyListJson(e.source_list(), "source"));
  if (e.destination_list_size() > 0) {
    w.Raw("destinationList", PartyListJson(e.destination_list(), "destination"));
  }
  if (e.has_ilmd() && MayCarryIlmd(e) && !IlmdEmpty(e.ilmd())) w.Raw("ilmd", IlmdJson(e.ilmd()));
  if (Declared(event)) w.Raw("errorDeclaration", ErrorDeclarationJson(event.error_declaration()));
  return std::move(w).Finish();
}

ExportedEvent ExportEvent(const v1::RecordedEvent& event, int64_t record_time_ms) {
  ExportedEvent out;
  if (Captured(event)) {
    out.json = CapturedEventJson(event, record_time_ms, {});
    std::optional<json::Value> prefixes =
        ParseJson(event.captured().namespaces_json(), kEventBytesMax);
    if (prefixes && prefixes->is_object()) out.namespaces = ReadPrefixes(*prefixes);
    return out;
  }
  out.json = NativeEventJson(event, record_time_ms);
  const v1::EpcisEvent& e = event.event();
  if (e.has_ilmd() && MayCarryIlmd(e) && !IlmdEmpty(e.ilmd())) {
    out.namespaces.emplace(kTadoriPrefix, kTadoriIlmdNamespace);
  }
  return out;
}

namespace {

// The document-level prefixes (first binding of each prefix wins) and, per event, whether it
// needs its own "@context" (it binds a prefix elsewhere).
PrefixMap DocumentPrefixes(const std::vector<ExportedEvent>& events,
                           std::vector<bool>& needs_own_context) {
  PrefixMap document;
  needs_own_context.assign(events.size(), false);
  for (size_t i = 0; i < events.size(); ++i) {
    for (const auto& [prefix, iri] : events[i].namespaces) {
      auto [it, inserted] = document.emplace(prefix, iri);
      if (!inserted && it->second != iri) needs_own_context[i] = true;
    }
  }
  return document;
}

std::string DocumentJson(std::string_view creation_date, const PrefixMap& context,
                         const std::vector<std::string>& event_jsons) {
  ObjectWriter results_body;
  results_body.Raw("eventList", JsonArray(event_jsons));
  ObjectWriter query_results;
  query_results.String("queryName", "SimpleEventQuery");
  query_results.Raw("resultsBody", std::move(results_body).Finish());
  ObjectWriter body;
  body.Raw("queryResults", std::move(query_results).Finish());
  ObjectWriter doc;
  doc.Raw("@context", ContextJson(context));
  doc.String("type", "EPCISQueryDocument");
  doc.String("schemaVersion", "2.0");
  doc.String("creationDate", creation_date);
  doc.Raw("epcisBody", std::move(body).Finish());
  return std::move(doc).Finish();
}

}  // namespace

std::string WriteQueryDocument(std::string_view creation_date,
                               const std::vector<ExportedEvent>& events) {
  std::vector<bool> own;
  const PrefixMap context = DocumentPrefixes(events, own);
  std::vector<std::string> jsons;
  jsons.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    std::optional<json::Value> parsed;
    if (own[i]) parsed = ParseJson(events[i].json, kDocumentBytesMax);
    jsons.push_back(parsed && parsed->is_object() ? WithEventContext(*parsed, events[i].namespaces)
                                                  : events[i].json);
  }
  return DocumentJson(creation_date, context, jsons);
}

Result<QueryDocumentParts> ReadQueryDocument(std::string_view document) {
  std::optional<json::Value> top = ParseJson(document, kDocumentBytesMax);
  if (!top) return Status::InvalidArgument("not JSON");
  if (!top->is_object()) return Status::InvalidArgument("not a JSON object");
  const json::Value* type = top->Find("type");
  if (type == nullptr || !type->is_string() || type->text != "EPCISQueryDocument") {
    return Status::InvalidArgument("not an EPCISQueryDocument");
  }
  QueryDocumentParts parts;
  if (const json::Value* created = top->Find("creationDate"); created && created->is_string()) {
    parts.creation_date = created->text;
  }
  if (const json::Value* context = top->Find("@context")) {
    parts.namespaces = ContextPrefixes(*context);
  }
  const json::Value* at = &*top;
  for (std::string_view key : {"epcisBody", "queryResults", "resultsBody"}) {
    at = at->Find(key);
    if (at == nullptr || !at->is_object()) {
      return Status::InvalidArgument("no " + std::string(key) + " object");
    }
  }
  const json::Value* list = at->Find("eventList");
  if (list == nullptr || !list->is_array()) return Status::InvalidArgument("no eventList array");
  for (const json::Value& e : list->items) {
    if (!e.is_object()) return Status::InvalidArgument("an eventList element is not an object");
    const bool own_context = e.Find("@context") != nullptr;
    parts.events.push_back({std::string(e.raw), own_context});
  }
  return parts;
}

Result<std::string> MergeQueryDocuments(std::string_view creation_date,
                                        const std::vector<std::string>& pages) {
  PrefixMap context;
  std::vector<std::string> events;
  for (size_t p = 0; p < pages.size(); ++p) {
    Result<QueryDocumentParts> parts = ReadQueryDocument(pages[p]);
    if (!parts.ok()) {
      return parts.status().WithContext("page " + std::to_string(p + 1) + " of the answer");
    }
    bool conflict = false;
    for (const auto& [prefix, iri] : parts->namespaces) {
      auto [it, inserted] = context.emplace(prefix, iri);
      if (!inserted && it->second != iri) conflict = true;
    }
    for (QueryDocumentParts::Event& e : parts->events) {
      std::optional<json::Value> parsed;
      if (conflict && !e.own_context) parsed = ParseJson(e.json, kDocumentBytesMax);
      if (parsed) {
        events.push_back(WithEventContext(*parsed, parts->namespaces));
      } else {
        events.push_back(std::move(e.json));
      }
    }
  }
  return DocumentJson(creation_date, context, events);
}

}  // namespace tadori::epcis
