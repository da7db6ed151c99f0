#include "consensus/engine.h"

#include <gtest/gtest.h>

#include "consensus/bounds.h"
#include "tests/sim/engine_fixture.h"

namespace tadori::consensus {
namespace {

using sim::PlantedBug;
using testing::Find;
using testing::IndexOf;
using testing::Receive;
using testing::SentVotes;

// Validator 3 (leads rounds 3, 7, ...) is the engine under test; round 1 is led by v1 and
// votes for round r go to the leader of r + 1.
class EngineTest : public ::testing::Test {
 protected:
  static constexpr ValidatorIndex kSelf = 3;
  void SetUp() override {
    engine_ = v_.MakeEngine(kSelf);
    Actions a =
        engine_->Step(Started{SafetyState::Initial(v_.genesis_id), v_.genesis, {}, false, {}});
    ASSERT_EQ(engine_->current_round(), 1u);
    ASSERT_EQ(Find<SetTimer>(a).size(), 1u);
  }

  // Delivers a proposal and answers the payload check; returns all actions.
  Actions Deliver(const Proposal& p, bool valid = true) {
    return testing::DeliverProposal(*engine_, p, valid);
  }

  testing::Validators v_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, VotesForValidProposalAndPersistsFirst) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Actions a = Deliver(v_.Propose(b1));
  std::vector<Vote> votes = SentVotes(a);
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_EQ(votes[0].block_id, b1.ComputeId());
  EXPECT_EQ(Find<Send>(a).front()->to, v_.set.Leader(2));
  int persist = IndexOf<PersistSafety>(a);
  ASSERT_GE(persist, 0);
  EXPECT_LT(persist, IndexOf<Send>(a)) << "safety state must be persisted before the vote";
  EXPECT_EQ(Find<PersistSafety>(a).front()->safety.last_voted_round, 1u);
  EXPECT_LT(IndexOf<PersistBlock>(a), IndexOf<Send>(a));
}

TEST_F(EngineTest, NoVoteBeforePayloadIsValidated) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Actions a = engine_->Step(Receive(1, v_.Propose(b1)));
  EXPECT_EQ(Find<ValidatePayload>(a).size(), 1u);
  EXPECT_TRUE(SentVotes(a).empty());
}

TEST_F(EngineTest, InvalidPayloadGetsNoVote) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Actions a = Deliver(v_.Propose(b1), /*valid=*/false);
  EXPECT_TRUE(SentVotes(a).empty());
  EXPECT_EQ(engine_->drops(DropReason::kInvalidPayload), 1u);
}

TEST_F(EngineTest, RefusesToVoteTwiceInOneRound) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id), "first");
  Block b1x = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id), "second");
  ASSERT_EQ(SentVotes(Deliver(v_.Propose(b1))).size(), 1u);
  // A second proposal for the round, and the same one again, are both refused unvoted.
  EXPECT_TRUE(SentVotes(Deliver(v_.Propose(b1x))).empty());
  EXPECT_TRUE(SentVotes(Deliver(v_.Propose(b1))).empty());
  EXPECT_EQ(engine_->drops(DropReason::kDuplicate), 2u);
}

TEST_F(EngineTest, PlantedBugVotesTwice) {
  engine_ = v_.MakeEngine(kSelf, PlantedBug::kVoteTwiceInRound);
  (void)engine_->Step(Started{SafetyState::Initial(v_.genesis_id), v_.genesis, {}, false, {}});
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id), "first");
  Block b1x = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id), "second");
  EXPECT_EQ(SentVotes(Deliver(v_.Propose(b1))).size(), 1u);
  EXPECT_EQ(SentVotes(Deliver(v_.Propose(b1x))).size(), 1u);  // the bug the simulator finds
}

TEST_F(EngineTest, RefusesToVoteInALowerRound) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Block b2 = v_.MakeBlock(2, b1, v_.Certify(b1));
  ASSERT_EQ(SentVotes(Deliver(v_.Propose(b1))).size(), 1u);
  Deliver(v_.Propose(b2));  // this vote goes to the engine itself (it leads round 3)
  ASSERT_EQ(engine_->safety().last_voted_round, 2u);
  ASSERT_EQ(engine_->current_round(), 2u);
  // Another round-1 proposal arrives late: the engine is past it.
  Block late = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id), "late");
  EXPECT_TRUE(SentVotes(Deliver(v_.Propose(late))).empty());
  EXPECT_EQ(engine_->drops(DropReason::kStaleRound), 1u);
  EXPECT_EQ(engine_->safety().last_voted_round, 2u);
}

