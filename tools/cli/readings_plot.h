// `tadori readings --lot L --plot FILE.svg`: a lot's attested sensor readings over time as
// an SVG picture for people: one panel per sensor type and unit, one line per device (with
// a legend), the storage range shaded, excursions marked in red, and above them the lot's
// shipments in that time (who was carrying it when it warmed up).
//
// The storage range is the product's, as registered (LotView.product), for the panel's
// sensor type and unit; failing that, the range an excursion record of the lot broke; a
// panel with neither is drawn without the band and says why. Output depends only on the
// input (no clock, no locale): the same readings give the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tadori/v1/trace.pb.h"
#include "tools/cli/lot_journey.h"

namespace tadori::cli {

struct ReadingsPlotInput {
  std::string lot_code;
  std::vector<v1::RecordedReading> readings;  // any order; drawn by time
  std::vector<v1::StorageRange> storage;      // the product's (LotView.product)
  std::vector<v1::Excursion> excursions;      // the lot's (LotRecord.excursions)
  std::vector<CustodyHop> hops;               // the lot's shipments (lot_journey.h)
  std::string unit;                           // of the lot's quantities, e.g. "KGM"
  uint64_t read_at_height = 0;
  bool truncated = false;  // the lot has more readings than `readings`
};

// The SVG document. Text from the chain (lot code, device ids, sensor types, units) is
// escaped. Without readings it is a small picture saying so.
std::string ReadingsPlotSvg(const ReadingsPlotInput& input);

}  // namespace tadori::cli
