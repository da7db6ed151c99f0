// A trace graph as Graphviz DOT: the one description of the provenance picture. `tadori
// trace back|forward L --format dot` prints it; `--format svg` lays it out and renders it
// with Graphviz's library (trace_svg.h). Both show the same graph.
//
// Lots are boxes with the lot code, product, who made how much and when, current holders
// and markers; a recalled lot is drawn red, a lot with a temperature (or other) excursion
// orange (red wins when both apply; the label names both). A lot whose journey is known
// (lot_journey.h) sits in a frame with its chain of custody: a place per organisation that
// received it, an arrow per shipment labelled with who handed how much to whom, the carrier
// and the times; a shipment during which an excursion happened is orange and names it.
// Transformation arrows run from where an input was used (the using organisation's place in
// its chain) to the lot made of it, labelled with the event and the quantity used.
//
// Labels are Graphviz HTML-like labels (graphviz_label.h) or escaped strings (DotEscape);
// node names are generated ("lot1", "lot1_at2"), since lot codes and organisation ids are
// untrusted text. Output is deterministic: lots in the order the service returned them, hops
// and uses in chain order.
#pragma once

#include <string>
#include <string_view>

#include "tadori/v1/trace.pb.h"
#include "tools/cli/lot_journey.h"

namespace tadori::cli {

// The text of one DOT string literal (without quotes) that Graphviz shows as `text`: '"' and
// '\' escaped, '&' as "&amp;" (Graphviz resolves entities in labels), newlines as \n, and
// between them the text as PrintableText (utf8_text.h) shows it.
std::string DotEscape(std::string_view text);

// `direction` ("back" or "forward") and `lot_code` go into the graph's label. Lots missing
// from `journeys` are drawn without their custody chain (their custody_orgs in the label).
// `journeys_note`, when not empty, is added to the graph's label (e.g. which lots lack one).
std::string TraceGraphToDot(const v1::TraceGraph& graph, std::string_view lot_code,
                            std::string_view direction, const LotJourneys& journeys = {},
                            std::string_view journeys_note = {});

}  // namespace tadori::cli
