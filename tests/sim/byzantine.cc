#include "tests/sim/byzantine.h"

#include "consensus/bounds.h"
#include "consensus/codec.h"

namespace tadori::sim {

using namespace consensus;  // NOLINT

uint32_t ChooseBehaviours(Prng& rng) {
  uint32_t traits = 0;
  while (traits == 0) traits = static_cast<uint32_t>(rng.Next()) & kAllByzantineTraits;
  return traits;
}

void ByzantineBehaviour::SendAll(size_t instance, std::optional<ValidatorIndex> to,
                                 const Bytes& b) {
  if (to) {
    net_.Transmit(instance, *to, b);
    return;
  }
  ValidatorIndex self = net_.IdOf(instance);
  for (size_t v = 0; v < net_.validators().size(); ++v) {
    if (v != self) net_.Transmit(instance, static_cast<ValidatorIndex>(v), b);
  }
}

void ByzantineBehaviour::Outgoing(size_t instance, uint32_t traits,
                                  std::optional<ValidatorIndex> to, Bytes bytes) {
  Result<Message> decoded = DecodeMessage(bytes);
  if (!decoded.ok()) {
    SendAll(instance, to, bytes);
    return;
  }
  Message& m = *decoded;
  bool vote_or_timeout = std::holds_alternative<Vote>(m) || std::holds_alternative<Timeout>(m);
  if ((traits & kWithhold) && vote_or_timeout && rng_.Chance(700)) return;
  if (const auto* p = std::get_if<Proposal>(&m); p && !to && (traits & kEquivocate)) {
    Equivocate(instance, *p);
  } else {
    SendAll(instance, to, bytes);
  }
  if ((traits & kStaleFuture) && vote_or_timeout && rng_.Chance(300)) ShiftRound(instance, to, m);
  if ((traits & kForgedQc) && rng_.Chance(300)) Forge(instance, to, m);
  if ((traits & kGarbage) && rng_.Chance(200)) Garbage(instance, to, bytes);
}

void ByzantineBehaviour::Incoming(size_t instance, uint32_t traits, const Bytes& bytes) {
  if (!(traits & kDoubleVote) || bytes.empty() ||
      bytes[0] != static_cast<uint8_t>(MessageKind::kProposal)) {
    return;
  }
  Result<Message> decoded = DecodeMessage(bytes);
  if (decoded.ok()) VoteFor(instance, std::get<Proposal>(*decoded).block);
}

void ByzantineBehaviour::VoteFor(size_t instance, const Block& block) {
  Vote v;
  v.round = block.round;
  v.block_id = block.ComputeId();
  v.voter = net_.IdOf(instance);
  v.signature =
      net_.SignerOf(instance).Sign(VoteSigningBytes(net_.genesis_id(), v.block_id, v.round));
  // The next leader depends on the chain ending at the block voted for. A double voter
  // mostly votes for blocks its engine has not taken in (a proposal it has only just seen,
  // its own twin block); not knowing the leader then, it sends the vote to everyone, so it
  // surely reaches whoever leads. Validators that know the block drop it unless they lead.
  const std::optional<ValidatorIndex> next = net_.LeaderAfter(instance, v.block_id, v.round + 1);
  if (next) {
    if (*next != v.voter) net_.Transmit(instance, *next, EncodeMessage(v));
    return;
  }
  SendAll(instance, std::nullopt, EncodeMessage(v));
}

void ByzantineBehaviour::Equivocate(size_t instance, const Proposal& p) {
  Proposal other = p;
  // After a timeout round (the proposal carries a TC), half the time the twin block forks
  // further back: it extends the grandparent's parent (with the QC the grandparent carries),
  // keeping the TC. Its QC is then older than the TC's highest QC, so honest validators must
  // refuse it; if they did not, a block some validator already committed could be undone.
  const Block* parent = net_.FindBlock(instance, p.block.qc.block_id);
  const Block* grandparent = parent ? net_.FindBlock(instance, parent->qc.block_id) : nullptr;
  if (p.tc && grandparent != nullptr && grandparent->round > 0 && rng_.Chance(500)) {
    other.block.qc = grandparent->qc;
    other.block.height = grandparent->height;
  }
  Hash digest;
  other.block.payload = net_.MakePayload(instance, p.block.round, true, digest);
  other.block.payload_digest = digest;
  other.signature = net_.SignerOf(instance).Sign(ProposalSigningBytesOf(net_.genesis_id(), other));
  Bytes a = EncodeMessage(p);
  Bytes b = EncodeMessage(other);
  ValidatorIndex self = net_.IdOf(instance);
  for (size_t v = 0; v < net_.validators().size(); ++v) {
    if (v == self) continue;
    uint64_t pick = rng_.Below(4);  // mostly one or the other; sometimes both
    if (pick != 1) net_.Transmit(instance, static_cast<ValidatorIndex>(v), pick == 3 ? b : a);
    if (pick == 1) net_.Transmit(instance, static_cast<ValidatorIndex>(v), b);
    if (pick == 2) net_.Transmit(instance, static_cast<ValidatorIndex>(v), b);
  }
  // Its own engine voted for `p`; a double voter also votes for the twin block.
  VoteFor(instance, other.block);
}

void ByzantineBehaviour::ShiftRound(size_t instance, std::optional<ValidatorIndex> to, Message m) {
  static constexpr int64_t kShifts[] = {-3, -1, 1, 2, 9, 1000};
  int64_t shift = kShifts[rng_.Below(std::size(kShifts))];
  bool huge = rng_.Chance(100);
  const Signer& signer = net_.SignerOf(instance);
  auto shifted = [&](Round r) -> Round {
    if (huge) return kRoundMax + 5;
    return static_cast<Round>(std::max<int64_t>(1, static_cast<int64_t>(r) + shift));
  };
  if (auto* v = std::get_if<Vote>(&m)) {
    v->round = shifted(v->round);
    v->signature = signer.Sign(VoteSigningBytes(net_.genesis_id(), v->block_id, v->round));
  } else if (auto* t = std::get_if<Timeout>(&m)) {
    t->round = shifted(t->round);
    t->signature = signer.Sign(TimeoutSigningBytes(net_.genesis_id(), t->round, t->high_qc.round));
  }
  SendAll(instance, to, EncodeMessage(m));
}

void ByzantineBehaviour::Forge(size_t instance, std::optional<ValidatorIndex> to, Message m) {
  const Signer& signer = net_.SignerOf(instance);
  auto forge_qc = [&](QuorumCert& qc) {
    switch (rng_.Below(4)) {
      case 0:  // a signature byte flipped
        if (!qc.signatures.empty()) qc.signatures.back().signature[5] ^= 0x40;
        break;
      case 1:  // too few signers
        if (!qc.signatures.empty()) qc.signatures.pop_back();
        break;
      case 2:  // claims a higher round with the same signatures
        qc.round += 1 + rng_.Below(5);
        break;
      default:  // a made-up block certified by made-up signatures
        qc.block_id = Sha256(std::to_string(rng_.Next()));
        qc.round += 1;
        for (auto& s : qc.signatures) s.signature = signer.Sign(qc.block_id.view());
        break;
    }
  };
  if (auto* p = std::get_if<Proposal>(&m)) {
    forge_qc(p->block.qc);
    if (p->block.qc.round >= p->block.round) return;
    p->signature = signer.Sign(ProposalSigningBytesOf(net_.genesis_id(), *p));
  } else if (auto* t = std::get_if<Timeout>(&m)) {
    forge_qc(t->high_qc);
    if (t->high_qc.round >= t->round) return;
    t->signature = signer.Sign(TimeoutSigningBytes(net_.genesis_id(), t->round, t->high_qc.round));
  } else {
    return;
  }
  SendAll(instance, to, EncodeMessage(m));
}

void ByzantineBehaviour::Garbage(size_t instance, std::optional<ValidatorIndex> to,
                                 const Bytes& b) {
  Bytes junk;
  if (rng_.Chance(500) && !b.empty()) {
    junk = b;
    junk[rng_.Below(junk.size())] ^= static_cast<uint8_t>(1u << rng_.Below(8));
    if (rng_.Chance(300)) junk.resize(rng_.Below(junk.size()));
  } else {
    junk.resize(rng_.Below(300));
    for (uint8_t& x : junk) x = static_cast<uint8_t>(rng_.Next());
    if (!junk.empty()) junk[0] = static_cast<uint8_t>(1 + rng_.Below(5));  // a plausible kind
  }
  SendAll(instance, to, junk);
}

}  // namespace tadori::sim
