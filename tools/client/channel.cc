#include "tools/client/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "ledger/limits.h"

namespace tadori::client {

namespace {
// A block response carries the block plus its decoded header and results: leave room.
constexpr int kReceiveBytesMax = static_cast<int>(kBlockSizeBytesMax) * 2;
}  // namespace

std::shared_ptr<grpc::Channel> OpenChannel(const std::string& address,
                                           const ChannelOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kReceiveBytesMax);
  args.SetMaxSendMessageSize(kReceiveBytesMax);
  if (options.own_connection) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, kReconnectBackoffMsFirst);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, kConnectAttemptMsMin);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kReconnectBackoffMsMax);
  if (!options.tls) {
    return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = options.tls->trust_roots_pem;
  ssl.pem_cert_chain = options.tls->certificate_pem;
  ssl.pem_private_key = options.tls->private_key_pem;
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

std::unique_ptr<v1::Ledger::Stub> NewLedgerStub(const std::string& address,
                                                const ChannelOptions& options) {
  return v1::Ledger::NewStub(OpenChannel(address, options));
}

std::unique_ptr<v1::Trace::Stub> NewTraceStub(const std::string& address,
                                              const ChannelOptions& options) {
  return v1::Trace::NewStub(OpenChannel(address, options));
}

}  // namespace tadori::client
