#include "ledger/epcis/event_hash.h"

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "ledger/epcis/identifiers.h"
#include "ledger/epcis/vocabulary.h"
#include "ledger/hash.h"
#include "ledger/rfc3339.h"

namespace tadori::epcis {
namespace {

enum class Form { kPlain, kId, kTime, kBizStep, kDisposition, kCurie };

struct Field {
  std::string_view key;
  Form form;
};

constexpr Field kSensorMetadataFields[] = {
    {"time", Form::kTime},
    {"startTime", Form::kTime},
    {"endTime", Form::kTime},
    {"deviceID", Form::kId},
    {"deviceMetadata", Form::kId},
    {"rawData", Form::kId},
    {"dataProcessingMethod", Form::kId},
    {"bizRules", Form::kId},
};

constexpr Field kSensorReportFields[] = {
    {"type", Form::kCurie},
    {"exception", Form::kCurie},
    {"deviceID", Form::kId},
    {"deviceMetadata", Form::kId},
    {"rawData", Form::kId},
    {"dataProcessingMethod", Form::kId},
    {"time", Form::kTime},
    {"microorganism", Form::kId},
    {"chemicalSubstance", Form::kId},
    {"value", Form::kPlain},
    {"component", Form::kCurie},
    {"stringValue", Form::kPlain},
    {"booleanValue", Form::kPlain},
    {"hexBinaryValue", Form::kPlain},
    {"uriValue", Form::kId},
    {"minValue", Form::kPlain},
    {"maxValue", Form::kPlain},
    {"meanValue", Form::kPlain},
    {"sDev", Form::kPlain},
    {"percRank", Form::kPlain},
    {"percValue", Form::kPlain},
    {"uom", Form::kPlain},
    {"coordinateReferenceSystem", Form::kId},
};

// Event members that are neither hashed as standard fields nor user extensions.
constexpr std::string_view kLeftOut[] = {
    "@context", "type", "eventID", "recordTime", "errorDeclaration", "certificationInfo"};

constexpr std::string_view kEventFields[] = {
    "eventTime",
    "eventTimeZoneOffset",
    "epcList",
    "parentID",
    "inputEPCList",
    "childEPCs",
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputEPCList",
    "outputQuantityList",
    "action",
    "transformationID",
    "bizStep",
    "disposition",
    "persistentDisposition",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "sensorElementList",
    "ilmd",
};

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

template <typename Range>
bool In(const Range& keys, std::string_view key) {
  return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

class PreHash {
 public:
  explicit PreHash(const Namespaces& namespaces) : ns_(namespaces) {}

  std::string Event(const json::Value& event) {
    std::string out;
    if (const json::Value* type = event.Find("type"); type != nullptr) {
      out += "eventType=" + Value(*type, Form::kPlain);
    }
    for (std::string_view key : kEventFields) {
      const json::Value* value = event.Find(key);
      if (value == nullptr) continue;
      if (key == "eventTime") {
        out += "eventTime=" + Value(*value, Form::kTime);
      } else if (key.ends_with("EPCList") || key == "epcList" || key == "childEPCs") {
        out += IdList(key, "epc", *value);
      } else if (key.ends_with("uantityList")) {
        out += QuantityList(key, *value);
      } else if (key == "parentID") {
        out += "parentID=" + Value(*value, Form::kId);
      } else if (key == "bizStep") {
        out += "bizStep=" + Value(*value, Form::kBizStep);
      } else if (key == "disposition") {
        out += "disposition=" + Value(*value, Form::kDisposition);
      } else if (key == "persistentDisposition") {
        out += PersistentDisposition(*value);
      } else if (key == "readPoint" || key == "bizLocation") {
        out += Location(key, *value);
      } else if (key == "bizTransactionList") {
        out += TypedList(key, "bizTransaction", Vocabulary::kBizTransactionType, *value);
      } else if (key == "sourceList") {
        out += TypedList(key, "source", Vocabulary::kSourceDestinationType, *value);
      } else if (key == "destinationList") {
        out += TypedList(key, "destination", Vocabulary::kSourceDestinationType, *value);
      } else if (key == "sensorElementList") {
        out += SensorElementList(*value);
      } else if (key == "ilmd") {
        out += "ilmd" + SortedExtensions(*value, {});
      } else {
        out += std::string(key) + "=" + Value(*value, Form::kPlain);
      }
    }
    std::vector<std::string> extensions;
    for (const json::Member& member : event.members) {
      if (In(kEventFields, member.key) || In(kLeftOut, member.key)) continue;
      Extension(member.key, member.value, extensions);
    }
    return out + Joined(std::move(extensions));
  }

 private:
  static std::string Joined(std::vector<std::string> parts) {
    std::sort(parts.begin(), parts.end());
    std::string out;
    for (const std::string& part : parts) out += part;
    return out;
  }

  std::string Id(std::string_view text) const {
    std::string value(Trim(text));
    if (std::optional<Curie> curie = ExpandCurie(ns_, value)) value = curie->iri;
    if (std::optional<std::string> link = CanonicalDigitalLink(value)) return *link;
    return value;
  }

  static std::string Time(std::string_view text) {
    Result<int64_t> ms = ParseRfc3339Ms(Trim(text));
    if (!ms.ok()) return std::string(Trim(text));
    std::string utc = FormatRfc3339Ms(*ms, 0);  // "...:SSZ" or "...:SS.fffZ"
    if (utc.find('.') == std::string::npos) utc.insert(utc.size() - 1, ".000");
    return utc;
  }

  std::string Value(const json::Value& value, Form form) const {
    switch (value.kind) {
      case json::Kind::kNumber:
        return json::CanonicalNumber(value.text);
      case json::Kind::kTrue:
        return "true";
      case json::Kind::kFalse:
        return "false";
      case json::Kind::kString:
        break;
      default:
        return std::string(value.raw);  // not a standard shape: hashed as written
    }
    switch (form) {
      case Form::kPlain:
        return std::string(Trim(value.text));
      case Form::kId:
        return Id(value.text);
      case Form::kTime:
        return Time(value.text);
      case Form::kBizStep:
      case Form::kDisposition: {
        Result<VocabularyValue> v =
            ReadVocabulary(form == Form::kBizStep ? Vocabulary::kBizStep : Vocabulary::kDisposition,
                           Trim(value.text), ns_);
        return v.ok() ? v->canonical : std::string(Trim(value.text));
      }
      case Form::kCurie: {
        std::optional<Curie> curie = ExpandCurie(ns_, Trim(value.text));
        return curie ? curie->iri : std::string(Trim(value.text));
      }
    }
    return std::string(Trim(value.text));
  }

  std::string IdList(std::string_view name, std::string_view child, const json::Value& list) {
    std::vector<std::string> parts;
    for (const json::Value& item : list.items) {
      parts.push_back(std::string(child) + "=" + Value(item, Form::kId));
    }
    return std::string(name) + Joined(std::move(parts));
  }

  std::string QuantityList(std::string_view name, const json::Value& list) {
    std::vector<std::string> parts;
    for (const json::Value& element : list.items) {
      std::string part = "quantityElement";
      if (const json::Value* v = element.Find("epcClass"))
        part += "epcClass=" + Value(*v, Form::kId);
      if (const json::Value* v = element.Find("quantity"))
        part += "quantity=" + Value(*v, Form::kPlain);
      if (const json::Value* v = element.Find("uom")) part += "uom=" + Value(*v, Form::kPlain);
      parts.push_back(std::move(part));
    }
    return std::string(name) + Joined(std::move(parts));
  }

  std::string PersistentDisposition(const json::Value& value) {
    std::string out = "persistentDisposition";
    for (std::string_view key : {"set", "unset"}) {
      const json::Value* list = value.Find(key);
      if (list == nullptr) continue;
      std::vector<std::string> parts;
      for (const json::Value& item : list->items) {
        parts.push_back(std::string(key) + "=" + Value(item, Form::kDisposition));
      }
      out += Joined(std::move(parts));
    }
    return out;
  }

  std::string Location(std::string_view name, const json::Value& value) {
    std::string out(name);
    if (const json::Value* id = value.Find("id")) out += "id=" + Value(*id, Form::kId);
    return out + SortedExtensions(value, {"id"});
  }

  std::string TypedList(std::string_view name, std::string_view child, Vocabulary types,
                        const json::Value& list) {
    std::vector<std::string> parts;
    for (const json::Value& element : list.items) {
      std::string part;
      if (const json::Value* v = element.Find(child)) {
        part += std::string(child) + "=" + Value(*v, Form::kId);
      }
      if (const json::Value* t = element.Find("type"); t != nullptr && t->is_string()) {
        Result<VocabularyValue> type = ReadVocabulary(types, Trim(t->text), ns_);
        part += "type=" + (type.ok() ? type->canonical : std::string(Trim(t->text)));
      }
      parts.push_back(std::move(part));
    }
    return std::string(name) + Joined(std::move(parts));
  }

  template <size_t N>
  std::string Ordered(std::string_view name, const json::Value& object, const Field (&fields)[N]) {
    std::string out(name);
    std::vector<std::string_view> standard;
    for (const Field& field : fields) {
      standard.push_back(field.key);
      if (const json::Value* v = object.Find(field.key)) {
        out += std::string(field.key) + "=" + Value(*v, field.form);
      }
    }
    return out + SortedExtensions(object, standard);
  }

  std::string SensorElementList(const json::Value& list) {
    std::vector<std::string> elements;
    for (const json::Value& element : list.items) {
      std::string part = "sensorElement";
      if (const json::Value* metadata = element.Find("sensorMetadata")) {
        part += Ordered("sensorMetadata", *metadata, kSensorMetadataFields);
      }
      if (const json::Value* reports = element.Find("sensorReport")) {
        std::vector<std::string> parts;
        for (const json::Value& report : reports->items) {
          parts.push_back(Ordered("sensorReport", report, kSensorReportFields));
        }
        part += Joined(std::move(parts));
      }
      elements.push_back(part + SortedExtensions(element, {"sensorMetadata", "sensorReport"}));
    }
    return "sensorElementList" + Joined(std::move(elements));
  }

  // "{namespace}local" for an extension key.
  std::string ExtensionName(std::string_view key) const {
    if (std::optional<Curie> curie = ExpandCurie(ns_, key)) {
      return "{" + *ns_.Find(curie->prefix) + "}" + curie->local;
    }
    const size_t split = key.find_last_of("#/");
    if (IsAbsoluteUri(key) && split != std::string_view::npos) {
      return "{" + std::string(key.substr(0, split + 1)) + "}" + std::string(key.substr(split + 1));
    }
    return std::string(key);
  }

  void Extension(std::string_view key, const json::Value& value, std::vector<std::string>& out) {
    const std::string name = ExtensionName(key);
    switch (value.kind) {
      case json::Kind::kArray:
        for (const json::Value& item : value.items) Extension(key, item, out);
        return;
      case json::Kind::kObject: {
        if (const json::Value* literal = value.Find("@value")) {
          out.push_back(name + "=" + Value(*literal, Form::kId));
          return;
        }
        out.push_back(name + SortedExtensions(value, {}));
        return;
      }
      case json::Kind::kNull:
        out.push_back(name);
        return;
      default:
        out.push_back(name + "=" + Value(value, Form::kId));
        return;
    }
  }

  std::string SortedExtensions(const json::Value& object,
                               const std::vector<std::string_view>& standard) {
    std::vector<std::string> parts;
    for (const json::Member& member : object.members) {
      if (In(standard, member.key) || member.key.starts_with('@')) continue;
      Extension(member.key, member.value, parts);
    }
    return Joined(std::move(parts));
  }

  const Namespaces& ns_;
};

}  // namespace

std::string EventPreHashString(const json::Value& event, const Namespaces& namespaces) {
  return PreHash(namespaces).Event(event);
}

std::string EventHashUri(std::string_view pre_hash) {
  return "ni:///sha-256;" + Sha256(pre_hash).Hex() + "?ver=CBV2.0";
}

}  // namespace tadori::epcis
