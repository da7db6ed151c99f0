// ValidatorCore: one validator of a BFT network, as a single-threaded state machine around
// the consensus engine (consensus/engine.h). Events come in (consensus messages, the passing
// of time, transactions to relay), and it acts through the interfaces it is given: the store
// (committed chain, safety state, pending blocks), the peer transport and the clock. It
// starts no thread and reads no clock of its own, so the daemon (BftValidator: a thread, an
// inbox and a lock around it) and the whole-validator simulator run the same code.
//
// What each engine action becomes:
//   PersistSafety   -> Store::PutSafetyState (sync=true), before any later action of the
//                      step, so no vote or timeout leaves before the state that allows it
//   PersistBlock    -> Store::PutPendingBlock (kept until its height commits)
//   Send/Broadcast  -> transport frames;  Fetch -> a SyncRequest to that peer (or every peer)
//   RequestPayload  -> a ledger block from the mempool when the batching policy says so
//                      (proposal_builder.h), fed back as PayloadReady; never an empty
//                      block that commits nothing
//   SetTimer        -> the round timer, held while this validator has no work (below)
//   ValidatePayload -> CheckProposal (proposal_check.h), fed back as PayloadChecked
//   Commit          -> CommitStep (commit_step.h) for each block, with its certificate
//                      (consensus/ledger_certificate.h)
// Work: transactions in the mempool, a block with transactions above the committed tip (on
// the high QC's chain, or proposed in the current round), or a peer's timeout for the
// current round or later. Without work the round timer is held (it does not fire), so an
// idle network makes no blocks and no timeouts; when work appears it runs a full round
// timeout from then, so a silent leader still costs one timeout. Timers affect liveness
// only: the engine's safety rules do not read them.
// Any local failure (the disk, an execution that differs from the certified result root)
// halts the core: halted() turns true, failure() says why, and it takes no further event.
// A peer's mistakes are never local failures: they are refused and counted.
// Not thread-safe: one caller at a time (the daemon's loop holds its lock around each call).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "consensus/engine.h"
#include "consensus/key_crypto.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/store/store.h"
#include "node/validator/admission.h"
#include "node/validator/clock.h"
#include "node/validator/commit_feed.h"
#include "node/validator/ledger_tip.h"
#include "node/validator/mempool.h"
#include "node/validator/peer_transport.h"
#include "node/validator/proposal_builder.h"
#include "node/validator/proposal_check.h"

namespace tadori {

struct ValidatorOptions {
  BatchPolicy batch;
  uint64_t round_timeout_ms = 1'000;
  size_t gossip_batch_max = 1'000;
  // Told, for each committed block, the seconds from first seeing it to its commit (the
  // daemon exports it as a histogram); unset, nothing is measured.
  std::function<void(double seconds)> observe_commit_latency;

  // Test seams, left empty by tadorid (the engine is consensus::Engine, proposals are
  // checked by CheckProposal): the whole-validator simulator plants bugs through them to
  // prove that its checks catch a broken rule.
  std::function<std::unique_ptr<consensus::Engine>(const consensus::EngineConfig&,
                                                   const consensus::Signer&,
                                                   const consensus::SignatureVerifier&)>
      make_engine;
  std::function<Result<DecodedBlock>(const ProposalInput&, ProposalView&)> check_proposal;
};

class ValidatorCore {
 public:
  struct Stats {
    uint64_t round = 0;
    uint64_t committed_blocks = 0;  // since start
    uint64_t committed_txs = 0;
    bool syncing = true;
    std::array<uint64_t, static_cast<size_t>(consensus::DropReason::kCount)> drops{};
    uint64_t payloads_refused = 0;
    // The leader schedule of the current round (consensus/leader_schedule.h): whom it
    // skips and over which rounds of the chain; nullopt while the block it is read from
    // (the high QC's) is not here yet.
    std::optional<consensus::Schedule> leader_schedule;
    // The current round belongs to a probation rotation: plain round-robin over every
    // validator, the skipped ones included.
    bool leader_probation = false;
  };

  // `self` is this validator's genesis index; `key` its consensus key (checked to match).
  // Everything passed by reference must outlive the core.
  ValidatorCore(Store& store, Mempool& mempool, CommitFeed& feed, const GenesisInfo& genesis,
                size_t self, PrivateKey key, ValidatorOptions options, const Clock& clock,
                PeerTransport& transport);
  ~ValidatorCore();
  ValidatorCore(const ValidatorCore&) = delete;
  ValidatorCore& operator=(const ValidatorCore&) = delete;

  // Loads the safety state, the committed tip, the committed blocks below it that the leader
  // schedule reads and the pending blocks, and starts the engine. DATA_LOSS when any of
  // them cannot be read back (the node must not start).
  Status Start();

