// tadori-bench-sync-flood: a validator that floods another with sync requests and never reads
// the answers, while the network runs. It prints the target's resident memory, round and
// height once a second, so a reader sees whether the flood costs the target memory without
// bound or stops its rounds (tools/bench/sync-flood runs the whole scenario).
//
//   tadori-bench-sync-flood --network DIR --as ORG/VALIDATOR --target HOST:PEER_PORT
//       --target-client HOST:CLIENT_PORT --target-pid PID [--requests 10000] [--seconds 30]
//
// It speaks tadori.v1.Peer with the certificate of validator ORG/VALIDATOR from a
// `tadori network new` directory (so that validator must not be running), sends its Hello,
// then `--requests` SyncRequests for the whole chain (committed height 0), and keeps the
// stream open for `--seconds` without ever reading it.
//
// The target's client API (Status, for round and height) speaks TLS, as `network new` sets it
// up: the flooder calls it with $TADORI_CA and, when set, $TADORI_CERT / $TADORI_CERT_KEY
// (PEM files, as `tadori` takes them), else with the same validator identity as its peer link
// (a validator's certificate identifies it to the client API too).
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "consensus/codec.h"
#include "consensus/ledger_certificate.h"
#include "ledger/certificates.h"
#include "ledger/files.h"
#include "ledger/genesis.h"
#include "ledger/limits.h"
#include "tadori/v1/ledger.grpc.pb.h"
#include "tadori/v1/peer.grpc.pb.h"

namespace {

using namespace tadori;

// VmRSS of a process in MiB, or -1 when it cannot be read.
double RssMiB(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

struct NodeView {
  uint64_t round = 0;
  uint64_t height = 0;
  bool ok = false;
};

NodeView Look(v1::Ledger::Stub& stub) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  v1::StatusRequest req;
  v1::StatusResponse resp;
  NodeView view;
  if (stub.Status(&ctx, req, &resp).ok()) view = {resp.round(), resp.height(), true};
  return view;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "tadori-bench-sync-flood: %s\n", what.c_str());
  return 1;
}

// The file named by environment variable `var`, "" when it is unset.
Result<std::string> EnvFile(const char* var) {
  const char* path = std::getenv(var);
  if (path == nullptr || path[0] == '\0') return std::string();
  Result<std::string> text = ReadFileToString(path, 256 * 1024);
  if (!text.ok()) return text.status().WithContext(std::string("$") + var);
  return text;
}

// TLS for the client API: $TADORI_CA (+ $TADORI_CERT, $TADORI_CERT_KEY) when set, else
// `validator`, the flooder's own peer identity.
Result<grpc::SslCredentialsOptions> ClientApiTls(const grpc::SslCredentialsOptions& validator) {
  TADORI_ASSIGN_OR_RETURN(std::string ca, EnvFile("TADORI_CA"));
  if (ca.empty()) return validator;
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = std::move(ca);
  TADORI_ASSIGN_OR_RETURN(ssl.pem_cert_chain, EnvFile("TADORI_CERT"));
  TADORI_ASSIGN_OR_RETURN(ssl.pem_private_key, EnvFile("TADORI_CERT_KEY"));
  return ssl;
}

}  // namespace

