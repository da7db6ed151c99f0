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
  // Each call runs on a thread of its own (sync API): without a quota, thousands of waiting
  // calls would each take one.
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