TEST_F(EngineTest, NoVoteAfterTimingOutInTheRound) {
  Actions t = engine_->Step(TimerFired{1});
  ASSERT_EQ(Find<Broadcast>(t).size(), 1u);
  EXPECT_LT(IndexOf<PersistSafety>(t), IndexOf<Broadcast>(t));
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  EXPECT_TRUE(SentVotes(Deliver(v_.Propose(b1))).empty());
}

TEST_F(EngineTest, RestartFromPersistedStateDoesNotVoteAgain) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id), "first");
  Actions a = Deliver(v_.Propose(b1));
  ASSERT_EQ(Find<PersistSafety>(a).size(), 1u);
  SafetyState persisted = Find<PersistSafety>(a).front()->safety;
  // Crash, then restart from the persisted state, and see a different round-1 block.
  engine_ = v_.MakeEngine(kSelf);
  (void)engine_->Step(Started{persisted, v_.genesis, {}, false, {}});
  Block b1x = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id), "second");
  EXPECT_TRUE(SentVotes(Deliver(v_.Propose(b1x))).empty());
}

TEST_F(EngineTest, DropsProposalWithForgedQcSignature) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  QuorumCert qc = v_.Certify(b1);
  qc.signatures[1].signature[7] ^= 0x10;
  Actions a = Deliver(v_.Propose(v_.MakeBlock(2, b1, qc)));
  EXPECT_TRUE(SentVotes(a).empty());
  EXPECT_EQ(engine_->drops(DropReason::kBadCertificate), 1u);
  EXPECT_EQ(engine_->current_round(), 1u);
}

TEST_F(EngineTest, DropsQcWithTooFewVotes) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Deliver(v_.Propose(b1));
  Deliver(v_.Propose(v_.MakeBlock(2, b1, v_.Certify(b1, {0, 2}))));
  EXPECT_EQ(engine_->drops(DropReason::kBadCertificate), 1u);
  EXPECT_EQ(engine_->current_round(), 1u);
}

TEST_F(EngineTest, DropsQcWithDuplicateSigners) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  QuorumCert qc = v_.Certify(b1, {0, 2});
  qc.signatures.push_back(qc.signatures.back());  // signer 2 twice: "three" signatures
  Deliver(v_.Propose(b1));
  Deliver(v_.Propose(v_.MakeBlock(2, b1, qc)));
  EXPECT_EQ(engine_->drops(DropReason::kMalformed), 1u);  // the decoder refuses it
  CertificateChecker checker(v_.set, v_.verifier, v_.genesis_id);
  EXPECT_FALSE(checker.CheckQc(qc));  // and so would the checker
  EXPECT_TRUE(checker.CheckQc(v_.Certify(b1)));
}

TEST_F(EngineTest, DropsProposalFromNonLeader) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  b1.proposer = 2;  // round 1 belongs to validator 1
  Proposal p{b1, std::nullopt, {}};
  p.signature = v_.signers[2]->Sign(ProposalSigningBytesOf(v_.genesis_id, p));
  EXPECT_TRUE(SentVotes(Deliver(p)).empty());
  EXPECT_EQ(engine_->drops(DropReason::kNotLeader), 1u);
}

TEST_F(EngineTest, DropsProposalWithBadSignature) {
  Proposal p = v_.Propose(v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id)));
  p.signature[0] ^= 1;
  EXPECT_TRUE(SentVotes(Deliver(p)).empty());
  EXPECT_EQ(engine_->drops(DropReason::kBadSignature), 1u);
}

TEST_F(EngineTest, DropsOversizeAndGarbageMessages) {
  Bytes huge(kMessageBytesMax + 1, 1);
  EXPECT_TRUE(engine_->Step(MessageReceived{1, huge}).empty());
  EXPECT_TRUE(engine_->Step(MessageReceived{1, Bytes{9, 9, 9}}).empty());
  EXPECT_TRUE(engine_->Step(MessageReceived{1, Bytes{}}).empty());
  EXPECT_TRUE(engine_->Step(MessageReceived{77, Bytes{1}}).empty());  // unknown sender
  EXPECT_EQ(engine_->drops(DropReason::kMalformed), 4u);
}

TEST_F(EngineTest, DropsFutureRoundNotJustifiedByCertificates) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Block b5 = v_.MakeBlock(5, b1, v_.Certify(b1));  // QC for round 1 does not justify round 5
  EXPECT_TRUE(SentVotes(Deliver(v_.Propose(b5))).empty());
  EXPECT_EQ(engine_->drops(DropReason::kFutureRound), 1u);
}

