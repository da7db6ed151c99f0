// Lot views, lot history, the EPCIS event query and sensor readings. Traces and recall scope
// are in trace_graph.cc, pilot reports in trace_pilot.cc.
#include "node/query/trace_query.h"

#include "chaincode/chaincode.h"
#include "chaincode/chaincode_limits.h"
#include "chaincode/index_keys.h"
#include "node/query/paging.h"

namespace tadori {
namespace {

using query::CheckId;

// How QueryEvents walks the indexes: the index that drives the scan and the filters left.
struct EventPlan {
  std::string prefix;       // index prefix the scan walks (and cursors must start with)
  bool time_keyed = false;  // keys are prefix EncodeTime(t) position
  bool filter_biz_step = false;
  bool filter_location = false;
  bool filter_org = false;
};

EventPlan PlanEvents(const v1::EventQuery& q) {
  EventPlan plan;
  plan.time_keyed = true;
  if (!q.lot_code().empty()) {
    plan.prefix = index_keys::LotEventPrefix(q.lot_code());
    plan.time_keyed = false;
  } else if (!q.biz_step().empty()) {
    plan.prefix = index_keys::BizStepPrefix(q.biz_step());
  } else if (!q.location().empty()) {
    plan.prefix = index_keys::LocationPrefix(q.location());
  } else if (!q.org_id().empty()) {
    plan.prefix = index_keys::OrgPrefix(q.org_id());
  } else {
    plan.prefix = std::string(index_keys::kEventByTimePrefix);
  }
  // The filters the driving index does not cover. Location and org are point reads of their
  // own indexes, so they match exactly what chaincode indexed (read_point or biz_location;
  // the recording org); bizStep is the event's own field.
  plan.filter_biz_step = !q.lot_code().empty() && !q.biz_step().empty();
  plan.filter_location = !q.location().empty() && (!q.lot_code().empty() || !q.biz_step().empty());
  plan.filter_org = !q.org_id().empty() &&
                    (!q.lot_code().empty() || !q.biz_step().empty() || !q.location().empty());
  return plan;
}

Result<bool> EventMatches(const Store::Snapshot& snap, const v1::EventQuery& q,
                          const EventPlan& plan, const query::TimeRange& range,
                          const v1::RecordedEvent& rec, index_keys::Position pos) {
  const int64_t t = rec.event_time_ms();
  if (!range.Contains(t)) return false;
  if (plan.filter_biz_step && rec.event().biz_step() != q.biz_step()) return false;
  if (plan.filter_location) {
    TADORI_ASSIGN_OR_RETURN(
        bool at, query::IndexHas(snap, index_keys::EventByLocation(q.location(), t, pos)));
    if (!at) return false;
  }
  if (plan.filter_org) {
    TADORI_ASSIGN_OR_RETURN(bool by,
                            query::IndexHas(snap, index_keys::EventByOrg(q.org_id(), t, pos)));
    if (!by) return false;
  }
  return true;
}

Status CheckEventQuery(const v1::EventQuery& q) {
  TADORI_RETURN_IF_ERROR(CheckId("lot_code", q.lot_code(), kLotCodeBytesMax, false));
  TADORI_RETURN_IF_ERROR(CheckId("biz_step", q.biz_step(), kIdBytesMax, false));
  TADORI_RETURN_IF_ERROR(CheckId("location", q.location(), kIdBytesMax, false));
  return CheckId("org_id", q.org_id(), kIdBytesMax, false);
}

}  // namespace

Result<v1::LotView> GetLot(const Store::Snapshot& snapshot, const v1::GetLotRequest& request) {
  TADORI_RETURN_IF_ERROR(CheckId("lot_code", request.lot_code(), kLotCodeBytesMax, true));
  TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot, query::RequireLot(snapshot, request.lot_code()));
  TADORI_ASSIGN_OR_RETURN(int64_t remaining, RemainingQuantity(lot));
  TADORI_ASSIGN_OR_RETURN(std::optional<v1::ProductRecord> product,
                          FindProduct(snapshot, lot.product()));
  v1::LotView view;
  if (product) *view.mutable_product() = std::move(*product);
  *view.mutable_lot() = std::move(lot);
  view.set_remaining_quantity_milli(remaining);
  view.set_read_at_height(snapshot.Height());
  return view;
}

