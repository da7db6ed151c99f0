#include "node/daemon/client_api.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <google/protobuf/stubs/logging.h>

#include "ledger/limits.h"

namespace tadori {

std::unique_ptr<grpc::Server> StartClientApi(const std::string& listen,
                                             std::shared_ptr<grpc::ServerCredentials> credentials,
                                             LedgerService& ledger, TraceService& trace) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(listen, std::move(credentials), &bound_port);
  builder.RegisterService(&ledger);
  builder.RegisterService(&trace);
  builder.SetMaxReceiveMessageSize(static_cast<int>(kBlockSizeBytesMax));
  builder.SetMaxSendMessageSize(static_cast<int>(kBlockSizeBytesMax + 1024 * 1024));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    spdlog::error("cannot listen on {}", listen);
    return nullptr;
  }
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
