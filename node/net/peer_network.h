// PeerNetwork: the validator links of one node, tadori.v1.Peer over mutual TLS.
//
// For every pair of validators there is one bidirectional stream; the one with the lower
// genesis index dials (reconnecting with exponential backoff, 100 ms doubling to 5 s) and
// the other accepts. Both ends present their node certificate; the server's trust roots
// are the genesis organisation CAs and, before it reads any frame, it maps the client
// certificate to a validator with IdentifyPeerValidator (tls_identity.h) and refuses
// (UNAUTHENTICATED) anything else. The dialer checks the server's certificate the same way,
// and expects it to be the validator it dialled. Then each side sends PeerHello first; a
// genesis hash or validator id that does not match closes the link (FAILED_PRECONDITION).
// A second link from a validator that already has one replaces the older one.
//
// Delivery is best effort: frames go through a queue per peer bounded by frames and by bytes
// (oldest dropped when either bound is reached, counted as kQueueOverflow); consensus
// tolerates loss. For a peer that stops reading this node therefore holds at most
// queue_bytes_max of queued frames plus the one frame being written, however much is sent.
// Received frames are handed to the callback on a network thread, in order per peer, after
// the Hello.
//
// A stream that has not completed the Hello exchange within hello_timeout is cut and counted
// (kHelloTimeout), on both sides: an accepted stream that never sends its Hello, and a dialled
// server that never answers, would otherwise each hold a thread for ever.
// Thread-safety: Send/Broadcast/Peers/counters from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "consensus/bounds.h"
#include "ledger/genesis.h"
#include "ledger/status.h"
#include "tadori/v1/peer.pb.h"

namespace tadori {

enum class PeerRefusal : uint8_t {
  kBadCertificate,   // no client certificate, or not a genesis validator's (server side)
  kWrongServer,      // the dialled server's certificate names another validator
  kBadHello,         // first frame not a Hello, or its validator id differs from the cert
  kGenesisMismatch,  // Hello with another genesis hash
  kQueueOverflow,    // outbound frame dropped: the peer's queue was full (frames or bytes)
  kHelloTimeout,     // no Hello within hello_timeout (either side)
  kCount,
};
std::string_view PeerRefusalName(PeerRefusal reason);

// The largest frame a link carries: the largest consensus message plus room for the frame
// around it and for transaction gossip batches. Larger frames are never sent.
inline constexpr size_t kPeerFrameBytesMax = consensus::kMessageBytesMax + (size_t{1} << 20);
// Per-peer outbound bytes: room for a few of the largest messages (a proposal, a sync
// response and the votes around them) while the peer is slow, and no more: a peer that stops
// reading must not make this node hold gigabytes. About 68 MiB.
inline constexpr size_t kPeerQueueBytesMaxDefault = 4 * kPeerFrameBytesMax;
// A validator that is up answers its Hello within milliseconds; 5 s leaves room for a busy
// machine while freeing a stalled stream's thread soon.
inline constexpr std::chrono::milliseconds kPeerHelloTimeoutDefault{5000};

struct PeerNetworkOptions {
  const GenesisInfo* genesis = nullptr;  // must outlive the network
  size_t self = 0;                       // this node's genesis validator index
  std::string listen_address;            // host:port; port 0 picks one
  std::string tls_certificate_pem;       // this node's certificate and key
  std::string tls_private_key_pem;
  std::map<size_t, std::string> dial_addresses;  // validator index -> host:port (others)
  size_t queue_frames_max = 4096;                // per peer
  // Per peer, serialized frame bytes; at least kPeerFrameBytesMax (checked at Start).
  size_t queue_bytes_max = kPeerQueueBytesMaxDefault;
  std::chrono::milliseconds hello_timeout = kPeerHelloTimeoutDefault;  // > 0
};

class PeerNetwork {
 public:
  // `from` is the authenticated validator index. Called on network threads; must not block
  // for long (queue the frame and return).
  using FrameHandler = std::function<void(size_t from, v1::PeerFrame frame)>;

  // Listens and starts dialling. INVALID_ARGUMENT for bad TLS material or addresses,
  // UNAVAILABLE when the listen address cannot be bound.
  static Result<std::unique_ptr<PeerNetwork>> Start(PeerNetworkOptions options,
                                                    FrameHandler on_frame);
  ~PeerNetwork();  // Stop()
  void Stop();     // closes every link and joins every thread; idempotent

  // Queue a frame for one peer (dropped silently when it is not connected: consensus
  // retries what matters) or for every connected peer.
  void Send(size_t to, const v1::PeerFrame& frame);
  void Broadcast(const v1::PeerFrame& frame);

  int port() const;  // bound peer port
  struct PeerState {
    size_t index = 0;
    std::string validator_id;
    std::string address;  // dial address, or empty when the peer dials us
    bool connected = false;
  };
  std::vector<PeerState> Peers() const;
  size_t connected_count() const;
  uint64_t refused(PeerRefusal reason) const;
  uint64_t frames_received() const;
  uint64_t frames_sent() const;
  // Serialized bytes waiting in the outbound queue of `peer` (0 when it is not connected).
  size_t queued_bytes(size_t peer) const;

 private:
  struct Impl;
  explicit PeerNetwork(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tadori
