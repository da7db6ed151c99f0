// The engine follows the leader schedule read from the chain (leader_schedule.h): whom it
// accepts proposals from, where it sends votes, and what QC it proposes with.
#include <gtest/gtest.h>

#include "consensus/engine.h"
#include "tests/sim/engine_fixture.h"

namespace tadori::consensus {
namespace {

using testing::Find;
using testing::Receive;
using testing::SentVotes;

class EngineLeaderTest : public ::testing::Test {
 protected:
  // Committed rounds 1..9, proposed by validators 0..2 in turn and certified by 0, 1 and 2:
  // validator 3 shows nowhere in the chain.
  void CommitChainWithoutValidator3(ValidatorIndex self) {
    engine_ = v_.MakeEngine(self);
    Block parent = v_.genesis;
    QuorumCert qc = GenesisQc(v_.genesis_id);
    std::vector<Block> chain;
    for (Round r = 1; r <= 9; ++r) {
      Block b;
      b.round = r;
      b.height = parent.height + 1;
      b.proposer = static_cast<ValidatorIndex>(r % 3);
      b.payload = ToBytes("txs");
      b.payload_digest = Sha256(b.payload);
      b.qc = qc;
      qc = v_.Certify(b, {0, 1, 2});
      chain.push_back(b);
      parent = b;
    }
    tip_ = chain.back();
    tip_qc_ = qc;
    chain.pop_back();
    Started started{SafetyState::Initial(v_.genesis_id), tip_, {}};
    started.history = chain;
    (void)engine_->Step(started);
  }

  Block Round10By(ValidatorIndex proposer) const {
    Block b;
    b.round = 10;
    b.height = tip_.height + 1;
    b.proposer = proposer;
    b.payload = ToBytes("round 10");
    b.payload_digest = Sha256(b.payload);
    b.qc = tip_qc_;
    return b;
  }

  Actions Deliver(const Proposal& p) { return testing::DeliverProposal(*engine_, p); }

