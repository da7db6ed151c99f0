// Who holds how much of a lot, kept in the LotRecord and mirrored under "held/<org>\0<lot>"
// so queries list an organisation's lots. Private to chaincode/.
//
// Invariant (mass balance), checked by WriteLot on every write:
//   created_quantity_milli == sum(holdings) + sum(in_transit) + consumed_quantity_milli
// with every holding and every quantity in transit > 0.
#pragma once

#include <string>
#include <string_view>

#include "chaincode/contracts.h"

namespace tadori {

// The quantity `org_id` holds, 0 when it holds none.
int64_t HeldQuantity(const v1::LotRecord& lot, std::string_view org_id);

// Adds `quantity_milli` (> 0) to the org's holding. RESOURCE_EXHAUSTED when a new holding
// would exceed kLotHoldingsMax.
Status AddHolding(v1::LotRecord& lot, std::string_view org_id, int64_t quantity_milli);

// Takes `quantity_milli` (> 0, at most what the org holds: a caller bug otherwise, it
// aborts) from the org's holding; a holding that reaches zero is removed.
void TakeHolding(v1::LotRecord& lot, std::string_view org_id, int64_t quantity_milli);

// True when the org carries the lot: some quantity is in transit with it as carrier.
bool CarriesLot(const v1::LotRecord& lot, std::string_view org_id);

// The lot named `lot_code`, or NOT_FOUND "<action>: lot '<code>' does not exist".
Result<v1::LotRecord> ReadExistingLot(std::string_view action, const StateReader& state,
                                      std::string_view lot_code);

// Writes `after` and brings the "held/" keys of every org in `before` or `after` in line
// (deleted at zero). `before` is null for a new lot. Aborts when `after` breaks the mass
// balance invariant: chaincode never writes such a record.
void WriteLot(StateView& view, const v1::LotRecord* before, const v1::LotRecord& after);

}  // namespace tadori
