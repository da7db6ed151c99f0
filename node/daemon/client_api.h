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

// Serves on `listen` (host:port); nullptr, logged, when it cannot listen there.
std::unique_ptr<grpc::Server> StartClientApi(const std::string& listen,
                                             std::shared_ptr<grpc::ServerCredentials> credentials,
                                             LedgerService& ledger, TraceService& trace);

// protobuf logs an error line for every string field with invalid UTF-8 it parses; a peer or
// client sending garbage must not be able to flood the node's log, so those go to debug.
void SendProtobufLogsToDebug();

}  // namespace tadori