int main(int argc, char** argv) {
  std::string network, as, target, target_client;
  int target_pid = 0;
  int requests = 10'000;
  int seconds = 30;
  CLI::App app{"flood a validator with sync requests from a peer that never reads"};
  app.add_option("--network", network, "a `tadori network new` directory")->required();
  app.add_option("--as", as, "ORG/VALIDATOR whose certificate the flooder uses")->required();
  app.add_option("--target", target, "the target's peer address HOST:PORT")->required();
  app.add_option("--target-client", target_client, "the target's client API")->required();
  app.add_option("--target-pid", target_pid, "the target's process id")->required();
  app.add_option("--requests", requests, "sync requests to send")->check(CLI::Range(1, 1'000'000));
  app.add_option("--seconds", seconds, "how long to hold the stream")->check(CLI::Range(1, 3600));
  CLI11_PARSE(app, argc, argv);

  Result<std::string> genesis_text = ReadFileToString(network + "/genesis.json", kGenesisBytesMax);
  if (!genesis_text.ok()) return Fail(genesis_text.status().ToString());
  Result<GenesisInfo> genesis = GenesisFromJson(*genesis_text);
  if (!genesis.ok()) return Fail(genesis.status().ToString());
  Result<std::string> cert = ReadFileToString(network + "/" + as + "/node.crt", 64 * 1024);
  Result<std::string> key = ReadFileToString(network + "/" + as + "/node.key", 64 * 1024);
  Result<std::string> roots = GenesisTrustRootsPem(*genesis);
  if (!cert.ok() || !key.ok() || !roots.ok()) return Fail("cannot read the TLS files of " + as);
  Result<size_t> self = IdentifyPeerValidator(*cert, *genesis);
  if (!self.ok()) return Fail(self.status().ToString());

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = *roots;
  ssl.pem_private_key = *key;
  ssl.pem_cert_chain = *cert;
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  auto channel = grpc::CreateCustomChannel(target, grpc::SslCredentials(ssl), args);
  auto peer = v1::Peer::NewStub(channel);
  Result<grpc::SslCredentialsOptions> client_tls = ClientApiTls(ssl);
  if (!client_tls.ok()) return Fail(client_tls.status().ToString());
  auto client =
      v1::Ledger::NewStub(grpc::CreateChannel(target_client, grpc::SslCredentials(*client_tls)));

  grpc::ClientContext ctx;
  auto stream = peer->Connect(&ctx);
  v1::PeerFrame hello;
  hello.mutable_hello()->set_genesis_hash(genesis->hash.ToBinaryString());
  hello.mutable_hello()->set_validator_id(
      genesis->genesis.validators(static_cast<int>(*self)).id());
  hello.mutable_hello()->set_protocol_version(1);
  if (!stream->Write(hello)) return Fail("the target closed the stream at the Hello");

  const consensus::BlockId tip_id = consensus::ConsensusGenesis(*genesis).ComputeId();
  const Bytes ask = consensus::EncodeMessage(consensus::SyncRequest{tip_id, 0});
  v1::PeerFrame frame;
  frame.set_consensus(std::string(ask.begin(), ask.end()));

  const NodeView before = Look(*client);
  const double rss_before = RssMiB(target_pid);
  std::printf("target pid %d: before the flood RSS %.1f MiB, round %llu, height %llu\n", target_pid,
              rss_before, static_cast<unsigned long long>(before.round),
              static_cast<unsigned long long>(before.height));
  const auto start = std::chrono::steady_clock::now();
  int sent = 0;
  for (; sent < requests; ++sent) {
    // WriteOptions().set_buffer_hint() lets gRPC batch; a blocked write means the target's
    // flow control pushed back, which is what a bounded node should do.
    if (!stream->Write(frame, grpc::WriteOptions().set_buffer_hint())) break;
  }
  const double send_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("sent %d of %d sync requests in %.2f s (never reading the answers)\n", sent, requests,
              send_s);
  std::printf("%6s %10s %10s %10s\n", "t (s)", "RSS (MiB)", "round", "height");
  double rss_max = 0;
  NodeView last = before;
  for (int t = 1; t <= seconds; ++t) {
    std::this_thread::sleep_until(start + std::chrono::seconds(t));
    const double rss = RssMiB(target_pid);
    rss_max = std::max(rss_max, rss);
    const NodeView now = Look(*client);
    if (now.ok) last = now;
    std::printf("%6d %10.1f %10llu %10llu%s\n", t, rss, static_cast<unsigned long long>(now.round),
                static_cast<unsigned long long>(now.height), now.ok ? "" : "  (status failed)");
    std::fflush(stdout);
  }
  std::printf(
      "summary: %d requests; target RSS %.1f MiB before, %.1f MiB at most during; rounds "
      "%llu -> %llu, height %llu -> %llu over %d s\n",
      sent, rss_before, rss_max, static_cast<unsigned long long>(before.round),
      static_cast<unsigned long long>(last.round), static_cast<unsigned long long>(before.height),
      static_cast<unsigned long long>(last.height), seconds);
  ctx.TryCancel();
  return 0;
}