Result<v1::EventPage> LotHistory(const Store::Snapshot& snapshot,
                                 const v1::LotHistoryRequest& request) {
  TADORI_RETURN_IF_ERROR(CheckId("lot_code", request.lot_code(), kLotCodeBytesMax, true));
  TADORI_ASSIGN_OR_RETURN(uint32_t page_size, query::PageSize(request.page_size()));
  const std::string prefix = index_keys::LotEventPrefix(request.lot_code());
  TADORI_ASSIGN_OR_RETURN(std::string after, query::DecodeCursor(request.cursor(), prefix));
  TADORI_RETURN_IF_ERROR(query::RequireLot(snapshot, request.lot_code()).status());

  v1::EventPage page;
  auto take = [&](const std::string& key, const std::string&) -> Result<bool> {
    TADORI_ASSIGN_OR_RETURN(*page.add_events(), query::LoadEvent(snapshot, key));
    return true;
  };
  TADORI_ASSIGN_OR_RETURN(
      std::string next,
      query::ScanPage(query::IndexRange(snapshot, prefix, prefix, ""), after, page_size, take));
  if (!next.empty()) page.set_next_cursor(query::EncodeCursor(next));
  page.set_read_at_height(snapshot.Height());
  return page;
}

Result<v1::EventPage> QueryEvents(const Store::Snapshot& snapshot, const v1::EventQuery& request) {
  TADORI_RETURN_IF_ERROR(CheckEventQuery(request));
  TADORI_ASSIGN_OR_RETURN(uint32_t page_size, query::PageSize(request.page_size()));
  TADORI_ASSIGN_OR_RETURN(query::TimeRange range,
                          query::ParseTimeRange(request.time_from(), request.time_to()));
  const EventPlan plan = PlanEvents(request);
  TADORI_ASSIGN_OR_RETURN(std::string after, query::DecodeCursor(request.cursor(), plan.prefix));

  std::pair<std::string, std::string> bounds{plan.prefix, ""};
  if (plan.time_keyed) bounds = range.Keys(plan.prefix);
  v1::EventPage page;
  auto take = [&](const std::string& key, const std::string&) -> Result<bool> {
    TADORI_ASSIGN_OR_RETURN(v1::RecordedEvent rec, query::LoadEvent(snapshot, key));
    TADORI_ASSIGN_OR_RETURN(index_keys::Position pos, index_keys::PositionFromKey(key));
    TADORI_ASSIGN_OR_RETURN(bool match, EventMatches(snapshot, request, plan, range, rec, pos));
    if (match) *page.add_events() = std::move(rec);
    return match;
  };
  TADORI_ASSIGN_OR_RETURN(
      std::string next,
      query::ScanPage(query::IndexRange(snapshot, plan.prefix, bounds.first, bounds.second), after,
                      page_size, take));
  if (!next.empty()) page.set_next_cursor(query::EncodeCursor(next));
  page.set_read_at_height(snapshot.Height());
  return page;
}

Result<v1::ReadingsPage> GetReadings(const Store::Snapshot& snapshot,
                                     const v1::ReadingsQuery& request) {
  TADORI_RETURN_IF_ERROR(CheckId("lot_code", request.lot_code(), kLotCodeBytesMax, false));
  TADORI_RETURN_IF_ERROR(CheckId("device_id", request.device_id(), kIdBytesMax, false));
  if (request.lot_code().empty() && request.device_id().empty()) {
    return Status::InvalidArgument("one of lot_code and device_id is required");
  }
  TADORI_ASSIGN_OR_RETURN(uint32_t page_size, query::PageSize(request.page_size()));
  TADORI_ASSIGN_OR_RETURN(query::TimeRange range,
                          query::ParseTimeRange(request.time_from(), request.time_to()));
  const bool by_lot = !request.lot_code().empty();
  const std::string prefix = by_lot ? index_keys::LotReadingPrefix(request.lot_code())
                                    : index_keys::DevicePrefix(request.device_id());
  TADORI_ASSIGN_OR_RETURN(std::string after, query::DecodeCursor(request.cursor(), prefix));
  if (by_lot) TADORI_RETURN_IF_ERROR(query::RequireLot(snapshot, request.lot_code()).status());
  if (!request.device_id().empty()) {
    TADORI_ASSIGN_OR_RETURN(std::optional<v1::DeviceRecord> device,
                            FindDevice(snapshot, request.device_id()));
    if (!device) return Status::NotFound("no device " + request.device_id());
  }

  v1::ReadingsPage page;
  auto take = [&](const std::string& key, const std::string& value) -> Result<bool> {
    v1::RecordedReading reading;
    if (!reading.ParseFromString(value)) {
      return Status::DataLoss("reading index entry of " + std::to_string(key.size()) +
                              " key bytes does not parse");
    }
    if (by_lot && !request.device_id().empty() && reading.device_id() != request.device_id()) {
      return false;
    }
    *page.add_readings() = std::move(reading);
    return true;
  };
  const auto [from, to] = range.Keys(prefix);
  TADORI_ASSIGN_OR_RETURN(
      std::string next,
      query::ScanPage(query::IndexRange(snapshot, prefix, from, to), after, page_size, take));
  if (!next.empty()) page.set_next_cursor(query::EncodeCursor(next));
  page.set_read_at_height(snapshot.Height());
  return page;
}

}  // namespace tadori
