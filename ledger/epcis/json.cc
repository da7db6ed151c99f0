#include "ledger/epcis/json.h"

#include <cstdint>
#include <set>

#include "ledger/utf8.h"

namespace tadori::epcis::json {
namespace {

class Parser {
 public:
  Parser(std::string_view text, size_t depth_max, std::string_view shallow_key)
      : text_(text), depth_max_(depth_max), shallow_key_(shallow_key) {}

  bool ParseDocument(Value& out) {
    SkipWhitespace();
    if (!ParseValue(out, 0, true)) return false;
    SkipWhitespace();
    if (pos_ != text_.size()) return Fail("unexpected text after the JSON value");
    return true;
  }

  const ParseError& error() const { return error_; }

 private:
  bool Fail(std::string message) {
    error_ = {pos_, std::move(message)};
    return false;
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  void SkipWhitespace() {
    while (!AtEnd()) {
      const char c = Peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  bool Literal(std::string_view word, Kind kind, Value& out) {
    if (text_.substr(pos_, word.size()) != word) return Fail("invalid literal");
    out.kind = kind;
    out.raw = text_.substr(pos_, word.size());
    pos_ += word.size();
    return true;
  }

  // `materialize` false: the value is checked and gets its kind and raw span, nothing else
  // (no text, items or members), so a huge eventList costs no tree.
  bool ParseValue(Value& out, size_t depth, bool materialize) {
    if (AtEnd()) return Fail("unexpected end of text, a value was expected");
    const size_t start = pos_;
    bool ok = false;
    switch (Peek()) {
      case '{':
        ok = ParseObject(out, depth + 1, materialize);
        break;
      case '[':
        ok = ParseArray(out, depth + 1, materialize, materialize);
        break;
      case '"':
        out.kind = Kind::kString;
        ok = ParseString(out.text);
        if (!materialize) out.text.clear();
        break;
      case 't':
        return Literal("true", Kind::kTrue, out);
      case 'f':
        return Literal("false", Kind::kFalse, out);
      case 'n':
        return Literal("null", Kind::kNull, out);
      default:
        out.kind = Kind::kNumber;
        ok = ParseNumber();
        if (ok && materialize) out.text = std::string(text_.substr(start, pos_ - start));
        break;
    }
    if (!ok) return false;
    out.raw = text_.substr(start, pos_ - start);
    return true;
  }

  bool ParseObject(Value& out, size_t depth, bool materialize) {
    if (depth > depth_max_) return Fail("nested deeper than " + std::to_string(depth_max_));
    out.kind = Kind::kObject;
    ++pos_;  // '{'
    std::set<std::string> names;
    SkipWhitespace();
    if (!AtEnd() && Peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipWhitespace();
      if (AtEnd() || Peek() != '"') return Fail("a member name (a string) was expected");
      Member member;
      const size_t key_start = pos_;
      if (!ParseString(member.key)) return false;
      member.raw_key = text_.substr(key_start, pos_ - key_start);
      // Small objects scan the members so far; large ones use a set, so an object of n
      // members costs n log n, not n^2.
      bool seen = false;
      if (materialize && out.members.size() < 16) {
        for (const Member& earlier : out.members) seen = seen || earlier.key == member.key;
      } else if (materialize) {
        if (names.empty()) {
          for (const Member& earlier : out.members) names.insert(earlier.key);
        }
        seen = !names.insert(member.key).second;
      }
      if (seen) {
        pos_ = key_start;
        return Fail("member " + Quote(PrintableExcerpt(member.key)) + " appears twice");
      }
      SkipWhitespace();
      if (AtEnd() || Peek() != ':') return Fail("':' was expected after a member name");
      ++pos_;
      SkipWhitespace();
      if (materialize && !shallow_key_.empty() && member.key == shallow_key_ && !AtEnd() &&
          Peek() == '[') {
        const size_t start = pos_;
        if (!ParseArray(member.value, depth + 1, true, false)) return false;
        member.value.raw = text_.substr(start, pos_ - start);
      } else if (!ParseValue(member.value, depth, materialize)) {
        return false;
      }
      if (materialize) out.members.push_back(std::move(member));
      SkipWhitespace();
      if (AtEnd()) return Fail("unexpected end of text inside an object");
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == '}') {
        ++pos_;
        return true;
      }
      return Fail("',' or '}' was expected in an object");
    }
  }

  // `keep_items`: the array holds its items; `materialize_items`: they are full trees.
  bool ParseArray(Value& out, size_t depth, bool keep_items, bool materialize_items) {
    if (depth > depth_max_) return Fail("nested deeper than " + std::to_string(depth_max_));
    out.kind = Kind::kArray;
    ++pos_;  // '['
    SkipWhitespace();
    if (!AtEnd() && Peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipWhitespace();
      Value item;
      if (!ParseValue(item, depth, materialize_items)) return false;
      if (keep_items) out.items.push_back(std::move(item));
      SkipWhitespace();
      if (AtEnd()) return Fail("unexpected end of text inside an array");
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == ']') {
        ++pos_;
        return true;
      }
      return Fail("',' or ']' was expected in an array");
    }
  }

  static int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool ReadHex4(uint32_t& unit) {
    if (pos_ + 4 > text_.size()) return Fail("a \\u escape needs 4 hex digits");
    unit = 0;
    for (size_t i = 0; i < 4; ++i) {
      const int digit = HexDigit(text_[pos_ + i]);
      if (digit < 0) return Fail("a \\u escape needs 4 hex digits");
      unit = unit * 16 + static_cast<uint32_t>(digit);
    }
    pos_ += 4;
    return true;
  }

  static void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool ParseEscape(std::string& out) {
    if (AtEnd()) return Fail("unexpected end of text in an escape");
    const char c = text_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out.push_back(c);
        return true;
      case 'b':
        out.push_back('\b');
        return true;
      case 'f':
        out.push_back('\f');
        return true;
      case 'n':
        out.push_back('\n');
        return true;
      case 'r':
        out.push_back('\r');
        return true;
      case 't':
        out.push_back('\t');
        return true;
      case 'u': {
        uint32_t unit = 0;
        if (!ReadHex4(unit)) return false;
        if (unit >= 0xDC00 && unit <= 0xDFFF) return Fail("a lone low surrogate escape");
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          if (text_.substr(pos_, 2) != "\\u") return Fail("a high surrogate escape must pair");
          pos_ += 2;
          uint32_t low = 0;
          if (!ReadHex4(low)) return false;
          if (low < 0xDC00 || low > 0xDFFF) return Fail("a high surrogate escape must pair");
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        AppendUtf8(out, unit);
        return true;
      }
      default:
        --pos_;
        return Fail("invalid escape in a string");
    }
  }

