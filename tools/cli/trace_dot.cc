#include "tools/cli/trace_dot.h"

#include <algorithm>
#include <initializer_list>
#include <map>
#include <utility>
#include <vector>

#include "tools/cli/graphviz_label.h"
#include "tools/cli/lot_render.h"
#include "tools/cli/units.h"
#include "tools/cli/utf8_text.h"

namespace tadori::cli {

namespace {

constexpr std::string_view kRecalledStyle = R"(color="red", fillcolor="#ffd0d0", penwidth=2)";
constexpr std::string_view kExcursionStyle = R"(color="orange", fillcolor="#ffe4b5", penwidth=2)";
constexpr std::string_view kOrgStyle = R"(color="#7a8aa6", fillcolor="#eef2f8")";
constexpr std::string_view kHopColour = "#4a5d7e";
constexpr std::string_view kHopStyle = R"(color="#4a5d7e", fontcolor="#2e3b52")";
constexpr std::string_view kHopExcursionStyle =
    R"(color="darkorange", fontcolor="#a04a00", penwidth=2.5)";
constexpr std::string_view kTransformationStyle = R"(color="black", penwidth=1.8)";
constexpr std::string_view kFont = "Helvetica,Arial,sans-serif";
constexpr std::string_view kQuietColour = "#555555";
constexpr std::string_view kRecalledText = "#b00000";
constexpr std::string_view kExcursionText = "#a04a00";
constexpr size_t kExcursionLinesMax = 3;
constexpr size_t kLabelColumns = 44;  // wider lines make boxes as wide as a recall reason

std::string Quoted(std::string_view text) {
  return "\"" + DotEscape(text) + "\"";
}

// "2026-11-20 11:00 +09:00" for "2026-11-20T11:00:00+09:00": minutes are what a person
// compares on a chain of custody; the offset stays, as shipments cross time zones.
std::string ShortTime(const std::string& rfc3339) {
  if (rfc3339.size() < 20 || rfc3339[10] != 'T') return rfc3339;
  const size_t zone = rfc3339.find_first_of("Z+-", 19);
  if (zone == std::string::npos) return rfc3339;
  const std::string offset = rfc3339.substr(zone);
  return rfc3339.substr(0, 10) + " " + rfc3339.substr(11, 5) + " " +
         (offset == "Z" ? "UTC" : offset);
}

std::string ExcursionLine(const v1::Excursion& e) {
  return "EXCURSION " + e.sensor_type() + ", worst " +
         FormatQuantity(e.worst_value_milli(), e.unit());
}

std::string LotLabel(const v1::TraceNode& node, const LotJourney* journey) {
  GraphvizLabel label;
  for (const std::string& line : WrapText(node.lot_code(), kLabelColumns)) {
    label.Line(line, {.bold = true, .point_size = 13});  // wraps only codes too long for a box
  }
  label.Line("product " + node.product(), {kQuietColour});
  const std::string unit = journey != nullptr ? journey->unit : "";
  if (journey != nullptr && !journey->creator_org.empty()) {
    label.Line("made by " + journey->creator_org + ": " +
               FormatQuantity(journey->created_milli, journey->unit));
    label.Line(journey->created_biz_step + " " + ShortTime(journey->created_time), {kQuietColour});
  } else if (!node.creator_org().empty()) {
    label.Line("created by " + node.creator_org());
  }
  if (node.holdings_size() > 0) {
    std::string held = "now held by";
    for (const v1::Holding& h : node.holdings()) {
      held += (&h == &node.holdings(0) ? " " : ", ") + h.org_id() + " " +
              FormatQuantity(h.quantity_milli(), unit);
    }
    label.Wrapped(kLabelColumns, held);
  }
  if (journey == nullptr) {
    for (const v1::InTransit& t : node.in_transit())
      label.Wrapped(kLabelColumns, "in transit to " + t.to_org());
    if (node.custody_orgs_size() > 1) {
      std::string custody = "custody:";
      for (const std::string& org : node.custody_orgs()) {
        custody += (custody.size() > 8 ? " → " : " ") + org;
      }
      label.Wrapped(kLabelColumns, custody);
    }
  } else if (journey->history_cut) {
    label.Line("(history cut: later events not shown)", {kQuietColour});
  }
  for (int i = 0; i < node.excursions_size(); ++i) {
    if (static_cast<size_t>(i) == kExcursionLinesMax) {
      label.Line("and " + std::to_string(node.excursions_size() - i) + " more excursion(s)",
                 {kExcursionText});
      break;
    }
    label.Line(ExcursionLine(node.excursions(i)), {kExcursionText, true});
  }
  if (node.recalls_size() > 0) {
    const v1::RecallFlag& recall = node.recalls(0);
    label.Line("RECALLED by " + recall.issued_by_org(), {kRecalledText, true});
    label.Wrapped(kLabelColumns, recall.reason(), {kRecalledText});
  }
  return label.Finish();
}

std::string HopLabel(const CustodyHop& hop, const std::string& unit,
                     const std::vector<const v1::Excursion*>& excursions) {
  GraphvizLabel label;
  label.Line(hop.from_org + " → " + hop.to_org, {.bold = true});
  label.Line(FormatQuantity(hop.quantity_milli, unit) +
             (hop.carrier_org.empty() ? "" : " via " + hop.carrier_org));
  label.Line("shipped " + ShortTime(hop.shipped_time));
  if (hop.received_milli >= hop.quantity_milli) {
    label.Line("received " + ShortTime(hop.received_time));
  } else if (hop.received_milli > 0) {
    label.Line(FormatQuantity(hop.received_milli, unit) + " received, rest in transit");
  } else {
    label.Line("in transit");
  }
  for (const v1::Excursion* e : excursions) {
    label.Line(ExcursionLine(*e) + " (" + std::to_string(e->reading_count()) + " readings)",
               {.bold = true});
  }
  return label.FinishPadded();
}

bool SameEvent(const v1::EventRef& a, const v1::EventRef& b) {
  return a.height() == b.height() && a.index() == b.index();
}

// The drawing of one lot: its box and the places of the organisations in its chain.
struct LotPlaces {
  std::string box;                          // node name of the lot's box
  std::string creator;                      // whose place is the box itself
  std::map<std::string, std::string> orgs;  // org id -> node name, other than the creator