  testing::Validators v_;
  std::unique_ptr<Engine> engine_;
  Block tip_;
  QuorumCert tip_qc_;
};

TEST_F(EngineLeaderTest, SkipsAValidatorTheChainNeverShows) {
  CommitChainWithoutValidator3(0);
  // Round-robin would give round 10 to validator 2 and round 11 to validator 3; the schedule
  // rotates over 0, 1, 2 instead: round 10 is validator 1's, round 11 validator 2's.
  ASSERT_EQ(engine_->LeaderAfter(tip_.ComputeId(), 10), std::optional<ValidatorIndex>(1));
  std::optional<Schedule> schedule = engine_->CurrentSchedule();
  ASSERT_FALSE(schedule.has_value()) << "the high QC's block (genesis) is no longer held";

  Actions refused = Deliver(v_.Propose(Round10By(2)));
  EXPECT_TRUE(SentVotes(refused).empty());
  EXPECT_EQ(engine_->drops(DropReason::kNotLeader), 1u);

  Actions a = Deliver(v_.Propose(Round10By(1)));
  std::vector<Vote> votes = SentVotes(a);
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_EQ(Find<Send>(a).front()->to, 2u) << "the vote goes to round 11's leader, not to 3";

  schedule = engine_->CurrentSchedule();
  ASSERT_TRUE(schedule.has_value());
  ASSERT_EQ(schedule->skipped.size(), 1u);
  EXPECT_EQ(schedule->skipped[0].validator, 3u);
  EXPECT_EQ(schedule->skipped[0].last_seen, 0u);
}

TEST_F(EngineLeaderTest, AVoteForAnotherLeaderIsRefused) {
  CommitChainWithoutValidator3(3);
  // Validator 3 is skipped, so it does not lead round 11 and refuses votes for round 10.
  Block b10 = Round10By(1);
  (void)Deliver(v_.Propose(b10));
  (void)engine_->Step(Receive(0, v_.MakeVote(b10, 0)));
  EXPECT_EQ(engine_->drops(DropReason::kNotNextLeader), 1u);
}

TEST(EngineLateVoteTest, AVoteAfterTheQuorumJoinsTheQcTheLeaderProposesWith) {
  testing::Validators v;
  auto engine = v.MakeEngine(2);  // leads round 2 on a young chain (round-robin)
  (void)engine->Step(Started{SafetyState::Initial(v.genesis_id), v.genesis, {}});
  Block b1 = v.MakeBlock(1, v.genesis, GenesisQc(v.genesis_id));
  Actions a = engine->Step(Receive(1, v.Propose(b1)));
  (void)engine->Step(PayloadChecked{Find<ValidatePayload>(a).front()->block_id, true});
  (void)engine->Step(Receive(0, v.MakeVote(b1, 0)));
  a = engine->Step(Receive(1, v.MakeVote(b1, 1)));
  ASSERT_EQ(engine->current_round(), 2u);
  ASSERT_EQ(Find<RequestPayload>(a).size(), 1u);
  EXPECT_EQ(engine->safety().high_qc.signatures.size(), 3u);

  (void)engine->Step(Receive(3, v.MakeVote(b1, 3)));  // late: after the quorum
  ASSERT_EQ(engine->safety().high_qc.signatures.size(), 4u);
  Bytes payload = ToBytes("round 2");
  a = engine->Step(PayloadReady{2, payload, Sha256(payload)});
  auto broadcasts = Find<Broadcast>(a);
  ASSERT_EQ(broadcasts.size(), 1u);
  Result<Message> m = DecodeMessage(broadcasts.front()->message);
  ASSERT_TRUE(m.ok());
  const QuorumCert& qc = std::get<Proposal>(*m).block.qc;
  ASSERT_EQ(qc.signatures.size(), 4u);
  for (size_t i = 0; i < qc.signatures.size(); ++i) EXPECT_EQ(qc.signatures[i].signer, i);

  // Once proposed, a further copy of a vote changes nothing.
  (void)engine->Step(Receive(3, v.MakeVote(b1, 3)));
  EXPECT_EQ(engine->safety().high_qc.signatures.size(), 4u);
}

TEST(EngineLateVoteTest, AForgedLateVoteIsRefused) {
  testing::Validators v;
  auto engine = v.MakeEngine(2);
  (void)engine->Step(Started{SafetyState::Initial(v.genesis_id), v.genesis, {}});
  Block b1 = v.MakeBlock(1, v.genesis, GenesisQc(v.genesis_id));
  Actions a = engine->Step(Receive(1, v.Propose(b1)));
  (void)engine->Step(PayloadChecked{Find<ValidatePayload>(a).front()->block_id, true});
  (void)engine->Step(Receive(0, v.MakeVote(b1, 0)));
  (void)engine->Step(Receive(1, v.MakeVote(b1, 1)));
  Vote forged = v.MakeVote(b1, 3);
  forged.signature = v.MakeVote(b1, 0).signature;
  (void)engine->Step(Receive(3, forged));
  EXPECT_EQ(engine->safety().high_qc.signatures.size(), 3u);
  EXPECT_EQ(engine->drops(DropReason::kBadSignature), 1u);
}

// One crashed leader costs two rounds: the one whose votes went to it, and its own. The
// first keeps the base timeout; doubling starts with the second round without a QC.
TEST(EngineTimeoutTest, TheFirstRoundWithoutAQcKeepsTheBaseTimeout) {
  testing::Validators v;
  auto engine = v.MakeEngine(3);
  (void)engine->Step(Started{SafetyState::Initial(v.genesis_id), v.genesis, {}});
  auto timer_for = [](const Actions& a, Round round) -> std::optional<uint64_t> {
    for (const SetTimer* t : Find<SetTimer>(a)) {
      if (t->round == round) return t->duration_ms;
    }
    return std::nullopt;
  };
  const QuorumCert genesis_qc = GenesisQc(v.genesis_id);
  Actions a;
  for (ValidatorIndex s : {0, 1, 2}) {
    Actions step = engine->Step(Receive(s, v.MakeTimeout(1, s, genesis_qc)));
    a.insert(a.end(), step.begin(), step.end());
  }
  ASSERT_EQ(engine->current_round(), 2u);
  EXPECT_EQ(timer_for(a, 2), std::optional<uint64_t>(1000));
  a.clear();
  for (ValidatorIndex s : {0, 1, 2}) {
    Actions step = engine->Step(Receive(s, v.MakeTimeout(2, s, genesis_qc)));
    a.insert(a.end(), step.begin(), step.end());
  }
  ASSERT_EQ(engine->current_round(), 3u);
  EXPECT_EQ(timer_for(a, 3), std::optional<uint64_t>(2000));
}

}  // namespace
}  // namespace tadori::consensus

namespace tadori::consensus {
namespace {

// Proposals whose parent is unknown are fetched from their proposer, once per target, round
// and proposer: peers that take turns sending copies do not get a request each time.
TEST(EngineFetchTest, AskEachPeerOncePerTargetAndRound) {
  testing::Validators v;
  auto engine = v.MakeEngine(0);
  (void)engine->Step(Started{SafetyState::Initial(v.genesis_id), v.genesis, {}});
  Block b1 = v.MakeBlock(1, v.genesis, GenesisQc(v.genesis_id));  // never delivered
  const QuorumCert qc1 = v.Certify(b1);
  size_t fetches = 0;
  for (int copy = 0; copy < 3; ++copy) {
    for (ValidatorIndex proposer : {2, 3}) {
      Block b2 = v.MakeBlock(2, b1, qc1, "copy " + std::to_string(copy));
      b2.proposer = proposer;
      fetches += testing::Find<Fetch>(engine->Step(Receive(proposer, v.Propose(b2)))).size();
    }
  }
  ASSERT_EQ(engine->current_round(), 2u);
  // One to each proposer; the fetch on entering round 2 went to a signer of the QC (1).
  EXPECT_EQ(fetches, 3u);
}

}  // namespace
}  // namespace tadori::consensus
