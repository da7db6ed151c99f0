// The EPCIS event hash: a fingerprint of an event's content that does not depend on how it
// was written (member order, whitespace, CURIE vs full URI, EPC URN vs Digital Link, bare
// CBV word vs CBV URI, time zone of a timestamp). The chain indexes every captured event by
// it, so the same event captured twice, even under another eventID, is found.
//
// What is implemented: the "EPCIS Event Hash ID" algorithm of GS1 CBV 2.0 (section 8.9), as
// its public reference description states it (github.com/RalphTro/epcis-event-hash-generator,
// README "Algorithm" and "Canonical property order"; this is an own implementation, no code
// copied):
//   - The pre-hash string is "eventType=<type>" followed by the event's data elements in the
//     canonical property order: eventTime, eventTimeZoneOffset, epcList, parentID,
//     inputEPCList, childEPCs, quantityList, childQuantityList, inputQuantityList,
//     outputEPCList, outputQuantityList, action, transformationID, bizStep, disposition,
//     persistentDisposition (set, unset), readPoint (id), bizLocation (id),
//     bizTransactionList, sourceList, destinationList, sensorElementList (sensorMetadata:
//     time, startTime, endTime, deviceID, deviceMetadata, rawData, dataProcessingMethod,
//     bizRules; sensorReport: type, exception, deviceID, deviceMetadata, rawData,
//     dataProcessingMethod, time, microorganism, chemicalSubstance, value, component,
//     stringValue, booleanValue, hexBinaryValue, uriValue, minValue, maxValue, meanValue,
//     sDev, percRank, percValue, uom, coordinateReferenceSystem), ilmd, user extensions.
//   - Elements are concatenated with no separator; a value is written "key=value"; a list's
//     name appears once, followed by its children ("epcListepc=...epc=...",
//     "quantityListquantityElementepcClass=...quantity=...uom=..."); the children of a list
//     (each as its own concatenated string) are sorted by byte value; a child with a type
//     writes the value first, then "type=..." (bizTransaction, source, destination).
//   - Values are trimmed; numbers lose trailing zeros and exponents ("10.50" -> "10.5");
//     timestamps are written in UTC with milliseconds, "2026-11-20T21:30:00.000Z";
//     CURIEs are expanded; CBV values become CBV Web URIs
//     ("https://ref.gs1.org/cbv/BizStep-shipping"), also from EPCIS 1.x URNs; EPC URNs
//     become constrained canonical GS1 Digital Links (id.gs1.org, no query, finest key
//     only; see identifiers.h CanonicalDigitalLink).
//   - ILMD members and user extensions (at event level, nested, and inside readPoint,
//     bizLocation, sensorElement, sensorMetadata and sensorReport, appended after that
//     element's standard fields) are written "{namespace IRI}localName=value" (objects:
//     "{ns}name" then their children), each level sorted by byte value.
//   - Left out: eventID, recordTime, errorDeclaration, certificationInfo and @context (as the
//     reference does: the hash names the event's content, so an error declaration that
//     repeats an event hashes like it).
//   - The hash is SHA-256 of the UTF-8 pre-hash string, written
//     "ni:///sha-256;<64 lower-case hex>?ver=CBV2.0" (RFC 6920 with the CBV version).
// Where it departs from (or cannot be sure to match) the reference:
//   - EPC URNs other than sgtin, lgtin, idpat:sgtin, sscc, sgln and pgln (grai, giai, gdti,
//     ...) are kept as written, not converted to Digital Link.
//   - Digital Link values are re-encoded with everything but RFC 3986 unreserved characters
//     percent-encoded; the reference's exact escaping of GS1 AI 82 characters may differ.
//   - Timestamps inside user extensions are not recognised as timestamps (kept as written).
//   - A JSON-LD "@value" in an extension is written as the value; other "@" keywords inside
//     extensions are left out.
//   - No fixture of GS1's reference output is checked here (its example files are not open
//     licensed), so byte equality with other implementations is not proven: the chain only
//     needs the hash to be stable and content-sensitive, which the tests assert.
#pragma once

#include <string>
#include <string_view>

#include "ledger/epcis/context.h"
#include "ledger/epcis/json.h"

namespace tadori::epcis {

// The canonical pre-hash string of `event` (an event object; values it cannot normalise are
// written as they are, so any object has one).
std::string EventPreHashString(const json::Value& event, const Namespaces& namespaces);

// "ni:///sha-256;<hex>?ver=CBV2.0" of a pre-hash string.
std::string EventHashUri(std::string_view pre_hash);

}  // namespace tadori::epcis