TEST_F(EngineTest, CommitsOnTwoChainWithConsecutiveRounds) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Block b2 = v_.MakeBlock(2, b1, v_.Certify(b1));
  Block b3 = v_.MakeBlock(3, b2, v_.Certify(b2));
  EXPECT_TRUE(Find<Commit>(Deliver(v_.Propose(b1))).empty());
  EXPECT_TRUE(Find<Commit>(Deliver(v_.Propose(b2))).empty());
  // b3 carries the QC for b2 (round 2 = b1.round + 1): b1 is final.
  Actions a = engine_->Step(Receive(3, v_.Propose(b3)));
  auto commits = Find<Commit>(a);
  ASSERT_EQ(commits.size(), 1u);
  ASSERT_EQ(commits[0]->blocks.size(), 1u);
  EXPECT_EQ(commits[0]->blocks[0].ComputeId(), b1.ComputeId());
  EXPECT_EQ(commits[0]->proof.block_id, b2.ComputeId());
  EXPECT_EQ(engine_->committed_tip().ComputeId(), b1.ComputeId());
}

TEST_F(EngineTest, NoCommitWhenRoundsAreNotConsecutive) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Deliver(v_.Propose(b1));
  // Round 2 times out; the TC carries the QC for b1; round 3 extends b1 via the TC.
  TimeoutCert tc2 = v_.MakeTc(2, v_.Certify(b1), {0, 1, 2});
  Block b3 = v_.MakeBlock(3, b1, v_.Certify(b1));
  Deliver(v_.Propose(b3, tc2));
  Block b4 = v_.MakeBlock(4, b3, v_.Certify(b3));
  Actions a = Deliver(v_.Propose(b4));
  EXPECT_EQ(engine_->current_round(), 4u);
  // QC(b3) certifies b3 whose parent b1 is round 1 != 3 - 1: nothing is final yet.
  EXPECT_TRUE(Find<Commit>(a).empty());
  Block b5 = v_.MakeBlock(5, b4, v_.Certify(b4));
  Actions last = engine_->Step(Receive(1, v_.Propose(b5)));
  auto commits = Find<Commit>(last);
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0]->blocks.size(), 2u);  // b1 and b3 together
}

TEST_F(EngineTest, TcProposalMustExtendTheHighestQcInTheTc) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Deliver(v_.Propose(b1));
  TimeoutCert tc2 = v_.MakeTc(2, v_.Certify(b1), {0, 1, 2});
  // Round 3 leader ignores the QC for b1 and extends genesis: must not get a vote.
  Block bad = v_.MakeBlock(3, v_.genesis, GenesisQc(v_.genesis_id));
  EXPECT_TRUE(SentVotes(Deliver(v_.Propose(bad, tc2))).empty());
  EXPECT_EQ(engine_->current_round(), 3u);
}

TEST_F(EngineTest, NextLeaderAggregatesVotesIntoQc) {
  engine_ = v_.MakeEngine(2);  // leads round 2, so collects round-1 votes
  (void)engine_->Step(Started{SafetyState::Initial(v_.genesis_id), v_.genesis, {}, false, {}});
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Deliver(v_.Propose(b1));  // its own vote goes to itself
  EXPECT_EQ(engine_->current_round(), 1u);
  engine_->Step(Receive(0, v_.MakeVote(b1, 0)));
  engine_->Step(Receive(0, v_.MakeVote(b1, 0)));
  EXPECT_EQ(engine_->drops(DropReason::kDuplicate), 1u);
  Vote forged = v_.MakeVote(b1, 3);
  forged.signature[3] ^= 1;
  engine_->Step(Receive(3, forged));
  EXPECT_EQ(engine_->drops(DropReason::kBadSignature), 1u);
  Actions a = engine_->Step(Receive(3, v_.MakeVote(b1, 3)));
  EXPECT_EQ(engine_->current_round(), 2u);
  auto requests = Find<RequestPayload>(a);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]->parent_id, b1.ComputeId());
  PayloadReady ready;
  ready.round = 2;
  ready.payload = ToBytes("p");
  ready.digest = Sha256(ready.payload);
  Actions p = engine_->Step(Event(std::move(ready)));
  EXPECT_EQ(Find<Broadcast>(p).size(), 1u);
}

