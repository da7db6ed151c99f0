// The consensus engine: a pure, deterministic state machine, `Step(Event) -> Actions`.
// It does no I/O, reads no clock, starts no thread and uses no randomness: the node drives it
// from one event-loop thread and the simulator from a seeded scheduler, running the same code.
// Not thread-safe; one Engine per validator process.
//
// Safety rules (Jolteon, as in DiemBFT v4 / Aptos 2-chain safety rules):
//   vote for block B in round r only if r is the current round, r > last_voted_round,
//   B.qc.round >= preferred_round, and either B.qc.round + 1 == r or B carries a TC for
//   round r - 1 with B.qc.round >= the highest QC round reported in that TC;
//   time out in round r only if r >= last_voted_round; both raise last_voted_round to r.
//   Commit B when a QC certifies a child of B whose round is B.round + 1.
// Hostile input never aborts: it is dropped and counted in drops().
#pragma once

#include <array>
#include <deque>
#include <map>
#include <optional>
#include <string_view>

#include "consensus/block_tree.h"
#include "consensus/certificate_check.h"
#include "consensus/crypto.h"
#include "consensus/leader_schedule.h"
#include "consensus/safety_state.h"
#include "consensus/step.h"

namespace tadori::consensus {

struct EngineConfig {
  ValidatorSet validators = ValidatorSet::Equal(1);
  ValidatorIndex self = 0;
  BlockId genesis_id;
  uint64_t round_timeout_ms_base = 1000;
  uint64_t round_timeout_ms_max = 60'000;
  // Timeout doubles per round without a QC after the first, up to this many doublings.
  uint32_t round_timeout_doublings_max = 6;
  LeaderScheduleConfig leader_schedule;
};

enum class DropReason : uint8_t {
  kMalformed,          // did not decode, or fields out of range
  kBadSignature,       // message signature does not verify
  kBadCertificate,     // QC or TC does not verify
  kNotLeader,          // proposal from a validator that does not lead its round
  kStaleRound,         // for a round already over
  kFutureRound,        // beyond the window, or not justified by its certificates
  kDuplicate,          // already counted, or another proposal for a round already considered
  kEquivocation,       // a second, different message from one signer for one round
  kNotNextLeader,      // vote sent to a validator that does not lead the next round
  kBadChain,           // wrong height, unknown parent in a sync batch
  kTreeFull,           // block tree at kBlockTreeBlocksMax
  kInvalidPayload,     // the node's validator refused the payload
  kUnexpected,         // a message kind the engine does not serve (SyncRequest), or early
  kConflictingCommit,  // a certified 2-chain conflicts with a commit: > f faulty validators
  kUnsolicited,        // a sync response from a validator this one did not ask
  kCount,
};
std::string_view DropReasonName(DropReason reason);

class Engine {
 public:
  // `signer` and `verifier` must outlive the engine.
  Engine(EngineConfig config, const Signer& signer, const SignatureVerifier& verifier);
  virtual ~Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Feeds one event; returns the actions to carry out in order. The first event must be
  // Started; events before it are dropped (kUnexpected).
  Actions Step(const Event& event);

  Round current_round() const { return round_; }
  const SafetyState& safety() const { return safety_; }
  const Block& committed_tip() const { return tree_.root(); }
  const BlockId& committed_tip_id() const { return tree_.root_id(); }
  const Block* FindBlock(const BlockId& id) const { return tree_.Find(id); }
  uint64_t drops(DropReason reason) const { return drops_[static_cast<size_t>(reason)]; }
  uint64_t drops_total() const;

  // Lookup of committed blocks by height, provided by the node's store.
  class CommittedBlocks {
   public:
    virtual ~CommittedBlocks() = default;
    virtual const Block* AtHeight(Height height) const = 0;
  };
  // Answers a peer's SyncRequest from `store` (committed) and the tree (pending): the
  // lowest blocks above request.committed_height on the way to request.target, at most
  // kSyncBlocksMax blocks and kSyncResponseBytesMax bytes. Read-only.
  SyncResponse ServeSync(const SyncRequest& request, const CommittedBlocks& store) const;
  // The uncommitted blocks from just above the committed tip up to `target`, ascending
  // (copies); empty when `target` is not a descendant of the tip. For a node that serves
  // sync requests from its store off the event loop: it takes these, and the tip height,
  // under the loop's lock, and the committed blocks from the store without it.
  std::vector<Block> UncommittedPath(const BlockId& target) const;
  // The uncommitted blocks held (ids ascending) and their payload bytes, within
  // kBlockTreeBlocksMax / kBlockTreeBytesMax: for bound checks and metrics.
  std::vector<BlockId> UncommittedIds() const { return tree_.ids(); }
  size_t uncommitted_bytes() const { return tree_.payload_bytes(); }

  // The leader of `round` on the chain ending at `anchor` (leader_schedule.h): the block a
  // proposal for `round` extends, or the block a vote in round - 1 is for. nullopt when
  // the anchor is unknown here.
  std::optional<ValidatorIndex> LeaderAfter(const BlockId& anchor, Round round) const;
  // The schedule this validator follows in its current round (anchored at its high QC's
  // block); nullopt while that block is unknown. For status and metrics.
  std::optional<Schedule> CurrentSchedule() const;
  const LeaderSchedule& leader_schedule() const { return schedule_; }

 protected:
  // The seams, and the only ones: tests/sim overrides them (PlantedBugEngine) to break a
  // rule on purpose and prove that the simulator notices. The engine that ships keeps the
  // rules: never a second vote in a round, commit only on a 2-chain, a synced block is
  // certified only by a QC that verifies, and the leader is read from the chain the
  // proposal or vote is about.
  virtual bool MayVoteAgainInRound() const { return false; }
  virtual bool CommitsOnOneChain() const { return false; }
  virtual bool CertifiesSyncBlocksByParentLink() const { return false; }
  // Reads the leader schedule from this node's committed tip instead of the chain the
  // proposal or vote is about: nodes that have committed different heights disagree.
  virtual bool SchedulesFromCommittedTip() const { return false; }