  // A consensus message from validator `from` (SyncRequests go to the SyncServer).
  void OnMessage(size_t from, Bytes bytes);
  // Fires a due round timer, proposes when the batching policy says so, and re-sends the
  // last timeout to peers that (re)connected. Call it at NextWakeMs(), or any time earlier.
  void OnTick();
  // When OnTick is next needed (steady ms), at the latest `idle_ms` from now: now when
  // transactions arrived for a leader waiting to propose, or for a held round timer.
  int64_t NextWakeMs(int64_t idle_ms) const;
  // This validator leads the current round and waits for something to propose: the daemon
  // wakes its loop when transactions arrive.
  bool WaitingToPropose() const;
  // Whether the round timer is held for want of work (see the top of this file).
  bool RoundTimerHeld() const { return timer_ && timer_->held; }
  // Relays transactions this node admitted to the other validators.
  void Relay(std::vector<v1::SignedTransaction> txs);

  bool halted() const { return !failure_.ok(); }
  const Status& failure() const { return failure_; }
  Stats stats() const;
  const consensus::Engine& engine() const { return *engine_; }
  // For the SyncServer (under the caller's lock): the committed tip's height and the
  // uncommitted blocks above it up to `target`.
  std::pair<uint64_t, std::vector<consensus::Block>> UncommittedPath(
      const consensus::BlockId& target) const;

 private:
  class View;
  struct PayloadRequest {
    consensus::Round round = 0;
    consensus::BlockId parent_id;
    int64_t since_ms = 0;
    // Set when the batching policy said wait: when to ask it again (it had something to
    // carry), or else the mempool size it saw (ask again once that changes).
    std::optional<int64_t> retry_at_ms;
    size_t mempool_size_seen = 0;
  };
  struct RoundTimer {
    consensus::Round round = 0;
    uint64_t duration_ms = 0;
    int64_t due_ms = 0;  // meaningless while held
    bool held = false;
  };

  void Step(const consensus::Event& event);
  void Apply(consensus::Actions actions, std::vector<consensus::Event>& follow_ups);
  bool CheckPayload(const consensus::ValidatePayload& v);
  void CommitBlocks(const consensus::Commit& commit);
  // The payload for payload_request_ when the batching policy says it is time (the request
  // is then cleared, as it is when stale); nullopt and the request kept while it says wait.
  std::optional<consensus::PayloadReady> TryBuildPayload();
  // Whether this validator has work (see the top of this file).
  bool HasWork();
  // Holds the round timer when there is no work; re-arms a held one for its full duration
  // when work appeared.
  void HoldOrArmTimer();
  // A verified timeout from a peer for the current round or later is work: a peer that has
  // work and timed out must not be left alone (with f+1 of them the engine joins; with
  // fewer, this validator's own timer must run for a TC to form).
  void NotePeerTimeout(const Bytes& bytes, uint64_t drops_before);
  // Ledger facts of a block in the engine's tree (cached); nullptr when unreadable.
  const LedgerTip* TipOf(const consensus::Block& block, const consensus::BlockId& id);
  // Ids of transactions in the uncommitted blocks from `block_id` down to the committed tip.
  std::optional<std::set<Hash>> PendingTxIds(const consensus::BlockId& block_id);
  // The highest block that the chain ending at `block_id` proves committed by itself (a block
  // whose child on that chain follows it by one round; the child's QC is on the chain, or is
  // the high QC certifying `block_id`), or nullopt when it proves nothing above the tip.
  std::optional<uint64_t> ChainProvenCommitHeight(const consensus::BlockId& block_id) const;
  void SendConsensus(size_t to, const Bytes& message);
  void BroadcastConsensus(const Bytes& message);
  void ResendTimeoutToNewPeers();
  void PruneAfterCommit();
  void Fail(const Status& status);

  Store& store_;
  Mempool& mempool_;
  CommitFeed& feed_;
  const GenesisInfo& genesis_;
  const size_t self_;
  const ValidatorOptions options_;
  const Clock& clock_;
  PeerTransport& transport_;
  const KeyId key_id_;
  consensus::KeySigner signer_;
  consensus::KeyVerifier verifier_;
  const consensus::BlockId genesis_id_;
  std::unique_ptr<consensus::Engine> engine_;
  Admission admission_;  // signatures of transactions that arrive inside proposals
  std::unique_ptr<View> view_;

  std::optional<RoundTimer> timer_;
  // The block whose QC last committed transactions (a leader extending it tells the others).
  std::optional<consensus::BlockId> txs_committed_by_;
  consensus::Round peer_timeout_round_ = 0;  // the highest round of a peer timeout taken
  std::optional<PayloadRequest> payload_request_;
  std::map<consensus::BlockId, LedgerTip> tips_;        // pruned at commit
  std::map<consensus::BlockId, DecodedBlock> checked_;  // payloads that passed CheckProposal
  std::map<consensus::BlockId, int64_t> first_seen_ms_;
  int64_t last_timestamp_ms_ = 0;
  std::optional<Bytes> last_timeout_;   // the last timeout this validator broadcast
  std::optional<Bytes> last_proposal_;  // the last proposal it made or took
  std::set<size_t> connected_;          // peers linked at the last look
  Status failure_;
  Stats stats_;
};

}  // namespace tadori
