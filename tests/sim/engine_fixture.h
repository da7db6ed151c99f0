// Test helpers: four validators with stub keys, and builders for signed proposals, votes,
// timeouts and certificates, so a test can play the other validators against one engine.
#pragma once

#include <algorithm>
#include <memory>
#include <vector>

#include "consensus/codec.h"
#include "consensus/engine.h"
#include "tests/sim/planted_bug.h"
#include "tests/sim/stub_crypto.h"

namespace tadori::consensus::testing {

using sim::PlantedBug;

class Validators {
 public:
  static constexpr uint64_t kSeed = 42;
  explicit Validators(size_t n = 4)
      : set(ValidatorSet::Equal(n)),
        genesis(GenesisBlock(Sha256(std::string_view("test")))),
        genesis_id(genesis.ComputeId()),
        verifier(kSeed, n) {
    for (size_t i = 0; i < n; ++i) {
      signers.push_back(std::make_unique<StubSigner>(kSeed, static_cast<ValidatorIndex>(i)));
    }
  }

  std::unique_ptr<Engine> MakeEngine(ValidatorIndex self,
                                     PlantedBug bug = PlantedBug::kNone) const {
    EngineConfig config;
    config.validators = set;
    config.self = self;
    config.genesis_id = genesis_id;
    return sim::MakeEngine(config, *signers[self], verifier, bug);
  }

  Block MakeBlock(Round round, const Block& parent, const QuorumCert& qc,
                  std::string_view payload = "txs") const {
    Block b;
    b.round = round;
    b.height = parent.height + 1;
    b.proposer = set.Leader(round);
    b.payload = ToBytes(payload);
    b.payload_digest = Sha256(b.payload);
    b.qc = qc;
    return b;
  }

  Proposal Propose(const Block& b, std::optional<TimeoutCert> tc = std::nullopt) const {
    Proposal p{b, std::move(tc), {}};
    p.signature = signers[b.proposer]->Sign(ProposalSigningBytesOf(genesis_id, p));
    return p;
  }

  Vote MakeVote(const Block& b, ValidatorIndex voter) const {
    Vote v{b.round, b.ComputeId(), voter, {}};
    v.signature = signers[voter]->Sign(VoteSigningBytes(genesis_id, v.block_id, v.round));
    return v;
  }

  // A QC for `b` signed by `voters` (ascending).
  QuorumCert Certify(const Block& b, std::vector<ValidatorIndex> voters) const {
    QuorumCert qc{b.round, b.ComputeId(), {}};
    for (ValidatorIndex v : voters) qc.signatures.push_back({v, MakeVote(b, v).signature});
    return qc;
  }
  QuorumCert Certify(const Block& b) const { return Certify(b, {0, 1, 2}); }

  Timeout MakeTimeout(Round round, ValidatorIndex sender, const QuorumCert& high_qc) const {
    Timeout t{round, sender, high_qc, std::nullopt, {}};
    t.signature = signers[sender]->Sign(TimeoutSigningBytes(genesis_id, round, high_qc.round));
    return t;
  }

  TimeoutCert MakeTc(Round round, const QuorumCert& high_qc,
                     std::vector<ValidatorIndex> senders) const {
    TimeoutCert tc;
    tc.round = round;
    tc.high_qc = high_qc;
    for (ValidatorIndex s : senders) {
      tc.signatures.push_back({s, high_qc.round, MakeTimeout(round, s, high_qc).signature});
    }
    return tc;
  }

  ValidatorSet set;
  Block genesis;
  BlockId genesis_id;
  StubVerifier verifier;
  std::vector<std::unique_ptr<StubSigner>> signers;
};

inline Event Receive(ValidatorIndex from, const Message& m) {
  return MessageReceived{from, EncodeMessage(m)};
}

template <typename T>
std::vector<const T*> Find(const Actions& actions) {
  std::vector<const T*> found;
  for (const Action& a : actions) {
    if (const T* t = std::get_if<T>(&a)) found.push_back(t);
  }
  return found;
}

template <typename T>
int IndexOf(const Actions& actions) {
  for (size_t i = 0; i < actions.size(); ++i) {
    if (std::holds_alternative<T>(actions[i])) return static_cast<int>(i);
  }
  return -1;
}

// Delivers a proposal from its proposer and answers the payload check with `valid`;
// returns all actions.
inline Actions DeliverProposal(Engine& engine, const Proposal& p, bool valid = true) {
  Actions a = engine.Step(Receive(p.block.proposer, p));
  auto checks = Find<ValidatePayload>(a);
  if (checks.empty()) return a;
  Actions b = engine.Step(PayloadChecked{checks.front()->block_id, valid});
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The votes among `actions` (Send actions that decode as votes).
inline std::vector<Vote> SentVotes(const Actions& actions) {
  std::vector<Vote> votes;
  for (const Send* s : Find<Send>(actions)) {
    Result<Message> m = DecodeMessage(s->message);
    if (m.ok() && std::holds_alternative<Vote>(*m)) votes.push_back(std::get<Vote>(*m));
  }
  return votes;
}

}  // namespace tadori::consensus::testing
