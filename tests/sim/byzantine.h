// Byzantine validators for the simulator. A Byzantine instance runs a real engine (so it
// can lead rounds and form certificates) and this layer corrupts what it sends: two
// proposals per round, votes for everything, withheld votes and timeouts, stale and future
// rounds, garbage bytes, forged certificates and invalid payloads.
#pragma once

#include <cstdint>
#include <optional>

#include "consensus/crypto.h"
#include "consensus/types.h"
#include "tests/sim/prng.h"

namespace tadori::sim {

enum ByzantineTrait : uint32_t {
  kEquivocate = 1u << 0,   // as leader, different proposals (payloads, or an older parent
                           // so the twin block forks below the last commit) to different
                           // validators
  kDoubleVote = 1u << 1,   // votes for every proposal it receives, safe or not
  kWithhold = 1u << 2,     // drops most of its votes and timeouts
  kStaleFuture = 1u << 3,  // re-signed copies with rounds from the past or far future
  kGarbage = 1u << 4,      // random bytes and bit-flipped copies
  kForgedQc = 1u << 5,     // certificates with bad, missing or duplicated signatures
  kBadPayload = 1u << 6,   // as leader, proposes payloads that fail validation
};
inline constexpr uint32_t kAllByzantineTraits = (1u << 7) - 1;

// A random non-empty set of traits.
uint32_t ChooseBehaviours(Prng& rng);

// What the Byzantine layer may do to the world: send raw bytes as one identity.
class ByzantineNetwork {
 public:
  virtual ~ByzantineNetwork() = default;
  virtual void Transmit(size_t from_instance, consensus::ValidatorIndex to, Bytes bytes) = 0;
  virtual const consensus::Signer& SignerOf(size_t instance) const = 0;
  virtual consensus::ValidatorIndex IdOf(size_t instance) const = 0;
  virtual const consensus::ValidatorSet& validators() const = 0;
  virtual const consensus::BlockId& genesis_id() const = 0;
  // A block in the instance's own engine tree, or nullptr.
  virtual const consensus::Block* FindBlock(size_t instance,
                                            const consensus::BlockId& id) const = 0;
  // The leader of `round` on the chain ending at `anchor` as the instance's own engine
  // reads it (Engine::LeaderAfter); nullopt when its engine does not hold `anchor`.
  virtual std::optional<consensus::ValidatorIndex> LeaderAfter(size_t instance,
                                                               const consensus::BlockId& anchor,
                                                               consensus::Round round) const = 0;
  virtual Bytes MakePayload(size_t instance, consensus::Round round, bool valid, Hash& digest) = 0;
};

class ByzantineBehaviour {
 public:
  ByzantineBehaviour(ByzantineNetwork& net, Prng rng) : net_(net), rng_(rng) {}
  // Replaces the honest engine's send of `bytes` (to one validator or, with no `to`, all).
  void Outgoing(size_t instance, uint32_t traits, std::optional<consensus::ValidatorIndex> to,
                Bytes bytes);
  // Sees every message the instance receives (before its engine does).
  void Incoming(size_t instance, uint32_t traits, const Bytes& bytes);

 private:
  void SendAll(size_t instance, std::optional<consensus::ValidatorIndex> to, const Bytes& b);
  void VoteFor(size_t instance, const consensus::Block& block);
  void Equivocate(size_t instance, const consensus::Proposal& p);
  void ShiftRound(size_t instance, std::optional<consensus::ValidatorIndex> to,
                  consensus::Message m);
  void Forge(size_t instance, std::optional<consensus::ValidatorIndex> to, consensus::Message m);
  void Garbage(size_t instance, std::optional<consensus::ValidatorIndex> to, const Bytes& b);

  ByzantineNetwork& net_;
  Prng rng_;
};

}  // namespace tadori::sim
