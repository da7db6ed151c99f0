#include "ledger/utf8.h"

#include <cstdint>

#include "ledger/check.h"

namespace tadori {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kCutMark = "\xE2\x80\xA6";      // U+2026 "…"

// One step of decoding: a whole character, or the maximal subpart of an ill-formed
// sequence (the longest prefix of a well-formed sequence, at least one byte).
struct Unit {
  size_t length = 0;
  bool valid = false;
  char32_t code_point = 0;
};

// Decodes at `pos` (< text.size()) by table 3-7 of the Unicode standard. The lead byte fixes
// the length and the range of the second byte (which is what excludes overlong forms,
// surrogates and code points above U+10FFFF); every later byte is 80..BF.
Unit DecodeAt(std::string_view text, size_t pos) {
  TADORI_CHECK(pos < text.size());
  const uint8_t lead = static_cast<uint8_t>(text[pos]);
  if (lead < 0x80) return {1, true, lead};
  size_t continuation = 0;
  uint8_t second_min = 0x80;
  uint8_t second_max = 0xBF;
  char32_t code_point = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuation = 1;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    continuation = 2;
    code_point = lead & 0x0F;
    if (lead == 0xE0) second_min = 0xA0;  // below: overlong
    if (lead == 0xED) second_max = 0x9F;  // above: surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    continuation = 3;
    code_point = lead & 0x07;
    if (lead == 0xF0) second_min = 0x90;  // below: overlong
    if (lead == 0xF4) second_max = 0x8F;  // above: beyond U+10FFFF
  } else {
    return {1, false, 0};  // a continuation byte, C0, C1 or F5..FF
  }
  size_t length = 1;
  uint8_t min = second_min;
  uint8_t max = second_max;
  for (size_t i = 0; i < continuation; ++i) {
    if (pos + length >= text.size()) return {length, false, 0};
    const uint8_t byte = static_cast<uint8_t>(text[pos + length]);
    if (byte < min || byte > max) return {length, false, 0};
    code_point = (code_point << 6) | (byte & 0x3F);
    ++length;
    min = 0x80;
    max = 0xBF;
  }
  return {length, true, code_point};
}

// Characters that would break the line a message is printed on, or reorder what it shows.
bool BreaksOrReordersLine(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0x200E ||
         c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const Unit unit = DecodeAt(text, pos);
    if (!unit.valid) return false;
    pos += unit.length;
  }
  return true;
}

std::string PrintableExcerpt(std::string_view text, size_t bytes_max) {
  const std::string_view mark = bytes_max >= kCutMark.size() ? kCutMark : std::string_view();
  std::string out;
  // The length of `out` at the last character boundary that leaves room for the mark.
  size_t cut = 0;
  for (size_t pos = 0; pos < text.size();) {
    const Unit unit = DecodeAt(text, pos);
    const std::string_view piece = unit.valid && !BreaksOrReordersLine(unit.code_point)
                                       ? text.substr(pos, unit.length)
                                       : kReplacement;
    pos += unit.length;
    if (out.size() + piece.size() > bytes_max) {
      out.resize(cut);
      out += mark;
      break;
    }
    out += piece;
    if (out.size() + mark.size() <= bytes_max) cut = out.size();
  }
  TADORI_CHECK(out.size() <= bytes_max && IsValidUtf8(out));
  return out;
}

}  // namespace tadori