  const std::string& Of(const std::string& org) const {
    const auto it = orgs.find(org);
    return it == orgs.end() ? box : it->second;
  }
};

class DotBuilder {
 public:
  DotBuilder(const v1::TraceGraph& graph, const LotJourneys& journeys)
      : graph_(graph), journeys_(journeys) {}

  // `title`: the graph's label as a DOT value.
  std::string Build(const std::string& title) {
    out_ = "digraph tadori_trace {\n";
    out_ += "  label=" + title + ";\n";
    out_ += "  labelloc=t; labeljust=l; fontsize=13; fontname=\"" + std::string(kFont) + "\";\n";
    out_ += "  rankdir=TB; nodesep=0.5; ranksep=0.45; newrank=true;\n";
    out_ += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"white\", fontsize=11, ";
    out_ += "fontname=\"" + std::string(kFont) + "\"];\n";
    out_ += "  edge [fontsize=10, fontname=\"" + std::string(kFont) + "\"];\n";
    for (const v1::TraceNode& node : graph_.nodes()) AddLot(node);
    for (const v1::TraceEdge& e : graph_.edges()) AddTransformation(e);
    out_ += "}\n";
    return std::move(out_);
  }

 private:
  const LotJourney* JourneyOf(const std::string& lot_code) const {
    const auto it = journeys_.find(lot_code);
    return it == journeys_.end() ? nullptr : &it->second;
  }

  void AddLot(const v1::TraceNode& node) {
    if (places_.count(node.lot_code()) > 0) return;  // the service names each lot once
    LotPlaces& places = places_[node.lot_code()];
    const std::string id = "lot" + std::to_string(places_.size());
    places.box = id;
    const LotJourney* journey = JourneyOf(node.lot_code());
    std::string box = "    " + id + " [label=" + LotLabel(node, journey);
    if (node.recalls_size() > 0) {
      box += ", class=\"lot recalled\", ";
      box.append(kRecalledStyle);
    } else if (node.excursions_size() > 0) {
      box += ", class=\"lot excursion\", ";
      box.append(kExcursionStyle);
    } else {
      box += ", class=\"lot\"";
    }
    box += "];\n";
    if (journey == nullptr) {
      out_ += box.substr(2);
      return;
    }
    // The frame keeps a lot's custody chain together beside the other lots' chains.
    out_ += "  subgraph cluster_" + id + " {\n    style=\"rounded,filled\"; color=\"#f3f5f9\"; " +
            "fillcolor=\"#f3f5f9\"; label=\"\";\n";
    out_ += box;
    places.creator = journey->creator_org;
    for (const CustodyHop& hop : journey->hops) {
      for (const std::string* org : {&hop.from_org, &hop.to_org}) {
        if (*org == places.creator || places.orgs.count(*org) > 0) continue;
        const std::string org_id = id + "_at" + std::to_string(places.orgs.size() + 1);
        places.orgs[*org] = org_id;
        out_ += "    " + org_id + " [label=" + Quoted(*org) + ", class=\"custody\", ";
        out_.append(kOrgStyle);
        out_ += "];\n";
      }
    }
    out_ += "  }\n";
    for (const CustodyHop& hop : journey->hops) {
      std::vector<const v1::Excursion*> during;
      for (const v1::Excursion& e : node.excursions()) {
        if (ExcursionDuringHop(e, hop)) during.push_back(&e);
      }
      out_ += "  " + places.Of(hop.from_org) + " -> " + places.Of(hop.to_org) +
              " [label=" + HopLabel(hop, journey->unit, during) + ", class=\"hop\", ";
      out_.append(during.empty() ? kHopStyle : kHopExcursionStyle);
      out_ += "];\n";
    }
  }

