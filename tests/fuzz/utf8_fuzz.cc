// libFuzzer target: ledger/utf8.h, which keeps every stored message parseable. Any bytes go
// through IsValidUtf8 and PrintableExcerpt; no input may crash, and:
//   - IsValidUtf8 agrees with protobuf's parser, the ground truth of "would a stored
//     proto3 string parse back";
//   - PrintableExcerpt's output is valid UTF-8 (and so parses back), within its bound, and
//     is the longest whole-character prefix of the uncut rendering that fits with "…";
//   - printable ASCII that fits comes back unchanged.
//
// Input layout: bytes_max (2 bytes, big-endian, taken modulo 2048), then the text.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/check.h"
#include "ledger/utf8.h"
#include "tadori/v1/types.pb.h"

namespace {

using tadori::IsValidUtf8;
using tadori::PrintableExcerpt;

constexpr std::string_view kCutMark = "\xE2\x80\xA6";  // U+2026

bool ParsesBackAsProto3String(std::string_view text) {
  tadori::v1::TxResult result;
  result.set_message(std::string(text));
  tadori::v1::TxResult back;
  return back.ParseFromString(result.SerializeAsString()) && back.message() == text;
}

// Length of the UTF-8 character that starts with `lead` (a valid lead byte).
size_t CharacterBytes(uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

bool IsPrintableAscii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

void CheckExcerpt(std::string_view text, size_t bytes_max) {
  const std::string out = PrintableExcerpt(text, bytes_max);
  TADORI_CHECK(out.size() <= bytes_max);
  TADORI_CHECK(IsValidUtf8(out));
  TADORI_CHECK(ParsesBackAsProto3String(out));
  // Each input byte renders as at most 3 bytes (U+FFFD), so this bound never cuts.
  const std::string full = PrintableExcerpt(text, 3 * text.size());
  TADORI_CHECK(IsValidUtf8(full));
  if (full.size() <= bytes_max) {
    TADORI_CHECK(out == full);
    if (IsPrintableAscii(text)) TADORI_CHECK(out == text);
    return;
  }
  const std::string_view mark = bytes_max >= kCutMark.size() ? kCutMark : std::string_view();
  TADORI_CHECK(std::string_view(out).ends_with(mark));
  const std::string_view kept(out.data(), out.size() - mark.size());
  TADORI_CHECK(std::string_view(full).starts_with(kept));
  TADORI_CHECK(kept.size() < full.size());
  // The cut is as late as it may be: one more character would not leave room for the mark.
  const size_t next = CharacterBytes(static_cast<uint8_t>(full[kept.size()]));
  TADORI_CHECK(kept.size() + next + mark.size() > bytes_max);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Invalid UTF-8 in a proto3 string is expected here; protobuf logs each one.
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)quiet;
  if (size < 2) return 0;
  const size_t bytes_max = ((size_t{data[0]} << 8) | data[1]) % 2048;
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  TADORI_CHECK(IsValidUtf8(text) == ParsesBackAsProto3String(text));
  CheckExcerpt(text, bytes_max);
  CheckExcerpt(text, tadori::kQuotedTextBytesMax);
  return 0;
}
