// Graphviz HTML-like labels: styled lines (bold, colour, size) for the trace picture.
// Graphviz reads these labels as XML, so every text is escaped (XmlEscape): a lot code such
// as "<B>" or "&amp;" is shown as written and cannot change the markup.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tadori::cli {

struct LabelStyle {
  std::string_view colour = {};  // a Graphviz colour; empty: the element's
  bool bold = false;
  int point_size = 0;  // 0: the element's
};

// One style per line: Graphviz drops the spaces at the edges of a span, so differently styled
// words inside one line would run together in some SVG viewers.
class GraphvizLabel {
 public:
  void Line(std::string_view text, LabelStyle style = {});
  // `text` over as many lines of at most `columns` characters as it needs.
  void Wrapped(size_t columns, std::string_view text, LabelStyle style = {});

  // The DOT attribute value: the lines in angle brackets.
  std::string Finish() const;
  // The same inside a table cell with a margin: an edge's label otherwise touches the edge.
  std::string FinishPadded() const;

  // `text` escaped and styled, for a label built by hand (a table of cells).
  static std::string Styled(std::string_view text, LabelStyle style);

 private:
  std::string lines_;
};

}  // namespace tadori::cli
