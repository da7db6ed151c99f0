#include "tools/cli/svg_writer.h"

#include <charconv>
#include <cmath>

#include "ledger/check.h"
#include "tools/cli/utf8_text.h"

namespace tadori::cli {

std::string XmlEscape(std::string_view text) {
  const std::string printable = PrintableText(text);
  std::string out;
  out.reserve(printable.size());
  for (char c : printable) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string SvgNumber(double value) {
  // Coordinates are screen pixels: anything beyond this is a caller bug, not a picture.
  TADORI_CHECK(std::isfinite(value) && std::fabs(value) < 1e9);
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 2);
  TADORI_CHECK(ec == std::errc());
  std::string out(buf, end);
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  if (out == "-0") out = "0";
  return out;
}

SvgWriter::SvgWriter(double width_px, double height_px, std::string_view title) {
  out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  Open("svg", {{"xmlns", "http://www.w3.org/2000/svg"},
               {"width", SvgNumber(width_px)},
               {"height", SvgNumber(height_px)},
               {"viewBox", "0 0 " + SvgNumber(width_px) + " " + SvgNumber(height_px)},
               {"font-family", "DejaVu Sans, Noto Sans, Noto Sans CJK JP, sans-serif"}});
  out_ += "<title>" + XmlEscape(title) + "</title>\n";
}

void SvgWriter::Start(std::string_view tag, std::initializer_list<SvgAttr> attrs) {
  out_ += '<';
  out_.append(tag);
  for (const SvgAttr& a : attrs) {
    out_ += ' ';
    out_.append(a.name);
    out_ += "=\"" + XmlEscape(a.value) + "\"";
  }
}

void SvgWriter::Open(std::string_view tag, std::initializer_list<SvgAttr> attrs) {
  Start(tag, attrs);
  out_ += ">\n";
  open_.emplace_back(tag);
}

void SvgWriter::Close() {
  TADORI_CHECK(!open_.empty());
  out_ += "</" + open_.back() + ">\n";
  open_.pop_back();
}

void SvgWriter::Element(std::string_view tag, std::initializer_list<SvgAttr> attrs) {
  Start(tag, attrs);
  out_ += "/>\n";
}

void SvgWriter::Leaf(std::string_view tag, std::string_view text,
                     std::initializer_list<SvgAttr> attrs) {
  Start(tag, attrs);
  out_ += ">" + XmlEscape(text) + "</";
  out_.append(tag);
  out_ += ">\n";
}

std::string SvgWriter::Finish() {
  while (!open_.empty()) Close();
  return std::move(out_);
}

}  // namespace tadori::cli
