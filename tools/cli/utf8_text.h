// Text from the chain (lot codes, org ids, device ids, reasons) is untrusted: it may hold
// bytes that are not UTF-8 or control characters that XML 1.0 forbids and Graphviz passes
// through unchanged. Pictures show such text through PrintableText first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tadori::cli {

// `text` fit to show in a picture: PrintableExcerpt (ledger/utf8.h) without a length
// bound, so valid UTF-8 on one line with every ill-formed sequence and every control,
// line-breaking or bidirectional character replaced by U+FFFD.
std::string PrintableText(std::string_view text);

// `text` broken into lines of at most `columns` code points at spaces; a word longer than a
// line is cut; `columns` > 0. For labels that would otherwise be as wide as their longest sentence.
std::vector<std::string> WrapText(std::string_view text, size_t columns);

}  // namespace tadori::cli
