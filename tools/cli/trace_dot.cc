#include "tools/cli/trace_dot.h"

#include "tools/cli/lot_render.h"
#include "tools/cli/render.h"

namespace tadori::cli {

namespace {

constexpr std::string_view kRecalledStyle = R"(color="red", fillcolor="#ffd0d0", penwidth=2)";
constexpr std::string_view kExcursionStyle = R"(color="orange", fillcolor="#ffe4b5", penwidth=2)";

std::string NodeLabel(const v1::TraceNode& node) {
  std::string label = node.lot_code() + "\n" + node.product();
  if (!node.creator_org().empty()) label += "\ncreated by " + node.creator_org();
  if (node.holdings_size() > 0) label += "\nheld by " + FormatHoldings(node.holdings(), "");
  for (const v1::InTransit& t : node.in_transit()) label += "\nin transit to " + t.to_org();
  for (const v1::Excursion& e : node.excursions()) {
    label += "\nEXCURSION " + e.sensor_type() + " worst " + FormatMilli(e.worst_value_milli()) +
             " " + e.unit();
  }
  if (node.recalls_size() > 0) label += "\nRECALLED (" + node.recalls(0).reason() + ")";
  return label;
}

}  // namespace

std::string DotEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

std::string TraceGraphToDot(const v1::TraceGraph& graph, std::string_view lot_code,
                            std::string_view direction) {
  std::string out = "digraph tadori_trace {\n";
  out += "  label=\"" +
         DotEscape(std::string("trace ").append(direction).append(" from ").append(lot_code) +
                   " (height " + std::to_string(graph.read_at_height()) + ")" +
                   (graph.truncated() ? ", truncated" : "")) +
         "\";\n";
  out += "  rankdir=LR;\n";
  out += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"white\"];\n";
  for (const v1::TraceNode& node : graph.nodes()) {
    out += "  \"" + DotEscape(node.lot_code()) + "\" [label=\"" + DotEscape(NodeLabel(node)) + "\"";
    if (node.recalls_size() > 0) {
      out += ", ";
      out.append(kRecalledStyle);
    } else if (node.excursions_size() > 0) {
      out += ", ";
      out.append(kExcursionStyle);
    }
    out += "];\n";
  }
  for (const v1::TraceEdge& e : graph.edges()) {
    out += "  \"" + DotEscape(e.from_lot()) + "\" -> \"" + DotEscape(e.to_lot()) + "\" [label=\"" +
           DotEscape("transformation " + FormatEventRef(e.transformation())) + "\"];\n";
  }
  out += "}\n";
  return out;
}

}  // namespace tadori::cli
