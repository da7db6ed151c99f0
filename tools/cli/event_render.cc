#include "tools/cli/event_render.h"

#include "tools/cli/lot_render.h"
#include "tools/cli/render.h"
#include "tools/cli/table.h"

namespace tadori::cli {

namespace {

std::string TypeName(v1::EventType type) {
  switch (type) {
    case v1::OBJECT_EVENT:
      return "OBJECT";
    case v1::AGGREGATION_EVENT:
      return "AGGREGATION";
    case v1::TRANSFORMATION_EVENT:
      return "TRANSFORMATION";
    case v1::TRANSACTION_EVENT:
      return "TRANSACTION";
    case v1::ASSOCIATION_EVENT:
      return "ASSOCIATION";
    default:
      return "?";
  }
}

std::string ActionName(v1::EventAction action) {
  switch (action) {
    case v1::ADD:
      return "ADD";
    case v1::OBSERVE:
      return "OBSERVE";
    case v1::DELETE:
      return "DELETE";
    default:
      return "";
  }
}

std::string QuantityList(const google::protobuf::RepeatedPtrField<v1::QuantityElement>& list) {
  std::string out;
  for (const v1::QuantityElement& q : list) {
    if (!out.empty()) out += ", ";
    out += q.lot_code() + " " + FormatMilli(q.quantity_milli()) + " " + q.unit();
  }
  return out;
}

std::string Parties(const google::protobuf::RepeatedPtrField<v1::PartyRef>& list) {
  std::string out;
  for (const v1::PartyRef& p : list) {
    if (p.type() == "location") continue;
    if (!out.empty()) out += ", ";
    out += p.id();
    if (p.type() == "possessing_party") out += " (carrier)";
  }
  return out.empty() ? "-" : out;
}

std::string OrDash(const std::string& s) {
  return s.empty() ? "-" : s;
}

}  // namespace

std::string EventKind(const v1::EpcisEvent& event) {
  const std::string action = ActionName(event.action());
  return action.empty() ? TypeName(event.type()) : TypeName(event.type()) + " " + action;
}

std::string EventLots(const v1::EpcisEvent& event) {
  if (event.type() == v1::TRANSFORMATION_EVENT) {
    return "in: " + QuantityList(event.input_quantity_list()) +
           "; out: " + QuantityList(event.output_quantity_list());
  }
  return QuantityList(event.quantity_list());
}

std::string RenderEvents(const v1::EventPage& page) {
  Table table({"TIME", "AT", "ORG", "KIND", "BIZ STEP", "CTE", "LOCATION", "LOTS", "TO"});
  for (const v1::RecordedEvent& r : page.events()) {
    const v1::EpcisEvent& e = r.event();
    const bool shipping = e.biz_step() == "shipping";
    table.AddRow({e.event_time(), FormatEventRef(r.ref()), r.org_id(), EventKind(e),
                  OrDash(e.biz_step()), OrDash(r.cte()),
                  OrDash(e.biz_location().empty() ? e.read_point() : e.biz_location()),
                  EventLots(e), shipping ? Parties(e.destination_list()) : "-"});
  }
  std::string out = std::to_string(page.events_size()) + " event(s), read at height " +
                    std::to_string(page.read_at_height()) + "\n";
  if (page.events_size() > 0) out += table.Render();
  if (!page.next_cursor().empty()) out += "(more events: raise --limit to see them)\n";
  return out;
}

std::string RenderReadings(const v1::ReadingsPage& page) {
  Table table({"TIME", "DEVICE", "SEQ", "SENSOR", "VALUE", "UNIT", "ATTESTED", "EXCURSION"});
  size_t excursions = 0;
  for (const v1::RecordedReading& r : page.readings()) {
    excursions += r.excursion() ? 1 : 0;
    table.AddRow({r.reading().time(), r.device_id(), std::to_string(r.sequence()),
                  r.reading().sensor_type(), FormatMilli(r.reading().value_milli()),
                  r.reading().unit(), FormatEventRef(r.attestation()),
                  r.excursion() ? "YES" : "-"});
  }
  std::string out = std::to_string(page.readings_size()) + " reading(s), " +
                    std::to_string(excursions) + " outside the storage range, read at height " +
                    std::to_string(page.read_at_height()) + "\n";
  if (page.readings_size() > 0) out += table.Render();
  if (!page.next_cursor().empty()) out += "(more readings: raise --limit to see them)\n";
  return out;
}

}  // namespace tadori::cli
