#include "tools/client/failover.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "ledger/check.h"
#include "tools/client/node_list.h"
#include "tools/client/rpc_error.h"

namespace tadori::client {

struct NodeSet::Node {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Ledger::Stub> ledger;
  std::unique_ptr<v1::Trace::Stub> trace;
};

namespace {

using SystemClock = std::chrono::system_clock;

// Waits while the channel is idle or connecting, up to `timeout_ms`. True when it settled
// (connected, or failed to connect, which a call reports at once with gRPC's own reason);
// false when it was still connecting at the end, so a request would not have been sent.
bool ConnectionSettles(grpc::Channel& channel, int timeout_ms) {
  const auto deadline = SystemClock::now() + std::chrono::milliseconds(timeout_ms);
  grpc_connectivity_state state = channel.GetState(/*try_to_connect=*/true);
  while (state == GRPC_CHANNEL_IDLE || state == GRPC_CHANNEL_CONNECTING) {
    if (!channel.WaitForStateChange(state, deadline)) return false;
    state = channel.GetState(/*try_to_connect=*/true);
  }
  return true;
}

int BackoffMs(const FailoverPolicy& policy, int retry) {
  int64_t wait = policy.backoff_first_ms;
  for (int k = 1; k < retry && wait < policy.backoff_max_ms; ++k) wait *= 2;
  return static_cast<int>(std::min<int64_t>(wait, policy.backoff_max_ms));
}

// What went wrong at each node tried, in the order first tried; a node tried twice keeps
// its latest reason.
class FailureLog {
 public:
  void Add(const std::string& address, const grpc::Status& status) {
    std::string reason = CodeNameOf(static_cast<uint32_t>(status.error_code()));
    reason += ": ";
    for (char c : status.error_message()) reason += (c == '\n' || c == '\r') ? ' ' : c;
    for (auto& [node, last] : entries_) {
      if (node == address) {
        last = std::move(reason);
        return;
      }
    }
    entries_.emplace_back(address, std::move(reason));
  }

  grpc::Status AllFailed(int attempts) const {
    std::string m = "no node answered in " + std::to_string(attempts) + " attempt";
    if (attempts != 1) m += "s";
    m += " (";
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (i > 0) m += "; ";
      m += entries_[i].first + ": " + entries_[i].second;
    }
    m += ")";
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, m);
  }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace

NodeSet::NodeSet(std::vector<std::string> addresses, FailoverPolicy policy, size_t first,
                 ChannelOptions channel)
    : addresses_(std::move(addresses)), policy_(policy), channel_(std::move(channel)) {
  channel_.own_connection = true;
  TADORI_CHECK(!addresses_.empty() && addresses_.size() <= kNodeListMax);
  TADORI_CHECK(policy_.attempts_max >= 0 && policy_.attempts_max <= kAttemptsMax);
  TADORI_CHECK(policy_.backoff_first_ms >= 0 && policy_.backoff_first_ms <= kBackoffMsMax);
  TADORI_CHECK(policy_.backoff_max_ms >= 0 && policy_.backoff_max_ms <= kBackoffMsMax);
  TADORI_CHECK(policy_.connect_timeout_ms >= 1 &&
               policy_.connect_timeout_ms <= kConnectTimeoutMsMax);
  attempts_max_ = policy_.attempts_max != 0
                      ? policy_.attempts_max
                      : static_cast<int>(std::max<size_t>(2, 2 * addresses_.size()));
  attempts_max_ = std::min(attempts_max_, kAttemptsMax);
  current_ = first % addresses_.size();
  nodes_.resize(addresses_.size());
}

NodeSet::NodeSet(NodeSet&&) noexcept = default;
NodeSet& NodeSet::operator=(NodeSet&&) noexcept = default;
NodeSet::~NodeSet() = default;

NodeSet::Node& NodeSet::Open(size_t index) {
  std::unique_ptr<Node>& node = nodes_[index];
  if (node == nullptr) {
    node = std::make_unique<Node>();
    node->channel = OpenChannel(addresses_[index], channel_);
    node->ledger = v1::Ledger::NewStub(node->channel);
    node->trace = v1::Trace::NewStub(node->channel);
  }
  return *node;
}

bool NodeSet::WaitForCurrent(int timeout_ms) {
  Node& node = Open(current_);
  return ConnectionSettles(*node.channel, timeout_ms) &&
         node.channel->GetState(false) == GRPC_CHANNEL_READY;
}

grpc::Status NodeSet::Call(const Attempt& attempt, int deadline_ms, int* attempts) {
  FailureLog failures;
  for (int made = 1;; ++made) {
    if (attempts != nullptr) *attempts = made;
    Node& node = Open(current_);
    grpc::Status status;
    if (!ConnectionSettles(*node.channel, policy_.connect_timeout_ms)) {
      status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            "no connection within " + std::to_string(policy_.connect_timeout_ms) +
                                " ms; the request was not sent");
    } else {
      grpc::ClientContext context;
      context.set_deadline(SystemClock::now() + std::chrono::milliseconds(deadline_ms));
      status = attempt(node, context);
      if (status.error_code() != grpc::StatusCode::UNAVAILABLE) return status;
    }
    failures.Add(addresses_[current_], status);
    nodes_[current_].reset();
    if (made >= attempts_max_) return failures.AllFailed(made);
    ++retries_;
    if (addresses_.size() > 1) {
      current_ = (current_ + 1) % addresses_.size();
      ++failovers_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(BackoffMs(policy_, made)));
  }
}

size_t FirstReachableNode(const std::vector<std::string>& addresses, int timeout_ms,
                          const ChannelOptions& options) {
  TADORI_CHECK(!addresses.empty());
  if (addresses.size() == 1) return 0;
  for (size_t i = 0; i < addresses.size(); ++i) {
    std::shared_ptr<grpc::Channel> channel = OpenChannel(addresses[i], options);
    if (ConnectionSettles(*channel, timeout_ms) && channel->GetState(false) == GRPC_CHANNEL_READY) {
      return i;
    }
  }
  return 0;
}

grpc::Status NodeSet::CallLedger(const LedgerCall& call, int deadline_ms, int* attempts) {
  return Call([&](Node& node, grpc::ClientContext& context) { return call(*node.ledger, context); },
              deadline_ms, attempts);
}

grpc::Status NodeSet::CallTrace(const TraceCall& call, int deadline_ms, int* attempts) {
  return Call([&](Node& node, grpc::ClientContext& context) { return call(*node.trace, context); },
              deadline_ms, attempts);
}

}  // namespace tadori::client
