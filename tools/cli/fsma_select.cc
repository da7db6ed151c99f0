#include "tools/cli/fsma_select.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "ledger/limits.h"

namespace tadori::cli::fsma {

namespace {

Status ReadHistory(TraceSource& source, const std::string& lot_code,
                   std::set<std::pair<uint64_t, uint32_t>>& seen,
                   std::vector<v1::RecordedEvent>& events) {
  v1::LotHistoryRequest request;
  request.set_lot_code(lot_code);
  request.set_page_size(kQueryPageSizeMax);
  while (true) {
    TADORI_ASSIGN_OR_RETURN(v1::EventPage page, source.LotHistory(request));
    for (v1::RecordedEvent& e : *page.mutable_events()) {
      // A transformation is in the history of its inputs and of its outputs: once is enough.
      if (seen.emplace(e.ref().height(), e.ref().index()).second) events.push_back(std::move(e));
    }
    if (page.next_cursor().empty() || page.events_size() == 0) return Status::Ok();
    request.set_cursor(page.next_cursor());
  }
}

}  // namespace

Result<LotEvents> CollectLotEvents(TraceSource& source, const LotSelection& selection) {
  LotEvents out;
  {
    Result<v1::LotView> lot = source.GetLot(selection.lot_code);
    if (!lot.ok()) return lot.status().WithContext("lot " + selection.lot_code);
  }
  std::set<std::string> lots{selection.lot_code};
  out.lots.push_back(selection.lot_code);
  if (selection.depth > 0) {
    for (const bool forward : {false, true}) {
      if (forward && !selection.forward) continue;
      v1::TraceRequest request;
      request.set_lot_code(selection.lot_code);
      request.set_depth(selection.depth);
      TADORI_ASSIGN_OR_RETURN(v1::TraceGraph graph, source.Trace(request, forward));
      out.truncated = out.truncated || graph.truncated();
      for (const v1::TraceNode& node : graph.nodes()) {
        if (lots.insert(node.lot_code()).second) out.lots.push_back(node.lot_code());
      }
    }
  }
  std::set<std::pair<uint64_t, uint32_t>> seen;
  for (const std::string& lot : out.lots) {
    Status read = ReadHistory(source, lot, seen, out.events);
    if (!read.ok()) return read.WithContext("history of lot " + lot);
  }
  std::sort(out.events.begin(), out.events.end(),
            [](const v1::RecordedEvent& a, const v1::RecordedEvent& b) {
              return std::tuple(a.ref().height(), a.ref().index()) <
                     std::tuple(b.ref().height(), b.ref().index());
            });
  return out;
}

Status ForEachEventInTime(TraceSource& source, const std::string& time_from,
                          const std::string& time_to,
                          const std::function<Status(const v1::RecordedEvent&)>& each) {
  v1::EventQuery query;
  query.set_time_from(time_from);
  query.set_time_to(time_to);
  query.set_page_size(kQueryPageSizeMax);
  while (true) {
    TADORI_ASSIGN_OR_RETURN(v1::EventPage page, source.QueryEvents(query));
    for (const v1::RecordedEvent& e : page.events()) TADORI_RETURN_IF_ERROR(each(e));
    if (page.next_cursor().empty() || page.events_size() == 0) return Status::Ok();
    query.set_cursor(page.next_cursor());
  }
}

const v1::LotView* SourceDirectory::Lot(std::string_view lot_code) {
  auto it = asked_.find(lot_code);
  if (it == asked_.end()) {
    ++lots_asked_;
    Result<v1::LotView> view = source_.GetLot(std::string(lot_code));
    const bool found = view.ok();
    if (found) {
      known_.AddLot(std::move(*view));
    } else if (view.status().code() != Code::kNotFound && status_.ok()) {
      status_ = view.status().WithContext("lot " + std::string(lot_code));
    }
    it = asked_.emplace(std::string(lot_code), found).first;
  }
  return it->second ? known_.Lot(lot_code) : nullptr;
}

}  // namespace tadori::cli::fsma
