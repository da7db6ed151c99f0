#include "tools/cli/graphviz_label.h"

#include "tools/cli/svg_writer.h"
#include "tools/cli/utf8_text.h"

namespace tadori::cli {

void GraphvizLabel::Line(std::string_view text, LabelStyle style) {
  if (!lines_.empty()) lines_ += "<BR/>";
  lines_ += Styled(text, style);
}

void GraphvizLabel::Wrapped(size_t columns, std::string_view text, LabelStyle style) {
  for (const std::string& line : WrapText(text, columns)) Line(line, style);
}

std::string GraphvizLabel::Finish() const {
  return "<" + lines_ + ">";
}

std::string GraphvizLabel::FinishPadded() const {
  return "<<TABLE BORDER=\"0\" CELLPADDING=\"5\" CELLSPACING=\"0\"><TR><TD>" + lines_ +
         "</TD></TR></TABLE>>";
}

std::string GraphvizLabel::Styled(std::string_view text, LabelStyle style) {
  std::string out;
  if (style.point_size > 0) {
    out += "<FONT POINT-SIZE=\"" + std::to_string(style.point_size) + "\">";
  }
  if (!style.colour.empty()) out += "<FONT COLOR=\"" + XmlEscape(style.colour) + "\">";
  if (style.bold) out += "<B>";
  out += XmlEscape(text);
  if (style.bold) out += "</B>";
  if (!style.colour.empty()) out += "</FONT>";
  if (style.point_size > 0) out += "</FONT>";
  return out;
}

}  // namespace tadori::cli
