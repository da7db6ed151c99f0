// MapEvent: one EPCIS 2.0 JSON-LD event -> the chain's model (v1::EpcisEvent) plus what the
// chain keeps of it as written (v1::CapturedEpcis). What maps, what is kept opaque and what is
// refused is listed in docs/ARCHITECTURE.md ("EPCIS 2.0 mapping"); each rule is next to the
// code below. Every problem of the event is collected (none stops the others), each at its
// JSON pointer.
#include "ledger/epcis/event_map.h"

#include <algorithm>
#include <map>

#include "ledger/epcis/event_hash.h"
#include "ledger/epcis/identifiers.h"
#include "ledger/epcis/json.h"
#include "ledger/epcis/vocabulary.h"
#include "ledger/rfc3339.h"
#include "ledger/utf8.h"

namespace tadori::epcis {
namespace {

// Members every event type may have (EPCIS 2.0 JSON schema, EPCISEvent).
constexpr std::string_view kCommonMembers[] = {
    "@context",
    "type",
    "eventID",
    "eventTime",
    "eventTimeZoneOffset",
    "recordTime",
    "certificationInfo",
    "errorDeclaration",
    "bizStep",
    "disposition",
    "persistentDisposition",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "sensorElementList",
};

// Every standard member of some event type: one that an event of another type carries is
// refused as misplaced (not taken for an extension).
constexpr std::string_view kTypeMembers[] = {
    "epcList",
    "quantityList",
    "action",
    "ilmd",
    "parentID",
    "childEPCs",
    "childQuantityList",
    "inputEPCList",
    "inputQuantityList",
    "outputEPCList",
    "outputQuantityList",
    "transformationID",
};

struct EventTypeRule {
  std::string_view name;
  v1::EventType type;
  std::string_view members[6];  // beyond kCommonMembers (unused slots empty)
};

const EventTypeRule kEventTypes[] = {
    {"ObjectEvent", v1::OBJECT_EVENT, {"epcList", "quantityList", "action", "ilmd"}},
    {"AggregationEvent",
     v1::AGGREGATION_EVENT,
     {"parentID", "childEPCs", "childQuantityList", "action"}},
    {"TransactionEvent", v1::TRANSACTION_EVENT, {"parentID", "epcList", "quantityList", "action"}},
    {"TransformationEvent",
     v1::TRANSFORMATION_EVENT,
     {"inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList",
      "transformationID", "ilmd"}},
    {"AssociationEvent",
     v1::ASSOCIATION_EVENT,
     {"parentID", "childEPCs", "childQuantityList", "action"}},
};

constexpr std::string_view kSensorElementMembers[] = {"sensorMetadata", "sensorReport"};
constexpr std::string_view kSensorMetadataMembers[] = {"time",
                                                       "startTime",
                                                       "endTime",
                                                       "deviceID",
                                                       "deviceMetadata",
                                                       "rawData",
                                                       "dataProcessingMethod",
                                                       "bizRules"};
constexpr std::string_view kSensorReportMembers[] = {"type",
                                                     "exception",
                                                     "deviceID",
                                                     "deviceMetadata",
                                                     "rawData",
                                                     "dataProcessingMethod",
                                                     "time",
                                                     "microorganism",
                                                     "chemicalSubstance",
                                                     "value",
                                                     "component",
                                                     "stringValue",
                                                     "booleanValue",
                                                     "hexBinaryValue",
                                                     "uriValue",
                                                     "minValue",
                                                     "maxValue",
                                                     "meanValue",
                                                     "sDev",
                                                     "percRank",
                                                     "percValue",
                                                     "uom",
                                                     "coordinateReferenceSystem"};
constexpr std::string_view kErrorDeclarationMembers[] = {"declarationTime", "reason",
                                                         "correctiveEventIDs"};
constexpr std::string_view kQuantityMembers[] = {"epcClass", "quantity", "uom"};

template <typename Range>
bool In(const Range& keys, std::string_view key) {
  return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

std::string Quoted(std::string_view text) {
  return json::Quote(PrintableExcerpt(text));
}

// An ILMD key of the model: its expanded IRI, the field it fills, whether it is a date.
struct IlmdField {
  std::string_view iri_local;  // after kTadoriIlmdNamespace
  std::string* (v1::Ilmd::*field)();
  bool date;
};

const IlmdField kTadoriIlmd[] = {
    {"harvestDate", &v1::Ilmd::mutable_harvest_date, true},
    {"harvestLocation", &v1::Ilmd::mutable_harvest_location, false},
    {"coolingDate", &v1::Ilmd::mutable_cooling_date, true},
    {"coolingLocation", &v1::Ilmd::mutable_cooling_location, false},
    {"packingDate", &v1::Ilmd::mutable_packing_date, true},
    {"landingDate", &v1::Ilmd::mutable_landing_date, true},
    {"vessel", &v1::Ilmd::mutable_vessel, false},
    {"tlcSource", &v1::Ilmd::mutable_tlc_source, false},
    {"bestBeforeDate", &v1::Ilmd::mutable_best_before_date, true},
};
constexpr std::string_view kCbvBestBeforeDate = "urn:epcglobal:cbv:mda:bestBeforeDate";

class EventMapper {
 public:
  EventMapper(const Namespaces& namespaces, std::string_view pointer_prefix)
      : document_ns_(namespaces), prefix_(pointer_prefix) {}

  MapOutcome Map(size_t context_bytes, std::string_view event_json) {
    if (context_bytes + event_json.size() > kEventBytesMax) {
      Add(prefix_, "the event with the document's @context is " +
                       std::to_string(context_bytes + event_json.size()) + " bytes, more than " +
                       std::to_string(kEventBytesMax) + " (one event is one transaction)");
      return Done();
    }
    json::ParseOutcome parsed = json::Parse(event_json, kEventBytesMax, kJsonDepthMax);
    if (!parsed.ok) {
      Add(prefix_, "JSON: " + parsed.error.message + " (at byte " +
                       std::to_string(parsed.error.offset) + " of the event)");
      return Done();
    }
    const json::Value& event = parsed.value;
    if (!event.is_object()) {
      Add(prefix_, "an event must be an object, not " + std::string(json::KindName(event.kind)));
      return Done();
    }
    if (const json::Value* context = event.Find("@context")) {
      // Only an event with its own @context pays for a copy of the document's prefixes.
      event_ns_ = document_ns_;
      ReadContext(*context, At("@context"), *event_ns_, problems_);
    }
    const EventTypeRule* rule = ReadType(event);
    CheckMembers(event, rule);
    ReadIdentity(event);
    ReadTime(event);
    if (rule != nullptr) ReadAction(event, *rule);
    ReadWhy(event);
    ReadWhere(event, "readPoint", out_.model.mutable_read_point());
    ReadWhere(event, "bizLocation", out_.model.mutable_biz_location());
    ReadEpcLists(event);
    ReadQuantities(event);
    ReadParties(event, "sourceList", "source", out_.model.mutable_source_list());
    ReadParties(event, "destinationList", "destination", out_.model.mutable_destination_list());
    ReadBizTransactions(event);
    ReadIlmd(event);
    ReadCertificationInfo(event);
    ReadSensorElements(event);
    ReadErrorDeclaration(event);
    // The chain tracks lots: an event about instances or non-lot classes only has nothing it
    // can account for. An error declaration is not applied, so it need not name one.
    if (lot_elements_ == 0 && !out_.error_declaration.has_value() && rule != nullptr) {
      Add(prefix_,
          "names no lot (only instance EPCs or classes without a lot): the chain "
          "tracks lots, give a quantity list with an LGTIN class or a GS1 Digital "
          "Link with /10/<lot>");
    }
    if (problems_.empty()) Keep(event);
    return Done();
  }

 private:
  MapOutcome Done() {
    MapOutcome outcome;
    if (problems_.empty()) {
      outcome.event = std::move(out_);
    } else {
      outcome.problems = std::move(problems_);
    }
    return outcome;
  }

  void Add(std::string pointer, std::string message) {
    problems_.push_back({std::move(pointer), std::move(message)});
  }

  std::string At(std::string_view key) const {
    return std::string(prefix_) + "/" + json::PointerToken(key);
  }
  static std::string Under(const std::string& pointer, std::string_view key) {
    return pointer + "/" + json::PointerToken(key);
  }
  static std::string Under(const std::string& pointer, size_t index) {
    return pointer + "/" + std::to_string(index);
  }

  // A string member: its text, or null after a problem when it is not a string.
  const std::string* Text(const json::Value* value, const std::string& pointer,
                          std::string_view what) {
    if (value == nullptr) return nullptr;
    if (!value->is_string()) {
      Add(pointer,
          std::string(what) + " must be a string, not " + std::string(json::KindName(value->kind)));
      return nullptr;
    }
    return &value->text;
  }

  const std::string* Uri(const json::Value* value, const std::string& pointer,
                         std::string_view what) {
    const std::string* text = Text(value, pointer, what);
    if (text == nullptr) return nullptr;
    if (!IsAbsoluteUri(*text)) {
      Add(pointer, std::string(what) + " " + Quoted(*text) + " is not an absolute URI");
      return nullptr;
    }
    return text;
  }

  const json::Value* Array(const json::Value& parent, std::string_view key,
                           const std::string& pointer) {
    const json::Value* value = parent.Find(key);
    if (value == nullptr) return nullptr;
    if (!value->is_array()) {
      Add(pointer,
          std::string(key) + " must be an array, not " + std::string(json::KindName(value->kind)));
      return nullptr;
    }
    return value;
  }

  const json::Value* Object(const json::Value* value, const std::string& pointer,
                            std::string_view what) {
    if (value == nullptr) return nullptr;
    if (!value->is_object()) {
      Add(pointer, std::string(what) + " must be an object, not " +
                       std::string(json::KindName(value->kind)));
      return nullptr;
    }
    return value;
  }

  // ---- namespaces and extension keys

  // An extension (or ILMD) key must say which namespace it is in: "prefix:local" with the
  // prefix declared in @context, or a full http(s)/urn IRI. Returns the expanded IRI.
  std::optional<std::string> ExtensionIri(std::string_view key, const std::string& pointer,
                                          std::string_view what) {
    if (key.starts_with("http://") || key.starts_with("https://") || key.starts_with("urn:")) {
      if (IsAbsoluteUri(key)) return std::string(key);
    }
    if (std::optional<Curie> curie = ExpandCurie(ns(), key)) {
      used_prefixes_[curie->prefix] = *ns().Find(curie->prefix);
      return curie->iri;
    }
    const size_t colon = key.find(':');
    if (colon != std::string_view::npos && colon > 0) {
      Add(pointer, std::string(what) + " key " + Quoted(key) + ": prefix " +
                       Quoted(key.substr(0, colon)) + " is not declared in @context");
    } else {
      Add(pointer, std::string(what) + " key " + Quoted(key) +
                       " has no namespace prefix (write prefix:" + PrintableExcerpt(key) +
                       " with the prefix declared in @context)");
    }
    return std::nullopt;
  }

  // An extension's value: keys of nested objects must be namespaced too (JSON-LD keywords
  // "@value", "@type", ... excepted). Also notes the prefixes its CURIE values use.
  void CheckExtensionValue(const json::Value& value, const std::string& pointer) {
    if (value.is_string()) {
      NoteCurie(value.text);
    } else if (value.is_array()) {
      for (size_t i = 0; i < value.items.size(); ++i) {
        CheckExtensionValue(value.items[i], Under(pointer, i));
      }
    } else if (value.is_object()) {
      for (const json::Member& member : value.members) {
        const std::string where = Under(pointer, member.key);
        if (!member.key.starts_with('@')) ExtensionIri(member.key, where, "extension");
        CheckExtensionValue(member.value, where);
      }
    }
  }

  void CheckExtension(const json::Member& member, const std::string& pointer,
                      std::string_view what) {
    if (ExtensionIri(member.key, pointer, what)) CheckExtensionValue(member.value, pointer);
  }

  void NoteCurie(std::string_view value) {
    if (std::optional<Curie> curie = ExpandCurie(ns(), value)) {
      used_prefixes_[curie->prefix] = *ns().Find(curie->prefix);
    }
  }

  // Members of a standard object (readPoint, sensorReport, ...) outside `standard` are
  // extensions.
  template <typename Range>
  void CheckObjectMembers(const json::Value& object, const std::string& pointer,
                          const Range& standard) {
    for (const json::Member& member : object.members) {
      if (In(standard, member.key)) continue;
      CheckExtension(member, Under(pointer, member.key), "extension");
    }
  }

  // ---- type, members, identity, time

  const EventTypeRule* ReadType(const json::Value& event) {
    const json::Value* type = event.Find("type");
    if (type == nullptr) {
      Add(prefix_,
          "type is missing (ObjectEvent, AggregationEvent, TransactionEvent, "
          "TransformationEvent or AssociationEvent)");
      return nullptr;
    }
    const std::string* name = Text(type, At("type"), "type");
    if (name == nullptr) return nullptr;
    for (const EventTypeRule& rule : kEventTypes) {
      if (rule.name == *name) {
        out_.model.set_type(rule.type);
        return &rule;
      }
    }
    Add(At("type"), "unknown event type " + Quoted(*name) +
                        " (ObjectEvent, AggregationEvent, TransactionEvent, "
                        "TransformationEvent or AssociationEvent)");
    return nullptr;
  }

  void CheckMembers(const json::Value& event, const EventTypeRule* rule) {
    for (const json::Member& member : event.members) {
      if (In(kCommonMembers, member.key)) continue;
      if (In(kTypeMembers, member.key)) {
        if (rule != nullptr && !In(rule->members, member.key)) {
          Add(At(member.key),
              std::string(member.key) + " is not a member of " + std::string(rule->name));
        }
        continue;
      }
      CheckExtension(member, At(member.key), "extension");
    }
  }

  void ReadIdentity(const json::Value& event) {
    if (const std::string* id = Uri(event.Find("eventID"), At("eventID"), "eventID")) {
      out_.kept.set_event_id(*id);
      out_.model.set_event_id(*id);
    }
  }

  void ReadTime(const json::Value& event) {
    const json::Value* time_value = event.Find("eventTime");
    const json::Value* offset_value = event.Find("eventTimeZoneOffset");
    if (time_value == nullptr) Add(prefix_, "eventTime is missing");
    if (offset_value == nullptr) Add(prefix_, "eventTimeZoneOffset is missing");
    const std::string* time_text = Text(time_value, At("eventTime"), "eventTime");
    const std::string* offset_text =
        Text(offset_value, At("eventTimeZoneOffset"), "eventTimeZoneOffset");
    std::optional<int64_t> ms;
    if (time_text != nullptr) {
      Result<int64_t> parsed = ParseRfc3339Ms(*time_text);
      if (parsed.ok()) {
        ms = *parsed;
      } else {
        Add(At("eventTime"), "eventTime " + Quoted(*time_text) + ": " + parsed.status().message());
      }
    }
    std::optional<int32_t> offset;
    if (offset_text != nullptr) {
      Result<int32_t> parsed = ParseUtcOffsetMinutes(*offset_text);
      if (parsed.ok() && offset_text->size() == 6) {
        offset = *parsed;
      } else {
        Add(At("eventTimeZoneOffset"),
            "eventTimeZoneOffset " + Quoted(*offset_text) + " is not +hh:mm or -hh:mm");
      }
    }
    if (ms && offset) {
      // EPCIS may write eventTime in any offset (often UTC) and the event's local offset
      // apart; the model writes the instant in the event's offset, as RecordEvent does.
      out_.model.set_event_time(FormatRfc3339Ms(*ms, *offset));
      out_.model.set_event_time_zone_offset(*offset_text);
    }
  }

  void ReadAction(const json::Value& event, const EventTypeRule& rule) {
    if (rule.type == v1::TRANSFORMATION_EVENT) return;  // no action (CheckMembers refuses one)
    const json::Value* action = event.Find("action");
    if (action == nullptr) {
      Add(prefix_, "action is missing (ADD, OBSERVE or DELETE)");
      return;
    }
    const std::string* text = Text(action, At("action"), "action");
    if (text == nullptr) return;
    if (*text == "ADD") {
      out_.model.set_action(v1::ADD);
    } else if (*text == "OBSERVE") {
      out_.model.set_action(v1::OBSERVE);
    } else if (*text == "DELETE") {
      out_.model.set_action(v1::DELETE);
    } else {
      Add(At("action"), "action " + Quoted(*text) + " is not ADD, OBSERVE or DELETE");
    }
  }

  std::optional<VocabularyValue> Vocab(Vocabulary vocabulary, const json::Value* value,
                                       const std::string& pointer) {
    const std::string* text = Text(value, pointer, VocabularyName(vocabulary));
    if (text == nullptr) return std::nullopt;
    NoteCurie(*text);
    Result<VocabularyValue> read = ReadVocabulary(vocabulary, *text, ns());
    if (!read.ok()) {
      Add(pointer, read.status().message());
      return std::nullopt;
    }
    return *read;
  }

  void ReadWhy(const json::Value& event) {
    if (auto v = Vocab(Vocabulary::kBizStep, event.Find("bizStep"), At("bizStep"))) {
      out_.model.set_biz_step(v->model);
    }
    if (auto v = Vocab(Vocabulary::kDisposition, event.Find("disposition"), At("disposition"))) {
      out_.model.set_disposition(v->model);
    }
    const json::Value* persistent = Object(event.Find("persistentDisposition"),
                                           At("persistentDisposition"), "persistentDisposition");
    if (persistent == nullptr) return;
    const std::string pointer = At("persistentDisposition");
    for (const json::Member& member : persistent->members) {
      const std::string where = Under(pointer, member.key);
      if (member.key != "set" && member.key != "unset") {
        CheckExtension(member, where, "extension");
        continue;
      }
      const json::Value* list = Array(*persistent, member.key, where);
      if (list == nullptr) continue;
      for (size_t i = 0; i < list->items.size(); ++i) {
        Vocab(Vocabulary::kDisposition, &list->items[i], Under(where, i));
      }
    }
  }

  void ReadWhere(const json::Value& event, std::string_view key, std::string* model) {
    const std::string pointer = At(key);
    const json::Value* where = Object(event.Find(key), pointer, key);
    if (where == nullptr) return;
    const json::Value* id = where->Find("id");
    if (id == nullptr) {
      Add(pointer, std::string(key) + ".id is missing");
    } else if (const std::string* text = Text(id, Under(pointer, "id"), "id")) {
      Result<std::string> location = ReadLocationId(*text);
      if (location.ok()) {
        *model = *location;
      } else {
        Add(Under(pointer, "id"), location.status().message());
      }
    }
    CheckObjectMembers(*where, pointer, std::initializer_list<std::string_view>{"id"});
  }

  // ---- what

  void ReadEpcLists(const json::Value& event) {
    for (std::string_view key : {"epcList", "childEPCs", "inputEPCList", "outputEPCList"}) {
      const json::Value* list = Array(event, key, At(key));
      if (list == nullptr) continue;
      for (size_t i = 0; i < list->items.size(); ++i) {
        Uri(&list->items[i], Under(At(key), i), "EPC");
      }
    }
    if (const std::string* parent = Uri(event.Find("parentID"), At("parentID"), "parentID")) {
      out_.model.set_parent_id(*parent);
    }
    Uri(event.Find("transformationID"), At("transformationID"), "transformationID");
  }

  void ReadQuantities(const json::Value& event) {
    struct ListRule {
      std::string_view key;
      google::protobuf::RepeatedPtrField<v1::QuantityElement>* model;
    };
    const ListRule lists[] = {
        {"quantityList", out_.model.mutable_quantity_list()},
        {"childQuantityList", out_.model.mutable_quantity_list()},
        {"inputQuantityList", out_.model.mutable_input_quantity_list()},
        {"outputQuantityList", out_.model.mutable_output_quantity_list()},
    };
    for (const ListRule& rule : lists) {
      const json::Value* list = Array(event, rule.key, At(rule.key));
      if (list == nullptr) continue;
      for (size_t i = 0; i < list->items.size(); ++i) {
        ReadQuantityElement(list->items[i], Under(At(rule.key), i), *rule.model);
      }
    }
  }

  void ReadQuantityElement(const json::Value& element, const std::string& pointer,
                           google::protobuf::RepeatedPtrField<v1::QuantityElement>& model) {
    if (Object(&element, pointer, "a quantity element") == nullptr) return;
    CheckObjectMembers(element, pointer, kQuantityMembers);
    v1::QuantityElement mapped;
    bool ok = true;
    const json::Value* epc_class = element.Find("epcClass");
    if (epc_class == nullptr) {
      Add(pointer, "epcClass is missing");
      ok = false;
    } else if (const std::string* uri = Uri(epc_class, Under(pointer, "epcClass"), "epcClass")) {
      Result<std::optional<LotClass>> lot = ReadLotClass(*uri);
      if (!lot.ok()) {
        Add(Under(pointer, "epcClass"), lot.status().message());
        ok = false;
      } else if (!lot->has_value()) {
        Add(Under(pointer, "epcClass"),
            "epcClass " + Quoted(*uri) +
                " names no lot: the chain counts lots (an LGTIN class "
                "urn:epc:class:lgtin:... or a GS1 Digital Link .../01/<GTIN>/10/<lot>)");
        ok = false;
      } else {
        ++lot_elements_;
        mapped.set_product((*lot)->gtin);
        mapped.set_lot_code((*lot)->lot);
      }
    } else {
      ok = false;
    }
    if (std::optional<int64_t> milli = ReadQuantity(element, pointer)) {
      mapped.set_quantity_milli(*milli);
    } else {
      ok = false;
    }
    if (const json::Value* uom = element.Find("uom")) {
      const std::string* text = Text(uom, Under(pointer, "uom"), "uom");
      if (text == nullptr || text->empty()) {
        if (text != nullptr) Add(Under(pointer, "uom"), "uom is empty");
        ok = false;
      } else {
        mapped.set_unit(*text);
      }
    } else {
      mapped.set_unit("EA");  // no uom: a count of the class's items (UN/CEFACT "each")
    }
    if (ok) *model.Add() = std::move(mapped);
  }

  // The quantity as exact milli-units: a JSON number with at most 3 decimals, > 0. A lot's
  // quantity is required: the chain keeps each lot's mass balance.
  std::optional<int64_t> ReadQuantity(const json::Value& element, const std::string& pointer) {
    const json::Value* quantity = element.Find("quantity");
    const std::string where = Under(pointer, "quantity");
    if (quantity == nullptr) {
      Add(pointer, "quantity is missing: the chain keeps every lot's mass balance");
      return std::nullopt;
    }
    if (!quantity->is_number()) {
      Add(where, "quantity must be a JSON number, not " +
                     std::string(json::KindName(quantity->kind)) +
                     (quantity->is_string() ? " (" + Quoted(quantity->text) + ")" : ""));
      return std::nullopt;
    }
    std::optional<json::Decimal> decimal = json::ReadDecimal(quantity->text);
    if (!decimal || decimal->negative || decimal->digits.empty()) {
      Add(where, "quantity " + Quoted(quantity->text) + " must be greater than 0");
      return std::nullopt;
    }
    const int64_t shift = decimal->exponent + 3;
    if (shift < 0) {
      Add(where, "quantity " + Quoted(quantity->text) +
                     " has more than 3 decimals (the chain keeps milli-units)");
      return std::nullopt;
    }
    if (static_cast<int64_t>(decimal->digits.size()) + shift > 18) {
      Add(where, "quantity " + Quoted(quantity->text) + " is too large");
      return std::nullopt;
    }
    int64_t milli = 0;
    for (const char digit : decimal->digits) milli = milli * 10 + (digit - '0');
    for (int64_t i = 0; i < shift; ++i) milli *= 10;
    return milli;
  }

  // ---- parties and documents

  void ReadParties(const json::Value& event, std::string_view key, std::string_view child,
                   google::protobuf::RepeatedPtrField<v1::PartyRef>* model) {
    const json::Value* list = Array(event, key, At(key));
    if (list == nullptr) return;
    for (size_t i = 0; i < list->items.size(); ++i) {
      const std::string pointer = Under(At(key), i);
      const json::Value* entry = Object(&list->items[i], pointer, child);
      if (entry == nullptr) continue;
      CheckObjectMembers(*entry, pointer, std::initializer_list<std::string_view>{"type", child});
      std::optional<VocabularyValue> type;
      if (const json::Value* t = entry->Find("type")) {
        type = Vocab(Vocabulary::kSourceDestinationType, t, Under(pointer, "type"));
        if (!type) continue;
      } else {
        Add(pointer, "type is missing");
        continue;
      }
      const json::Value* id = entry->Find(child);
      if (id == nullptr) {
        Add(pointer, std::string(child) + " is missing");
        continue;
      }
      const std::string* text = Text(id, Under(pointer, child), child);
      if (text == nullptr) continue;
      const bool location = type->model == "location";
      Result<std::string> mapped = location ? ReadLocationId(*text) : ReadPartyId(*text);
      if (!mapped.ok()) {
        Add(Under(pointer, child), mapped.status().message());
        continue;
      }
      // Only CBV's three types mean something to the chain; others stay in the JSON.
      if (!type->standard) continue;
      v1::PartyRef* party = model->Add();
      party->set_type(type->model);
      party->set_id(*mapped);
    }
  }

  void ReadBizTransactions(const json::Value& event) {
    const json::Value* list = Array(event, "bizTransactionList", At("bizTransactionList"));
    if (list == nullptr) return;
    for (size_t i = 0; i < list->items.size(); ++i) {
      const std::string pointer = Under(At("bizTransactionList"), i);
      const json::Value* entry = Object(&list->items[i], pointer, "a bizTransaction");
      if (entry == nullptr) continue;
      CheckObjectMembers(*entry, pointer,
                         std::initializer_list<std::string_view>{"type", "bizTransaction"});
      v1::BizTransaction mapped;
      bool ok = true;
      if (const json::Value* t = entry->Find("type")) {
        std::optional<VocabularyValue> type =
            Vocab(Vocabulary::kBizTransactionType, t, Under(pointer, "type"));
        if (type) {
          mapped.set_type(type->model);
        } else {
          ok = false;
        }
      }
      const json::Value* id = entry->Find("bizTransaction");
      if (id == nullptr) {
        Add(pointer, "bizTransaction is missing");
        ok = false;
      } else if (const std::string* text =
                     Uri(id, Under(pointer, "bizTransaction"), "bizTransaction")) {
        mapped.set_id(ReadBizTransactionId(*text));
      } else {
        ok = false;
      }
      if (ok) *out_.model.add_biz_transaction_list() = std::move(mapped);
    }
  }

  // ---- ILMD

  void ReadIlmd(const json::Value& event) {
    const std::string pointer = At("ilmd");
    const json::Value* ilmd = Object(event.Find("ilmd"), pointer, "ilmd");
    if (ilmd == nullptr) return;
    if (out_.model.type() == v1::OBJECT_EVENT && out_.model.action() != v1::ADD) {
      Add(pointer,
          "ilmd is only for ObjectEvent ADD and TransformationEvent (it describes "
          "objects as they come into being)");
    }
    v1::Ilmd mapped;
    bool any = false;
    for (const json::Member& member : ilmd->members) {
      const std::string where = Under(pointer, member.key);
      std::optional<std::string> iri = ExtensionIri(member.key, where, "ILMD");
      if (!iri) continue;
      CheckExtensionValue(member.value, where);
      std::string* field = nullptr;
      bool date = false;
      if (*iri == kCbvBestBeforeDate) {
        field = mapped.mutable_best_before_date();
        date = true;
      } else if (iri->starts_with(kTadoriIlmdNamespace)) {
        const std::string_view local = std::string_view(*iri).substr(kTadoriIlmdNamespace.size());
        for (const IlmdField& known : kTadoriIlmd) {
          if (known.iri_local == local) {
            field = (mapped.*known.field)();
            date = known.date;
          }
        }
        if (field == nullptr) {
          Add(where, "ILMD key " + Quoted(member.key) + " is not one of tadori's (" +
                         "harvestDate, harvestLocation, coolingDate, coolingLocation, "
                         "packingDate, landingDate, vessel, tlcSource, bestBeforeDate)");
          continue;
        }
      } else {
        continue;  // another namespace: kept in the JSON only
      }
      const std::string* text = Text(&member.value, where, "ILMD " + PrintableExcerpt(member.key));
      if (text == nullptr) continue;
      if (date) {
        Result<int32_t> day = ParseIsoDate(*text);
        if (!day.ok()) {
          Add(where, "ILMD " + PrintableExcerpt(member.key) + " " + Quoted(*text) + ": " +
                         day.status().message());
          continue;
        }
      }
      *field = *text;
      any = true;
    }
    if (any) *out_.model.mutable_ilmd() = std::move(mapped);
  }

  // ---- kept opaque: certificationInfo, sensor data

  void ReadCertificationInfo(const json::Value& event) {
    const json::Value* info = event.Find("certificationInfo");
    if (info == nullptr) return;
    const std::string pointer = At("certificationInfo");
    if (info->is_array()) {
      for (size_t i = 0; i < info->items.size(); ++i) {
        Uri(&info->items[i], Under(pointer, i), "certificationInfo");
      }
    } else {
      Uri(info, pointer, "certificationInfo");
    }
  }

  void CheckTime(const json::Value* value, const std::string& pointer, std::string_view what) {
    const std::string* text = Text(value, pointer, what);
    if (text == nullptr) return;
    Result<int64_t> ms = ParseRfc3339Ms(*text);
    if (!ms.ok())
      Add(pointer, std::string(what) + " " + Quoted(*text) + ": " + ms.status().message());
  }

  void ReadSensorElements(const json::Value& event) {
    const std::string pointer = At("sensorElementList");
    const json::Value* list = Array(event, "sensorElementList", pointer);
    if (list == nullptr) return;
    // Kept as written and exported; no registered device signed it.
    out_.kept.set_unattested_sensor_data(true);
    for (size_t i = 0; i < list->items.size(); ++i) {
      const std::string element_pointer = Under(pointer, i);
      const json::Value* element = Object(&list->items[i], element_pointer, "a sensorElement");
      if (element == nullptr) continue;
      CheckObjectMembers(*element, element_pointer, kSensorElementMembers);
      const std::string metadata_pointer = Under(element_pointer, "sensorMetadata");
      if (const json::Value* metadata =
              Object(element->Find("sensorMetadata"), metadata_pointer, "sensorMetadata")) {
        CheckObjectMembers(*metadata, metadata_pointer, kSensorMetadataMembers);
        for (std::string_view key : {"time", "startTime", "endTime"}) {
          CheckTime(metadata->Find(key), Under(metadata_pointer, key), key);
        }
      }
      const std::string reports_pointer = Under(element_pointer, "sensorReport");
      const json::Value* reports = Array(*element, "sensorReport", reports_pointer);
      if (reports == nullptr) {
        if (element->Find("sensorReport") == nullptr) {
          Add(element_pointer, "sensorReport is missing");
        }
        continue;
      }
      for (size_t r = 0; r < reports->items.size(); ++r) {
        const std::string report_pointer = Under(reports_pointer, r);
        const json::Value* report = Object(&reports->items[r], report_pointer, "a sensorReport");
        if (report == nullptr) continue;
        CheckObjectMembers(*report, report_pointer, kSensorReportMembers);
        CheckTime(report->Find("time"), Under(report_pointer, "time"), "time");
        for (std::string_view key : {"type", "exception", "component"}) {
          if (const json::Value* v = report->Find(key); v != nullptr && v->is_string()) {
            NoteCurie(v->text);
          }
        }
        for (std::string_view key :
             {"value", "minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue"}) {
          const json::Value* v = report->Find(key);
          if (v != nullptr && !v->is_number()) {
            Add(Under(report_pointer, key), std::string(key) + " must be a JSON number, not " +
                                                std::string(json::KindName(v->kind)));
          }
        }
        if (const json::Value* v = report->Find("booleanValue");
            v != nullptr && v->kind != json::Kind::kTrue && v->kind != json::Kind::kFalse) {
          Add(Under(report_pointer, "booleanValue"), "booleanValue must be true or false");
        }
      }
    }
  }

  // ---- error declaration

  void ReadErrorDeclaration(const json::Value& event) {
    const std::string pointer = At("errorDeclaration");
    const json::Value* declaration =
        Object(event.Find("errorDeclaration"), pointer, "errorDeclaration");
    if (declaration == nullptr) return;
    CheckObjectMembers(*declaration, pointer, kErrorDeclarationMembers);
    v1::ErrorDeclaration mapped;
    const json::Value* time = declaration->Find("declarationTime");
    if (time == nullptr) {
      Add(pointer, "declarationTime is missing");
    } else if (const std::string* text =
                   Text(time, Under(pointer, "declarationTime"), "declarationTime")) {
      Result<int64_t> ms = ParseRfc3339Ms(*text);
      if (ms.ok()) {
        mapped.set_declaration_time(*text);
      } else {
        Add(Under(pointer, "declarationTime"),
            "declarationTime " + Quoted(*text) + ": " + ms.status().message());
      }
    }
    if (auto reason = Vocab(Vocabulary::kErrorReason, declaration->Find("reason"),
                            Under(pointer, "reason"))) {
      mapped.set_reason(reason->model);
    }
    const std::string ids_pointer = Under(pointer, "correctiveEventIDs");
    if (const json::Value* ids = Array(*declaration, "correctiveEventIDs", ids_pointer)) {
      for (size_t i = 0; i < ids->items.size(); ++i) {
        if (const std::string* id = Uri(&ids->items[i], Under(ids_pointer, i), "eventID")) {
          mapped.add_corrective_event_ids(*id);
        }
      }
    }
    out_.error_declaration = std::move(mapped);
  }

  // ---- what the chain keeps as written

  void Keep(const json::Value& event) {
    // The members as written, in document order, recordTime left out (an export writes the
    // block time there): compact between members, byte for byte inside each.
    std::string kept = "{";
    for (const json::Member& member : event.members) {
      if (member.key == "recordTime") continue;
      if (kept.size() > 1) kept.push_back(',');
      kept.append(member.raw_key).push_back(':');
      kept.append(member.value.raw);
    }
    kept.push_back('}');
    out_.kept.set_event_json(kept);
    std::string namespaces = "{";
    for (const auto& [prefix, iri] : used_prefixes_) {
      if (namespaces.size() > 1) namespaces.push_back(',');
      namespaces += json::Quote(prefix) + ":" + json::Quote(iri);
    }
    namespaces.push_back('}');
    out_.kept.set_namespaces_json(namespaces);
    const std::string hash = EventHashUri(EventPreHashString(event, ns()));
    out_.kept.set_event_hash(hash);
    if (out_.kept.event_id().empty()) {
      // No eventID: the event is named by its hash (as EPCIS 2.0 suggests), in the model too
      // so lookups by id find it.
      out_.kept.set_event_id(hash);
      out_.model.set_event_id(hash);
    }
  }

  // The prefixes in force: the document's, or a copy with the event's own @context added.
  const Namespaces& ns() const { return event_ns_ ? *event_ns_ : document_ns_; }

  const Namespaces& document_ns_;
  std::optional<Namespaces> event_ns_;
  std::string prefix_;
  MappedEvent out_;
  std::vector<Problem> problems_;
  std::map<std::string, std::string> used_prefixes_;
  size_t lot_elements_ = 0;
};

}  // namespace

MapOutcome MapEventInContext(const Namespaces& document_namespaces, size_t context_bytes,
                             std::string_view event_json, std::string_view pointer_prefix) {
  return EventMapper(document_namespaces, pointer_prefix).Map(context_bytes, event_json);
}

}  // namespace tadori::epcis
