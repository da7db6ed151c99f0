// tadori.v1.Trace, the auditors' and integrators' query API, over a node's store.
//
// Each call takes one Store::Snapshot and answers from it alone (node/trace_query.h), so an
// answer is consistent at the height it reports as read_at_height even while blocks commit.
// Errors reach the client as the gRPC status with the same code and message as the query's
// Status: INVALID_ARGUMENT for a malformed request, NOT_FOUND for an unknown lot, device or
// report, FAILED_PRECONDITION for the recall scope of a lot that is not recalled.
//
// Who may read what: node/query/read_policy.h, asked at the top of each method, on the same
// snapshot the answer is read from.
//
// Thread-safety: handlers run concurrently on gRPC's threads; the service holds no state of
// its own beyond the store reference, which must outlive it.
#pragma once

#include <utility>

#include "ledger/store/store.h"
#include "node/api/caller.h"
#include "tadori/v1/trace.grpc.pb.h"

namespace tadori {

class TraceService final : public v1::Trace::Service {
 public:
  // Open: every caller reads everything (a plaintext client API on loopback).
  explicit TraceService(const Store& store) : store_(store) {}
  // Each method asks `access` who calls and the read policy whether it may, on the snapshot
  // it answers from.
  TraceService(const Store& store, ClientAccess access)
      : store_(store), access_(std::move(access)) {}

  grpc::Status GetLot(grpc::ServerContext* context, const v1::GetLotRequest* request,
                      v1::LotView* response) override;
  grpc::Status LotHistory(grpc::ServerContext* context, const v1::LotHistoryRequest* request,
                          v1::EventPage* response) override;
  grpc::Status TraceBack(grpc::ServerContext* context, const v1::TraceRequest* request,
                         v1::TraceGraph* response) override;
  grpc::Status TraceForward(grpc::ServerContext* context, const v1::TraceRequest* request,
                            v1::TraceGraph* response) override;
  grpc::Status QueryEvents(grpc::ServerContext* context, const v1::EventQuery* request,
                           v1::EventPage* response) override;
  grpc::Status GetReadings(grpc::ServerContext* context, const v1::ReadingsQuery* request,
                           v1::ReadingsPage* response) override;
  grpc::Status RecallScope(grpc::ServerContext* context, const v1::RecallScopeRequest* request,
                           v1::RecallScopeResponse* response) override;
  grpc::Status ListPilotReports(grpc::ServerContext* context, const v1::PilotListRequest* request,
                                v1::PilotListResponse* response) override;
  grpc::Status GetPilotReport(grpc::ServerContext* context, const v1::PilotReportRequest* request,
                              v1::PilotRecord* response) override;
  // EPCIS 2.0 (node/query/epcis_query.h): QueryEpcis is read as QueryEvents is; a found
  // event by its organisation, its lots, or read-all.
  grpc::Status QueryEpcis(grpc::ServerContext* context, const v1::EpcisQuery* request,
                          v1::EpcisQueryPage* response) override;
  grpc::Status FindEpcisEvent(grpc::ServerContext* context,
                              const v1::FindEpcisEventRequest* request,
                              v1::RecordedEvent* response) override;

 private:
  template <typename Request, typename Response, typename Check, typename Query>
  grpc::Status Answer(grpc::ServerContext* context, ClientMethod method, std::string_view subject,
                      const Request& request, Response* response, Check check, Query query) const;

  const Store& store_;
  ClientAccess access_;
};

}  // namespace tadori
