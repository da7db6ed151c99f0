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

class NodeProcess {
 public:
  // `tadorid --dev --data-dir data_dir --listen 127.0.0.1:port`, logging to data_dir.log.
  NodeProcess(std::string data_dir, int port);
  // `tadorid --config config_path`, whose client API is on 127.0.0.1:client_port.
  static NodeProcess ForConfig(const std::string& config_path, std::string data_dir,
                               int client_port, std::string log_path);
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
  std::unique_ptr<v1::Ledger::Stub> Stub() const;
  std::unique_ptr<v1::Trace::Stub> TraceStub() const;
  const std::string& data_dir() const { return data_dir_; }

 private:
  NodeProcess(std::vector<std::string> args, std::string data_dir, int port, std::string log);

  std::vector<std::string> args_;
  std::string data_dir_;
  int port_;
  std::string log_path_;
  pid_t pid_ = -1;
};

}  // namespace tadori::testing
