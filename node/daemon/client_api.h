// The client API server of a node: tadori.v1.Ledger and tadori.v1.Trace, gRPC health checking
// and server reflection (so stock tools such as grpcurl work), with message sizes bounded by
// the largest block.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "node/api/ledger_service.h"
#include "node/api/trace_service.h"

namespace tadori {

// Headroom for the calls that answer at once (queries, traces, Submits that do not wait,
// health checks, and refusals themselves): they must still find a thread when every capped
// waiting call is in progress.
inline constexpr int kClientApiShortCallThreads = 128;
// Every thread of the server (gRPC's pollers included). Beyond it gRPC answers new calls with
// RESOURCE_EXHAUSTED "Server Threadpool Exhausted" instead of starting a thread.
inline constexpr int kClientApiThreadsMax =
    static_cast<int>(kSubmitCommitWaitersMax + kBlockStreamsMax) + kClientApiShortCallThreads;
// Concurrent calls on one client connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS), so one
// connection cannot take every thread; further calls wait in the client. 100 is the
// HTTP/2 specification's suggested minimum; our clients use one connection per worker.
inline constexpr int kClientApiStreamsPerConnectionMax = 100;

struct ClientApiOptions {
  int threads_max = kClientApiThreadsMax;                              // >= 2
  int streams_per_connection_max = kClientApiStreamsPerConnectionMax;  // >= 1
  int* bound_port = nullptr;  // when set, receives the bound port (listen on port 0)
};

// Serves on `listen` (host:port); nullptr, logged, when it cannot listen there.
std::unique_ptr<grpc::Server> StartClientApi(const std::string& listen,
                                             std::shared_ptr<grpc::ServerCredentials> credentials,
                                             LedgerService& ledger, TraceService& trace,
                                             const ClientApiOptions& options = {});

// protobuf logs an error line for every string field with invalid UTF-8 it parses; a peer or
// client sending garbage must not be able to flood the node's log, so those go to debug.
void SendProtobufLogsToDebug();

}  // namespace tadori
