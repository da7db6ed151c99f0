// In-process stand-ins for the Ledger service of a network's nodes, on 127.0.0.1:<free port>,
// for the client's failover tests: a node that answers, one that is down (UNAVAILABLE), one
// that takes a transaction in and dies before replying, and an address nobody listens on.
//
// The nodes of one FakeNetwork share what they know about transactions, as gossip and
// consensus would: a transaction one of them took in is "already pending" at the others.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "ledger/hash.h"
#include "tadori/v1/ledger.grpc.pb.h"

namespace tadori::testing {

inline constexpr char kFakeChainId[] = "fake-chain";

// What the network knows about transactions: pending ones and committed ones with their height.
class FakeNetwork {
 public:
  struct Entry {
    bool committed = false;
    uint64_t height = 0;
    // GetTransaction calls that still see a pending transaction as not found before it commits.
    int polls_until_commit = 0;
  };

  std::mutex mu;
  std::map<Hash, Entry> txs;
  uint64_t height = 1;

  // Commits `id` in a new block; returns its height.
  uint64_t CommitLocked(const Hash& id) {
    Entry& e = txs[id];
    e.committed = true;
    e.height = ++height;
    return e.height;
  }
};

class FakeLedgerNode final : public v1::Ledger::Service {
 public:
  enum class Mode {
    kAnswers,       // admits new transactions and commits them at once
    kUnavailable,   // every call fails UNAVAILABLE, as a node going away does
    kTakesAndDies,  // Submit: the transaction becomes pending in the network, then UNAVAILABLE
    kRefuses,       // Submit: INVALID_ARGUMENT
  };

  // Listens on `port`, or on a free one when 0 (a node that comes back uses its old port).
  FakeLedgerNode(FakeNetwork& network, Mode mode, int port = 0) : network_(network), mode_(mode) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_NE(port_, 0);
  }
  ~FakeLedgerNode() override { server_->Shutdown(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  // Every SubmitRequest received, as bytes, in order.
  std::vector<std::string> submits() {
    std::lock_guard lock(mu_);
    return submits_;
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

  grpc::Status Submit(grpc::ServerContext*, const v1::SubmitRequest* request,
                      v1::SubmitResponse* response) override {
    {
      std::lock_guard lock(mu_);
      ++calls_;
      submits_.push_back(request->SerializeAsString());
    }
    const Hash id = Sha256(AsBytes(request->tx().body()));
    std::lock_guard lock(network_.mu);
    if (mode_ == Mode::kUnavailable) return Down();
    if (mode_ == Mode::kRefuses) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "fake refusal");
    }
    auto known = network_.txs.find(id);
    if (known != network_.txs.end()) {
      return grpc::Status(grpc::StatusCode::ALREADY_EXISTS,
                          known->second.committed
                              ? "transaction " + id.Hex() + " already committed at height " +
                                    std::to_string(known->second.height)
                              : "transaction " + id.Hex() + " is already pending");
    }
    if (mode_ == Mode::kTakesAndDies) {
      network_.txs[id].polls_until_commit = polls_until_commit_;
      return Down();
    }
    response->set_tx_id(id.ToBinaryString());
    if (!request->wait_for_commit()) {
      network_.txs[id];
      return grpc::Status::OK;
    }
    response->set_committed(true);
    response->set_height(network_.CommitLocked(id));
    return grpc::Status::OK;
  }

  grpc::Status GetTransaction(grpc::ServerContext*, const v1::GetTransactionRequest* request,
                              v1::GetTransactionResponse* response) override {
    {
      std::lock_guard lock(mu_);
      ++calls_;
    }
    if (mode_ == Mode::kUnavailable) return Down();
    auto id = Hash::FromBytes(AsBytes(request->tx_id()));
    if (!id.ok()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad id");
    std::lock_guard lock(network_.mu);
    auto known = network_.txs.find(*id);
    if (known == network_.txs.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no transaction " + id->Hex());
    }
    FakeNetwork::Entry& e = known->second;
    if (!e.committed && e.polls_until_commit-- > 0) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "transaction is pending");
    }
    if (!e.committed) network_.CommitLocked(*id);
    response->set_height(e.height);
    return grpc::Status::OK;
  }

  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusResponse* response) override {
    {
      std::lock_guard lock(mu_);
      ++calls_;
    }
    if (mode_ == Mode::kUnavailable) return Down();
    std::lock_guard lock(network_.mu);
    response->set_chain_id(kFakeChainId);
    response->set_height(network_.height);
    return grpc::Status::OK;
  }

  // For kTakesAndDies: how many GetTransaction calls see the taken transaction as not found.
  void set_polls_until_commit(int polls) { polls_until_commit_ = polls; }

 private:
  static grpc::Status Down() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "fake node going away");
  }

  FakeNetwork& network_;
  const Mode mode_;
  int polls_until_commit_ = 0;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mu_;
  int calls_ = 0;
  std::vector<std::string> submits_;
};

// "127.0.0.1:<port>" where nothing listens: a port that was free a moment ago.
inline std::string AddressNobodyListensOn() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

// A loopback socket that accepts connections into its backlog and never speaks: a node that is
// hung (stopped, or stuck before serving). Closed on destruction.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace tadori::testing
