// The EPCIS 2.0 side of tadori.v1.Trace: QueryEpcis (events as an EPCISQueryDocument) and
// FindEpcisEvent (a captured event by its eventID or event hash).
//
// QueryEpcis selects events as QueryEvents does (trace_query.h) — a lot's history through
// the "le/" index, else bizStep / org / time through their indexes — and writes each page
// as one document (ledger/epcis/query_document.h) whose recordTimes are the block times of
// the events' heights and whose creationDate is the block time of the height read, so the
// same query at the same height gives the same bytes. Paging and cursors are QueryEvents'
// (the cursor of an EpcisQuery is that of the EventQuery it becomes, EventQueryOf); a page
// also stops before its document passes kEpcisPageBytesMax (a page of captured events may
// hold their full JSON), so keep paging until next_cursor is empty.
//
// Codes: as QueryEvents (INVALID_ARGUMENT for a malformed request), NOT_FOUND for an unknown
// lot or an event no capture recorded, DATA_LOSS when a block or an index entry is missing.
//
// Thread-safety: the functions keep no state; concurrent calls on one snapshot are safe as
// long as `block_time` is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "ledger/status.h"
#include "ledger/store/store.h"
#include "node/query/read_policy.h"
#include "tadori/v1/trace.pb.h"

namespace tadori {

// The largest document one QueryEpcis page returns, under the client API's message limit.
inline constexpr size_t kEpcisPageBytesMax = 4 * 1024 * 1024;

// The block time (BlockHeader.timestamp_ms) of a committed height >= 1. The node reads it
// from the store's blocks, which never change below the snapshot's height.
using BlockTimeReader = std::function<Result<int64_t>(uint64_t height)>;

// The EventQuery an EpcisQuery asks (for the query and for the read policy's CheckEvents).
v1::EventQuery EventQueryOf(const v1::EpcisQuery& query);

Result<v1::EpcisQueryPage> QueryEpcis(const Store::Snapshot& snapshot,
                                      const BlockTimeReader& block_time,
                                      const v1::EpcisQuery& request);

// The recorded event a capture wrote for that eventID or event hash (exactly one of them).
Result<v1::RecordedEvent> FindEpcisEvent(const Store::Snapshot& snapshot,
                                         const v1::FindEpcisEventRequest& request);

}  // namespace tadori
