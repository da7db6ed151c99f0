// The JSON-LD "@context" of an EPCIS 2.0 document, read offline.
//
// Nothing is fetched. The only remote contexts understood are GS1's EPCIS 2.0 context, at its
// versioned and unversioned URL; its prefixes (kGs1Prefixes) are built in. Every other
// context item must be an object declaring prefixes, "prefix": "IRI" (or a term definition
// {"@id": "IRI"}); keywords ("@vocab", "@version", ...) are ignored: in particular "@vocab"
// does not make un-prefixed extension keys acceptable, the chain wants every extension key
// to name its namespace explicitly.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/epcis/capture.h"
#include "ledger/epcis/json.h"

namespace tadori::epcis {

inline constexpr std::string_view kGs1ContextVersioned =
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
inline constexpr std::string_view kGs1ContextUnversioned =
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld";

// Prefixes the GS1 EPCIS 2.0 context declares (the ones events use).
struct PrefixDeclaration {
  std::string_view prefix;
  std::string_view iri;
};
inline constexpr PrefixDeclaration kGs1Prefixes[] = {
    {"epcis", "https://ref.gs1.org/epcis/"},
    {"cbv", "https://ref.gs1.org/cbv/"},
    {"cbvmda", "urn:epcglobal:cbv:mda:"},
    {"gs1", "https://gs1.org/voc/"},
    {"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
    {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
    {"owl", "http://www.w3.org/2002/07/owl#"},
    {"xsd", "http://www.w3.org/2001/XMLSchema#"},
    {"dcterms", "http://purl.org/dc/terms/"},
};

// Prefix -> IRI, as a context declares them (later declarations win, as in JSON-LD).
struct Namespaces {
  std::map<std::string, std::string, std::less<>> prefixes;
  bool has_gs1_context = false;

  // The IRI `prefix` stands for, or null.
  const std::string* Find(std::string_view prefix) const;
};

// Adds what a "@context" value declares to `namespaces` (an event's own @context adds to the
// document's). Problems name pointers under `pointer`.
void ReadContext(const json::Value& context, std::string_view pointer, Namespaces& namespaces,
                 std::vector<Problem>& problems);

// A compact IRI "prefix:suffix" split at its first ':' when the prefix is declared and the
// suffix does not start with "//" (then it is an IRI, "https://..."). Else nullopt.
struct Curie {
  std::string prefix;
  std::string iri;  // the expansion
  std::string local;
};
std::optional<Curie> ExpandCurie(const Namespaces& namespaces, std::string_view value);

// RFC 3986 absolute URI, loosely: scheme ":" and at least one more character, no whitespace
// or control characters anywhere.
bool IsAbsoluteUri(std::string_view value);

}  // namespace tadori::epcis
