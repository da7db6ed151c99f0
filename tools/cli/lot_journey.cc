#include "tools/cli/lot_journey.h"

#include <algorithm>
#include <limits>

#include "ledger/rfc3339.h"

namespace tadori::cli {

namespace {

std::string_view FirstParty(const google::protobuf::RepeatedPtrField<v1::PartyRef>& parties,
                            std::string_view type) {
  for (const v1::PartyRef& p : parties) {
    if (p.type() == type) return p.id();
  }
  return {};
}

// The events recorded their own times; a time that does not parse (never on a chain that
// checked it) sorts as the beginning of time rather than failing the picture.
int64_t TimeMs(const std::string& rfc3339) {
  const Result<int64_t> ms = ParseRfc3339Ms(rfc3339);
  return ms.ok() ? *ms : std::numeric_limits<int64_t>::min();
}

void Receive(LotJourney& journey, const v1::RecordedEvent& recorded, int64_t quantity_milli) {
  const v1::EpcisEvent& event = recorded.event();
  const std::string_view from = FirstParty(event.source_list(), "owning_party");
  for (CustodyHop& hop : journey.hops) {
    if (quantity_milli == 0) break;
    if (hop.from_org != from || hop.to_org != recorded.org_id()) continue;
    const int64_t take = std::min(quantity_milli, hop.quantity_milli - hop.received_milli);
    if (take <= 0) continue;
    hop.received_milli += take;
    hop.received_time = event.event_time();
    hop.received_ms = TimeMs(event.event_time());
    quantity_milli -= take;
  }
}

void Apply(LotJourney& journey, std::string_view lot_code, const v1::RecordedEvent& recorded) {
  const v1::EpcisEvent& event = recorded.event();
  const auto note_unit = [&](const v1::QuantityElement& q) {
    if (journey.unit.empty()) journey.unit = q.unit();
  };
  const auto created = [&](const v1::QuantityElement& q) {
    journey.creator_org = recorded.org_id();
    journey.created_milli = q.quantity_milli();
    journey.created_biz_step = event.biz_step();
    journey.created_time = event.event_time();
  };
  if (event.type() == v1::TRANSFORMATION_EVENT) {
    for (const v1::QuantityElement& q : event.input_quantity_list()) {
      if (q.lot_code() != lot_code) continue;
      note_unit(q);
      journey.uses.push_back(
          {recorded.org_id(), q.quantity_milli(), event.event_time(), recorded.ref()});
    }
    for (const v1::QuantityElement& q : event.output_quantity_list()) {
      if (q.lot_code() != lot_code) continue;
      note_unit(q);
      created(q);
    }
    return;
  }
  // Only object events create lots and move them between organisations (chaincode/events.cc);
  // aggregation and transaction events are recorded on lots without moving them.
  const bool object = event.type() == v1::OBJECT_EVENT;
  for (const v1::QuantityElement& q : event.quantity_list()) {
    if (q.lot_code() != lot_code) continue;
    note_unit(q);
    if (object && event.action() == v1::ADD) {
      created(q);
    } else if (object && event.action() == v1::OBSERVE && event.biz_step() == "shipping") {
      CustodyHop hop;
      hop.from_org = recorded.org_id();
      hop.to_org = std::string(FirstParty(event.destination_list(), "owning_party"));
      hop.carrier_org = std::string(FirstParty(event.destination_list(), "possessing_party"));
      hop.quantity_milli = q.quantity_milli();
      hop.shipped_time = event.event_time();
      hop.shipped_ms = TimeMs(event.event_time());
      hop.shipped_by = recorded.ref();
      journey.hops.push_back(std::move(hop));
    } else if (object && event.action() == v1::OBSERVE && event.biz_step() == "receiving") {
      Receive(journey, recorded, q.quantity_milli());
    }
  }
}

}  // namespace

LotJourney JourneyFromHistory(std::string_view lot_code,
                              const google::protobuf::RepeatedPtrField<v1::RecordedEvent>& events) {
  LotJourney journey;
  for (const v1::RecordedEvent& recorded : events) Apply(journey, lot_code, recorded);
  return journey;
}

bool ExcursionDuringHop(const v1::Excursion& excursion, const CustodyHop& hop) {
  const Result<int64_t> start = ParseRfc3339Ms(excursion.start_time());
  const Result<int64_t> end = ParseRfc3339Ms(excursion.end_time());
  if (!start.ok() || !end.ok()) return false;
  const bool arrived = hop.received_milli >= hop.quantity_milli;
  return *end >= hop.shipped_ms && (!arrived || *start <= hop.received_ms);
}

}  // namespace tadori::cli
