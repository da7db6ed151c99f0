// A lot's journey between organisations, read from its history (Trace.LotHistory): who made
// it and how much, every shipment (who handed how much to whom, by which carrier, when it
// left and when it was received) and the transformations that used it up. The trace
// pictures (trace_dot.h) draw it as the lot's chain of custody.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tadori/v1/trace.pb.h"

namespace tadori::cli {

// One shipping event of the lot and what has been received of it. Receipts are matched to
// shipments as chaincode does: by shipper and receiver, oldest shipment first.
struct CustodyHop {
  std::string from_org;        // the shipper (the org that recorded the shipping event)
  std::string to_org;          // destination owning_party
  std::string carrier_org;     // destination possessing_party; empty when none was named
  int64_t quantity_milli = 0;  // shipped
  int64_t received_milli = 0;  // of it, received so far
  std::string shipped_time;    // event_time as recorded (RFC 3339)
  std::string received_time;   // of the last receipt that took from it; empty while none
  int64_t shipped_ms = 0;      // Unix milliseconds of the two
  int64_t received_ms = 0;
  v1::EventRef shipped_by;
};

// A transformation that consumed some of the lot.
struct LotUse {
  std::string org;
  int64_t quantity_milli = 0;
  std::string time;
  v1::EventRef transformation;
};

struct LotJourney {
  std::string unit;  // of the lot's quantities, e.g. "KGM"; empty when no event named one
  std::string creator_org;
  int64_t created_milli = 0;
  std::string created_biz_step;  // harvesting, commissioning, ..., transforming
  std::string created_time;
  std::vector<CustodyHop> hops;  // in chain order
  std::vector<LotUse> uses;      // in chain order
  bool history_cut = false;      // more events exist than were read: the journey is a prefix
};

// Lot code -> journey, for the lots of a trace whose history was read.
using LotJourneys = std::map<std::string, LotJourney>;

// The journey of `lot_code` from its events in chain order (LotHistory pages concatenated).
// Events that do not name the lot, and receipts with no shipment to match, are ignored.
LotJourney JourneyFromHistory(std::string_view lot_code,
                              const google::protobuf::RepeatedPtrField<v1::RecordedEvent>& events);

// Whether `excursion` (start_time .. end_time) overlaps the time `hop` was on its way
// (shipped .. fully received; still on its way while not fully received).
bool ExcursionDuringHop(const v1::Excursion& excursion, const CustodyHop& hop);

}  // namespace tadori::cli
