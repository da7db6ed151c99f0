#include "tools/cli/utf8_text.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "ledger/check.h"
#include "ledger/utf8.h"

namespace tadori::cli {

namespace {

// The length of the character a lead byte starts; only for text PrintableExcerpt made.
size_t CharLength(char lead) {
  const auto b = static_cast<uint8_t>(lead);
  return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

}  // namespace

std::string PrintableText(std::string_view text) {
  return PrintableExcerpt(text, std::numeric_limits<size_t>::max());
}

std::vector<std::string> WrapText(std::string_view text, size_t columns) {
  TADORI_CHECK(columns > 0);
  const std::string printable = PrintableText(text);
  std::vector<std::string> lines;
  std::string line;
  size_t line_columns = 0;
  std::string word;
  size_t word_columns = 0;
  const auto end_word = [&] {
    if (word.empty()) return;
    if (line_columns > 0 && line_columns + 1 + word_columns > columns) {
      lines.push_back(std::move(line));
      line.clear();
      line_columns = 0;
    }
    if (line_columns > 0) {
      line += ' ';
      ++line_columns;
    }
    line += word;
    line_columns += word_columns;
    word.clear();
    word_columns = 0;
  };
  std::string_view rest = printable;
  while (!rest.empty()) {
    const size_t n = std::min(CharLength(rest[0]), rest.size());
    if (rest[0] == ' ') {
      end_word();
    } else {
      if (word_columns == columns) end_word();  // a word longer than a line: cut it
      word.append(rest.substr(0, n));
      ++word_columns;
    }
    rest.remove_prefix(n);
  }
  end_word();
  if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace tadori::cli
