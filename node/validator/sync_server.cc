#include "node/validator/sync_server.h"

#include <algorithm>
#include <string>

#include "consensus/bounds.h"
#include "consensus/codec.h"
#include "consensus/ledger_certificate.h"
#include "ledger/check.h"

namespace tadori {

SyncServer::SyncServer(const Store& store, size_t peers, const Clock& clock,
                       PeerTransport& transport, UncommittedPath uncommitted,
                       SyncServerLimits limits)
    : store_(store),
      clock_(clock),
      transport_(transport),
      uncommitted_(std::move(uncommitted)),
      limits_(limits),
      peers_(peers) {
  TADORI_CHECK(limits_.queued_per_peer_max >= 1);
  TADORI_CHECK(limits_.requests_per_peer_per_second >= 1 && limits_.bytes_per_peer_per_second >= 1);
}

bool SyncServer::Enqueue(size_t from, const consensus::SyncRequest& request) {
  std::lock_guard lock(mu_);
  if (from >= peers_.size() || peers_[from].queue.size() >= limits_.queued_per_peer_max) {
    ++dropped_;
    return false;
  }
  peers_[from].queue.push_back(request);
  return true;
}

Result<consensus::SyncResponse> SyncServer::Answer(const consensus::SyncRequest& request) const {
  auto [tip_height, path] = uncommitted_(request.target);
  consensus::SyncResponse r;
  size_t bytes = 0;
  auto add = [&](consensus::Block block) {
    Bytes encoded;
    consensus::EncodeBlock(encoded, block);
    if (r.blocks.size() >= consensus::kSyncBlocksMax ||
        bytes + encoded.size() > consensus::kSyncResponseBytesMax) {
      return false;
    }
    bytes += encoded.size();
    r.blocks.push_back(std::move(block));
    return true;
  };
  uint64_t h = request.committed_height + 1;
  for (; h <= tip_height; ++h) {
    Result<v1::Block> stored = store_.GetBlock(h);
    if (!stored.ok()) {
      return stored.status().WithContext("serving sync: block " + std::to_string(h));
    }
    Result<consensus::Block> block = consensus::ConsensusBlockOf(*stored);
    if (!block.ok()) {
      return Status::DataLoss("serving sync: stored block " + std::to_string(h) +
                              " has no usable certificate: " + block.status().message());
    }
    if (!add(std::move(*block))) return r;
  }
  for (consensus::Block& block : path) {
    if (block.height < h) continue;
    if (!add(std::move(block))) break;
  }
  return r;
}

Result<std::optional<int64_t>> SyncServer::ServeDue() {
  for (;;) {
    const int64_t now = clock_.SteadyMs();
    std::optional<std::pair<size_t, consensus::SyncRequest>> due;
    std::optional<int64_t> next_due;
    {
      std::lock_guard lock(mu_);
      // Peers in turn from the one after the last served: when serving takes longer than
      // a peer's budget, the lowest index would otherwise always be due first, and a peer
      // that keeps its queue full would starve the others.
      for (size_t i = 0; i < peers_.size(); ++i) {
        const size_t p = (next_peer_ + i) % peers_.size();
        PeerState& peer = peers_[p];
        if (peer.queue.empty()) continue;
        if (peer.next_allowed_ms <= now && !due) {
          due.emplace(p, peer.queue.front());
          peer.queue.pop_front();
          next_peer_ = (p + 1) % peers_.size();
        } else {
          const int64_t at = std::max(peer.next_allowed_ms, now);
          next_due = next_due ? std::min(*next_due, at) : at;
        }
      }
    }
    if (!due) return next_due;
    TADORI_ASSIGN_OR_RETURN(consensus::SyncResponse response, Answer(due->second));
    const Bytes encoded = consensus::EncodeMessage(response);
    v1::PeerFrame frame;
    frame.set_consensus(std::string(encoded.begin(), encoded.end()));
    transport_.Send(due->first, frame);
    // The peer's next request waits for its share of requests and of bytes per second.
    const int64_t cost_ms = static_cast<int64_t>(
        std::max<uint64_t>(1000 / limits_.requests_per_peer_per_second,
                           encoded.size() * 1000 / limits_.bytes_per_peer_per_second));
    std::lock_guard lock(mu_);
    PeerState& peer = peers_[due->first];
    peer.next_allowed_ms = std::max(peer.next_allowed_ms, now) + cost_ms;
    ++served_;
  }
}

uint64_t SyncServer::served() const {
  std::lock_guard lock(mu_);
  return served_;
}

uint64_t SyncServer::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

}  // namespace tadori