  bool ParseString(std::string& out) {
    ++pos_;  // '"'
    while (true) {
      if (AtEnd()) return Fail("unexpected end of text inside a string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Fail("a control character must be escaped inside a string");
      }
      if (c == '\\') {
        ++pos_;
        if (!ParseEscape(out)) return false;
        continue;
      }
      out.push_back(c);
      ++pos_;
    }
  }

  bool Digits() {
    const size_t start = pos_;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') ++pos_;
    return pos_ > start;
  }

  // number = [ "-" ] int [ frac ] [ exp ] (RFC 8259 section 6).
  bool ParseNumber() {
    if (!AtEnd() && Peek() == '-') ++pos_;
    if (AtEnd()) return Fail("a number was expected");
    if (Peek() == '0') {
      ++pos_;
    } else if (!Digits()) {
      return Fail("a value was expected");
    }
    if (!AtEnd() && Peek() == '.') {
      ++pos_;
      if (!Digits()) return Fail("a digit was expected after '.'");
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (!Digits()) return Fail("a digit was expected in an exponent");
    }
    return true;
  }

  std::string_view text_;
  size_t depth_max_;
  std::string_view shallow_key_;
  size_t pos_ = 0;
  ParseError error_;
};

}  // namespace

const Value* Value::Find(std::string_view key) const {
  for (const Member& member : members) {
    if (member.key == key) return &member.value;
  }
  return nullptr;
}

ParseOutcome Parse(std::string_view text, size_t bytes_max, size_t depth_max,
                   std::string_view shallow_key) {
  ParseOutcome outcome;
  if (text.size() > bytes_max) {
    outcome.error = {0, "longer than " + std::to_string(bytes_max) + " bytes"};
    return outcome;
  }
  // The whole text first: then every string's bytes (and every raw span) are valid UTF-8.
  if (!IsValidUtf8(text)) {
    outcome.error = {0, "not valid UTF-8"};
    return outcome;
  }
  Parser parser(text, depth_max, shallow_key);
  if (!parser.ParseDocument(outcome.value)) {
    outcome.error = parser.error();
    outcome.value = Value();
    return outcome;
  }
  outcome.ok = true;
  return outcome;
}

std::optional<Decimal> ReadDecimal(std::string_view text) {
  Decimal out;
  size_t pos = 0;
  if (pos < text.size() && text[pos] == '-') {
    out.negative = true;
    ++pos;
  }
  std::string digits;
  int64_t exponent = 0;
  bool fraction = false;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '.') {
      fraction = true;
    } else if (c >= '0' && c <= '9') {
      digits.push_back(c);
      if (fraction) --exponent;
    } else {
      break;
    }
  }
  if (pos < text.size()) {
    if (text[pos] != 'e' && text[pos] != 'E') return std::nullopt;
    ++pos;
    bool negative_exponent = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      negative_exponent = text[pos] == '-';
      ++pos;
    }
    int64_t written = 0;
    size_t count = 0;
    for (; pos < text.size(); ++pos, ++count) {
      if (text[pos] < '0' || text[pos] > '9') return std::nullopt;
      written = written * 10 + (text[pos] - '0');
      if (written > 1'000'000'000) return std::nullopt;
    }
    if (count == 0) return std::nullopt;
    exponent += negative_exponent ? -written : written;
  }
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};  // zero, whatever its sign
  digits.erase(0, first);
  while (digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  out.digits = std::move(digits);
  out.exponent = exponent;
  return out;
}

