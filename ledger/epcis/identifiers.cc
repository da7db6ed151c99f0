#include "ledger/epcis/identifiers.h"

#include <algorithm>

#include "ledger/epcis/context.h"
#include "ledger/epcis/json.h"
#include "ledger/utf8.h"

namespace tadori::epcis {
namespace {

constexpr std::string_view kCanonicalHost = "https://id.gs1.org";

// GS1 primary keys a Digital Link path may start with.
constexpr std::string_view kPrimaryKeys[] = {"00",  "01",   "253",  "255",  "401",  "402",  "414",
                                             "417", "8003", "8004", "8006", "8010", "8017", "8018"};

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  if (!IsValidUtf8(out)) return std::nullopt;
  return out;
}

// Everything but RFC 3986 unreserved characters is percent-encoded (upper-case hex).
std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

Status Malformed(std::string_view what, std::string_view uri, std::string_view why) {
  return Status::InvalidArgument(std::string(what) + " " + json::Quote(PrintableExcerpt(uri)) +
                                 " is malformed: " + std::string(why));
}

// Splits "a.b.c" after `prefix` into exactly `parts` fields at the first parts-1 dots.
std::optional<std::vector<std::string_view>> SplitFields(std::string_view rest, size_t parts) {
  std::vector<std::string_view> fields;
  for (size_t i = 0; i + 1 < parts; ++i) {
    const size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    fields.push_back(rest.substr(0, dot));
    rest = rest.substr(dot + 1);
  }
  fields.push_back(rest);
  return fields;
}

// <company prefix>.<indicator + item reference> -> GTIN-14 (EPC TDS: the indicator digit
// leads, then the company prefix, then the item reference, then the check digit).
Result<std::string> GtinFromEpc(std::string_view uri, std::string_view company_prefix,
                                std::string_view item_reference) {
  if (!AllDigits(company_prefix) || !AllDigits(item_reference)) {
    return Malformed("EPC", uri, "company prefix and item reference must be digits");
  }
  if (company_prefix.size() < 6 || company_prefix.size() > 12 ||
      company_prefix.size() + item_reference.size() != 13) {
    return Malformed("EPC", uri,
                     "company prefix (6-12 digits) and indicator + item reference must have 13 "
                     "digits together");
  }
  std::string gtin13;
  gtin13.push_back(item_reference[0]);
  gtin13.append(company_prefix);
  gtin13.append(item_reference.substr(1));
  return gtin13 + Gs1CheckDigit(gtin13);
}

// <company prefix>.<reference> with 12 digits together -> GLN-13 (SGLN and PGLN).
Result<std::string> GlnFromEpc(std::string_view uri, std::string_view company_prefix,
                               std::string_view reference) {
  if (!AllDigits(company_prefix) || (!reference.empty() && !AllDigits(reference)) ||
      company_prefix.size() + reference.size() != 12) {
    return Malformed("GLN EPC", uri, "company prefix and reference must be 12 digits together");
  }
  const std::string gln12 = std::string(company_prefix) + std::string(reference);
  return gln12 + Gs1CheckDigit(gln12);
}

// A Digital Link GTIN (8, 12, 13 or 14 digits with a right check digit) as GTIN-14.
Result<std::string> GtinFromDigitalLink(std::string_view uri, std::string_view gtin) {
  if (!AllDigits(gtin) ||
      (gtin.size() != 8 && gtin.size() != 12 && gtin.size() != 13 && gtin.size() != 14)) {
    return Malformed("Digital Link", uri, "a GTIN has 8, 12, 13 or 14 digits");
  }
  std::string gtin14 = std::string(14 - gtin.size(), '0') + std::string(gtin);
  if (!IsValidGtin14(gtin14)) return Malformed("Digital Link", uri, "wrong GTIN check digit");
  return gtin14;
}

Result<std::string> GlnFromDigitalLink(std::string_view uri, std::string_view gln) {
  if (!AllDigits(gln) || gln.size() != 13) {
    return Malformed("Digital Link", uri, "a GLN has 13 digits");
  }
  if (Gs1CheckDigit(gln.substr(0, 12)) != gln[12]) {
    return Malformed("Digital Link", uri, "wrong GLN check digit");
  }
  return std::string(gln);
}

const std::string* KeyValue(const std::vector<std::pair<std::string, std::string>>& keys,
                            std::string_view ai) {
  for (const auto& [key, value] : keys) {
    if (key == ai) return &value;
  }
  return nullptr;
}

std::string BuildLink(const std::vector<std::pair<std::string, std::string>>& keys) {
  std::string out(kCanonicalHost);
  for (const auto& [key, value] : keys) {
    out += "/" + key + "/" + PercentEncode(value);
  }
  return out;
}

// The EPC URNs the event hash converts, as Digital Link keys.
std::optional<std::vector<std::pair<std::string, std::string>>> EpcKeys(std::string_view uri) {
  const auto fields_after = [&](std::string_view prefix,
                                size_t parts) -> std::optional<std::vector<std::string_view>> {
    if (!uri.starts_with(prefix)) return std::nullopt;
    return SplitFields(uri.substr(prefix.size()), parts);
  };
  if (auto f = fields_after("urn:epc:id:sgtin:", 3)) {
    Result<std::string> gtin = GtinFromEpc(uri, (*f)[0], (*f)[1]);
    std::optional<std::string> serial = PercentDecode((*f)[2]);
    if (!gtin.ok() || !serial || serial->empty()) return std::nullopt;
    return std::vector<std::pair<std::string, std::string>>{{"01", *gtin}, {"21", *serial}};
  }
  if (auto f = fields_after("urn:epc:class:lgtin:", 3)) {
    Result<std::string> gtin = GtinFromEpc(uri, (*f)[0], (*f)[1]);
    std::optional<std::string> lot = PercentDecode((*f)[2]);
    if (!gtin.ok() || !lot || lot->empty()) return std::nullopt;
    return std::vector<std::pair<std::string, std::string>>{{"01", *gtin}, {"10", *lot}};
  }
  if (auto f = fields_after("urn:epc:idpat:sgtin:", 3)) {
    Result<std::string> gtin = GtinFromEpc(uri, (*f)[0], (*f)[1]);
    if (!gtin.ok() || (*f)[2] != "*") return std::nullopt;
    return std::vector<std::pair<std::string, std::string>>{{"01", *gtin}};
  }
  if (auto f = fields_after("urn:epc:id:sscc:", 2)) {
    const std::string_view cp = (*f)[0];
    const std::string_view ref = (*f)[1];
    if (!AllDigits(cp) || !AllDigits(ref) || cp.size() + ref.size() != 17) return std::nullopt;
    std::string sscc17;
    sscc17.push_back(ref[0]);
    sscc17.append(cp);
    sscc17.append(ref.substr(1));
    return std::vector<std::pair<std::string, std::string>>{{"00", sscc17 + Gs1CheckDigit(sscc17)}};
  }
  if (auto f = fields_after("urn:epc:id:sgln:", 3)) {
    Result<std::string> gln = GlnFromEpc(uri, (*f)[0], (*f)[1]);
    std::optional<std::string> extension = PercentDecode((*f)[2]);
    if (!gln.ok() || !extension) return std::nullopt;
    std::vector<std::pair<std::string, std::string>> keys{{"414", *gln}};
    if (*extension != "0" && !extension->empty()) keys.emplace_back("254", *extension);
    return keys;
  }
  if (auto f = fields_after("urn:epc:id:pgln:", 2)) {
    Result<std::string> gln = GlnFromEpc(uri, (*f)[0], (*f)[1]);
    if (!gln.ok()) return std::nullopt;
    return std::vector<std::pair<std::string, std::string>>{{"417", *gln}};
  }
  return std::nullopt;
}

}  // namespace

