#include "node/api/trace_service.h"

#include "node/net/grpc_status.h"
#include "node/query/epcis_query.h"
#include "node/query/trace_query.h"

namespace tadori {
namespace {

// What a read is about, for the audit log.
std::string LotSubject(std::string_view lot_code) {
  return "lot " + std::string(lot_code);
}

std::string EventsSubject(const v1::EventQuery& q) {
  std::string out = "events";
  if (!q.lot_code().empty()) out += " lot=" + q.lot_code();
  if (!q.org_id().empty()) out += " org=" + q.org_id();
  if (!q.biz_step().empty()) out += " biz_step=" + q.biz_step();
  if (!q.location().empty()) out += " location=" + q.location();
  if (!q.time_from().empty() || !q.time_to().empty()) {
    out += " time=[" + q.time_from() + "," + q.time_to() + ")";
  }
  return out;
}

std::string EpcisEventSubject(const v1::FindEpcisEventRequest& q) {
  return "EPCIS event " + (q.event_id().empty() ? q.event_hash() : q.event_id());
}

std::string ReadingsSubject(const v1::ReadingsQuery& q) {
  std::string out = "readings";
  if (!q.lot_code().empty()) out += " lot=" + q.lot_code();
  if (!q.device_id().empty()) out += " device=" + q.device_id();
  return out;
}

// A method with no subject beyond the first gate (pilot reports).
struct NoSubject {
  tadori::Status operator()(const ReadPolicy&, const ApiCaller&, const Store::Snapshot&) const {
    return tadori::Status::Ok();
  }
};

}  // namespace

// Identifies the caller, takes one snapshot, lets `check` decide on it (policy, caller,
// snapshot) and only then runs `query` on that same snapshot: a refused read reads nothing.
template <typename Request, typename Response, typename Check, typename Query>
grpc::Status TraceService::Answer(grpc::ServerContext* context, ClientMethod method,
                                  std::string_view subject, const Request& request,
                                  Response* response, Check check, Query query) const {
  Result<ApiCaller> caller = access_.Admit(context, method);
  if (!caller.ok()) return ToGrpc(caller.status());
  Result<std::unique_ptr<Store::Snapshot>> snapshot = store_.NewSnapshot();
  if (!snapshot.ok()) return ToGrpc(snapshot.status());
  if (!access_.open()) {
    tadori::Status allowed = check(*access_.policy, *caller, **snapshot);
    if (!allowed.ok()) return ToGrpc(allowed);
    access_.Audit(*caller, method, subject);
  }
  Result<Response> answer = query(**snapshot, request);
  if (!answer.ok()) return ToGrpc(answer.status());
  *response = std::move(answer).value();
  return grpc::Status::OK;
}

namespace {
// The check of a method about one lot.
auto LotCheck(ClientMethod method, const std::string& lot_code) {
  return [method, &lot_code](const ReadPolicy& policy, const ApiCaller& caller,
                             const Store::Snapshot& snapshot) {
    return policy.CheckLot(caller, method, snapshot, lot_code);
  };
}
}  // namespace

grpc::Status TraceService::GetLot(grpc::ServerContext* context, const v1::GetLotRequest* request,
                                  v1::LotView* response) {
  const ClientMethod method = ClientMethod::kGetLot;
  return Answer(context, method, LotSubject(request->lot_code()), *request, response,
                LotCheck(method, request->lot_code()), tadori::GetLot);
}

grpc::Status TraceService::LotHistory(grpc::ServerContext* context,
                                      const v1::LotHistoryRequest* request,
                                      v1::EventPage* response) {
  const ClientMethod method = ClientMethod::kLotHistory;
  return Answer(context, method, LotSubject(request->lot_code()), *request, response,
                LotCheck(method, request->lot_code()), tadori::LotHistory);
}

grpc::Status TraceService::TraceBack(grpc::ServerContext* context, const v1::TraceRequest* request,
                                     v1::TraceGraph* response) {
  const ClientMethod method = ClientMethod::kTraceBack;
  return Answer(context, method, LotSubject(request->lot_code()), *request, response,
                LotCheck(method, request->lot_code()), tadori::TraceBack);
}

grpc::Status TraceService::TraceForward(grpc::ServerContext* context,
                                        const v1::TraceRequest* request, v1::TraceGraph* response) {
  const ClientMethod method = ClientMethod::kTraceForward;
  return Answer(context, method, LotSubject(request->lot_code()), *request, response,
                LotCheck(method, request->lot_code()), tadori::TraceForward);
}

grpc::Status TraceService::QueryEvents(grpc::ServerContext* context, const v1::EventQuery* request,
                                       v1::EventPage* response) {
  return Answer(
      context, ClientMethod::kQueryEvents, EventsSubject(*request), *request, response,
      [request](const ReadPolicy& policy, const ApiCaller& caller,
                const Store::Snapshot& snapshot) {
        return policy.CheckEvents(caller, snapshot, *request);
      },
      tadori::QueryEvents);
}

grpc::Status TraceService::GetReadings(grpc::ServerContext* context,
                                       const v1::ReadingsQuery* request,
                                       v1::ReadingsPage* response) {
  return Answer(
      context, ClientMethod::kGetReadings, ReadingsSubject(*request), *request, response,
      [request](const ReadPolicy& policy, const ApiCaller& caller,
                const Store::Snapshot& snapshot) {
        return policy.CheckReadings(caller, snapshot, *request);
      },
      tadori::GetReadings);
}

grpc::Status TraceService::RecallScope(grpc::ServerContext* context,
                                       const v1::RecallScopeRequest* request,
                                       v1::RecallScopeResponse* response) {
  const ClientMethod method = ClientMethod::kRecallScope;
  return Answer(context, method, LotSubject(request->lot_code()), *request, response,
                LotCheck(method, request->lot_code()), tadori::RecallScope);
}

grpc::Status TraceService::ListPilotReports(grpc::ServerContext* context,
                                            const v1::PilotListRequest* request,
                                            v1::PilotListResponse* response) {
  return Answer(context, ClientMethod::kListPilotReports, "pilot reports", *request, response,
                NoSubject(), tadori::ListPilotReports);
}

grpc::Status TraceService::GetPilotReport(grpc::ServerContext* context,
                                          const v1::PilotReportRequest* request,
                                          v1::PilotRecord* response) {
  return Answer(context, ClientMethod::kGetPilotReport, "pilot report " + request->report_id(),
                *request, response, NoSubject(), tadori::GetPilotReport);
}

grpc::Status TraceService::QueryEpcis(grpc::ServerContext* context, const v1::EpcisQuery* request,
                                      v1::EpcisQueryPage* response) {
  const v1::EventQuery selection = EventQueryOf(*request);
  // Blocks below the snapshot's height never change, so reading their headers from the store
  // is consistent with the snapshot.
  const BlockTimeReader block_time = [this](uint64_t height) -> Result<int64_t> {
    TADORI_ASSIGN_OR_RETURN(v1::Block block, store_.GetBlock(height));
    v1::BlockHeader header;
    if (!header.ParseFromString(block.header())) {
      return Status::DataLoss("the header of block " + std::to_string(height) + " does not parse");
    }
    return header.timestamp_ms();
  };
  return Answer(
      context, ClientMethod::kQueryEpcis, "EPCIS " + EventsSubject(selection), *request, response,
      [&selection](const ReadPolicy& policy, const ApiCaller& caller,
                   const Store::Snapshot& snapshot) {
        return policy.CheckEvents(caller, snapshot, selection);
      },
      [&block_time](const Store::Snapshot& snapshot, const v1::EpcisQuery& query) {
        return tadori::QueryEpcis(snapshot, block_time, query);
      });
}

grpc::Status TraceService::FindEpcisEvent(grpc::ServerContext* context,
                                          const v1::FindEpcisEventRequest* request,
                                          v1::RecordedEvent* response) {
  // The check finds the event to know whose it is; a request the query refuses (malformed,
  // unknown event) passes it and gets the query's own code, as unknown lots do.
  return Answer(
      context, ClientMethod::kFindEpcisEvent, EpcisEventSubject(*request), *request, response,
      [request](const ReadPolicy& policy, const ApiCaller& caller,
                const Store::Snapshot& snapshot) -> tadori::Status {
        Result<v1::RecordedEvent> event = tadori::FindEpcisEvent(snapshot, *request);
        if (!event.ok()) return tadori::Status::Ok();
        return policy.CheckEpcisEvent(caller, snapshot, *event);
      },
      tadori::FindEpcisEvent);
}

}  // namespace tadori
