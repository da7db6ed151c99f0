// Inbox: consensus messages from peers waiting for the validator's event loop, one queue per
// peer, each bounded by messages and bytes. A peer that floods fills only its own queue
// (its oldest messages are dropped first, and counted); Pop takes from the peers in turn, so
// one peer's backlog never delays another's messages behind it.
// Not thread-safe: the validator guards it with its own lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "ledger/bytes.h"

namespace tadori {

struct InboxLimits {
  size_t messages_per_peer_max = 4'096;
  size_t bytes_per_peer_max = 64 * 1024 * 1024;
};

class Inbox {
 public:
  Inbox(size_t peers, InboxLimits limits);

  // Queues `bytes` from `from` (< peers); false when something of that peer's was dropped
  // to make room (or this message itself, when it alone exceeds the byte bound).
  bool Push(size_t from, Bytes bytes);
  // The next message, taking peers in turn; nullopt when empty.
  std::optional<std::pair<size_t, Bytes>> Pop();

  bool empty() const { return messages_ == 0; }
  size_t messages() const { return messages_; }
  size_t bytes() const { return bytes_; }
  uint64_t dropped() const { return dropped_; }
  // Queued bytes of one peer.
  size_t bytes_of(size_t peer) const { return queues_[peer].bytes; }

 private:
  struct PeerQueue {
    std::deque<Bytes> messages;
    size_t bytes = 0;
  };
  void DropOldest(PeerQueue& q);

  const InboxLimits limits_;
  std::vector<PeerQueue> queues_;
  size_t next_ = 0;  // the peer Pop looks at first
  size_t messages_ = 0;
  size_t bytes_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace tadori