char Gs1CheckDigit(std::string_view digits) {
  int sum = 0;
  int weight = 3;
  for (size_t i = digits.size(); i > 0; --i) {
    sum += (digits[i - 1] - '0') * weight;
    weight = weight == 3 ? 1 : 3;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool IsValidGtin14(std::string_view gtin) {
  return gtin.size() == 14 && AllDigits(gtin) && Gs1CheckDigit(gtin.substr(0, 13)) == gtin[13];
}

std::optional<std::vector<std::pair<std::string, std::string>>> DigitalLinkKeys(
    std::string_view uri) {
  std::string_view rest;
  if (uri.starts_with("https://")) {
    rest = uri.substr(8);
  } else if (uri.starts_with("http://")) {
    rest = uri.substr(7);
  } else {
    return std::nullopt;
  }
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string_view path = rest.substr(slash + 1);
  path = path.substr(0, path.find_first_of("?#"));
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const size_t next = path.find('/');
    segments.push_back(path.substr(0, next));
    if (next == std::string_view::npos) break;
    path = path.substr(next + 1);
  }
  // A resolver may put its own path first: the GS1 keys start at the first primary key
  // from which the rest of the path is key/value pairs.
  for (size_t start = 0; start < segments.size(); ++start) {
    if (std::find(std::begin(kPrimaryKeys), std::end(kPrimaryKeys), segments[start]) ==
            std::end(kPrimaryKeys) ||
        (segments.size() - start) % 2 != 0) {
      continue;
    }
    std::vector<std::pair<std::string, std::string>> keys;
    bool ok = true;
    for (size_t i = start; i < segments.size(); i += 2) {
      std::optional<std::string> value = PercentDecode(segments[i + 1]);
      if (!AllDigits(segments[i]) || !value || value->empty()) {
        ok = false;
        break;
      }
      keys.emplace_back(std::string(segments[i]), std::move(*value));
    }
    if (ok) return keys;
  }
  return std::nullopt;
}

std::optional<std::string> CanonicalDigitalLink(std::string_view uri) {
  std::optional<std::vector<std::pair<std::string, std::string>>> keys =
      uri.starts_with("urn:epc:") ? EpcKeys(uri) : DigitalLinkKeys(uri);
  if (!keys || keys->empty()) return std::nullopt;
  const auto& [primary, value] = keys->front();
  std::vector<std::pair<std::string, std::string>> out{{primary, value}};
  const auto keep_first_of = [&](std::initializer_list<std::string_view> qualifiers) {
    for (std::string_view ai : qualifiers) {
      if (const std::string* q = KeyValue(*keys, ai)) {
        out.emplace_back(std::string(ai), *q);
        return;
      }
    }
  };
  if (primary == "01") {
    if (value.size() < 14 && AllDigits(value)) {
      out.front().second = std::string(14 - value.size(), '0') + value;
    }
    keep_first_of({"21", "10", "235"});
  } else if (primary == "414") {
    keep_first_of({"254"});
  } else if (primary == "8006") {
    keep_first_of({"21", "10"});
  } else if (primary == "8010") {
    keep_first_of({"8011"});
  }
  return BuildLink(out);
}

Result<std::optional<LotClass>> ReadLotClass(std::string_view uri) {
  constexpr std::string_view kLgtin = "urn:epc:class:lgtin:";
  if (uri.starts_with(kLgtin)) {
    std::optional<std::vector<std::string_view>> fields = SplitFields(uri.substr(kLgtin.size()), 3);
    if (!fields) return Malformed("LGTIN", uri, "expected <company prefix>.<item>.<lot>");
    Result<std::string> gtin = GtinFromEpc(uri, (*fields)[0], (*fields)[1]);
    if (!gtin.ok()) return gtin.status();
    std::optional<std::string> lot = PercentDecode((*fields)[2]);
    if (!lot || lot->empty()) return Malformed("LGTIN", uri, "the lot is empty or badly escaped");
    return std::optional<LotClass>(LotClass{*gtin, *lot});
  }
  if (uri.starts_with(kTadoriClassUrn)) {
    const std::string_view rest = uri.substr(kTadoriClassUrn.size());
    const size_t colon = rest.find(':');
    std::optional<std::string> product = PercentDecode(rest.substr(0, colon));
    std::optional<std::string> lot =
        colon == std::string_view::npos ? std::nullopt : PercentDecode(rest.substr(colon + 1));
    if (!product || !lot || product->empty() || lot->empty()) {
      return Malformed("class", uri, "expected urn:tadori:class:<product>:<lot>");
    }
    return std::optional<LotClass>(LotClass{*product, *lot});
  }
  std::optional<std::vector<std::pair<std::string, std::string>>> keys = DigitalLinkKeys(uri);
  if (!keys || keys->front().first != "01") return std::optional<LotClass>();
  Result<std::string> gtin = GtinFromDigitalLink(uri, keys->front().second);
  if (!gtin.ok()) return gtin.status();
  const std::string* lot = KeyValue(*keys, "10");
  if (lot == nullptr) return std::optional<LotClass>();
  return std::optional<LotClass>(LotClass{*gtin, *lot});
}

std::string ReadBizTransactionId(std::string_view uri) {
  if (uri.starts_with(kTadoriBizTransactionUrn)) {
    std::optional<std::string> id = PercentDecode(uri.substr(kTadoriBizTransactionUrn.size()));
    if (id && !id->empty()) return *id;
  }
  return std::string(uri);
}

Result<std::string> ReadLocationId(std::string_view uri) {
  if (!IsAbsoluteUri(uri)) {
    return Status::InvalidArgument("location " + json::Quote(PrintableExcerpt(uri)) +
                                   " is not a URI (an SGLN URN or a GS1 Digital Link)");
  }
  constexpr std::string_view kSgln = "urn:epc:id:sgln:";
  if (uri.starts_with(kSgln)) {
    std::optional<std::vector<std::string_view>> fields = SplitFields(uri.substr(kSgln.size()), 3);
    if (!fields) return Malformed("SGLN", uri, "expected <company prefix>.<location>.<extension>");
    Result<std::string> gln = GlnFromEpc(uri, (*fields)[0], (*fields)[1]);
    if (!gln.ok()) return gln.status();
    if ((*fields)[2].empty()) return Malformed("SGLN", uri, "the extension is empty");
    return std::string(uri);
  }
  std::optional<std::vector<std::pair<std::string, std::string>>> keys = DigitalLinkKeys(uri);
  if (keys && keys->front().first == "414") {
    Result<std::string> gln = GlnFromDigitalLink(uri, keys->front().second);
    if (!gln.ok()) return gln.status();
    return *CanonicalDigitalLink(uri);
  }
  return std::string(uri);
}

Result<std::string> ReadPartyId(std::string_view uri) {
  if (!IsAbsoluteUri(uri)) {
    return Status::InvalidArgument("party " + json::Quote(PrintableExcerpt(uri)) +
                                   " is not a URI (write a tadori organisation as " +
                                   std::string(kTadoriOrgUrn) + "<org-id>)");
  }
  if (uri.starts_with(kTadoriOrgUrn)) {
    const std::string_view org = uri.substr(kTadoriOrgUrn.size());
    if (org.empty()) return Malformed("party", uri, "the organisation id is empty");
    return std::string(org);
  }
  constexpr std::string_view kPgln = "urn:epc:id:pgln:";
  if (uri.starts_with(kPgln)) {
    std::optional<std::vector<std::string_view>> fields = SplitFields(uri.substr(kPgln.size()), 2);
    if (!fields) return Malformed("PGLN", uri, "expected <company prefix>.<party reference>");
    Result<std::string> gln = GlnFromEpc(uri, (*fields)[0], (*fields)[1]);
    if (!gln.ok()) return gln.status();
    return std::string(uri);
  }
  std::optional<std::vector<std::pair<std::string, std::string>>> keys = DigitalLinkKeys(uri);
  if (keys && keys->front().first == "417") {
    Result<std::string> gln = GlnFromDigitalLink(uri, keys->front().second);
    if (!gln.ok()) return gln.status();
    return *CanonicalDigitalLink(uri);
  }
  return std::string(uri);
}

std::string OrgPartyUri(std::string_view org_id) {
  return std::string(kTadoriOrgUrn) + std::string(org_id);
}

std::optional<std::string> LotClassUri(std::string_view gtin, std::string_view lot) {
  if (!IsValidGtin14(gtin) || lot.empty()) return std::nullopt;
  return BuildLink({{"01", std::string(gtin)}, {"10", std::string(lot)}});
}

}  // namespace tadori::epcis