TEST_F(EngineTest, TimeoutsFromQuorumFormTcAndAdvance) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Deliver(v_.Propose(b1));
  QuorumCert g = GenesisQc(v_.genesis_id);
  engine_->Step(Receive(0, v_.MakeTimeout(1, 0, g)));
  EXPECT_EQ(engine_->current_round(), 1u);
  // f+1 timeouts: the engine joins with its own, and that third one is 2f+1: a TC.
  Actions joined = engine_->Step(Receive(1, v_.MakeTimeout(1, 1, g)));
  EXPECT_EQ(Find<Broadcast>(joined).size(), 1u);
  EXPECT_EQ(engine_->current_round(), 2u);
  ASSERT_TRUE(engine_->safety().high_tc.has_value());
  EXPECT_EQ(engine_->safety().high_tc->round, 1u);
}

TEST_F(EngineTest, SyncResponseFillsMissingParentAndCommits) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Block b2 = v_.MakeBlock(2, b1, v_.Certify(b1));
  Block b3 = v_.MakeBlock(3, b2, v_.Certify(b2));
  Block b4 = v_.MakeBlock(4, b3, v_.Certify(b3));
  // The engine missed rounds 1-3; round 4's proposal names a parent it lacks.
  Actions a = engine_->Step(Receive(0, v_.Propose(b4)));
  auto fetches = Find<Fetch>(a);
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_EQ(fetches[0]->request.target, b3.ComputeId());
  SyncResponse r{{b1, b2, b3}};
  Actions s = engine_->Step(Receive(0, r));
  size_t committed = 0;
  for (const Commit* c : Find<Commit>(s)) committed += c->blocks.size();
  EXPECT_EQ(committed, 2u);                        // b1 (by QC(b2)) and b2 (by QC(b3))
  EXPECT_EQ(Find<ValidatePayload>(s).size(), 1u);  // the waiting proposal is considered
}

// Makes the engine ask `peer` for blocks: a proposal (signed by round 4's leader, sent by
// `peer`) whose parent b3 it does not hold.
void AskForParent(Engine& engine, const testing::Validators& v, ValidatorIndex peer,
                  const Block& b3) {
  Block b4 = v.MakeBlock(4, b3, v.Certify(b3));
  Actions a = engine.Step(Receive(peer, v.Propose(b4)));
  ASSERT_EQ(Find<Fetch>(a).size(), 1u);
  ASSERT_EQ(Find<Fetch>(a).front()->peer, peer);
}

TEST_F(EngineTest, SyncResponseWithForgedQcIsRefused) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  QuorumCert bad = v_.Certify(b1);
  bad.signatures[0].signature[0] ^= 1;
  Block b2 = v_.MakeBlock(2, b1, bad);
  Block b3 = v_.MakeBlock(3, b2, v_.Certify(b2));
  AskForParent(*engine_, v_, 0, b3);
  engine_->Step(Receive(0, SyncResponse{{b1, b2, b3}}));
  EXPECT_EQ(engine_->drops(DropReason::kBadCertificate), 1u);
  // b1's only certificate is b2's forged QC, so neither enters the tree.
  EXPECT_EQ(engine_->FindBlock(b1.ComputeId()), nullptr);
  EXPECT_EQ(engine_->FindBlock(b2.ComputeId()), nullptr);
}

TEST_F(EngineTest, SyncResponseNobodyAskedForIsRefused) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Block b2 = v_.MakeBlock(2, b1, v_.Certify(b1));
  Block b3 = v_.MakeBlock(3, b2, v_.Certify(b2));
  engine_->Step(Receive(0, SyncResponse{{b1, b2, b3}}));
  EXPECT_EQ(engine_->drops(DropReason::kUnsolicited), 1u);
  EXPECT_EQ(engine_->FindBlock(b1.ComputeId()), nullptr);
  // Asked of validator 0, an answer from validator 2 is still unsolicited; 0's is taken once.
  AskForParent(*engine_, v_, 0, b3);
  engine_->Step(Receive(2, SyncResponse{{b1, b2, b3}}));
  EXPECT_EQ(engine_->drops(DropReason::kUnsolicited), 2u);
  engine_->Step(Receive(0, SyncResponse{{b1, b2, b3}}));
  EXPECT_NE(engine_->FindBlock(b3.ComputeId()), nullptr);
  engine_->Step(Receive(0, SyncResponse{{b1, b2, b3}}));
  EXPECT_EQ(engine_->drops(DropReason::kUnsolicited), 3u);
}

