#include "tests/integration/node_process.h"

#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace tadori::testing {

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool PortAcceptsConnections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

NodeProcess::NodeProcess(std::string data_dir, int port)
    : NodeProcess({"--dev", "--data-dir", data_dir, "--listen", "127.0.0.1:" + std::to_string(port),
                   "--log-level", "warn"},
                  data_dir, port, data_dir + ".log") {}

NodeProcess::NodeProcess(std::vector<std::string> args, std::string data_dir, int port,
                         std::string log)
    : args_(std::move(args)),
      data_dir_(std::move(data_dir)),
      port_(port),
      log_path_(std::move(log)) {}

NodeProcess NodeProcess::ForConfig(const std::string& config_path, std::string data_dir,
                                   int client_port, std::string log_path, ClientTls tls) {
  NodeProcess node({"--config", config_path}, std::move(data_dir), client_port,
                   std::move(log_path));
  node.tls_ = std::move(tls);
  return node;
}

NodeProcess::NodeProcess(NodeProcess&& other) noexcept
    : args_(std::move(other.args_)),
      data_dir_(std::move(other.data_dir_)),
      port_(other.port_),
      log_path_(std::move(other.log_path_)),
      tls_(std::move(other.tls_)),
      pid_(other.pid_) {
  other.pid_ = -1;
}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) Kill();
}

bool NodeProcess::Start(int timeout_ms) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(TADORID_PATH));
  for (std::string& arg : args_) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    FILE* f = std::freopen(log_path_.c_str(), "a", stderr);
    (void)f;
    ::dup2(2, 1);
    ::execv(TADORID_PATH, argv.data());
    std::_Exit(127);
  }
  // Wait for the port with plain TCP first: a gRPC channel that fails to connect backs off
  // for a second or more before it tries again.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!PortAcceptsConnections(port_) && std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto stub = Stub();
  while (std::chrono::steady_clock::now() < deadline) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    v1::StatusRequest req;
    v1::StatusResponse resp;
    if (stub->Status(&ctx, req, &resp).ok()) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void NodeProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int NodeProcess::Stop(int timeout_ms) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return -1;
}

namespace {

std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address, const ClientTls& tls) {
  if (tls.roots_pem.empty()) {
    return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = tls.roots_pem;
  ssl.pem_cert_chain = tls.cert_pem;
  ssl.pem_private_key = tls.key_pem;
  // Each test identity gets its own connection: gRPC would otherwise share one among
  // channels of equal arguments, and with it the first identity's handshake.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

}  // namespace

std::unique_ptr<v1::Ledger::Stub> NodeProcess::Stub(const ClientTls& tls) const {
  return v1::Ledger::NewStub(ChannelTo(address(), tls));
}

std::unique_ptr<v1::Trace::Stub> NodeProcess::TraceStub(const ClientTls& tls) const {
  return v1::Trace::NewStub(ChannelTo(address(), tls));
}

}  // namespace tadori::testing
