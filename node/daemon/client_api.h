// The client API server of a node: tadori.v1.Ledger and tadori.v1.Trace, gRPC health checking
// and server reflection (so stock tools such as grpcurl work), with message sizes bounded by
// the largest block.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "ledger/genesis.h"
#include "ledger/store/store.h"
#include "node/api/caller.h"
#include "node/api/ledger_service.h"
#include "node/api/trace_service.h"
#include "node/daemon/metrics.h"

namespace tadori {

// Submit, SubmitStream and WatchTransactions run on gRPC's callback API and hold no thread
// while they wait (ledger_service.h); the other methods each run on a thread of the
// synchronous server, under the quota below.
//
// Captures with wait_for_commit waiting at once, each on a thread for up to kSubmitWaitMsMax:
// an EPCIS document is a few requests of up to 1,000 events, sent by a handful of capture
// clients; beyond this many the server's thread quota refuses new calls.
inline constexpr int kClientApiCaptureWaitThreads = 1024;
// Headroom for the calls that answer at once (queries, traces, health checks, and refusals
// themselves): they must still find a thread when every waiting call is in progress.
inline constexpr int kClientApiShortCallThreads = 128;
// Every thread of the synchronous server (gRPC's pollers included). Beyond it gRPC answers
// new calls with RESOURCE_EXHAUSTED "Server Threadpool Exhausted" instead of starting one.
inline constexpr int kClientApiThreadsMax =
    kClientApiCaptureWaitThreads + static_cast<int>(kBlockStreamsMax) + kClientApiShortCallThreads;
// Concurrent calls on one client connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS), so one
// connection cannot take every thread; further calls wait in the client. 100 is the
// HTTP/2 specification's suggested minimum; our clients use one connection per worker.
inline constexpr int kClientApiStreamsPerConnectionMax = 100;

struct ClientApiOptions {
  int threads_max = kClientApiThreadsMax;                              // >= 2
  int streams_per_connection_max = kClientApiStreamsPerConnectionMax;  // >= 1
  int* bound_port = nullptr;  // when set, receives the bound port (listen on port 0)
};

// Who may call the client API and how it listens. With a TLS certificate: TLS that asks each
// client for a certificate without letting gRPC judge it (GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_
// BUT_DONT_VERIFY, the genesis CAs offered as acceptable issuers), so a caller without one
// still reaches Status; each call identifies its caller (node/api/caller.h) and the genesis
// read policy decides. Without: plaintext, every caller reads everything ("open"), which the
// node logs at start and reports in Status. Holds what `access` refers to: keep it as long as
// the services.
struct ClientAccessSetup {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  ClientAccess access;
  std::unique_ptr<CallerIdentifier> identifier;  // null when open
};
// `genesis` and `store` must outlive the result. INVALID_ARGUMENT when the genesis names no
// CA to offer. Registers tadori_client_refusals_total{reason} and
// tadori_audited_reads_total{org,method} in `metrics` when given (before it is served).
Result<ClientAccessSetup> SetUpClientAccess(const GenesisInfo& genesis, const Store& store,
                                            const std::string& tls_cert_pem,
                                            const std::string& tls_key_pem,
                                            MetricsRegistry* metrics);

// Serves on `listen` (host:port); nullptr, logged, when it cannot listen there.
std::unique_ptr<grpc::Server> StartClientApi(const std::string& listen,
                                             std::shared_ptr<grpc::ServerCredentials> credentials,
                                             LedgerService& ledger, TraceService& trace,
                                             const ClientApiOptions& options = {});

// Registers the client API's waiting gauges in `metrics` (before it is served):
// tadori_client_waiting{what="commits|watched_ids|block_streams"}. `ledger` must outlive it.
void RegisterClientApiMetrics(MetricsRegistry& metrics, const LedgerService& ledger);

// protobuf logs an error line for every string field with invalid UTF-8 it parses; a peer or
// client sending garbage must not be able to flood the node's log, so those go to debug.
void SendProtobufLogsToDebug();

}  // namespace tadori
