// GS1 identifiers in EPCIS 2.0 documents: EPC URNs (EPC Tag Data Standard) and GS1 Digital
// Link URIs, turned into the ids the chain's model uses.
//
// Products and lots. A lot-level class names a product and a lot:
//   urn:epc:class:lgtin:<company prefix>.<indicator digit + item reference>.<lot>
//   https://<any host>/[<path>/]01/<GTIN>/10/<lot>            (GS1 Digital Link)
// Both become (GTIN-14, lot): the chain registers products by their GTIN-14 digits (the
// quickstart's "04569951000010"), so an LGTIN's GTIN is rebuilt with its check digit
// (indicator digit, company prefix, item reference, GS1 mod-10 check digit) and a Digital
// Link's GTIN-8/12/13 is left-padded to 14 digits (its check digit must be right). The lot is
// percent-decoded.
//
// Locations (readPoint, bizLocation, source/destination of type location):
//   - an SGLN URN, urn:epc:id:sgln:..., is kept exactly as written: that is how the chain's
//     registry and the quickstart name locations ("urn:epc:id:sgln:4569951.10001.0");
//   - a Digital Link GLN, .../414/<GLN>[/254/<extension>], becomes its canonical Digital Link
//     https://id.gs1.org/414/<GLN>[/254/<extension>]. It is NOT rewritten as an SGLN URN:
//     that needs the length of the GS1 company prefix, which the GLN does not carry (only
//     GS1's prefix tables know it). So the two spellings of one GLN are two location ids on
//     the chain; register locations in the form your documents use;
//   - any other absolute URI (geo:..., a private URN) is kept as written.
// Parties (source/destination of type owning_party / possessing_party):
//   - urn:tadori:org:<org-id> -> <org-id>: how an event names a tadori organisation (and
//     how exports write native parties, so they round-trip);
//   - a PGLN URN is kept as written; a Digital Link .../417/<GLN> becomes canonical
//     https://id.gs1.org/417/<GLN>; any other absolute URI is kept as written. Chaincode
//     compares party ids with org ids, so only the urn:tadori:org form moves custody.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/status.h"

namespace tadori::epcis {

inline constexpr std::string_view kTadoriOrgUrn = "urn:tadori:org:";
// How exports write what has no GS1 form (query_document.h), read back to the same model:
// a class of a product that is not a GTIN, urn:tadori:class:<product>:<lot> (both
// percent-encoded), is that product's lot; a business transaction id that is not a URI,
// urn:tadori:bt:<id> (percent-encoded), is that id.
inline constexpr std::string_view kTadoriClassUrn = "urn:tadori:class:";
inline constexpr std::string_view kTadoriBizTransactionUrn = "urn:tadori:bt:";

// The GS1 mod-10 check digit of `digits` (weights 3, 1, 3, ... from the right), as '0'..'9'.
// `digits` must be all decimal digits.
char Gs1CheckDigit(std::string_view digits);

// True for 14 decimal digits whose last is the check digit of the first 13.
bool IsValidGtin14(std::string_view gtin);

struct LotClass {
  std::string gtin;  // 14 digits
  std::string lot;
};

// A lot-level class (see above, and urn:tadori:class:): the product and lot; nullopt when
// `uri` is a class that names no lot (a Digital Link without /10/; any other URI);
// INVALID_ARGUMENT when it looks like an LGTIN or a Digital Link GTIN but is malformed.
Result<std::optional<LotClass>> ReadLotClass(std::string_view uri);

// The business transaction id of a bizTransaction URI: urn:tadori:bt:<id> -> <id>
// (percent-decoded), any other URI as written.
std::string ReadBizTransactionId(std::string_view uri);

// The location id of a location URI (see above); INVALID_ARGUMENT when it is not a URI or a
// malformed SGLN / Digital Link GLN.
Result<std::string> ReadLocationId(std::string_view uri);

// The party id of a party URI (see above).
Result<std::string> ReadPartyId(std::string_view uri);

// The GS1 keys of a GS1 Digital Link URI's path, in order, percent-decoded:
// {("01", "04569951000010"), ("10", "LOT-1")}. nullopt when `uri` is not http(s) or its path
// holds no GS1 primary key followed by key/value pairs.
std::optional<std::vector<std::pair<std::string, std::string>>> DigitalLinkKeys(
    std::string_view uri);

// The constrained canonical GS1 Digital Link the EPCIS event hash writes for an EPC URN or a
// Digital Link (host id.gs1.org, no query, only the finest level of identification: 01+21,
// else 01+10, else 01; 414+254; 8006+21/10; 8010+8011). nullopt for URIs it does not convert
// (other schemes; EPC URNs other than sgtin, lgtin, idpat:sgtin, sscc, sgln, pgln).
std::optional<std::string> CanonicalDigitalLink(std::string_view uri);

// For exports: the party URI of a tadori org; the Digital Link of a lot (nullopt when the
// product is not a GTIN-14).
std::string OrgPartyUri(std::string_view org_id);
std::optional<std::string> LotClassUri(std::string_view gtin, std::string_view lot);

}  // namespace tadori::epcis
