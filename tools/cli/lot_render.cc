#include "tools/cli/lot_render.h"

#include "tools/cli/render.h"
#include "tools/cli/table.h"

namespace tadori::cli {

namespace {

std::string JoinOrDash(const google::protobuf::RepeatedPtrField<std::string>& items,
                       std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out.empty() ? "-" : out;
}

std::string FormatInTransit(const v1::InTransit& t, std::string_view unit) {
  std::string out = t.from_org() + " -> " + t.to_org();
  if (!t.carrier_org().empty()) out += " via " + t.carrier_org();
  out += ' ';
  out += FormatMilli(t.quantity_milli());
  out += ' ';
  out.append(unit);
  out += " (shipped " + FormatEventRef(t.shipped_by()) + ")";
  return out;
}

std::string FormatRecall(const v1::RecallFlag& r) {
  std::string out = "recall of " + r.origin_lot() + " by " + r.issued_by_org() + " at height " +
                    std::to_string(r.height()) + ": " + r.reason();
  return out;
}

// The ILMD (lot master data) fields that are set, as label/value pairs.
void AddIlmd(const v1::Ilmd& ilmd, Fields& fields) {
  const std::pair<const char*, const std::string*> all[] = {
      {"harvest date", &ilmd.harvest_date()},
      {"harvest location", &ilmd.harvest_location()},
      {"cooling date", &ilmd.cooling_date()},
      {"cooling location", &ilmd.cooling_location()},
      {"packing date", &ilmd.packing_date()},
      {"landing date", &ilmd.landing_date()},
      {"vessel", &ilmd.vessel()},
      {"best before", &ilmd.best_before_date()},
  };
  for (const auto& [label, value] : all) {
    if (!value->empty()) fields.push_back({label, *value});
  }
}

// "!EXCURSION" / "!RECALLED" markers for a trace row.
std::string Markers(const v1::TraceNode& node) {
  std::string out;
  if (node.recalls_size() > 0) out += "RECALLED";
  if (node.excursions_size() > 0) {
    if (!out.empty()) out += ",";
    out += "EXCURSION(" + std::to_string(node.excursions_size()) + ")";
  }
  if (node.erroneous_events_size() > 0) {
    if (!out.empty()) out += ",";
    out += "ERRONEOUS-EVENT(" + std::to_string(node.erroneous_events_size()) + ")";
  }
  return out.empty() ? "-" : out;
}

}  // namespace

std::string FormatEventRef(const v1::EventRef& ref) {
  if (ref.height() == 0) return "-";
  return std::to_string(ref.height()) + ":" + std::to_string(ref.index());
}

std::string FormatHoldings(const google::protobuf::RepeatedPtrField<v1::Holding>& holdings,
                           std::string_view unit) {
  std::string out;
  for (const v1::Holding& h : holdings) {
    if (!out.empty()) out += ", ";
    out += h.org_id() + " " + FormatMilli(h.quantity_milli());
    if (!unit.empty()) {
      out += ' ';
      out.append(unit);
    }
  }
  return out.empty() ? "-" : out;
}

std::string FormatExcursion(const v1::Excursion& e) {
  return e.sensor_type() + " worst " + FormatMilli(e.worst_value_milli()) + " " + e.unit() +
         " outside " + FormatMilli(e.range_min_milli()) + ".." + FormatMilli(e.range_max_milli()) +
         " (" + std::to_string(e.reading_count()) + " readings, " + e.start_time() + " .. " +
         e.end_time() + ", device " + e.device_id() + ", attested " +
         FormatEventRef(e.attestation()) + ")";
}

std::string RenderLotView(const v1::LotView& view) {
  const v1::LotRecord& lot = view.lot();
  Fields fields = {
      {"lot code", lot.lot_code()},
      {"product", lot.product()},
      {"created", FormatMilli(lot.created_quantity_milli()) + " " + lot.unit() + " by " +
                      lot.creator_org() + " (" + lot.created_biz_step() + " at " +
                      FormatEventRef(lot.created_by()) + ")"},
      {"tlc source", lot.tlc_source().empty() ? "-" : lot.tlc_source()},
      {"remaining",
       FormatMilli(view.remaining_quantity_milli()) + " " + lot.unit() + " (held + in transit)"},
      {"consumed", FormatMilli(lot.consumed_quantity_milli()) + " " + lot.unit()},
      {"held by", FormatHoldings(lot.holdings(), lot.unit())},
  };
  for (const v1::InTransit& t : lot.in_transit()) {
    fields.push_back({"in transit", FormatInTransit(t, lot.unit())});
  }
  fields.push_back({"parents", JoinOrDash(lot.parents(), ", ")});
  fields.push_back({"children", JoinOrDash(lot.children(), ", ")});
  AddIlmd(lot.ilmd(), fields);
  if (lot.excursions_size() == 0) fields.push_back({"excursions", "none"});
  for (const v1::Excursion& e : lot.excursions()) {
    fields.push_back({"EXCURSION", FormatExcursion(e)});
  }
  if (lot.recalls_size() == 0) fields.push_back({"recalls", "none"});
  for (const v1::RecallFlag& r : lot.recalls()) fields.push_back({"RECALLED", FormatRecall(r)});
  // Events on this lot that their recorder later declared erroneous (EPCIS errorDeclaration):
  // still on the chain, their custody effects stand until corrective events undo them.
  for (const v1::EventRef& ref : lot.erroneous_events()) {
    fields.push_back({"ERRONEOUS EVENT", "event " + FormatEventRef(ref) + " declared erroneous"});
  }
  fields.push_back({"read at height", std::to_string(view.read_at_height())});
  return RenderFields(fields);
}

std::string RenderTraceGraph(const v1::TraceGraph& graph, std::string_view lot_code,
                             std::string_view direction) {
  std::string out = "trace ";
  out.append(direction);
  out += " from ";
  out.append(lot_code);
  out += ": " + std::to_string(graph.nodes_size()) + " lot(s), " +
         std::to_string(graph.edges_size()) + " transformation edge(s), read at height " +
         std::to_string(graph.read_at_height());
  if (graph.truncated()) out += " (TRUNCATED: depth or node limit reached)";
  out += "\n";
  Table lots({"DEPTH", "LOT", "PRODUCT", "CREATOR", "HELD BY", "CUSTODY PATH", "FLAGS"});
  for (const v1::TraceNode& node : graph.nodes()) {
    std::string holders = node.holdings_size() > 0 ? FormatHoldings(node.holdings(), "") : "";
    for (const v1::InTransit& t : node.in_transit()) {
      if (!holders.empty()) holders += ", ";
      holders += "in transit to " + t.to_org();
    }
    if (holders.empty()) holders = "-";
    lots.AddRow({std::to_string(node.depth()), node.lot_code(), node.product(), node.creator_org(),
                 holders, JoinOrDash(node.custody_orgs(), " > "), Markers(node)});
  }
  out += lots.Render();
  if (graph.edges_size() > 0) {
    Table edges({"INPUT", "OUTPUT", "TRANSFORMATION"});
    for (const v1::TraceEdge& e : graph.edges()) {
      edges.AddRow({e.from_lot(), e.to_lot(), "event " + FormatEventRef(e.transformation())});
    }
    out += "\n";
    out += edges.Render();
  }
  for (const v1::TraceNode& node : graph.nodes()) {
    for (const v1::Excursion& e : node.excursions()) {
      out += "EXCURSION on " + node.lot_code() + ": " + FormatExcursion(e) + "\n";
    }
    for (const v1::RecallFlag& r : node.recalls()) {
      out += "RECALLED " + node.lot_code() + ": " + FormatRecall(r) + "\n";
    }
    for (const v1::EventRef& ref : node.erroneous_events()) {
      out += "ERRONEOUS EVENT on " + node.lot_code() + ": event " + FormatEventRef(ref) +
             " declared erroneous\n";
    }
  }
  return out;
}

std::string RenderRecallScope(const v1::RecallScopeResponse& scope) {
  std::string out;
  for (const v1::RecallFlag& r : scope.recalls()) out += FormatRecall(r) + "\n";
  out += "affected lots (" + std::to_string(scope.affected_lots_size()) +
         "): " + JoinOrDash(scope.affected_lots(), ", ") + "\n";
  out += "organisations to notify (" + std::to_string(scope.organisations_size()) +
         "): " + JoinOrDash(scope.organisations(), ", ") + "\n";
  Table holders({"ORG", "LOT", "QUANTITY", "WHERE"});
  for (const v1::AffectedHolder& h : scope.holders()) {
    holders.AddRow({h.org_id(), h.lot_code(), FormatMilli(h.quantity_milli()),
                    h.in_transit() ? "in transit" : "held"});
  }
  out += "\n";
  out += holders.Render();
  out += "read at height " + std::to_string(scope.read_at_height()) + "\n";
  return out;
}

}  // namespace tadori::cli
