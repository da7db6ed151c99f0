// UTF-8 text in stored and returned messages.
//
// Every proto3 `string` field must hold valid UTF-8: protobuf serializes a field that does
// not (it only logs), but refuses to parse it back. One refusal message cut in the middle
// of a character would make the stored results of its block unreadable on every node that
// committed it. So text that tadori stores or returns is valid UTF-8 by construction: a
// message never cuts untrusted text with substr, it quotes it through PrintableExcerpt.
//
// Both functions are pure and deterministic (chaincode uses them), and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tadori {

// How much of an untrusted value a refusal message quotes, in bytes.
inline constexpr size_t kQuotedTextBytesMax = 64;

// True when `text` is well-formed UTF-8 (Unicode, table 3-7 "Well-Formed UTF-8 Byte
// Sequences"): no stray continuation byte, no sequence cut short, no overlong form, no
// surrogate (U+D800..U+DFFF), nothing above U+10FFFF (so no byte C0, C1 or F5..FF). The
// empty text is valid.
bool IsValidUtf8(std::string_view text);

// `text` made fit to quote in a message: valid UTF-8, on one line, at most `bytes_max` bytes.
//   - each maximal ill-formed subsequence (Unicode's "maximal subpart", so one per bad
//     sequence, not one per byte) becomes U+FFFD;
//   - so does each character that would break or reorder the line it is printed on: C0 and
//     C1 controls and DEL (U+0000..U+001F, U+007F..U+009F), U+2028, U+2029, and the
//     bidirectional marks, embeddings, overrides and isolates (U+200E, U+200F,
//     U+202A..U+202E, U+2066..U+2069), which could make a terminal show other text than
//     the message holds;
//   - when the result is longer than `bytes_max`, it is cut after the last whole character
//     that leaves room for "…" (U+2026, 3 bytes), which is appended to show the cut. With
//     bytes_max < 3 there is no room for the mark: the cut is made without it.
// Text that is already valid, printable and within `bytes_max` comes back unchanged.
// It stops reading `text` at the cut, so its cost is bounded by bytes_max, not by the text.
std::string PrintableExcerpt(std::string_view text, size_t bytes_max = kQuotedTextBytesMax);

}  // namespace tadori
