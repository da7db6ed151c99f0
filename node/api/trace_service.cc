#include "node/api/trace_service.h"

#include "node/net/grpc_status.h"
#include "node/query/trace_query.h"

namespace tadori {
namespace {

// Runs `query` on a fresh snapshot and moves its answer into `response`.
template <typename Request, typename Response, typename Query>
grpc::Status Answer(const Store& store, const Request& request, Response* response, Query query) {
  Result<std::unique_ptr<Store::Snapshot>> snapshot = store.NewSnapshot();
  if (!snapshot.ok()) return ToGrpc(snapshot.status());
  Result<Response> answer = query(**snapshot, request);
  if (!answer.ok()) return ToGrpc(answer.status());
  *response = std::move(answer).value();
  return grpc::Status::OK;
}

}  // namespace

grpc::Status TraceService::GetLot(grpc::ServerContext*, const v1::GetLotRequest* request,
                                  v1::LotView* response) {
  return Answer(store_, *request, response, tadori::GetLot);
}

grpc::Status TraceService::LotHistory(grpc::ServerContext*, const v1::LotHistoryRequest* request,
                                      v1::EventPage* response) {
  return Answer(store_, *request, response, tadori::LotHistory);
}

grpc::Status TraceService::TraceBack(grpc::ServerContext*, const v1::TraceRequest* request,
                                     v1::TraceGraph* response) {
  return Answer(store_, *request, response, tadori::TraceBack);
}

grpc::Status TraceService::TraceForward(grpc::ServerContext*, const v1::TraceRequest* request,
                                        v1::TraceGraph* response) {
  return Answer(store_, *request, response, tadori::TraceForward);
}

grpc::Status TraceService::QueryEvents(grpc::ServerContext*, const v1::EventQuery* request,
                                       v1::EventPage* response) {
  return Answer(store_, *request, response, tadori::QueryEvents);
}

grpc::Status TraceService::GetReadings(grpc::ServerContext*, const v1::ReadingsQuery* request,
                                       v1::ReadingsPage* response) {
  return Answer(store_, *request, response, tadori::GetReadings);
}

grpc::Status TraceService::RecallScope(grpc::ServerContext*, const v1::RecallScopeRequest* request,
                                       v1::RecallScopeResponse* response) {
  return Answer(store_, *request, response, tadori::RecallScope);
}

grpc::Status TraceService::ListPilotReports(grpc::ServerContext*,
                                            const v1::PilotListRequest* request,
                                            v1::PilotListResponse* response) {
  return Answer(store_, *request, response, tadori::ListPilotReports);
}

grpc::Status TraceService::GetPilotReport(grpc::ServerContext*,
                                          const v1::PilotReportRequest* request,
                                          v1::PilotRecord* response) {
  return Answer(store_, *request, response, tadori::GetPilotReport);
}

}  // namespace tadori
