// SyncServer: answers the other validators' SyncRequests (consensus/step.h Fetch) with
// certified blocks, off the validator's event loop, so that serving never delays consensus.
//
// Committed blocks come from the store, rebuilt into consensus blocks with their QCs
// (consensus/ledger_certificate.h); the uncommitted ones on the way to the target come from
// the engine, through `UncommittedPath`, which the caller runs under its event loop's lock.
// A response holds at most kSyncBlocksMax blocks and kSyncResponseBytesMax bytes.
//
// Each peer gets a bounded queue (more requests are dropped and counted) and a budget of
// requests and response bytes per second, and due peers are served in turn, so a peer that
// floods requests costs this node a bounded share of its disk and bandwidth and cannot
// starve the others (even when serving is slower than the budget).
// A store failure while serving is local: ServeDue returns it and the node halts.
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "consensus/types.h"
#include "ledger/status.h"
#include "ledger/store/store.h"
#include "node/validator/clock.h"
#include "node/validator/peer_transport.h"

namespace tadori {

struct SyncServerLimits {
  size_t queued_per_peer_max = 4;
  uint64_t requests_per_peer_per_second = 50;
  uint64_t bytes_per_peer_per_second = 64ull * 1024 * 1024;
};

class SyncServer {
 public:
  // The committed tip's height and the uncommitted blocks above it up to `target` (empty
  // when the target is unknown), read consistently.
  using UncommittedPath = std::function<std::pair<uint64_t, std::vector<consensus::Block>>(
      const consensus::BlockId& target)>;

  SyncServer(const Store& store, size_t peers, const Clock& clock, PeerTransport& transport,
             UncommittedPath uncommitted, SyncServerLimits limits = {});

  // Queues a request from validator `from`; false (dropped, counted) when its queue is full.
  bool Enqueue(size_t from, const consensus::SyncRequest& request);
  // Serves every queued request whose peer's budget allows it now. Returns the steady time
  // at which the next queued request becomes due (nullopt: nothing queued), or a store
  // failure.
  Result<std::optional<int64_t>> ServeDue();

  uint64_t served() const;
  uint64_t dropped() const;

 private:
  struct PeerState {
    std::deque<consensus::SyncRequest> queue;
    int64_t next_allowed_ms = 0;
  };
  Result<consensus::SyncResponse> Answer(const consensus::SyncRequest& request) const;

  const Store& store_;
  const Clock& clock_;
  PeerTransport& transport_;
  const UncommittedPath uncommitted_;
  const SyncServerLimits limits_;
  mutable std::mutex mu_;
  std::vector<PeerState> peers_;  // guarded by mu_
  size_t next_peer_ = 0;          // the peer ServeDue looks at first; guarded by mu_
  uint64_t served_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace tadori
