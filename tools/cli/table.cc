#include "tools/cli/table.h"

#include <algorithm>
#include <cstdint>

#include "ledger/check.h"

namespace tadori::cli {

namespace {

// Decodes one UTF-8 sequence at `s[i]`; returns the code point (or 0xFFFD for a bad
// byte) and advances `i` past what it consumed.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto b0 = static_cast<uint8_t>(s[i]);
  int extra = 0;
  char32_t cp = 0;
  if (b0 < 0x80) {
    ++i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + extra >= s.size()) {  // truncated sequence
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += extra + 1;
  return cp;
}

bool IsCombining(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x3099 && cp <= 0x309A) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200B || cp == 0x200D;
}

// The East Asian Wide and Fullwidth blocks that occur in practice (CJK, kana, Hangul,
// fullwidth forms, emoji). Approximate, but right for the scripts lot data is written in.
bool IsWide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

void AppendPadded(std::string& out, const std::string& cell, size_t width) {
  out += cell;
  out.append(width - std::min(width, DisplayWidth(cell)), ' ');
}

void TrimTrailingSpaces(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  size_t i = 0;
  while (i < text.size()) {
    const char32_t cp = NextCodePoint(text, i);
    if (IsCombining(cp)) continue;
    width += IsWide(cp) ? 2 : 1;
  }
  return width;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {
  TADORI_CHECK(!headers_.empty());
}

void Table::AddRow(std::vector<std::string> cells) {
  TADORI_CHECK(cells.size() <= headers_.size());
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths(headers_.size(), 0);
  auto widen = [&widths](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(cells[c]));
    }
  };
  widen(headers_);
  for (const auto& row : rows_) widen(row);

  std::string out;
  auto render_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) line += "  ";
      AppendPadded(line, cells[c], widths[c]);
    }
    TrimTrailingSpaces(line);
    out += line;
    out += '\n';
  };
  render_line(headers_);
  for (const auto& row : rows_) render_line(row);
  return out;
}

std::string RenderFields(const Fields& fields) {
  size_t width = 0;
  for (const auto& [label, value] : fields) width = std::max(width, DisplayWidth(label));
  std::string out;
  for (const auto& [label, value] : fields) {
    std::string line;
    AppendPadded(line, label, width);
    line += "  ";
    line += value;
    TrimTrailingSpaces(line);
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace tadori::cli
