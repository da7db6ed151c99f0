// ValidatorCore (node/validator/validator_core.h) driven by hand: one of four validators of a
// sealed genesis with real P-256 consensus keys (bft_chain.h), over a real store, with a
// clock the test moves (ManualClock) and a transport that records what the core sends
// (RecordingTransport). Frames are decoded with the consensus codec and proposals checked
// with CheckProposal, as the other validators would.
//
// Leaders: round-robin over four, round 1 -> 1, 2 -> 2, 3 -> 3, 4 -> 0, as long as the chain
// leaves nobody out: the engine's leader schedule (consensus/leader_schedule.h) then skips
// nobody (bft_chain.h says why). Otherwise BftChain follows the schedule.
#include "node/validator/validator_core.h"

#include <gtest/gtest.h>
#include <leveldb/env.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "chaincode/chaincode.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "consensus/codec.h"
#include "consensus/ledger_certificate.h"
#include "consensus/safety_state.h"
#include "ledger/store/store.h"
#include "node/validator/admission.h"
#include "node/validator/commit_feed.h"
#include "node/validator/ledger_tip.h"
#include "node/validator/mempool.h"
#include "node/validator/proposal_check.h"
#include "tests/sim/node_world.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/node/bft_chain.h"
#include "tests/unit/node/validator_fakes.h"

namespace tadori {
namespace {

using consensus::Proposal;
using consensus::Round;
using consensus::Timeout;
using consensus::Vote;
using testing::BftChain;
using testing::ExpectStatus;
using testing::FakeProposalView;
using testing::ManualClock;
using testing::RecordingTransport;

// The consensus messages of kind T among `frames`, decoded; a consensus frame that does not
// decode fails the test.
template <typename T>
std::vector<T> MessagesOf(const std::vector<v1::PeerFrame>& frames) {
  std::vector<T> out;
  for (const v1::PeerFrame& frame : frames) {
    if (frame.kind_case() != v1::PeerFrame::kConsensus) continue;
    Result<consensus::Message> message = consensus::DecodeMessage(AsBytes(frame.consensus()));
    EXPECT_TRUE(message.ok()) << message.status().ToString();
    if (!message.ok()) continue;
    if (T* m = std::get_if<T>(&*message)) out.push_back(std::move(*m));
  }
  return out;
}

// What the default logger writes while this object lives.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

class ValidatorCoreTest : public ::testing::Test {
 protected:
  void TearDown() override { core_.reset(); }  // before whatever store it runs on

  // Validator `self` of chain_'s network on `store` (chain_'s own store when null).
  void MakeCore(size_t self, Store* store = nullptr) {
    Store& on = store != nullptr ? *store : chain_.store();
    feed_ = std::make_unique<CommitFeed>(on.Height());
    core_ = std::make_unique<ValidatorCore>(on, mempool_, *feed_, genesis(), self,
                                            chain_.net().validator_keys[self], options_, clock_,
                                            transport_);
  }

  const GenesisInfo& genesis() const { return chain_.net().genesis; }
  consensus::BlockId genesis_id() const {
    return consensus::ConsensusGenesis(genesis()).ComputeId();
  }

  // The proposal of the leader of the next round (chain_.NextRound()) carrying the ledger
  // block that extends the store's head with `txs`, certified parent chain_.tip_qc(), signed
  // with the leader's key: what an honest leader of the other validators sends.
  Proposal LeaderProposal(std::vector<DecodedTransaction> txs = {}) {
    const DecodedBlock ledger = chain_.NextLedgerBlock(std::move(txs));
    const consensus::ValidatorIndex leader = chain_.NextLeader();
    Proposal p;
    p.block = BftChain::ConsensusBlockOf(ledger, chain_.tip_qc(), leader);
    p.signature = chain_.net().validator_keys[leader].Sign(
        consensus::ProposalSigningBytesOf(genesis_id(), p));
    return p;
  }

  // The safety state of a validator that voted in every round up to the chain's head (its
  // round) and saw the head certified: a clean restart in the round after it.
  consensus::SafetyState SafetyAfterHead() const {
    consensus::SafetyState s = consensus::SafetyState::Initial(genesis_id());
    s.high_qc = chain_.tip_qc();
    s.one_chain_round = s.high_qc.round;
    s.last_voted_round = s.high_qc.round;
    s.preferred_round = chain_.committed().empty() ? 0 : chain_.committed().back().qc.round;
    return s;
  }

  void StoreSafetyState(const consensus::SafetyState& s) {
    ASSERT_TRUE(chain_.store().PutSafetyState(consensus::EncodeSafetyState(s)).ok());
  }