 private:
  struct PendingVote {
    BlockId block_id;
    Round round = 0;
    std::optional<TimeoutCert> tc;
  };
  struct RoundVotes {
    std::vector<std::optional<Vote>> by_voter;
    bool certified = false;
  };
  struct RoundTimeouts {
    std::vector<std::optional<TimeoutCert::Signature>> by_sender;
    bool certified = false;
  };

  void Drop(DropReason reason) { ++drops_[static_cast<size_t>(reason)]; }
  void OnStarted(const Started& e);
  void OnMessage(ValidatorIndex from, ByteView bytes);
  void OnProposal(ValidatorIndex from, Proposal p);
  void OnVote(const Vote& v);
  void OnTimeoutMessage(const Timeout& t);
  void OnSyncResponse(ValidatorIndex from, SyncResponse r);
  void OnTimer(Round round);
  void OnPayloadReady(const PayloadReady& e);
  void OnPayloadChecked(const PayloadChecked& e);

  void ConsiderProposal(ValidatorIndex from, Proposal p, const BlockId& id);
  void TryVote(const Block& block, const BlockId& id, const std::optional<TimeoutCert>& tc);
  void LocalTimeout();
  // Record a verified certificate (may commit); SyncRound then enters the round after the
  // highest certificate held.
  void ObserveQc(const QuorumCert& qc);
  void ObserveTc(const TimeoutCert& tc);
  void SyncRound();
  void TryCommit(const QuorumCert& qc);
  void AdvanceRound(Round round);
  void Propose();
  void RequestFetch(ValidatorIndex peer, const BlockId& target, bool every_peer = false);
  // Recovery after a lost safety state (step.h): ends it when a certificate reaches the
  // floor set by the first one heard.
  void RecoverOnCertificate(Round certificate_round);
  // Whether block i of a sync response is certified: the next block carries a verified QC
  // for it, or it is a block this node asked for or holds the high QC of.
  bool SyncBlockCertified(const SyncResponse& r, size_t i, const BlockId& id, const BlockId& asked);
  uint64_t RoundTimeoutMs() const;
  // The schedule on the chain ending at `anchor` (cached for the last anchor asked);
  // nullptr when the anchor is not in the tree.
  const Schedule* ScheduleAt(const BlockId& anchor) const;
  // Whether this validator leads the current round; fetches the high QC's block when that
  // is unknown, and asks for a payload when it leads.
  void DecideLeadership();
  // A late vote for the QC this leader holds and has not yet proposed on joins the QC, so
  // a validator whose votes arrive after the quorum still shows in the chain.
  void AddLateVote(const Vote& v);
  void RecordCommitted(const Block& block);
  void SendTo(ValidatorIndex to, const Message& m);

  // Distinct proposals considered in one round: 1, except under the planted vote-twice bug.
  static constexpr size_t kConsideredPerRoundMax = 4;

  EngineConfig config_;
  const Signer& signer_;
  const SignatureVerifier& verifier_;
  CertificateChecker checker_;
  LeaderSchedule schedule_;
  std::deque<ChainActivity> committed_activity_;  // root last; <= schedule_.history_blocks()
  // Schedules of the last anchors asked for. Two: within a round the engine asks for the
  // round's anchor (proposals, its own leadership, status) and for the block voted on (votes),
  // and one slot would recompute on every turn between them.
  mutable std::array<std::optional<std::pair<BlockId, Schedule>>, 2> schedule_cache_;
  mutable size_t schedule_cache_next_ = 0;  // the slot a miss replaces
  bool started_ = false;
  SafetyState safety_;
  BlockTree tree_;
  Round round_ = 0;
  bool timed_out_ = false;
  std::optional<Bytes> my_timeout_;      // encoded, re-broadcast when the timer fires again
  Round proposed_round_ = 0;             // last round this validator proposed in
  bool leader_known_ = false;            // the current round's leader is decided here
  bool leads_round_ = false;             // and it is this validator
  BlockId leadership_anchor_;            // the high QC's block it was decided on
  Round proposal_seen_round_ = 0;        // round of the first valid proposal considered
  std::vector<BlockId> considered_ids_;  // <= kConsideredPerRoundMax
  std::optional<PendingVote> pending_vote_;
  std::optional<PayloadReady> pending_payload_;  // leader waiting for its parent block
  std::optional<std::pair<ValidatorIndex, Proposal>> waiting_proposal_;  // parent missing
  // The fetches sent for one target in one round: to every peer, or to these.
  struct FetchesSent {
    BlockId target;
    Round round = 0;
    bool every_peer = false;
    std::vector<bool> asked;  // by validator index
  };
  std::optional<FetchesSent> last_fetch_;
  std::map<ValidatorIndex, BlockId> fetches_;  // asked and not yet answered: peer -> target
  bool recovering_ = false;                    // safety state lost: no votes yet
  std::optional<Round> recovery_floor_;
  std::map<Round, RoundVotes> votes_;        // rounds in [round_ - 1, round_ + kRoundWindow]
  std::map<Round, RoundTimeouts> timeouts_;  // same window
  std::vector<std::pair<ValidatorIndex, Message>> self_queue_;  // <= kSelfMessagesPerStepMax
  Actions out_;
  std::array<uint64_t, static_cast<size_t>(DropReason::kCount)> drops_{};
};

}  // namespace tadori::consensus
