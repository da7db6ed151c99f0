#include "node/query/epcis_query.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "chaincode/chaincode.h"
#include "chaincode/chaincode_limits.h"
#include "chaincode/index_keys.h"
#include "ledger/epcis/query_document.h"
#include "ledger/limits.h"
#include "ledger/utf8.h"
#include "node/query/paging.h"
#include "node/query/trace_query.h"

namespace tadori {
namespace {

// Block times of the heights one page names, each read once.
class BlockTimes {
 public:
  explicit BlockTimes(const BlockTimeReader& reader) : reader_(reader) {}

  Result<int64_t> At(uint64_t height) {
    auto it = cache_.find(height);
    if (it != cache_.end()) return it->second;
    Result<int64_t> time = reader_(height);
    if (!time.ok()) {
      return time.status().WithContext("reading the time of block " + std::to_string(height));
    }
    cache_.emplace(height, *time);
    return *time;
  }

 private:
  const BlockTimeReader& reader_;
  std::map<uint64_t, int64_t> cache_;
};

// The events of one page as a document.
Result<std::string> PageDocument(const v1::EventPage& page, BlockTimes& times) {
  std::vector<epcis::ExportedEvent> events;
  events.reserve(static_cast<size_t>(page.events_size()));
  for (const v1::RecordedEvent& event : page.events()) {
    TADORI_ASSIGN_OR_RETURN(int64_t recorded, times.At(event.ref().height()));
    events.push_back(epcis::ExportEvent(event, recorded));
  }
  // The creation date is the time of the height read (the epoch before the first block), so
  // that the answer depends only on the chain.
  int64_t created = 0;
  if (page.read_at_height() > 0) {
    TADORI_ASSIGN_OR_RETURN(created, times.At(page.read_at_height()));
  }
  return epcis::WriteQueryDocument(epcis::RecordTimeText(created), events);
}

bool OneOf(const v1::FindEpcisEventRequest& request) {
  return request.event_id().empty() != request.event_hash().empty();
}

}  // namespace

v1::EventQuery EventQueryOf(const v1::EpcisQuery& query) {
  v1::EventQuery out;
  out.set_lot_code(query.lot_code());
  out.set_time_from(query.time_from());
  out.set_time_to(query.time_to());
  out.set_biz_step(query.biz_step());
  out.set_org_id(query.org_id());
  out.set_page_size(query.page_size());
  out.set_cursor(query.cursor());
  return out;
}

Result<v1::EpcisQueryPage> QueryEpcis(const Store::Snapshot& snapshot,
                                      const BlockTimeReader& block_time,
                                      const v1::EpcisQuery& request) {
  v1::EventQuery query = EventQueryOf(request);
  TADORI_ASSIGN_OR_RETURN(uint32_t page_size, query::PageSize(query.page_size()));
  if (!query.lot_code().empty()) {
    // QueryEvents answers an unknown lot with no events; an export of it is a mistake.
    TADORI_RETURN_IF_ERROR(query::CheckId("lot_code", query.lot_code(), kLotCodeBytesMax, true));
    TADORI_RETURN_IF_ERROR(query::RequireLot(snapshot, query.lot_code()).status());
  }
  BlockTimes times(block_time);
  // A page whose document would pass kEpcisPageBytesMax is asked again with half as many
  // events, from the same cursor on the same snapshot (so with the same answer): one event
  // is at most the capture's event size limit, far below the bound.
  while (true) {
    query.set_page_size(page_size);
    TADORI_ASSIGN_OR_RETURN(v1::EventPage page, QueryEvents(snapshot, query));
    TADORI_ASSIGN_OR_RETURN(std::string document, PageDocument(page, times));
    if (document.size() > kEpcisPageBytesMax && page.events_size() > 1) {
      page_size = static_cast<uint32_t>(page.events_size()) / 2;
      continue;
    }
    v1::EpcisQueryPage out;
    out.set_document(std::move(document));
    out.set_event_count(static_cast<uint32_t>(page.events_size()));
    out.set_next_cursor(page.next_cursor());
    out.set_read_at_height(page.read_at_height());
    return out;
  }
}

Result<v1::RecordedEvent> FindEpcisEvent(const Store::Snapshot& snapshot,
                                         const v1::FindEpcisEventRequest& request) {
  if (!OneOf(request)) {
    return Status::InvalidArgument("give exactly one of event_id and event_hash");
  }
  const bool by_id = !request.event_id().empty();
  const std::string& name = by_id ? request.event_id() : request.event_hash();
  TADORI_RETURN_IF_ERROR(
      query::CheckId(by_id ? "event_id" : "event_hash", name, kStringFieldBytesMax, true));
  TADORI_ASSIGN_OR_RETURN(
      std::optional<v1::EventRef> ref,
      by_id ? FindCapturedEventById(snapshot, name) : FindCapturedEventByHash(snapshot, name));
  if (!ref) {
    return Status::NotFound(std::string("no captured EPCIS event with ") +
                            (by_id ? "eventID " : "event hash ") + PrintableExcerpt(name));
  }
  const index_keys::Position pos{ref->height(), ref->index()};
  return query::LoadEvent(snapshot, index_keys::Event(pos));
}

}  // namespace tadori
