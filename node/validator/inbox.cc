#include "node/validator/inbox.h"

#include "ledger/check.h"

namespace tadori {

Inbox::Inbox(size_t peers, InboxLimits limits) : limits_(limits), queues_(peers) {
  TADORI_CHECK(peers >= 1);
  TADORI_CHECK(limits_.messages_per_peer_max >= 1 && limits_.bytes_per_peer_max >= 1);
}

void Inbox::DropOldest(PeerQueue& q) {
  TADORI_CHECK(!q.messages.empty());
  q.bytes -= q.messages.front().size();
  bytes_ -= q.messages.front().size();
  q.messages.pop_front();
  --messages_;
  ++dropped_;
}

bool Inbox::Push(size_t from, Bytes bytes) {
  TADORI_CHECK(from < queues_.size());
  PeerQueue& q = queues_[from];
  if (bytes.size() > limits_.bytes_per_peer_max) {
    ++dropped_;
    return false;
  }
  bool dropped = false;
  while (!q.messages.empty() && (q.messages.size() >= limits_.messages_per_peer_max ||
                                 q.bytes + bytes.size() > limits_.bytes_per_peer_max)) {
    DropOldest(q);
    dropped = true;
  }
  q.bytes += bytes.size();
  bytes_ += bytes.size();
  q.messages.push_back(std::move(bytes));
  ++messages_;
  TADORI_CHECK(q.bytes <= limits_.bytes_per_peer_max &&
               q.messages.size() <= limits_.messages_per_peer_max);
  return !dropped;
}

std::optional<std::pair<size_t, Bytes>> Inbox::Pop() {
  if (messages_ == 0) return std::nullopt;
  for (size_t i = 0; i < queues_.size(); ++i) {
    const size_t peer = (next_ + i) % queues_.size();
    PeerQueue& q = queues_[peer];
    if (q.messages.empty()) continue;
    Bytes bytes = std::move(q.messages.front());
    q.messages.pop_front();
    q.bytes -= bytes.size();
    bytes_ -= bytes.size();
    --messages_;
    next_ = (peer + 1) % queues_.size();
    return std::make_pair(peer, std::move(bytes));
  }
  TADORI_CHECK(false);  // messages_ counted a message no queue holds
  return std::nullopt;
}

}  // namespace tadori
