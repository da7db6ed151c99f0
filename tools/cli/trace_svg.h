// Renders a DOT graph (trace_dot.h) to SVG in this process with Graphviz's library (the
// `dot` layout and the core `svg` renderer), so `tadori trace ... --format svg` needs no
// Graphviz programs installed. Graphviz's headers and libraries stay behind this function.
#pragma once

#include <string>
#include <string_view>

#include "ledger/status.h"

namespace tadori::cli {

// The SVG document for `dot`. Graphviz escapes the text it writes into the SVG; the caller
// passes DOT whose strings went through DotEscape (printable UTF-8). INVALID_ARGUMENT when
// Graphviz cannot read `dot`, INTERNAL when it cannot lay it out or render it; the message
// carries what Graphviz said.
// Not thread-safe: Graphviz keeps process-wide state; render one graph at a time.
Result<std::string> RenderDotToSvg(std::string_view dot);

}  // namespace tadori::cli
