// CBV 2.0 standard vocabulary values in the forms EPCIS 2.0 JSON-LD writes them, turned into
// the short names the chain's model uses.
//
// A value is accepted as
//   - a bare CBV word of its vocabulary, "shipping" (the GS1 context makes it a CBV term);
//   - a CURIE, "cbv:BizStep-shipping", or a full CBV Web URI,
//     "https://ref.gs1.org/cbv/BizStep-shipping", or the EPCIS 1.x URN,
//     "urn:epcglobal:cbv:bizstep:shipping": all -> "shipping";
//   - tadori's own business steps and dispositions, which CBV lacks (FSMA 204 harvesting,
//     cooling, first land-based receiving, transforming): "urn:tadori:bizstep:harvesting"
//     -> "harvesting" (kTadoriBizStepUrn; dispositions kTadoriDispositionUrn);
//   - any other absolute URI, kept whole (a user vocabulary; chaincode decides whether it
//     knows it).
// A bare word that is not a CBV value of the vocabulary, and anything that is not a URI, is
// refused: JSON-LD would read it as a relative IRI, which means nothing outside the document.
#pragma once

#include <string>
#include <string_view>

#include "ledger/epcis/context.h"
#include "ledger/status.h"

namespace tadori::epcis {

enum class Vocabulary {
  kBizStep,                // CBV "BizStep-"
  kDisposition,            // "Disp-"
  kBizTransactionType,     // "BTT-"
  kSourceDestinationType,  // "SDT-"
  kErrorReason,            // "ER-"
};

inline constexpr std::string_view kCbvWebUri = "https://ref.gs1.org/cbv/";
inline constexpr std::string_view kTadoriBizStepUrn = "urn:tadori:bizstep:";
inline constexpr std::string_view kTadoriDispositionUrn = "urn:tadori:disp:";

struct VocabularyValue {
  // What the model keeps: the CBV short name ("shipping") or the URI as written (CURIEs
  // expanded).
  std::string model;
  // The value as the event hash writes it: the CBV Web URI
  // ("https://ref.gs1.org/cbv/BizStep-shipping") or the expanded URI.
  std::string canonical;
  bool standard = false;  // a CBV value (or tadori's own step/disposition)
};

// INVALID_ARGUMENT naming what is wrong when `value` is neither a value of `vocabulary` nor an
// absolute URI.
Result<VocabularyValue> ReadVocabulary(Vocabulary vocabulary, std::string_view value,
                                       const Namespaces& namespaces);

// True when `word` is a CBV 2.0 value of `vocabulary` ("shipping" for kBizStep).
bool IsCbvWord(Vocabulary vocabulary, std::string_view word);

// How an export writes a model short name back: the bare CBV word, tadori's URN for its own
// steps/dispositions, or the URI the model holds.
std::string ExportBizStep(std::string_view model_value);
std::string ExportDisposition(std::string_view model_value);

// The vocabulary's name for messages: "bizStep", "disposition", ...
std::string_view VocabularyName(Vocabulary vocabulary);

}  // namespace tadori::epcis