// The hole: block i counted as certified because block i+1 names it as parent, before block
// i+1's QC was checked. A Byzantine peer could then fill the tree with uncertified blocks.
TEST_F(EngineTest, SyncBlockIsCertifiedOnlyByAQcThatVerifies) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id), "junk");
  QuorumCert forged = v_.Certify(b1);
  for (auto& s : forged.signatures) s.signature[5] ^= 1;
  Block b2 = v_.MakeBlock(2, b1, forged);  // names b1 as its parent with a forged QC
  Block real1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Block real2 = v_.MakeBlock(2, real1, v_.Certify(real1));
  Block real3 = v_.MakeBlock(3, real2, v_.Certify(real2));
  AskForParent(*engine_, v_, 0, real3);
  engine_->Step(Receive(0, SyncResponse{{b1, b2}}));
  EXPECT_EQ(engine_->FindBlock(b1.ComputeId()), nullptr);
  EXPECT_EQ(engine_->drops(DropReason::kBadCertificate), 1u);
}

TEST_F(EngineTest, ProposalWithItsTimeoutCertificateStrippedIsRefused) {
  // Rounds up to 4 time out; round 5's leader proposes on the genesis QC with the TC for
  // round 4 (its vote goes to round 6's leader, not to the engine under test).
  TimeoutCert tc = v_.MakeTc(4, GenesisQc(v_.genesis_id), {0, 1, 2});
  Block b5 = v_.MakeBlock(5, v_.genesis, GenesisQc(v_.genesis_id));
  Proposal honest = v_.Propose(b5, tc);
  Proposal stripped = honest;
  stripped.tc.reset();  // a Byzantine relay's copy, sent first
  EXPECT_TRUE(SentVotes(Deliver(stripped)).empty());
  EXPECT_EQ(engine_->drops(DropReason::kBadSignature), 1u);
  EXPECT_EQ(SentVotes(Deliver(honest)).size(), 1u);  // the real one still gets the vote
}

TEST_F(EngineTest, ValidatorThatLostItsSafetyStateVotesOnlyAfterTheNetworkMovesOn) {
  engine_ = v_.MakeEngine(kSelf);
  (void)engine_->Step(Started{SafetyState::Initial(v_.genesis_id), v_.genesis, {}, true, {}});
  static_assert(kRecoveryRounds == 1);
  // Rounds 1 and 2 carry certificates up to round 1 only: heard first is round 0 (the genesis
  // QC in b1), so the wait ends with a certificate for round 1 or above.
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Actions a1 = Deliver(v_.Propose(b1));
  EXPECT_TRUE(SentVotes(a1).empty());
  EXPECT_TRUE(Find<PersistSafety>(a1).empty());  // no vote: nothing to persist
  Block b2 = v_.MakeBlock(2, b1, v_.Certify(b1));
  Actions a2 = Deliver(v_.Propose(b2));  // QC(1) ends the wait: round 1 counts as voted
  ASSERT_GE(Find<PersistSafety>(a2).size(), 1u);
  EXPECT_EQ(Find<PersistSafety>(a2).front()->safety.last_voted_round, 1u);
  // ...and round 2, which that QC opens, gets its vote (to round 3's leader: itself).
  EXPECT_EQ(engine_->safety().last_voted_round, 2u);
  Block b3 = v_.MakeBlock(3, b2, v_.Certify(b2));
  Deliver(v_.Propose(b3));
  Block b4 = v_.MakeBlock(4, b3, v_.Certify(b3));  // its vote goes to round 5's leader
  EXPECT_EQ(SentVotes(Deliver(v_.Propose(b4))).size(), 1u);
}

// A validator that crashed after voting keeps the blocks it voted for; the QCs they carry
// may commit blocks it had not committed yet. Found by tools/chaos: three restarted
// validators stayed behind the commit their own kept blocks proved, refused every proposal
// claiming its results, and the network (needing all three) never moved again.
TEST_F(EngineTest, RestartCommitsWhatItsKeptBlocksProve) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Block b2 = v_.MakeBlock(2, b1, v_.Certify(b1));
  Block b3 = v_.MakeBlock(3, b2, v_.Certify(b2));  // QC(b2) in b3 commits b1 (rounds 1, 2)
  SafetyState safety = SafetyState::Initial(v_.genesis_id);
  safety.last_voted_round = 3;
  safety.high_qc = v_.Certify(b2);
  safety.one_chain_round = 2;
  engine_ = v_.MakeEngine(kSelf);
  Actions a = engine_->Step(Started{safety, v_.genesis, {b3, b1, b2}, false, {}});
  const auto commits = Find<Commit>(a);
  ASSERT_EQ(commits.size(), 1u);
  ASSERT_EQ(commits.front()->blocks.size(), 1u);
  EXPECT_EQ(commits.front()->blocks.front().ComputeId(), b1.ComputeId());
  EXPECT_EQ(engine_->committed_tip().height, 1u);
}

}  // namespace
}  // namespace tadori::consensus
