// Limits chaincode enforces on payloads, beyond the transaction-wide ones of ledger/limits.h.
// Every repeated field of a payload and every list a state record grows has a maximum here;
// a payload beyond one is refused (INVALID_ARGUMENT, or RESOURCE_EXHAUSTED when a record
// would outgrow its bound), so no record grows without bound.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ledger/limits.h"

namespace tadori {

// Identifiers.
inline constexpr size_t kLotCodeBytesMax = 128;
inline constexpr size_t kIdBytesMax = 256;  // device ids, GLNs, GTINs, report ids

// Registry.
inline constexpr size_t kDeviceSensorTypesMax = 16;
inline constexpr size_t kProductStorageRangesMax = 16;

// EPCIS events.
inline constexpr size_t kEventQuantityElementsMax = 256;  // each of the three lists
inline constexpr size_t kEventPartiesMax = 16;            // source_list, destination_list
inline constexpr size_t kEventBizTransactionsMax = 32;
// How far an event's eventTime may be ahead of the block that records it. The block time is
// the proposer's wall clock (at most 30 s ahead of the validators', node/validator/
// proposal_check.h, and possibly behind); event times come from handhelds, ERPs and loggers
// whose clocks drift further. 15 minutes absorbs ordinary drift and a slow block, and still
// refuses the usual mistakes: a local time written with the wrong UTC offset (30 minutes or
// more, usually hours) or a wrong date.
inline constexpr int64_t kEventTimeSkewMs = 15 * 60 * 1000;

// Lot records.
inline constexpr size_t kLotChildrenMax = 1024;
inline constexpr size_t kLotParentsMax = kEventQuantityElementsMax;
inline constexpr size_t kLotHoldingsMax = 256;
inline constexpr size_t kLotInTransitMax = 256;
inline constexpr size_t kLotExcursionsMax = 256;  // further excursions merge into the last
// Events declared erroneous (EPCIS errorDeclaration) a lot lists; a declaration that would
// go beyond is refused (RESOURCE_EXHAUSTED).
inline constexpr size_t kLotErroneousEventsMax = 256;
// Recall flags on a lot are shared out per issuing organisation (chaincode/recall.cc): one
// org's flags never crowd out another's, so a lot carries at most kLotRecallsMax.
inline constexpr size_t kLotRecallsPerOrgMax = 4;
inline constexpr size_t kLotRecallsMax = kLotRecallsPerOrgMax * kGenesisOrgCountMax;
// One transaction of a recall (IssueRecall or ContinueRecall) flags at most kRecallLotsMax
// lots and follows at most kRecallChildLinksMax child links; a bigger recall goes on in
// further ContinueRecall transactions. A lot's links are followed together: a lot whose
// links would go over waits for the next transaction.
inline constexpr size_t kRecallLotsMax = 10'000;
inline constexpr size_t kRecallChildLinksMax = 20'000;

// Sensor attestations.
inline constexpr size_t kReadingsPerBatchMax = 1000;
inline constexpr size_t kReadingLotCodesMax = 64;

// Pilot reports.
inline constexpr size_t kPilotKpisMax = 64;
inline constexpr size_t kPilotDocumentsMax = 64;
inline constexpr size_t kPilotSummaryBytesMax = 16 * 1024;
inline constexpr size_t kPilotVersionsMax = 256;
inline constexpr size_t kPilotFindingsMax = 1024;
inline constexpr size_t kPilotFindingTextBytesMax = 8 * 1024;

static_assert(kLotCodeBytesMax <= kStringFieldBytesMax);
static_assert(kIdBytesMax <= kStringFieldBytesMax);
static_assert(kLotParentsMax >= kEventQuantityElementsMax, "a transformation's inputs all fit");
static_assert(kRecallChildLinksMax >= kLotChildrenMax, "every recall transaction flags a lot");

// Refusal messages (TxResult.message): human text, stored with the block's results but not
// covered by the result root. Execute cuts a longer one on a character boundary.
inline constexpr size_t kTxResultMessageBytesMax = 1024;

}  // namespace tadori
