#include "node/daemon/client_api.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <google/protobuf/stubs/logging.h>

#include "ledger/limits.h"

namespace tadori {

std::unique_ptr<grpc::Server> StartClientApi(const std::string& listen,
                                             std::shared_ptr<grpc::ServerCredentials> credentials,
                                             LedgerService& ledger, TraceService& trace,
                                             const ClientApiOptions& options) {
  if (options.threads_max < 2 || options.streams_per_connection_max < 1) {
    spdlog::error(
        "client API: threads_max {} (at least 2) or streams_per_connection_max {} "
        "(at least 1) out of range",
        options.threads_max, options.streams_per_connection_max);
    return nullptr;
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(listen, std::move(credentials), &bound_port);
  builder.RegisterService(&ledger);
  builder.RegisterService(&trace);
  builder.SetMaxReceiveMessageSize(static_cast<int>(kBlockSizeBytesMax));
  builder.SetMaxSendMessageSize(static_cast<int>(kBlockSizeBytesMax + 1024 * 1024));
  // Each synchronous call runs on a thread of its own: without a quota, thousands of waiting
  // calls would each take one. The callback methods (Submit, SubmitStream,
  // WatchTransactions) run on gRPC's own few threads, outside this quota.
  grpc::ResourceQuota quota("tadori-client-api");
  quota.SetMaxThreads(options.threads_max);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.streams_per_connection_max);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    spdlog::error("cannot listen on {}", listen);
    return nullptr;
  }
  if (options.bound_port != nullptr) *options.bound_port = bound_port;
  return server;
}

void RegisterClientApiMetrics(MetricsRegistry& metrics, const LedgerService& ledger) {
  const std::string help =
      "Client API waiters by kind: transactions waiting for their commit (Submit, "
      "SubmitStream, Capture), ids watched by WatchTransactions, open StreamBlocks calls.";
  metrics.AddGauge("tadori_client_waiting", help, "what=\"commits\"",
                   [&ledger] { return static_cast<int64_t>(ledger.submits_waiting()); });
  metrics.AddGauge("tadori_client_waiting", help, "what=\"watched_ids\"",
                   [&ledger] { return static_cast<int64_t>(ledger.txs_watched()); });
  metrics.AddGauge("tadori_client_waiting", help, "what=\"block_streams\"",
                   [&ledger] { return static_cast<int64_t>(ledger.block_streams_open()); });
}

namespace {
// A Prometheus label value: backslash, quote and newline escaped.
std::string LabelValue(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

Result<ClientAccessSetup> SetUpClientAccess(const GenesisInfo& genesis, const Store& store,
                                            const std::string& tls_cert_pem,
                                            const std::string& tls_key_pem,
                                            MetricsRegistry* metrics) {
  ClientAccessSetup setup;
  if (tls_cert_pem.empty()) {
    setup.credentials = grpc::InsecureServerCredentials();
    spdlog::warn(
        "client API is open (no client TLS): every caller reads everything; serve it on "
        "loopback only, or configure a TLS certificate to enforce the read policy");
    return setup;
  }
  // The CAs offered as acceptable issuers: every organisation that has one (one without
  // cannot have client certificates; IdentifyClient refuses them as unknown_issuer).
  std::string roots;
  for (const v1::Organization& org : genesis.genesis.organizations()) {
    if (org.ca_certificate().empty()) continue;
    roots += org.ca_certificate();
    if (roots.back() != '\n') roots += '\n';
  }
  if (roots.empty()) {
    return Status::InvalidArgument(
        "client TLS needs organisation CA certificates in the genesis to identify callers");
  }
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
  ssl.pem_root_certs = std::move(roots);
  ssl.pem_key_cert_pairs.push_back({tls_key_pem, tls_cert_pem});
  setup.credentials = grpc::SslServerCredentials(ssl);
  setup.identifier = std::make_unique<CallerIdentifier>(genesis, store);
  auto policy = std::make_shared<const ReadPolicy>(genesis.genesis);
  auto audit = std::make_shared<ReadAudit>(*policy);
  if (metrics != nullptr) {
    CallerIdentifier* identifier = setup.identifier.get();
    for (std::string_view reason : kClientRefusalReasons) {
      metrics->AddCounter("tadori_client_refusals_total",
                          "Client API callers refused by their certificate, by reason.",
                          "reason=\"" + std::string(reason) + "\"",
                          [identifier, reason] { return identifier->refusals(reason); });
    }
    for (const std::string& org : policy->AuditedOrgs()) {
      for (ClientMethod method : kClientMethods) {
        if (method == ClientMethod::kStatus || method == ClientMethod::kSubmit) continue;
        metrics->AddCounter(
            "tadori_audited_reads_total",
            "Reads by organisations with a read-all role, by organisation and method.",
            "org=\"" + LabelValue(org) + "\",method=\"" + std::string(ClientMethodName(method)) +
                "\"",
            [audit, org, method] { return audit->count(org, method); });
      }
    }
  }
  setup.access = PolicyAccess(*setup.identifier, policy, audit);
  spdlog::info(
      "client API: TLS; callers identified by client certificates of the genesis CAs, reads "
      "decided by the genesis read policy (no certificate: Status only)");
  return setup;
}

namespace {
void ProtobufLogToDebug(google::protobuf::LogLevel, const char* file, int line,
                        const std::string& message) {
  spdlog::debug("protobuf {}:{}: {}", file, line, message);
}
}  // namespace

void SendProtobufLogsToDebug() {
  google::protobuf::SetLogHandler(&ProtobufLogToDebug);
}

}  // namespace tadori
