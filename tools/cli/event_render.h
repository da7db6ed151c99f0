// Human text for EPCIS event queries and sensor readings. Pure; each result ends in '\n'.
#pragma once

#include <string>

#include "tadori/v1/trace.pb.h"

namespace tadori::cli {

// "OBJECT ADD", "TRANSFORMATION", "OBJECT OBSERVE" for an event's type and action.
std::string EventKind(const v1::EpcisEvent& event);

// The lots an event names with their quantities: "KF-CABBAGE-0001 1200.000 KGM"; a
// transformation prints "in: A 3.000 KGM; out: B 2.500 KGM".
std::string EventLots(const v1::EpcisEvent& event);

// One row per event: time, event position, org, kind, bizStep, CTE, location, lots, and the
// destination of a shipment. `next_cursor` non-empty adds a line saying there is more.
std::string RenderEvents(const v1::EventPage& page);

// One row per reading: time, device, sequence, sensor, value and unit, an excursion marker.
std::string RenderReadings(const v1::ReadingsPage& page);

}  // namespace tadori::cli