  // A lot an edge names that the service did not list (never, unless truncated oddly): a
  // plain box, so that the edge still has both ends.
  const LotPlaces& PlacesOf(const std::string& lot_code) {
    auto it = places_.find(lot_code);
    if (it != places_.end()) return it->second;
    LotPlaces& places = places_[lot_code];
    places.box = "lot" + std::to_string(places_.size());
    out_ += "  " + places.box + " [label=" + Quoted(lot_code + "\n(not in this trace)") +
            ", class=\"lot\"];\n";
    return places;
  }

  void AddTransformation(const v1::TraceEdge& e) {
    const LotPlaces& from = PlacesOf(e.from_lot());
    const std::string to_box = PlacesOf(e.to_lot()).box;
    GraphvizLabel label;
    label.Line("transformation " + FormatEventRef(e.transformation()), {.bold = true});
    std::string tail = from.box;
    if (const LotJourney* journey = JourneyOf(e.from_lot())) {
      for (const LotUse& use : journey->uses) {
        if (!SameEvent(use.transformation, e.transformation())) continue;
        tail = from.Of(use.org);
        label.Line(FormatQuantity(use.quantity_milli, journey->unit) + " used by " + use.org);
        label.Line(ShortTime(use.time));
        break;
      }
    }
    out_ += "  " + tail + " -> " + to_box + " [label=" + label.FinishPadded() +
            ", class=\"transformation\", ";
    out_.append(kTransformationStyle);
    out_ += "];\n";
  }

  const v1::TraceGraph& graph_;
  const LotJourneys& journeys_;
  std::map<std::string, LotPlaces> places_;
  std::string out_;
};

}  // namespace

std::string DotEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t start = 0; start <= text.size();) {
    // Line breaks are the caller's ("\n" in a label); everything else unprintable is not.
    const size_t end = std::min(text.find('\n', start), text.size());
    if (start > 0) out += "\\n";
    for (char c : PrintableText(text.substr(start, end - start))) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (c == '&') {
        out += "&amp;";  // Graphviz reads "&lt;" in a label as '<'; a literal '&' must not
      } else {
        out += c;
      }
    }
    start = end + 1;
  }
  return out;
}

std::string TraceGraphToDot(const v1::TraceGraph& graph, std::string_view lot_code,
                            std::string_view direction, const LotJourneys& journeys,
                            std::string_view journeys_note) {
  // A table, so that each part of the legend is a cell of its own with room around it.
  std::string title = "<<TABLE BORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"0\">";
  const auto row = [&](const std::string& cells) {
    title += "<TR><TD ALIGN=\"LEFT\">" + cells + "</TD></TR>";
  };
  row(GraphvizLabel::Styled(
      "trace " + std::string(direction) + " from " + std::string(lot_code) + ", read at height " +
          std::to_string(graph.read_at_height()) +
          (graph.truncated() ? " (truncated: depth or lot limit reached)" : ""),
      {.bold = true, .point_size = 14}));
  if (!journeys_note.empty()) row(GraphvizLabel::Styled(journeys_note, {kQuietColour}));
  std::string legend = "<TABLE BORDER=\"0\" CELLSPACING=\"8\" CELLPADDING=\"0\"><TR>";
  for (const auto& [text, style] : std::initializer_list<std::pair<std::string_view, LabelStyle>>{
           {"■ recalled", {"red", true}},
           {"■ excursion", {"darkorange", true}},
           {"→ custody hop: shipper to receiver", {kHopColour}},
           {"→ transformation", {}}}) {
    legend += "<TD>" + GraphvizLabel::Styled(text, style) + "</TD>";
  }
  row(legend + "</TR></TABLE>");
  title += "</TABLE>>";
  return DotBuilder(graph, journeys).Build(title);
}

}  // namespace tadori::cli
