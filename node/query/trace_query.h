// The queries behind tadori.v1.Trace, as pure functions over one Store::Snapshot.
//
// Each function validates its request, reads only through the snapshot (so every answer is
// the chain as it stood at snapshot->Height(), which it reports as read_at_height) and
// returns the response message or a Status:
//   INVALID_ARGUMENT  a malformed request: an empty or oversized id, a time that is not
//                     RFC 3339, time_from after time_to, a page size above
//                     kQueryPageSizeMax, a depth above kTraceDepthMax, a cursor that this
//                     query did not issue. The message names the field.
//   NOT_FOUND         the lot, device or pilot report named does not exist at that height.
//   FAILED_PRECONDITION  RecallScope of a lot that no recall flags.
//   DATA_LOSS / INTERNAL  the store failed, or an index entry points at nothing.
//
// Paging: page_size 0 means kQueryPageSizeDefault. next_cursor is empty on the last page.
// A cursor is opaque (hex of the last index or state key the page covered) and is only
// valid with the same filters. To bound the work of one call, a page stops after reading
// kQueryScanEntriesMax index entries, so a filtered page may hold fewer than page_size
// results and still carry a next_cursor; keep paging until next_cursor is empty.
//
// Traces follow LotRecord.parents / children with point reads (no index scans over other
// lots), breadth first, up to `depth` (default kTraceDepthDefault) and kTraceNodesMax nodes;
// either limit sets `truncated`. custody_orgs of a node is read from that lot's own events
// (at most kCustodyEventsPerLotMax of them): the creator, then each receiver in chain order.
//
// Thread-safety: the functions keep no state; concurrent calls on one snapshot are safe.
#pragma once

#include "ledger/status.h"
#include "ledger/store/store.h"
#include "tadori/v1/trace.pb.h"

namespace tadori {

// The lot with its remaining (held + in transit) quantity.
Result<v1::LotView> GetLot(const Store::Snapshot& snapshot, const v1::GetLotRequest& request);

// Every event recorded on the lot, in chain order (height, then index in the block).
Result<v1::EventPage> LotHistory(const Store::Snapshot& snapshot,
                                 const v1::LotHistoryRequest& request);

// Ancestors: the lot, the inputs of the transformation that made it, theirs, and so on.
// Edges run input -> output and name the transformation.
Result<v1::TraceGraph> TraceBack(const Store::Snapshot& snapshot, const v1::TraceRequest& request);
// Descendants: every lot transformed from the lot, recursively.
Result<v1::TraceGraph> TraceForward(const Store::Snapshot& snapshot,
                                    const v1::TraceRequest& request);

// Events matching every given filter. The most selective index drives the scan (lot, then
// bizStep, then location, then org, then time alone); the other filters are checked per
// event against their own index. With a lot the page is in chain order, otherwise in event
// time order (ties in chain order).
Result<v1::EventPage> QueryEvents(const Store::Snapshot& snapshot, const v1::EventQuery& request);

// Sensor readings of a lot or of a device (both: the lot's readings from that device), in
// reading time order, within [time_from, time_to).
Result<v1::ReadingsPage> GetReadings(const Store::Snapshot& snapshot,
                                     const v1::ReadingsQuery& request);

// For a recalled lot: its recall flags with each recall's record (complete or not, lots
// flagged so far), every lot downstream of each recall's origin that carries one of those
// flags, and who holds those lots now (holdings, and lots in transit, attributed to the
// carrier, or to the shipper when no carrier is named). `organisations` lists, sorted and
// distinct, every holder, shipper, carrier and consignee to notify. The walk reads at most
// kTraceNodesMax lots; beyond, it sets `truncated`. An incomplete recall's scope covers only
// the lots it has flagged so far.
Result<v1::RecallScopeResponse> RecallScope(const Store::Snapshot& snapshot,
                                            const v1::RecallScopeRequest& request);

// Pilot reports whose latest version matches every given filter, in report id order.
Result<v1::PilotListResponse> ListPilotReports(const Store::Snapshot& snapshot,
                                               const v1::PilotListRequest& request);
// One report with all its versions and findings.
Result<v1::PilotRecord> GetPilotReport(const Store::Snapshot& snapshot,
                                       const v1::PilotReportRequest& request);

}  // namespace tadori