std::string CanonicalNumber(std::string_view number_text) {
  std::optional<Decimal> decimal = ReadDecimal(number_text);
  if (!decimal) return std::string(number_text);
  if (decimal->digits.empty()) return "0";
  constexpr int64_t kZerosMax = 40;
  std::string out = decimal->negative ? "-" : "";
  const auto length = static_cast<int64_t>(decimal->digits.size());
  if (decimal->exponent >= 0) {
    if (decimal->exponent > kZerosMax) {
      return out + decimal->digits + "e" + std::to_string(decimal->exponent);
    }
    return out + decimal->digits + std::string(static_cast<size_t>(decimal->exponent), '0');
  }
  const int64_t point = length + decimal->exponent;  // digits before the decimal point
  if (point > 0) {
    return out + decimal->digits.substr(0, static_cast<size_t>(point)) + "." +
           decimal->digits.substr(static_cast<size_t>(point));
  }
  if (-point > kZerosMax) {
    return out + decimal->digits + "e" + std::to_string(decimal->exponent);
  }
  return out + "0." + std::string(static_cast<size_t>(-point), '0') + decimal->digits;
}

std::string PointerToken(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      out += "\\u00";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kFalse:
    case Kind::kTrue:
      return "a boolean";
    case Kind::kNumber:
      return "a number";
    case Kind::kString:
      return "a string";
    case Kind::kArray:
      return "an array";
    case Kind::kObject:
      return "an object";
  }
  return "a value";
}

}  // namespace tadori::epcis::json