  std::vector<v1::PeerFrame> SentFrames() const {
    std::vector<v1::PeerFrame> out;
    for (const RecordingTransport::Sent& s : transport_.sent) out.push_back(s.frame);
    return out;
  }
  std::vector<Proposal> Proposals() const { return MessagesOf<Proposal>(transport_.broadcast); }
  std::vector<Vote> Votes() const { return MessagesOf<Vote>(SentFrames()); }
  bool SentNothing() const { return transport_.sent.empty() && transport_.broadcast.empty(); }

  // The ledger transactions a proposal carries.
  static std::vector<Hash> TxIdsOf(const Proposal& p) {
    v1::Block payload;
    EXPECT_TRUE(
        payload.ParseFromArray(p.block.payload.data(), static_cast<int>(p.block.payload.size())));
    Result<DecodedBlock> block = DecodeBlock(payload);
    EXPECT_TRUE(block.ok()) << block.status().ToString();
    std::vector<Hash> ids;
    if (block.ok()) {
      for (const DecodedTransaction& tx : block->txs) ids.push_back(tx.id);
    }
    return ids;
  }

  BftChain chain_{"validator-core-chain"};
  Mempool mempool_;
  ManualClock clock_;
  RecordingTransport transport_;
  ValidatorOptions options_;  // no batching delay, round timeout 1 s
  std::unique_ptr<CommitFeed> feed_;
  std::unique_ptr<ValidatorCore> core_;
};

// --- Timing ------------------------------------------------------------------------------

// Validator 0 does not lead round 1 and has no work (no transaction, no block): its round
// timer is held, so an idle network makes no timeouts and no blocks, however long it waits.
TEST_F(ValidatorCoreTest, IdleValidatorHoldsItsRoundTimer) {
  transport_.connected = {1, 2, 3};
  MakeCore(0);
  ASSERT_TRUE(core_->Start().ok());
  EXPECT_TRUE(core_->RoundTimerHeld());
  EXPECT_EQ(core_->NextWakeMs(10'000), 10'000);
  const auto timeout_ms = static_cast<int64_t>(options_.round_timeout_ms);
  while (clock_.steady_ms < 10 * timeout_ms) {
    clock_.Advance(100);
    core_->OnTick();
    ASSERT_TRUE(SentNothing()) << "sent something at " << clock_.steady_ms << " ms";
  }
  EXPECT_TRUE(core_->RoundTimerHeld());
  EXPECT_EQ(core_->engine().current_round(), 1u);
}

// Work appears (a transaction enters the mempool) after a long idle spell: the round timer
// runs a full round timeout from then, not from the start of the round, and then fires: the
// validator times out (persisted first) and broadcasts it.
TEST_F(ValidatorCoreTest, RoundTimerRunsAFullTimeoutFromTheArrivalOfWork) {
  transport_.connected = {1, 2, 3};
  MakeCore(0);
  ASSERT_TRUE(core_->Start().ok());
  const auto timeout_ms = static_cast<int64_t>(options_.round_timeout_ms);
  clock_.Advance(5 * timeout_ms);
  core_->OnTick();
  ASSERT_TRUE(SentNothing());

  ASSERT_TRUE(mempool_.Add(chain_.Tx("lot-work")).ok());
  EXPECT_EQ(core_->NextWakeMs(10'000), clock_.steady_ms);  // wake now: the timer re-arms
  const int64_t work_at = clock_.steady_ms;
  core_->OnTick();
  EXPECT_FALSE(core_->RoundTimerHeld());
  EXPECT_EQ(core_->NextWakeMs(10'000), work_at + timeout_ms);
  clock_.Advance(timeout_ms - 1);
  core_->OnTick();
  EXPECT_TRUE(SentNothing());

  clock_.Advance(1);
  core_->OnTick();
  EXPECT_TRUE(transport_.sent.empty());
  const std::vector<Timeout> timeouts = MessagesOf<Timeout>(transport_.broadcast);
  ASSERT_EQ(transport_.broadcast.size(), 1u);
  ASSERT_EQ(timeouts.size(), 1u);
  EXPECT_EQ(timeouts[0].round, 1u);
  EXPECT_EQ(timeouts[0].sender, 0u);
  Result<std::optional<Bytes>> stored = chain_.store().GetSafetyState();
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(consensus::DecodeSafetyState(**stored).value().last_voted_round, 1u);
  EXPECT_FALSE(core_->halted());
}

// A validator with no work of its own hears a peer's timeout for its round: the peer has work
// and gave up on the leader, so this validator's timer runs too (alone, the peer could never
// form a TC), a full timeout from then.
TEST_F(ValidatorCoreTest, PeerTimeoutForTheCurrentRoundResumesAHeldTimer) {
  MakeCore(0);
  ASSERT_TRUE(core_->Start().ok());
  clock_.Advance(3'000);
  core_->OnTick();
  ASSERT_TRUE(core_->RoundTimerHeld());

  Timeout t;
  t.round = 1;
  t.sender = 2;
  t.high_qc = consensus::GenesisQc(genesis_id());
  t.signature =
      chain_.net().validator_keys[2].Sign(consensus::TimeoutSigningBytes(genesis_id(), 1, 0));
  core_->OnMessage(2, consensus::EncodeMessage(t));
  EXPECT_EQ(core_->engine().drops_total(), 0u);
  EXPECT_FALSE(core_->RoundTimerHeld());
  const int64_t heard_at = clock_.steady_ms;
  EXPECT_EQ(core_->NextWakeMs(10'000), heard_at + static_cast<int64_t>(options_.round_timeout_ms));
  clock_.Advance(static_cast<int64_t>(options_.round_timeout_ms));
  core_->OnTick();
  const std::vector<Timeout> timeouts = MessagesOf<Timeout>(transport_.broadcast);
  ASSERT_EQ(timeouts.size(), 1u);
  EXPECT_EQ(timeouts[0].round, 1u);
  EXPECT_EQ(timeouts[0].sender, 0u);
}

// A timeout whose signature does not verify is dropped by the engine and holds no timer open.
TEST_F(ValidatorCoreTest, ForgedPeerTimeoutLeavesTheTimerHeld) {
  MakeCore(0);
  ASSERT_TRUE(core_->Start().ok());
  Timeout t;
  t.round = 1;
  t.sender = 2;
  t.high_qc = consensus::GenesisQc(genesis_id());
  t.signature =
      chain_.net().validator_keys[3].Sign(consensus::TimeoutSigningBytes(genesis_id(), 1, 0));
  core_->OnMessage(2, consensus::EncodeMessage(t));
  EXPECT_EQ(core_->engine().drops(consensus::DropReason::kBadSignature), 1u);
  EXPECT_TRUE(core_->RoundTimerHeld());
}

// The leader of round 1 proposes an admitted transaction at once (no batching delay by
// default); the block carries it, other validators' check accepts it.
TEST_F(ValidatorCoreTest, LeaderProposesAnAdmittedTransactionAtOnce) {
  Admission admission(chain_.chain_id(), chain_.store(), mempool_);
  const DecodedTransaction tx = chain_.Tx("lot-batched");
  Result<DecodedTransaction> admitted = admission.Check(tx.envelope);
  ASSERT_TRUE(admitted.ok()) << admitted.status().ToString();
  ASSERT_TRUE(mempool_.Add(*admitted).ok());
  MakeCore(1);
  ASSERT_TRUE(core_->Start().ok());

  const std::vector<Proposal> proposals = Proposals();
  ASSERT_EQ(proposals.size(), 1u);
  const Proposal& p = proposals[0];
  EXPECT_EQ(p.block.round, 1u);
  EXPECT_EQ(p.block.height, 1u);
  EXPECT_EQ(p.block.proposer, 1u);
  EXPECT_FALSE(p.tc.has_value());
  EXPECT_EQ(p.block.qc, consensus::GenesisQc(genesis_id()));
  EXPECT_TRUE(genesis()
                  .validators.key(1)
                  .Verify(consensus::ProposalSigningBytesOf(genesis_id(), p), p.signature)
                  .ok());

  // Checked as a follower that never saw the transaction checks it (signature verified).
  const LedgerTip parent = LedgerTip::Genesis(genesis());
  const std::set<Hash> ancestors;
  FakeProposalView view;
  view.executed_height = 0;
  view.roots = {{0, chain_.store().ResultRootAt(0).value()}};
  view.admission = &admission;
  ProposalInput in;
  in.payload = p.block.payload;
  in.height = p.block.height;
  in.round = p.block.round;
  in.proposer = genesis().validators.key(1).id();
  in.digest = p.block.payload_digest;
  in.parent = &parent;
  in.ancestor_tx_ids = &ancestors;
  in.chain_id = chain_.chain_id();
  in.now_ms = clock_.WallMs();
  Result<DecodedBlock> checked = CheckProposal(in, view);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  ASSERT_EQ(checked->txs.size(), 1u);
  EXPECT_EQ(checked->txs[0].id, tx.id);
  EXPECT_EQ(view.signer_checks, 1);

  // A validator on an empty store has no safety state, so it does not vote even for its own
  // block yet (see LostSafetyState... below): nothing was sent to the leader of round 2.
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_TRUE(mempool_.Contains(tx.id));  // leaves the pool when it commits, not before
}

// With a batching delay configured, a leader with a transaction waits it out, not longer.
TEST_F(ValidatorCoreTest, LeaderWithABlockIntervalProposesOnceItPasses) {
  options_.batch.block_interval_ms = 50;
  ASSERT_TRUE(mempool_.Add(chain_.Tx("lot-batched")).ok());
  MakeCore(1);
  ASSERT_TRUE(core_->Start().ok());
  EXPECT_EQ(core_->NextWakeMs(10'000), 50);
  clock_.Advance(49);
  core_->OnTick();
  EXPECT_TRUE(SentNothing());
  clock_.Advance(1);
  core_->OnTick();
  ASSERT_EQ(Proposals().size(), 1u);
  EXPECT_EQ(TxIdsOf(Proposals()[0]).size(), 1u);
}

// A leader with nothing to carry and nothing to commit never proposes (no empty blocks) and
// does not spin: it sleeps until transactions arrive, then wakes at once and proposes them.
TEST_F(ValidatorCoreTest, LeaderWithNothingToCarryWaitsForTransactionsThenProposesAtOnce) {
  MakeCore(1);
  ASSERT_TRUE(core_->Start().ok());
  const int64_t idle_wake_ms = 10'000;
  EXPECT_TRUE(core_->WaitingToPropose());
  EXPECT_EQ(core_->NextWakeMs(idle_wake_ms), idle_wake_ms);
  while (clock_.steady_ms < 5'000) {
    clock_.Advance(100);
    core_->OnTick();
    ASSERT_EQ(core_->NextWakeMs(idle_wake_ms), clock_.steady_ms + idle_wake_ms);
  }
  EXPECT_TRUE(SentNothing());

  const DecodedTransaction tx = chain_.Tx("lot-late");
  ASSERT_TRUE(mempool_.Add(tx).ok());
  EXPECT_EQ(core_->NextWakeMs(idle_wake_ms), clock_.steady_ms);
  core_->OnTick();
  const std::vector<Proposal> proposals = Proposals();
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(TxIdsOf(proposals[0]), std::vector<Hash>{tx.id});
  EXPECT_FALSE(core_->WaitingToPropose());
  // The timer now runs a full round from the transaction's arrival.
  EXPECT_EQ(core_->NextWakeMs(idle_wake_ms),
            clock_.steady_ms + static_cast<int64_t>(options_.round_timeout_ms));
}

// --- Which empty blocks a leader proposes --------------------------------------------------

class LeaderAfterCommitTest : public ValidatorCoreTest {
 protected:
  // Validator 3 (leader of round 3) takes block B (round 1, validator 1's, carrying `txs`)
  // and its empty child C (round 2, validator 2's, carrying QC(B)), votes for both, then
  // gets the votes of validators 0 and 1 for C: with its own, QC(C) forms here, which
  // commits B (its child C follows it by one round). Nobody else holds QC(C) yet.
  void FormQcCommittingBlockWith(std::vector<DecodedTransaction> txs) {
    StoreSafetyState(consensus::SafetyState::Initial(genesis_id()));
    MakeCore(3);
    ASSERT_TRUE(core_->Start().ok());
    const DecodedBlock ledger_b = chain_.NextLedgerBlock(std::move(txs), 1);
    Proposal b;
    b.block = BftChain::ConsensusBlockOf(ledger_b, consensus::GenesisQc(genesis_id()), 1);
    b.signature =
        chain_.net().validator_keys[1].Sign(consensus::ProposalSigningBytesOf(genesis_id(), b));
    core_->OnMessage(1, consensus::EncodeMessage(b));
    ASSERT_EQ(Votes().size(), 1u);

    const LedgerTip tip_b = LedgerTip::Of(ledger_b);
    ProposalPlan plan;
    plan.chain_id = chain_.chain_id();
    plan.round = 2;
    plan.parent = &tip_b;
    plan.proposer = genesis().validators.key(2).id();
    plan.executed_height = 0;
    plan.executed_root = chain_.store().ResultRootAt(0).value();
    plan.timestamp_ms = tip_b.timestamp_ms + 1;
    const DecodedBlock ledger_c = BuildProposal(std::move(plan));
    Proposal c;
    c.block = BftChain::ConsensusBlockOf(ledger_c, chain_.Certify(b.block), 2);
    c.signature =
        chain_.net().validator_keys[2].Sign(consensus::ProposalSigningBytesOf(genesis_id(), c));
    core_->OnMessage(2, consensus::EncodeMessage(c));
    ASSERT_EQ(core_->engine().current_round(), 2u);

    const consensus::BlockId c_id = c.block.ComputeId();
    for (consensus::ValidatorIndex v : {0, 1}) {
      Vote vote;
      vote.round = 2;
      vote.block_id = c_id;
      vote.voter = v;
      vote.signature =
          chain_.net().validator_keys[v].Sign(consensus::VoteSigningBytes(genesis_id(), c_id, 2));
      core_->OnMessage(v, consensus::EncodeMessage(vote));
    }
    ASSERT_EQ(core_->engine().current_round(), 3u);
    ASSERT_EQ(chain_.store().Height(), 1u);  // B committed here
    ASSERT_EQ(core_->engine().drops_total(), 0u);
    ASSERT_FALSE(core_->halted()) << core_->failure().ToString();
  }
};

// B carried a transaction: the other validators commit it only when they see QC(C), which
// only this leader's proposal carries. It proposes an empty child of C at once.
TEST_F(LeaderAfterCommitTest, LeaderWhoseQcCommittedTransactionsProposesAnEmptyChildAtOnce) {
  ASSERT_NO_FATAL_FAILURE(FormQcCommittingBlockWith({chain_.Tx("lot-in-b")}));
  const std::vector<Proposal> proposals = Proposals();
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].block.round, 3u);
  EXPECT_EQ(proposals[0].block.height, 3u);
  EXPECT_TRUE(TxIdsOf(proposals[0]).empty());
}

// B was empty: QC(C) commits nothing anyone waits for, so the leader proposes nothing and,
// with nothing left to commit, holds its round timer: the network is idle.
TEST_F(LeaderAfterCommitTest, LeaderWhoseQcCommittedOnlyEmptyBlocksProposesNothing) {
  ASSERT_NO_FATAL_FAILURE(FormQcCommittingBlockWith({}));
  EXPECT_TRUE(Proposals().empty());
  EXPECT_TRUE(core_->WaitingToPropose());
  EXPECT_TRUE(core_->RoundTimerHeld());
  clock_.Advance(10 * static_cast<int64_t>(options_.round_timeout_ms));
  core_->OnTick();
  EXPECT_TRUE(Proposals().empty());
  EXPECT_TRUE(MessagesOf<Timeout>(transport_.broadcast).empty());
}

// --- Committed transactions back in the mempool -------------------------------------------

// A transaction admitted just before its block committed is back in the pool: the next
// leader must not propose it (every validator would refuse the block) and drops it.
TEST_F(ValidatorCoreTest, CommittedTransactionBackInMempoolIsNotProposedAndLeavesIt) {
  const DecodedTransaction committed = chain_.Tx("lot-committed");
  chain_.CommitNext({committed});
  const DecodedTransaction fresh = chain_.Tx("lot-fresh");
  ASSERT_TRUE(mempool_.Add(committed).ok());
  ASSERT_TRUE(mempool_.Add(fresh).ok());
  StoreSafetyState(SafetyAfterHead());  // round 2 next, led by validator 2
  MakeCore(2);
  ASSERT_TRUE(core_->Start().ok());

  clock_.Advance(static_cast<int64_t>(options_.batch.block_interval_ms));
  core_->OnTick();

  const std::vector<Proposal> proposals = Proposals();
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].block.round, 2u);
  EXPECT_EQ(proposals[0].block.height, 2u);
  EXPECT_EQ(TxIdsOf(proposals[0]), std::vector<Hash>{fresh.id});
  EXPECT_FALSE(mempool_.Contains(committed.id));
  EXPECT_TRUE(mempool_.Contains(fresh.id));
  // Its own check accepted the block: it voted for it (to the leader of round 3).
  EXPECT_EQ(Votes().size(), 1u);
  EXPECT_EQ(transport_.Recipients(), std::vector<size_t>{3});
  EXPECT_EQ(core_->stats().payloads_refused, 0u);
}

// --- Local failures halt -----------------------------------------------------------------

TEST_F(ValidatorCoreTest, PendingBlockThatDoesNotDecodeMakesStartDataLoss) {
  ASSERT_TRUE(chain_.store().PutPendingBlock(1, Sha256("junk"), Bytes{0xde, 0xad, 0xbe}).ok());
  MakeCore(0);
  ExpectStatus(core_->Start(), Code::kDataLoss, "a pending block in the store does not decode");
  EXPECT_TRUE(SentNothing());
}

TEST_F(ValidatorCoreTest, PendingBlockWithTrailingBytesMakesStartDataLoss) {
  Bytes encoded;
  consensus::EncodeBlock(encoded, LeaderProposal().block);
  encoded.push_back(0);
  ASSERT_TRUE(chain_.store().PutPendingBlock(1, Sha256("trailing"), encoded).ok());
  MakeCore(0);
  ExpectStatus(core_->Start(), Code::kDataLoss, "a pending block in the store does not decode");
  EXPECT_TRUE(SentNothing());
}

// A stored member key that does not parse is this node's damage: a proposal whose
// transaction that key signed halts the validator (DATA_LOSS naming the key) rather than
// being refused as the proposer's fault.
TEST_F(ValidatorCoreTest, ProposalSignedByMemberWithDamagedStoredKeyHaltsNotRefuses) {
  // Block 1 writes the damaged record, certified as a BFT block so the core can start on it.
  const KeyId admin = chain_.net().admin.public_key().id();
  v1::MemberRecord record = FindMember(chain_.store().state(), admin).value().value();
  record.set_public_key("-----BEGIN PUBLIC KEY-----\nZGFtYWdlZA==\n-----END PUBLIC KEY-----\n");
  DecodedBlock ledger = chain_.NextLedgerBlock();
  const consensus::Block block1 = BftChain::ConsensusBlockOf(ledger, chain_.tip_qc(), 1);
  const consensus::QuorumCert qc1 = chain_.Certify(block1);
  ledger.block.set_certificate(ToString(consensus::EncodeLedgerCertificate(block1, qc1)));
  ASSERT_TRUE(chain_.store()
                  .CommitBlock(ledger, v1::BlockResults(),
                               WriteSet{{MemberStateKey(admin), EncodeRecord(record)}})
                  .ok());
  consensus::SafetyState safety = consensus::SafetyState::Initial(genesis_id());
  safety.high_qc = qc1;
  safety.one_chain_round = 1;
  safety.last_voted_round = 1;
  StoreSafetyState(safety);
  MakeCore(0);
  ASSERT_TRUE(core_->Start().ok());

  // Round 2, led by validator 2, extending block 1 with a transaction of the admin.
  const DecodedTransaction tx = chain_.Tx("lot-signed-by-damaged-key");
  DecodedBlock ledger2 = chain_.NextLedgerBlock({tx});
  Proposal p;
  p.block = BftChain::ConsensusBlockOf(ledger2, qc1, 2);
  p.signature =
      chain_.net().validator_keys[2].Sign(consensus::ProposalSigningBytesOf(genesis_id(), p));
  core_->OnMessage(2, consensus::EncodeMessage(p));

  EXPECT_TRUE(core_->halted());
  ExpectStatus(core_->failure(), Code::kDataLoss, admin.Hex());
  EXPECT_EQ(core_->stats().payloads_refused, 0u);
  EXPECT_TRUE(Votes().empty());
}

// The store refuses writes (the disk failed) from a chosen moment: the core halts at the
// first PersistSafety after it, before the timeout that needed it leaves, and sends nothing
// afterwards whatever it is given.
class ValidatorCoreOnFailingDiskTest : public ValidatorCoreTest {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Store>> opened = Store::Open(dir_.path(), true, &env_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(
        store_->InitGenesis(genesis(), GenesisState(chain_.net().genesis_message).value()).ok());
  }
  void TearDown() override {
    core_.reset();
    store_.reset();  // before env_
  }

  sim::CrashingEnv env_{leveldb::Env::Default(), nullptr};
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ValidatorCoreOnFailingDiskTest, HaltsAtNextPersistSafetyAndSendsNothingAfter) {
  transport_.connected = {1, 2, 3};
  ASSERT_TRUE(mempool_.Add(chain_.Tx("lot-work")).ok());  // work: the round timer runs
  MakeCore(0, store_.get());
  ASSERT_TRUE(core_->Start().ok());
  core_->OnTick();
  ASSERT_TRUE(SentNothing());
  env_.Crash();

  clock_.Advance(static_cast<int64_t>(options_.round_timeout_ms));
  core_->OnTick();  // round 1 times out: PersistSafety, then the timeout would go out
  EXPECT_TRUE(core_->halted());
  ExpectStatus(core_->failure(), Code::kInternal, "persisting safety state");
  ExpectStatus(core_->failure(), Code::kInternal, "simulated crash");
  EXPECT_TRUE(SentNothing());

  // Nothing it is given afterwards makes it speak: timers, a valid proposal, a reconnect.
  const Status first_failure = core_->failure();
  core_->OnMessage(1, consensus::EncodeMessage(LeaderProposal()));
  transport_.connected = {2, 3};
  core_->OnTick();
  transport_.connected = {1, 2, 3};
  clock_.Advance(10 * static_cast<int64_t>(options_.round_timeout_ms));
  core_->OnTick();
  EXPECT_TRUE(SentNothing());
  EXPECT_EQ(core_->failure().message(), first_failure.message());
}

// Relay is how the daemon hands the core transactions to gossip; a halted core "takes no
// further event" (validator_core.h), so it gossips nothing either (it did: BftValidator's
// loop relays in the same turn as the tick that halted the core).
TEST_F(ValidatorCoreOnFailingDiskTest, HaltedCoreRelaysNoTransactions) {
  ASSERT_TRUE(mempool_.Add(chain_.Tx("lot-work")).ok());  // work: the round timer runs
  MakeCore(0, store_.get());
  ASSERT_TRUE(core_->Start().ok());
  env_.Crash();
  clock_.Advance(static_cast<int64_t>(options_.round_timeout_ms));
  core_->OnTick();
  ASSERT_TRUE(core_->halted());

  core_->Relay({chain_.Tx("lot-gossip").envelope});
  EXPECT_TRUE(SentNothing());
}

// --- A lost safety state -----------------------------------------------------------------

// Blocks committed (rounds 1 and 2) and a valid proposal for round 3 from its leader
// (validator 3): validator 2 votes for it when it kept its safety state ...
TEST_F(ValidatorCoreTest, KeptSafetyStateVotesForValidProposalAfterStart) {
  chain_.CommitNext();
  chain_.CommitNext();
  StoreSafetyState(SafetyAfterHead());
  MakeCore(2);
  ASSERT_TRUE(core_->Start().ok());

  const Proposal p = LeaderProposal({chain_.Tx("lot-in-round-3")});
  core_->OnMessage(3, consensus::EncodeMessage(p));

  const std::vector<Vote> votes = Votes();
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_EQ(transport_.Recipients(), std::vector<size_t>{0});  // the leader of round 4
  EXPECT_EQ(votes[0].round, 3u);
  EXPECT_EQ(votes[0].block_id, p.block.ComputeId());
}

// ... but not when its safety state is gone: it may have voted in rounds it cannot know, so
// it listens (the proposal is checked and accepted) without voting.
TEST_F(ValidatorCoreTest, LostSafetyStateDoesNotVoteForValidProposalAfterStart) {
  chain_.CommitNext();
  chain_.CommitNext();
  MakeCore(2);
  {
    LogCapture log;
    ASSERT_TRUE(core_->Start().ok());
    EXPECT_NE(log.text().find("no safety state"), std::string::npos) << log.text();
  }

  const Proposal p = LeaderProposal({chain_.Tx("lot-in-round-3")});
  core_->OnMessage(3, consensus::EncodeMessage(p));

  EXPECT_TRUE(Votes().empty());
  EXPECT_TRUE(MessagesOf<Vote>(transport_.broadcast).empty());
  EXPECT_EQ(core_->engine().current_round(), 3u);
  EXPECT_NE(core_->engine().FindBlock(p.block.ComputeId()), nullptr);
  EXPECT_EQ(core_->engine().drops_total(), 0u);
  EXPECT_EQ(core_->stats().payloads_refused, 0u);
  EXPECT_FALSE(core_->halted());
}

// --- The leader schedule after a restart ---------------------------------------------------

// The leader schedule reads the last 2n = 8 rounds of the chain, further back than the
// committed tip. On the chain of rounds 1..14 (block h proposed by h % 4, QCs signed by 0, 1
// and 2), validator 3 was last seen proposing round 11, inside the window [7, 14] of the tip:
// every validator is eligible, and round 15 is validator 3's. A validator restarted from its
// store must read the blocks below the tip to see that (Started.history); from the tip alone
// it would call validator 3 absent and expect validator 0 to lead round 15, refusing the
// real leader's proposal and sending its votes to the wrong validator.
TEST_F(ValidatorCoreTest, RestartedValidatorFollowsTheSameLeaderScheduleAsItsPeers) {
  for (int i = 0; i < 14; ++i) chain_.CommitNext();
  StoreSafetyState(SafetyAfterHead());  // round 15 next
  MakeCore(1);
  ASSERT_TRUE(core_->Start().ok());
  ASSERT_EQ(core_->engine().current_round(), 15u);

  // What its peers, which followed the whole chain, compute: the schedule over every block.
  std::vector<consensus::ChainActivity> chain;
  for (auto it = chain_.committed().rbegin(); it != chain_.committed().rend(); ++it) {
    chain.push_back(consensus::ChainActivity::Of(*it));
  }
  chain.push_back(consensus::ChainActivity::Of(consensus::ConsensusGenesis(genesis())));
  const consensus::LeaderSchedule schedule(consensus::ValidatorSet::Equal(4), {});
  const consensus::Schedule peers = schedule.Compute(chain);
  ASSERT_TRUE(peers.skipped.empty());
  ASSERT_EQ(peers.window_first, 7u);
  ASSERT_EQ(schedule.Leader(15, peers), 3u);

  const std::optional<consensus::Schedule> restarted = core_->stats().leader_schedule;
  ASSERT_TRUE(restarted.has_value());
  EXPECT_EQ(restarted->anchor_round, 14u);
  EXPECT_EQ(restarted->window_first, peers.window_first);
  EXPECT_EQ(restarted->eligible, peers.eligible);
  EXPECT_TRUE(restarted->skipped.empty());
  EXPECT_FALSE(core_->stats().leader_probation);
  EXPECT_EQ(core_->engine().LeaderAfter(chain_.committed().back().ComputeId(), 15),
            std::optional<consensus::ValidatorIndex>(3));

  // Validator 0 proposing round 15 (the leader the tip alone would give) is not the leader.
  Proposal impostor;
  impostor.block = BftChain::ConsensusBlockOf(chain_.NextLedgerBlock({}, 0), chain_.tip_qc(), 0);
  impostor.signature = chain_.net().validator_keys[0].Sign(
      consensus::ProposalSigningBytesOf(genesis_id(), impostor));
  core_->OnMessage(0, consensus::EncodeMessage(impostor));
  EXPECT_EQ(core_->engine().drops(consensus::DropReason::kNotLeader), 1u);
  EXPECT_TRUE(Votes().empty());

  // Validator 3's proposal gets its vote, sent to the leader of round 16 (validator 0).
  const Proposal p = LeaderProposal();
  ASSERT_EQ(p.block.proposer, 3u);
  core_->OnMessage(3, consensus::EncodeMessage(p));
  const std::vector<Vote> votes = Votes();
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_EQ(votes[0].round, 15u);
  EXPECT_EQ(votes[0].block_id, p.block.ComputeId());
  EXPECT_EQ(transport_.Recipients(), std::vector<size_t>{0});
  EXPECT_EQ(core_->engine().drops_total(), 1u);
  EXPECT_FALSE(core_->halted());
}

// Validator 3 goes down after proposing round 3. The others time out in its rounds (and lose
// the block before each, whose votes went to it) until the chain of the last 8 rounds shows
// it absent: from round 12 on the schedule skips it, and validators 0, 1 and 2 lead in turn.
// Restarted at height 10 (round 14), validator 0 reads the skip from its store, with the
// round validator 3 was last seen in: height 3, the lowest of the 7 committed blocks below
// the tip that Start hands the engine (from the tip alone it would know no round for it).
TEST_F(ValidatorCoreTest, RestartedValidatorReportsTheValidatorItsScheduleSkips) {
  for (int i = 0; i < 3; ++i) chain_.CommitNext();
  chain_.LeaveOut(3);
  while (chain_.store().Height() < 10) chain_.CommitNext();
  std::vector<Round> rounds;
  for (const consensus::Block& b : chain_.committed()) rounds.push_back(b.round);
  ASSERT_EQ(rounds, (std::vector<Round>{1, 2, 3, 4, 5, 8, 9, 12, 13, 14}));
  StoreSafetyState(SafetyAfterHead());
  MakeCore(0);
  ASSERT_TRUE(core_->Start().ok());
  ASSERT_EQ(core_->engine().current_round(), 15u);

  const ValidatorCore::Stats stats = core_->stats();
  ASSERT_TRUE(stats.leader_schedule.has_value());
  const consensus::Schedule& schedule = *stats.leader_schedule;
  EXPECT_EQ(schedule.anchor_round, 14u);
  EXPECT_EQ(schedule.window_first, 7u);
  EXPECT_EQ(schedule.eligible, (std::vector<consensus::ValidatorIndex>{0, 1, 2}));
  ASSERT_EQ(schedule.skipped.size(), 1u);
  EXPECT_EQ(schedule.skipped[0].validator, 3u);
  EXPECT_EQ(schedule.skipped[0].last_seen, 3u);
  EXPECT_FALSE(stats.leader_probation);

  // Round 15 is validator 0's (15 % 3 eligible), as its peers compute: it proposes (once it
  // has a transaction to carry).
  ASSERT_EQ(chain_.NextRound(), 15u);
  ASSERT_EQ(chain_.NextLeader(), 0u);
  core_->OnTick();
  EXPECT_TRUE(Proposals().empty());
  ASSERT_TRUE(mempool_.Add(chain_.Tx("lot-round-15")).ok());
  core_->OnTick();
  const std::vector<Proposal> proposals = Proposals();
  ASSERT_EQ(proposals.size(), 1u);
  EXPECT_EQ(proposals[0].block.round, 15u);
  EXPECT_EQ(proposals[0].block.proposer, 0u);
  EXPECT_EQ(proposals[0].block.qc, chain_.tip_qc());
}

// A committed block below the tip that the schedule needs but that does not read back is
// the node's own damage: Start refuses (DATA_LOSS) rather than run with a schedule of its own.
TEST_F(ValidatorCoreTest, CommittedBlockBelowTipWithoutCertificateMakesStartDataLoss) {
  chain_.CommitNext();
  DecodedBlock uncertified = chain_.NextLedgerBlock();  // height 2: no certificate
  chain_.CommitLedgerBlock(uncertified);
  chain_.CommitNext();
  MakeCore(0);
  ExpectStatus(core_->Start(), Code::kDataLoss, "committed block 2");
  EXPECT_TRUE(SentNothing());
}

}  // namespace
}  // namespace tadori
