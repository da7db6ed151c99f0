#include "ledger/epcis/vocabulary.h"

#include <algorithm>
#include <iterator>
#include <span>

#include "ledger/utf8.h"

namespace tadori::epcis {
namespace {

// CBV 2.0 (GS1 Core Business Vocabulary, 2022), sections 7.1-7.6: the values of each
// standard vocabulary, sorted (binary search).
constexpr std::string_view kBizSteps[] = {
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "sampling",
    "sensor_reporting",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
};
constexpr std::string_view kDispositions[] = {
    "active",
    "available",
    "completeness_inferred",
    "completeness_verified",
    "conformant",
    "container_closed",
    "container_open",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "mismatch_class",
    "mismatch_instance",
    "mismatch_quantity",
    "needs_replacement",
    "no_pedigree_match",
    "non_conformant",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unavailable",
    "unknown",
};
constexpr std::string_view kBizTransactionTypes[] = {
    "bol",       "cert",   "desadv", "inv",     "pedigree", "po",    "poc",
    "prodorder", "recadv", "rma",    "testprd", "testres",  "upevt",
};
constexpr std::string_view kSourceDestinationTypes[] = {"location", "owning_party",
                                                        "possessing_party"};
constexpr std::string_view kErrorReasons[] = {"did_not_occur", "incorrect_data"};

static_assert(std::is_sorted(std::begin(kBizSteps), std::end(kBizSteps)));
static_assert(std::is_sorted(std::begin(kDispositions), std::end(kDispositions)));
static_assert(std::is_sorted(std::begin(kBizTransactionTypes), std::end(kBizTransactionTypes)));
static_assert(std::is_sorted(std::begin(kSourceDestinationTypes),
                             std::end(kSourceDestinationTypes)));

struct VocabularyTable {
  std::span<const std::string_view> words;
  std::string_view web_term;  // "BizStep-" in https://ref.gs1.org/cbv/BizStep-shipping
  std::string_view urn_term;  // "bizstep:" in urn:epcglobal:cbv:bizstep:shipping
  std::string_view tadori;    // tadori's URN prefix for its own values, or empty
};

VocabularyTable Table(Vocabulary vocabulary) {
  switch (vocabulary) {
    case Vocabulary::kBizStep:
      return {kBizSteps, "BizStep-", "bizstep:", kTadoriBizStepUrn};
    case Vocabulary::kDisposition:
      return {kDispositions, "Disp-", "disp:", kTadoriDispositionUrn};
    case Vocabulary::kBizTransactionType:
      return {kBizTransactionTypes, "BTT-", "btt:", ""};
    case Vocabulary::kSourceDestinationType:
      return {kSourceDestinationTypes, "SDT-", "sdt:", ""};
    case Vocabulary::kErrorReason:
      return {kErrorReasons, "ER-", "er:", ""};
  }
  return {};
}

bool Contains(std::span<const std::string_view> words, std::string_view word) {
  return std::binary_search(words.begin(), words.end(), word);
}

// A name usable as a short name: what follows a known prefix, non-empty, no '/' or ':'.
bool IsShortName(std::string_view word) {
  return !word.empty() && word.find_first_of("/:#?") == std::string_view::npos;
}

}  // namespace

std::string_view VocabularyName(Vocabulary vocabulary) {
  switch (vocabulary) {
    case Vocabulary::kBizStep:
      return "bizStep";
    case Vocabulary::kDisposition:
      return "disposition";
    case Vocabulary::kBizTransactionType:
      return "business transaction type";
    case Vocabulary::kSourceDestinationType:
      return "source/destination type";
    case Vocabulary::kErrorReason:
      return "error reason";
  }
  return "value";
}

bool IsCbvWord(Vocabulary vocabulary, std::string_view word) {
  return Contains(Table(vocabulary).words, word);
}

Result<VocabularyValue> ReadVocabulary(Vocabulary vocabulary, std::string_view value,
                                       const Namespaces& namespaces) {
  const VocabularyTable table = Table(vocabulary);
  const auto standard = [&](std::string_view word) {
    return VocabularyValue{
        std::string(word),
        std::string(kCbvWebUri) + std::string(table.web_term) + std::string(word), true};
  };
  if (value.find(':') == std::string_view::npos) {
    if (Contains(table.words, value)) return standard(value);
    return Status::InvalidArgument(std::string(VocabularyName(vocabulary)) + " " +
                                   json::Quote(PrintableExcerpt(value)) +
                                   " is neither a CBV 2.0 value nor an absolute URI");
  }
  std::string uri(value);
  if (std::optional<Curie> curie = ExpandCurie(namespaces, value)) uri = curie->iri;
  if (!IsAbsoluteUri(uri)) {
    return Status::InvalidArgument(std::string(VocabularyName(vocabulary)) + " " +
                                   json::Quote(PrintableExcerpt(value)) +
                                   " is neither a CBV 2.0 value nor an absolute URI");
  }
  const std::string web = std::string(kCbvWebUri) + std::string(table.web_term);
  const std::string urn = "urn:epcglobal:cbv:" + std::string(table.urn_term);
  for (const std::string& form : {web, urn}) {
    if (uri.starts_with(form)) {
      const std::string_view word = std::string_view(uri).substr(form.size());
      if (Contains(table.words, word)) return standard(word);
    }
  }
  if (!table.tadori.empty() && uri.starts_with(table.tadori)) {
    const std::string_view word = std::string_view(uri).substr(table.tadori.size());
    if (IsShortName(word)) return VocabularyValue{std::string(word), uri, true};
  }
  return VocabularyValue{uri, uri, false};
}

std::string ExportBizStep(std::string_view model_value) {
  if (IsCbvWord(Vocabulary::kBizStep, model_value) || model_value.find(':') != model_value.npos) {
    return std::string(model_value);
  }
  return std::string(kTadoriBizStepUrn) + std::string(model_value);
}

std::string ExportDisposition(std::string_view model_value) {
  if (IsCbvWord(Vocabulary::kDisposition, model_value) ||
      model_value.find(':') != model_value.npos) {
    return std::string(model_value);
  }
  return std::string(kTadoriDispositionUrn) + std::string(model_value);
}

}  // namespace tadori::epcis
