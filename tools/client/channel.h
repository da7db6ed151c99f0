// gRPC channels and stubs to a tadori node.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <grpcpp/channel.h>

#include "tadori/v1/ledger.grpc.pb.h"
#include "tadori/v1/trace.grpc.pb.h"

namespace tadori::client {

// The longest a channel waits between attempts to reconnect to a node that went away.
inline constexpr int kReconnectBackoffMsMax = 1'000;
// The first such wait.
inline constexpr int kReconnectBackoffMsFirst = 100;
// How long one connection attempt may take (TCP, then the node's first HTTP/2 frame). gRPC
// takes it from its "min reconnect backoff" setting, so it is set apart from the waits.
inline constexpr int kConnectAttemptMsMin = 2'000;

// What a client trusts and presents on a TLS connection to a node's client API (PEM text, as
// read by tls_identity.h).
struct ClientTls {
  // The CA certificates a node's certificate must chain to (a consortium's ca-bundle.pem).
  std::string trust_roots_pem;
  // The client certificate and its private key, both empty or both set. Without them the
  // client is anonymous: a node answers it Status and health only.
  std::string certificate_pem;
  std::string private_key_pem;
};

struct ChannelOptions {
  // gRPC shares one TCP connection among channels with equal arguments. A load
  // generator that wants C independent connections sets this, so that each channel
  // opens its own.
  bool own_connection = false;
  // TLS when set, plaintext otherwise (a node's client API is plaintext only on loopback).
  std::optional<ClientTls> tls;
};

// A channel to `address` (HOST:PORT or a gRPC target, see node_address.h). With
// options.tls it is TLS: the node's certificate must chain to the trust roots and name the
// host of `address` (a certificate from `tadori network new` names 127.0.0.1 and localhost),
// and the client certificate, when given, tells the node who is calling. Without it the
// channel is plaintext, which a node accepts on loopback only; a node that speaks TLS then
// fails the first call UNAVAILABLE.
// The channel connects lazily; a node that is down shows up as UNAVAILABLE on the first call.
// After a lost connection it tries again at most kReconnectBackoffMsMax later, so a node
// that restarts is usable again within about a second (gRPC's default waits up to 120 s).
// Receive limits admit the largest block a node may serve (kBlockSizeBytesMax).
// Channels are thread-safe; share one among threads unless own_connection is wanted.
std::shared_ptr<grpc::Channel> OpenChannel(const std::string& address,
                                           const ChannelOptions& options = {});

// A Ledger stub on a new channel to `address`.
std::unique_ptr<v1::Ledger::Stub> NewLedgerStub(const std::string& address,
                                                const ChannelOptions& options = {});

// A Trace stub (lots, traces, events, readings, recalls, pilot reports) on a new channel.
std::unique_ptr<v1::Trace::Stub> NewTraceStub(const std::string& address,
                                              const ChannelOptions& options = {});

}  // namespace tadori::client
