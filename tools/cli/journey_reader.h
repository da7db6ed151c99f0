// Reads a lot's journey (lot_journey.h) from a node: its history through Trace.LotHistory,
// page by page, up to kJourneyEventsMax events.
#pragma once

#include <cstddef>
#include <string>

#include "ledger/limits.h"
#include "ledger/status.h"
#include "tools/cli/lot_journey.h"
#include "tools/client/failover.h"

namespace tadori::cli {

// A history longer than this is cut (LotJourney::history_cut): one call per page, bounded.
inline constexpr size_t kJourneyEventsMax = 5 * kQueryPageSizeMax;

// The journey of `lot_code`, or the node's error (NOT_FOUND for an unknown lot).
Result<LotJourney> ReadLotJourney(client::NodeSet& nodes, const std::string& lot_code);

}  // namespace tadori::cli
