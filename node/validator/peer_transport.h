// PeerTransport: what a validator needs of its links to the other validators. Delivery is
// best effort (consensus retries what matters); frames from peers come back through
// BftValidator::OnFrame. The daemon adapts node/net's PeerNetwork to it; the whole-validator
// simulator delivers frames in memory on its seeded scheduler.
#pragma once

#include <cstddef>
#include <vector>

#include "tadori/v1/peer.pb.h"

namespace tadori {

class PeerTransport {
 public:
  virtual ~PeerTransport() = default;
  // To validator `to` (a genesis index other than this node's); dropped when not linked.
  virtual void Send(size_t to, const v1::PeerFrame& frame) = 0;
  // To every linked validator.
  virtual void Broadcast(const v1::PeerFrame& frame) = 0;
  // Genesis indices of the validators linked now, ascending.
  virtual std::vector<size_t> Connected() const = 0;
};

}  // namespace tadori
