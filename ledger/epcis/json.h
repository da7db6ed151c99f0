// A strict JSON reader (RFC 8259) for EPCIS documents, which come from outside and are kept
// as written.
//
// Strict, because the chain keeps what it reads and every validator must read the same thing:
//   - the text must be well-formed UTF-8 (a string's \u escapes must pair surrogates);
//   - an object may not name a member twice (RFC 8259 leaves that open; JSON-LD tools differ);
//   - nesting deeper than the caller's bound and text longer than its bound are refused, so
//     hostile input costs bounded stack and memory;
//   - numbers are kept as their text (never a double): EPCIS quantities are decimals the chain
//     turns into exact milli-units, and re-emitted values must be the bytes written.
// Every value keeps its raw byte span in the input (`raw`), so an object can be re-emitted
// member by member, byte for byte. The views point into the parsed text: it must outlive the
// tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tadori::epcis::json {

enum class Kind { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

struct Member;

struct Value {
  Kind kind = Kind::kNull;
  std::string_view raw;         // the value's bytes as written (strings include their quotes)
  std::string text;             // kString: the decoded string; kNumber: the number's text
  std::vector<Value> items;     // kArray
  std::vector<Member> members;  // kObject, in document order

  bool is_string() const { return kind == Kind::kString; }
  bool is_object() const { return kind == Kind::kObject; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_number() const { return kind == Kind::kNumber; }
  // The member named `key`, or null (names are unique: the parser refuses duplicates).
  const Value* Find(std::string_view key) const;
};

struct Member {
  std::string key;           // decoded name
  std::string_view raw_key;  // the name as written, with its quotes
  Value value;
};

// What went wrong and where (byte offset into the text).
struct ParseError {
  size_t offset = 0;
  std::string message;
};

struct ParseOutcome {
  Value value;
  bool ok = false;
  ParseError error;  // when !ok
};

// Parses exactly one JSON value (surrounding whitespace allowed). Refuses text longer than
// `bytes_max` and arrays/objects nested deeper than `depth_max`. When `shallow_key` is set,
// an array that is the value of a member of that name keeps its items shallow: each is
// checked but has only its kind and raw span (a document's "eventList": the events are
// mapped one at a time from their raw text, the document's tree stays small).
ParseOutcome Parse(std::string_view text, size_t bytes_max, size_t depth_max,
                   std::string_view shallow_key = {});

// A JSON number's text as an exact decimal: (-1)^negative * digits * 10^exponent, digits
// without leading or trailing zeros ("" for zero). nullopt when the exponent is beyond
// +-10^9 (no arithmetic is ever done on such a number).
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;
};
std::optional<Decimal> ReadDecimal(std::string_view number_text);

// The number without trailing zeros, exponent or '+': "1.50" -> "1.5", "2E3" -> "2000",
// "-0.0" -> "0". Written as <digits>e<exponent> when that would take more than 40 zeros;
// the text unchanged when ReadDecimal refuses it.
std::string CanonicalNumber(std::string_view number_text);

// One RFC 6901 reference token: "~" -> "~0", "/" -> "~1".
std::string PointerToken(std::string_view key);

// `text` as a JSON string literal (quotes, escapes for '"', '\\' and control characters).
std::string Quote(std::string_view text);

// The kind's name for messages: "a string", "an object", ...
std::string_view KindName(Kind kind);

}  // namespace tadori::epcis::json
