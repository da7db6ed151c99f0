// A small writer of SVG documents for the pictures the CLI draws itself (readings plots).
// Every attribute value and every text it writes is escaped (XmlEscape), so untrusted text
// from the chain cannot end an attribute or open an element; element and attribute names
// are the caller's constants. Numbers are written with at most two decimals and no locale,
// so the same drawing gives the same bytes.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace tadori::cli {

// `text` made printable (utf8_text.h) with & < > " ' written as entities: safe both as
// element content and inside a quoted attribute value.
std::string XmlEscape(std::string_view text);

// "12.5", "-3", "0.07": at most two decimals, trailing zeros dropped, '.' as the separator.
std::string SvgNumber(double value);

struct SvgAttr {
  std::string_view name;
  std::string value;  // raw; the writer escapes it
};

class SvgWriter {
 public:
  // Starts <svg> of the given size in pixels with a <title> (what screen readers and
  // browsers' tab titles show).
  SvgWriter(double width_px, double height_px, std::string_view title);

  // <tag attrs...> ... until the matching Close().
  void Open(std::string_view tag, std::initializer_list<SvgAttr> attrs);
  void Close();
  // <tag attrs.../>
  void Element(std::string_view tag, std::initializer_list<SvgAttr> attrs);
  // <tag attrs...>text</tag>: an element holding only text, e.g. <title> (a tooltip).
  void Leaf(std::string_view tag, std::string_view text, std::initializer_list<SvgAttr> attrs);
  // <text attrs...>text</text>
  void Text(std::string_view text, std::initializer_list<SvgAttr> attrs) {
    Leaf("text", text, attrs);
  }

  // Closes what is open and returns the document. The writer is spent afterwards.
  std::string Finish();

 private:
  void Start(std::string_view tag, std::initializer_list<SvgAttr> attrs);

  std::string out_;
  std::vector<std::string> open_;  // tags awaiting Close(), innermost last
};

}  // namespace tadori::cli
