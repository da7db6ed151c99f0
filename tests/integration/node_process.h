// A real `tadorid` child process on a free loopback port, for integration tests.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "tadori/v1/ledger.grpc.pb.h"
#include "tadori/v1/trace.grpc.pb.h"
#include "tests/support/temp_dir.h"

namespace tadori::testing {

// A port on 127.0.0.1 that was free a moment ago (bind to 0, read it, close).
int FreeLoopbackPort();

// True when something listens on 127.0.0.1:port.
bool PortAcceptsConnections(int port);

// The TLS identity a test client presents to a node's client API: the trust roots (every
// organisation CA) and, unless the caller is to be anonymous, a certificate and its key.
// Empty roots: plaintext (tadorid --dev).
struct ClientTls {
  std::string roots_pem;
  std::string cert_pem;
  std::string key_pem;
};

class NodeProcess {
 public:
  // `tadorid --dev --data-dir data_dir --listen 127.0.0.1:port`, logging to data_dir.log.
  NodeProcess(std::string data_dir, int port);
  // `tadorid --config config_path`, whose client API is on 127.0.0.1:client_port.
  // Stub() and TraceStub() present `tls`.
  static NodeProcess ForConfig(const std::string& config_path, std::string data_dir,
                               int client_port, std::string log_path, ClientTls tls = {});
  NodeProcess(NodeProcess&& other) noexcept;
  NodeProcess& operator=(NodeProcess&&) = delete;
  ~NodeProcess();

  // Starts tadorid and waits until Status answers (false after timeout_ms).
  bool Start(int timeout_ms = 20'000);
  void Kill();  // SIGKILL, then reap
  // SIGTERM; returns the exit status (or -1 when it had to be killed).
  int Stop(int timeout_ms = 10'000);
  bool running() const { return pid_ > 0; }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::unique_ptr<v1::Ledger::Stub> Stub() const { return Stub(tls_); }
  std::unique_ptr<v1::Trace::Stub> TraceStub() const { return TraceStub(tls_); }
  // Stubs of a caller with another identity (a member, an anonymous caller).
  std::unique_ptr<v1::Ledger::Stub> Stub(const ClientTls& tls) const;
  std::unique_ptr<v1::Trace::Stub> TraceStub(const ClientTls& tls) const;
  const ClientTls& tls() const { return tls_; }
  const std::string& data_dir() const { return data_dir_; }

 private:
  NodeProcess(std::vector<std::string> args, std::string data_dir, int port, std::string log);

  std::vector<std::string> args_;
  std::string data_dir_;
  int port_;
  std::string log_path_;
  ClientTls tls_;
  pid_t pid_ = -1;
};

}  // namespace tadori::testing
