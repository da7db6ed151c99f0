#include "tools/cli/journey_reader.h"

#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"

namespace tadori::cli {

Result<LotJourney> ReadLotJourney(client::NodeSet& nodes, const std::string& lot_code) {
  v1::LotHistoryRequest request;
  request.set_lot_code(lot_code);
  request.set_page_size(kQueryPageSizeMax);
  google::protobuf::RepeatedPtrField<v1::RecordedEvent> events;
  bool cut = false;
  while (true) {
    v1::EventPage page;
    const grpc::Status rpc = nodes.CallTrace(
        [&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
          return stub.LotHistory(&call, request, &page);
        },
        client::kReadDeadlineMs);
    if (!rpc.ok()) return client::FromGrpc(rpc);
    for (v1::RecordedEvent& e : *page.mutable_events()) *events.Add() = std::move(e);
    if (page.next_cursor().empty() || page.events_size() == 0) break;
    if (static_cast<size_t>(events.size()) >= kJourneyEventsMax) {
      cut = true;
      break;
    }
    request.set_cursor(page.next_cursor());
  }
  LotJourney journey = JourneyFromHistory(lot_code, events);
  journey.history_cut = cut;
  return journey;
}

}  // namespace tadori::cli
