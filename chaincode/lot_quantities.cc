// Quantities and FSMA 204 classification of lots and events.
#include <limits>

#include "chaincode/chaincode.h"

namespace tadori {

Result<int64_t> RemainingQuantity(const v1::LotRecord& lot) {
  int64_t total = 0;
  auto add = [&total](int64_t quantity_milli) {
    if (quantity_milli < 0 || total > std::numeric_limits<int64_t>::max() - quantity_milli) {
      return false;
    }
    total += quantity_milli;
    return true;
  };
  for (const v1::Holding& holding : lot.holdings()) {
    if (!add(holding.quantity_milli())) {
      return Status::DataLoss("lot '" + lot.lot_code() + "': holdings do not add up");
    }
  }
  for (const v1::InTransit& transit : lot.in_transit()) {
    if (!add(transit.quantity_milli())) {
      return Status::DataLoss("lot '" + lot.lot_code() + "': quantities in transit do not add up");
    }
  }
  return total;
}

std::string_view CriticalTrackingEvent(const v1::EpcisEvent& event) {
  if (event.type() == v1::TRANSFORMATION_EVENT) return "transformation";
  if (event.type() != v1::OBJECT_EVENT) return "";
  const std::string& step = event.biz_step();
  if (event.action() == v1::ADD) {
    if (step == "harvesting") return "harvesting";
    if (step == "cooling") return "cooling";
    if (step == "commissioning") return "initial_packing";
    if (step == "first_land_based_receiving") return "first_land_based_receiving";
  } else if (event.action() == v1::OBSERVE) {
    if (step == "cooling") return "cooling";
    if (step == "shipping") return "shipping";
    if (step == "receiving") return "receiving";
  }
  return "";
}

}  // namespace tadori
