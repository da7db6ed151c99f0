// A client's connections to the nodes of one network, and calls that move on to the next node
// when the one they went to cannot answer.
//
// A call goes to the current node. An attempt "did not reach" that node when no connection to
// it came up within connect_timeout_ms (the request was never sent) or the call failed
// UNAVAILABLE (the node is down, restarting, or died during the call). Then the client moves
// to the next node of the list, wrapping around, waits a short backoff and tries again, up to
// attempts_max attempts in all; the node that answers stays current for later calls.
//
// Each NodeSet has connections of its own. The one to a node that was not reached is dropped
// and opened afresh when the node's turn comes again, so a node that restarted is reached at
// once rather than after gRPC's reconnect backoff or a connection attempt stuck on the
// previous process.
//
// Every other outcome, error or not, is the node's answer and ends the call: a refusal is one
// the other nodes of the network share, and DEADLINE_EXCEEDED from a node that had the
// request says nothing about whether sending it elsewhere would help. When every attempt
// fails the call ends UNAVAILABLE, naming each node tried and what went wrong there.
//
// A NodeSet is not thread-safe: each client thread has its own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "tadori/v1/ledger.grpc.pb.h"
#include "tadori/v1/trace.grpc.pb.h"
#include "tools/client/channel.h"

namespace tadori::client {

// Bounds on FailoverPolicy, so that a call always ends within a known time.
inline constexpr int kAttemptsMax = 100;
inline constexpr int kBackoffMsMax = 10'000;
inline constexpr int kConnectTimeoutMsMax = 60'000;

struct FailoverPolicy {
  // Attempts of one call in all, the first included, 1..kAttemptsMax; 0 means two per node.
  int attempts_max = 0;
  // The wait before retry k (k = 1, 2, ...): backoff_first_ms * 2^(k-1), at most
  // backoff_max_ms; both 0..kBackoffMsMax.
  int backoff_first_ms = 50;
  int backoff_max_ms = 1'000;
  // How long an attempt waits for a connection to the node to come up, 1..kConnectTimeoutMsMax.
  int connect_timeout_ms = 2'000;
};

class NodeSet {
 public:
  using LedgerCall = std::function<grpc::Status(v1::Ledger::Stub&, grpc::ClientContext&)>;
  using TraceCall = std::function<grpc::Status(v1::Trace::Stub&, grpc::ClientContext&)>;

  // `addresses`: 1..kNodeListMax distinct addresses (node_list.h), and a policy within the
  // bounds above (both checked). Calls start at addresses[first % size]. Connections open on
  // first use, with `channel`'s TLS (every node of a network is reached the same way); each
  // has a connection of its own whatever channel.own_connection says.
  explicit NodeSet(std::vector<std::string> addresses, FailoverPolicy policy = {}, size_t first = 0,
                   ChannelOptions channel = {});
  NodeSet(NodeSet&&) noexcept;
  NodeSet& operator=(NodeSet&&) noexcept;
  ~NodeSet();

  const std::vector<std::string>& addresses() const { return addresses_; }
  size_t size() const { return addresses_.size(); }
  // The index of the node calls go to now.
  size_t current() const { return current_; }
  const std::string& current_address() const { return addresses_[current_]; }
  // policy.attempts_max with 0 resolved.
  int attempts_max() const { return attempts_max_; }

  // Waits up to `timeout_ms` for a connection to the current node; true when it is up. For
  // tools that want connection setup out of what they measure.
  bool WaitForCurrent(int timeout_ms);

  // Makes `call` (one attempt, on a stub of the current node and a fresh context whose deadline
  // is `deadline_ms` from the attempt's start), failing over as described above. Returns the
  // answering node's status, or UNAVAILABLE when no attempt reached a node. `attempts`, when
  // given, receives the number of attempts made (1 when the first node answered).
  grpc::Status CallLedger(const LedgerCall& call, int deadline_ms, int* attempts = nullptr);
  grpc::Status CallTrace(const TraceCall& call, int deadline_ms, int* attempts = nullptr);

  // Since construction: attempts beyond the first of each call, and how many of those went to
  // another node than the one before (fewer than retries only with a single node).
  uint64_t retries() const { return retries_; }
  uint64_t failovers() const { return failovers_; }

 private:
  struct Node;
  using Attempt = std::function<grpc::Status(Node&, grpc::ClientContext&)>;
  Node& Open(size_t index);
  grpc::Status Call(const Attempt& attempt, int deadline_ms, int* attempts);

  std::vector<std::string> addresses_;
  FailoverPolicy policy_;
  ChannelOptions channel_;
  int attempts_max_ = 0;
  size_t current_ = 0;
  std::vector<std::unique_ptr<Node>> nodes_;  // nodes_[i] is null until addresses_[i] is used
  uint64_t retries_ = 0;
  uint64_t failovers_ = 0;
};

// The index of the first of `addresses` (non-empty, checked) whose connection comes up within
// `timeout_ms`, trying them in order; 0 when none does, or when there is only one (nothing to
// choose). For a caller that holds one node for a whole exchange, such as a stream. The
// connections are made with `channel` (TLS or not), as the caller's own will be.
size_t FirstReachableNode(const std::vector<std::string>& addresses, int timeout_ms,
                          const ChannelOptions& channel = {});

}  // namespace tadori::client
