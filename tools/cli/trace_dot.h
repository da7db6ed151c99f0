// A trace graph as Graphviz DOT, so that `tadori trace back L --format dot | dot -Tsvg`
// draws the provenance of a lot.
//
// Lots are boxes labelled with lot code, product, creator, current holders and markers;
// a recalled lot is drawn red, a lot with a temperature (or other) excursion orange (red
// wins when both apply; the label names both). Edges run from input lot to output lot,
// labelled with the transformation event that joined them. Output is deterministic: nodes
// and edges in the order the service returned them.
#pragma once

#include <string>
#include <string_view>

#include "tadori/v1/trace.pb.h"

namespace tadori::cli {

// The text of one DOT string literal (without quotes): '"' and '\' escaped, newlines as \n.
std::string DotEscape(std::string_view text);

// `direction` ("back" or "forward") and `lot_code` go into the graph's label.
std::string TraceGraphToDot(const v1::TraceGraph& graph, std::string_view lot_code,
                            std::string_view direction);

}  // namespace tadori::cli
