#include "node/validator/validator_core.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "consensus/codec.h"
#include "consensus/ledger_certificate.h"
#include "consensus/safety_state.h"
#include "ledger/check.h"
#include "node/validator/commit_step.h"
#include "node/validator/proposal_check.h"
#include "node/validator/tx_relay.h"

namespace tadori {

namespace {

using consensus::Engine;

// A node this many blocks behind the highest certified block it knows of is catching up.
constexpr uint64_t kSyncingLagBlocks = 3;

std::vector<PublicKey> ConsensusKeys(const GenesisInfo& genesis) {
  std::vector<PublicKey> keys;
  for (size_t i = 0; i < genesis.validators.size(); ++i) keys.push_back(genesis.validators.key(i));
  return keys;
}

v1::PeerFrame ConsensusFrame(const Bytes& message) {
  v1::PeerFrame frame;
  frame.set_consensus(std::string(message.begin(), message.end()));
  return frame;
}

}  // namespace

// This node's chain as CheckProposal sees it.
class ValidatorCore::View final : public ProposalView {
 public:
  View(const Store& store, const Mempool& mempool, Admission& admission)
      : store_(store), mempool_(mempool), admission_(admission) {}
  uint64_t ExecutedHeight() const override { return store_.Height(); }
  Result<Hash> ResultRootAt(uint64_t height) const override { return store_.ResultRootAt(height); }
  Result<bool> IsCommitted(const Hash& tx_id) const override {
    auto found = store_.FindTransaction(tx_id);
    if (found.ok()) return true;
    if (found.status().code() == Code::kNotFound) return false;
    return found.status();
  }
  bool AdmittedHere(const DecodedTransaction& tx) const override {
    return mempool_.ContainsExact(tx);
  }
  Status CheckSigner(const DecodedTransaction& tx) override { return admission_.CheckSigner(tx); }

 private:
  const Store& store_;
  const Mempool& mempool_;
  Admission& admission_;
};

ValidatorCore::ValidatorCore(Store& store, Mempool& mempool, CommitFeed& feed,
                             const GenesisInfo& genesis, size_t self, PrivateKey key,
                             ValidatorOptions options, const Clock& clock, PeerTransport& transport)
    : store_(store),
      mempool_(mempool),
      feed_(feed),
      genesis_(genesis),
      self_(self),
      options_(std::move(options)),
      clock_(clock),
      transport_(transport),
      key_id_(key.public_key().id()),
      signer_(std::move(key)),
      verifier_(ConsensusKeys(genesis)),
      genesis_id_(consensus::ConsensusGenesis(genesis).ComputeId()),
      admission_(genesis.genesis.chain_id(), store, mempool),
      view_(std::make_unique<View>(store, mempool, admission_)) {
  TADORI_CHECK(self_ < genesis_.validators.size());
  TADORI_CHECK(genesis_.validators.key(self_).id() == key_id_);
  consensus::EngineConfig config;
  config.validators = consensus::ValidatorSet::Equal(genesis_.validators.size());
  config.self = static_cast<consensus::ValidatorIndex>(self_);
  config.genesis_id = genesis_id_;
  config.round_timeout_ms_base = options_.round_timeout_ms;
  // Doubling stops at 8x: after a halt (a quorum down), rounds resume within a few seconds
  // of the validators coming back instead of waiting out a minute-long timer.
  config.round_timeout_ms_max = options_.round_timeout_ms * 8;
  engine_ = options_.make_engine ? options_.make_engine(config, signer_, verifier_)
                                 : std::make_unique<Engine>(config, signer_, verifier_);
}

ValidatorCore::~ValidatorCore() = default;

Status ValidatorCore::Start() {
  consensus::Started started;
  TADORI_ASSIGN_OR_RETURN(std::optional<Bytes> safety_bytes, store_.GetSafetyState());
  if (safety_bytes) {
    TADORI_ASSIGN_OR_RETURN(started.safety, consensus::DecodeSafetyState(*safety_bytes));
  } else {
    // A new validator, or one whose data directory was wiped: it may have voted before.
    started.safety = consensus::SafetyState::Initial(genesis_id_);
    started.safety_state_lost = true;
  }
  const uint64_t height = store_.Height();
  if (height == 0) {
    started.committed_tip = consensus::ConsensusGenesis(genesis_);
    last_timestamp_ms_ = genesis_.genesis.genesis_time_ms();
  } else {
    TADORI_ASSIGN_OR_RETURN(v1::Block head, store_.GetBlock(height));
    Result<consensus::Block> tip = consensus::ConsensusBlockOf(head);
    if (!tip.ok()) return Status::DataLoss("committed tip: " + tip.status().ToString());
    started.committed_tip = std::move(*tip);
  }
  // The committed blocks below the tip that the leader schedule reads: without them a
  // restarted validator would see a shorter chain than its peers, call validators absent
  // that the peers saw, and pick other leaders (refusing their proposals).
  const uint64_t below_tip = engine_->leader_schedule().history_blocks() - 1;
  for (uint64_t h = height > below_tip ? height - below_tip : 1; h < height; ++h) {
    TADORI_ASSIGN_OR_RETURN(v1::Block stored, store_.GetBlock(h));
    Result<consensus::Block> block = consensus::ConsensusBlockOf(stored);
    if (!block.ok()) {
      return Status::DataLoss("committed block " + std::to_string(h) + ": " +
                              block.status().ToString());
    }
    // The schedule reads rounds, proposers and QC signers only: the payload need not stay.
    block->payload = Bytes();
    started.history.push_back(std::move(*block));
  }
  TADORI_ASSIGN_OR_RETURN(std::vector<Bytes> pending, store_.PendingBlocks());
  for (const Bytes& bytes : pending) {
    consensus::ByteReader in(bytes);
    consensus::Block block;
    if (!consensus::DecodeBlock(in, block).ok() || in.remaining() != 0) {
      return Status::DataLoss("a pending block in the store does not decode");
    }
    started.pending.push_back(std::move(block));
  }
  spdlog::info(
      "validator {} starting at height {} (last voted round {}, {} pending blocks{})",
      genesis_.genesis.validators(static_cast<int>(self_)).id(), height,
      started.safety.last_voted_round, started.pending.size(),
      started.safety_state_lost ? ", no safety state: votes after the network moves on" : "");
  Step(started);
  return failure_;
}

void ValidatorCore::OnMessage(size_t from, Bytes bytes) {
  if (halted()) return;
  const uint8_t kind = bytes.empty() ? 0 : bytes[0];
  const bool timeout = kind == static_cast<uint8_t>(consensus::MessageKind::kTimeout);
  const bool proposal = kind == static_cast<uint8_t>(consensus::MessageKind::kProposal);
  std::optional<Bytes> kept;
  if (timeout || proposal) kept = bytes;
  const uint64_t drops_before = engine_->drops_total();
  Step(consensus::MessageReceived{static_cast<consensus::ValidatorIndex>(from), std::move(bytes)});
  if (!kept || halted()) return;
  if (timeout) NotePeerTimeout(*kept, drops_before);
  // A proposal the engine took (its payload checked in the same step): what a validator
  // that reconnects is sent, so one restarted on an idle network learns where the chain is.
  if (proposal && engine_->drops_total() == drops_before) last_proposal_ = std::move(*kept);
}

void ValidatorCore::NotePeerTimeout(const Bytes& bytes, uint64_t drops_before) {
  // The engine counts every timeout it refuses (malformed, bad signature, stale, duplicate,
  // beyond its window): one it took left the count alone.
  if (engine_->drops_total() != drops_before) return;
  Result<consensus::Message> m = consensus::DecodeMessage(bytes);
  if (!m.ok() || !std::holds_alternative<consensus::Timeout>(*m)) return;
  const consensus::Round round = std::get<consensus::Timeout>(*m).round;
  if (round < engine_->current_round()) return;  // a TC formed: the round it was about is over
  peer_timeout_round_ = std::max(peer_timeout_round_, round);
  HoldOrArmTimer();
}

bool ValidatorCore::HasWork() {
  if (mempool_.size() > 0) return true;
  const consensus::Round round = engine_->current_round();
  if (peer_timeout_round_ >= round) return true;
  const consensus::BlockId& root = engine_->committed_tip_id();
  auto carries_txs = [&](const consensus::Block& block, const consensus::BlockId& id) {
    const LedgerTip* tip = TipOf(block, id);
    return tip == nullptr || !tip->tx_ids.empty();  // unreadable: let the round run out
  };
  // The certified chain above the committed tip: its transactions commit only once a child
  // is certified, and a leader that fails to propose that child must be timed out.
  consensus::BlockId id = engine_->safety().high_qc.block_id;
  while (id != root) {
    const consensus::Block* block = engine_->FindBlock(id);
    if (block == nullptr) return true;  // being fetched
    if (carries_txs(*block, id)) return true;
    id = block->parent_id();
  }
  // A proposal of the current round with transactions: if the next leader never forms its
  // QC, the round must time out.
  for (const consensus::BlockId& uncommitted : engine_->UncommittedIds()) {
    const consensus::Block* block = engine_->FindBlock(uncommitted);
    if (block != nullptr && block->round >= round && carries_txs(*block, uncommitted)) {
      return true;
    }
  }
  return false;
}

void ValidatorCore::HoldOrArmTimer() {
  if (!timer_ || halted()) return;
  if (!HasWork()) {
    timer_->held = true;
  } else if (timer_->held) {
    timer_->held = false;
    timer_->due_ms = clock_.SteadyMs() + static_cast<int64_t>(timer_->duration_ms);
  }
}

void ValidatorCore::OnTick() {
  if (halted()) return;
  HoldOrArmTimer();
  if (halted()) return;
  const int64_t now = clock_.SteadyMs();
  if (timer_ && !timer_->held && timer_->due_ms <= now) {
    const consensus::Round round = timer_->round;
    timer_.reset();
    spdlog::debug("round {} timed out", round);
    Step(consensus::TimerFired{round});
  }
  if (payload_request_ && !halted()) {
    std::optional<consensus::PayloadReady> ready = TryBuildPayload();
    if (ready) Step(*ready);
  }
  if (!halted()) ResendTimeoutToNewPeers();
}

int64_t ValidatorCore::NextWakeMs(int64_t idle_ms) const {
  const int64_t now = clock_.SteadyMs();
  int64_t at = now + idle_ms;
  if (timer_ && !timer_->held) at = std::min(at, timer_->due_ms);
  // Transactions reached a held timer: it re-arms on the next tick.
  if (timer_ && timer_->held && mempool_.size() > 0) at = now;
  if (WaitingToPropose()) {
    // When the batching decision can next change: the block interval, when something waits;
    // otherwise the arrival of transactions (the mempool changed since the policy said wait).
    const PayloadRequest& request = *payload_request_;
    if (request.retry_at_ms) {
      at = std::min(at, *request.retry_at_ms);
    } else if (mempool_.size() != request.mempool_size_seen) {
      at = std::min(at, std::max(now, request.since_ms +
                                          static_cast<int64_t>(options_.batch.block_interval_ms)));
    }
  }
  return at;
}

bool ValidatorCore::WaitingToPropose() const {
  return payload_request_ && payload_request_->round == engine_->current_round() &&
         engine_->FindBlock(payload_request_->parent_id) != nullptr;
}

void ValidatorCore::Relay(std::vector<v1::SignedTransaction> txs) {
  if (halted()) return;  // a halted validator sends nothing
  // Each batch carries this validator's attestation: it verified every signature at Submit.
  for (const v1::PeerFrame& frame : TxRelay::Pack(std::move(txs), options_.gossip_batch_max,
                                                  genesis_.genesis.chain_id(), signer_)) {
    transport_.Broadcast(frame);
  }
}

ValidatorCore::Stats ValidatorCore::stats() const {
  Stats s = stats_;
  s.round = engine_->current_round();
  const consensus::Block* high = engine_->FindBlock(engine_->safety().high_qc.block_id);
  s.syncing = high == nullptr || high->height > store_.Height() + kSyncingLagBlocks;
  for (size_t r = 0; r < s.drops.size(); ++r) {
    s.drops[r] = engine_->drops(static_cast<consensus::DropReason>(r));
  }
  s.leader_schedule = engine_->CurrentSchedule();
  s.leader_probation = engine_->leader_schedule().InProbation(s.round);
  return s;
}

std::pair<uint64_t, std::vector<consensus::Block>> ValidatorCore::UncommittedPath(
    const consensus::BlockId& target) const {
  return {engine_->committed_tip().height, engine_->UncommittedPath(target)};
}

void ValidatorCore::Fail(const Status& status) {
  TADORI_CHECK(!status.ok());
  spdlog::critical("validator halted: {}", status.ToString());
  if (failure_.ok()) failure_ = status;
}

void ValidatorCore::Step(const consensus::Event& event) {
  std::vector<consensus::Event> follow_ups;
  Apply(engine_->Step(event), follow_ups);
  // Answers to the engine's own requests (payload ready, payload checked), in order.
  for (size_t i = 0; i < follow_ups.size() && !halted(); ++i) {
    consensus::Event next = std::move(follow_ups[i]);
    Apply(engine_->Step(next), follow_ups);
  }
  HoldOrArmTimer();
}

void ValidatorCore::Apply(consensus::Actions actions, std::vector<consensus::Event>& follow_ups) {
  for (consensus::Action& action : actions) {
    if (halted()) return;
    if (auto* a = std::get_if<consensus::PersistSafety>(&action)) {
      Status s = store_.PutSafetyState(consensus::EncodeSafetyState(a->safety));
      if (!s.ok()) return Fail(s.WithContext("persisting safety state"));
    } else if (auto* a = std::get_if<consensus::PersistBlock>(&action)) {
      Bytes encoded;
      consensus::EncodeBlock(encoded, a->block);
      Status s = store_.PutPendingBlock(a->block.height, a->block.ComputeId(), encoded);
      if (!s.ok()) return Fail(s.WithContext("persisting a pending block"));
    } else if (auto* a = std::get_if<consensus::Send>(&action)) {
      SendConsensus(a->to, a->message);
    } else if (auto* a = std::get_if<consensus::Broadcast>(&action)) {
      if (!a->message.empty() &&
          a->message[0] == static_cast<uint8_t>(consensus::MessageKind::kTimeout)) {
        last_timeout_ = a->message;
      }
      if (!a->message.empty() &&
          a->message[0] == static_cast<uint8_t>(consensus::MessageKind::kProposal)) {
        last_proposal_ = a->message;
      }
      BroadcastConsensus(a->message);
    } else if (auto* a = std::get_if<consensus::Commit>(&action)) {
      CommitBlocks(*a);
    } else if (auto* a = std::get_if<consensus::SetTimer>(&action)) {
      // Held or not is decided at the end of the step, when the engine's tree is complete.
      timer_ = RoundTimer{a->round, a->duration_ms,
                          clock_.SteadyMs() + static_cast<int64_t>(a->duration_ms), false};
    } else if (auto* a = std::get_if<consensus::Fetch>(&action)) {
      spdlog::debug(
          "fetching up to {} above height {} from {}", a->request.target.ShortHex(),
          a->request.committed_height,
          a->every_peer ? std::string("every validator") : "validator " + std::to_string(a->peer));
      const Bytes ask = consensus::EncodeMessage(a->request);
      if (a->every_peer) {
        BroadcastConsensus(ask);
      } else {
        SendConsensus(a->peer, ask);
      }
    } else if (auto* a = std::get_if<consensus::RequestPayload>(&action)) {
      spdlog::debug("round {}: leading, parent {}", a->round, a->parent_id.ShortHex());
      payload_request_ = PayloadRequest{a->round, a->parent_id, clock_.SteadyMs(), std::nullopt, 0};
      std::optional<consensus::PayloadReady> ready = TryBuildPayload();
      if (ready) follow_ups.push_back(std::move(*ready));
    } else if (auto* a = std::get_if<consensus::ValidatePayload>(&action)) {
      const bool valid = CheckPayload(*a);
      if (halted()) return;
      if (!valid) ++stats_.payloads_refused;
      follow_ups.push_back(consensus::PayloadChecked{a->block_id, valid});
    }
  }
}

void ValidatorCore::SendConsensus(size_t to, const Bytes& message) {
  transport_.Send(to, ConsensusFrame(message));
}

void ValidatorCore::BroadcastConsensus(const Bytes& message) {
  transport_.Broadcast(ConsensusFrame(message));
}

void ValidatorCore::ResendTimeoutToNewPeers() {
  // A validator that (re)connects missed the timeouts sent while it was away; without them
  // it cannot join the round the others are stuck in until their timers fire again. It also
  // gets the last proposal: on an idle network no other message would tell it the chain
  // moved on while it was away (it fetches what it lacks from the QC the proposal carries).
  const std::vector<size_t> now = transport_.Connected();
  for (size_t peer : now) {
    if (!connected_.insert(peer).second) continue;
    if (last_timeout_) SendConsensus(peer, *last_timeout_);
    if (last_proposal_) SendConsensus(peer, *last_proposal_);
  }
  std::erase_if(connected_,
                [&](size_t peer) { return !std::binary_search(now.begin(), now.end(), peer); });
}

const LedgerTip* ValidatorCore::TipOf(const consensus::Block& block, const consensus::BlockId& id) {
  auto found = tips_.find(id);
  if (found != tips_.end()) return &found->second;
  LedgerTip tip;
  if (block.height == 0) {
    tip = LedgerTip::Genesis(genesis_);
  } else {
    // A block this node did not check itself (fetched by sync, or kept across a restart).
    v1::Block payload;
    if (!payload.ParseFromArray(block.payload.data(), static_cast<int>(block.payload.size()))) {
      return nullptr;
    }
    Result<DecodedBlock> decoded = DecodeBlock(payload);
    if (!decoded.ok()) return nullptr;
    tip = LedgerTip::Of(*decoded);
  }
  return &tips_.emplace(id, std::move(tip)).first->second;
}

std::optional<std::set<Hash>> ValidatorCore::PendingTxIds(const consensus::BlockId& block_id) {
  std::set<Hash> ids;
  const consensus::BlockId& root = engine_->committed_tip_id();
  consensus::BlockId id = block_id;
  while (id != root) {
    const consensus::Block* block = engine_->FindBlock(id);
    if (block == nullptr) return std::nullopt;
    const LedgerTip* tip = TipOf(*block, id);
    if (tip == nullptr) return std::nullopt;
    ids.insert(tip->tx_ids.begin(), tip->tx_ids.end());
    id = block->parent_id();
  }
  return ids;
}

bool ValidatorCore::CheckPayload(const consensus::ValidatePayload& v) {
  first_seen_ms_.emplace(v.block_id, clock_.SteadyMs());
  const consensus::Block* block = engine_->FindBlock(v.block_id);
  if (block == nullptr) return false;
  auto refuse = [&](const std::string& why) {
    spdlog::warn("refusing block {} (round {}) from validator {}: {}", block->height, block->round,
                 block->proposer, why);
    return false;
  };
  const consensus::Block* parent = engine_->FindBlock(block->parent_id());
  if (parent == nullptr) return refuse("unknown parent");
  // The engine accepted the parent as certified, so its payload was agreed: if this node
  // cannot read it, the fault is the certified chain's, not this proposer's; refuse anyway.
  const LedgerTip* parent_tip = TipOf(*parent, block->parent_id());
  if (parent_tip == nullptr) return refuse("parent payload unreadable");
  std::optional<std::set<Hash>> ancestors = PendingTxIds(block->parent_id());
  if (!ancestors) return refuse("ancestors unreadable");
  ProposalInput in;
  in.payload = v.payload;
  in.height = block->height;
  in.round = block->round;
  in.proposer = genesis_.validators.key(block->proposer).id();
  in.digest = v.digest;
  in.parent = parent_tip;
  in.ancestor_tx_ids = &*ancestors;
  in.chain_id = genesis_.genesis.chain_id();
  in.now_ms = clock_.WallMs();
  Result<DecodedBlock> checked =
      options_.check_proposal ? options_.check_proposal(in, *view_) : CheckProposal(in, *view_);
  if (!checked.ok()) {
    if (!IsRefusal(checked.status())) {
      Fail(checked.status());
      return false;
    }
    return refuse(checked.status().message());
  }
  // Keep what was decoded: children check against it, and the commit reuses it.
  tips_.insert_or_assign(v.block_id, LedgerTip::Of(*checked));
  checked_.insert_or_assign(v.block_id, std::move(*checked));
  return true;
}

std::optional<uint64_t> ValidatorCore::ChainProvenCommitHeight(
    const consensus::BlockId& block_id) const {
  const consensus::Block* child = engine_->FindBlock(block_id);
  while (child != nullptr && child->height > engine_->committed_tip().height) {
    const consensus::Block* parent = engine_->FindBlock(child->parent_id());
    if (parent == nullptr) return std::nullopt;
    if (parent->round + 1 == child->round) return parent->height;
    child = parent;
  }
  return std::nullopt;
}

std::optional<consensus::PayloadReady> ValidatorCore::TryBuildPayload() {
  const PayloadRequest request = *payload_request_;
  payload_request_.reset();  // put back below while the batching policy says wait
  if (request.round != engine_->current_round()) return std::nullopt;  // stale
  const consensus::Block* parent = engine_->FindBlock(request.parent_id);
  if (parent == nullptr) {
    // The ledger block names its parent's hash, so there is no payload without the parent;
    // the engine asked every peer for it (Fetch): wait.
    payload_request_ = request;
    return std::nullopt;
  }
  const LedgerTip* parent_tip = TipOf(*parent, request.parent_id);
  std::optional<std::set<Hash>> pending = PendingTxIds(request.parent_id);
  if (parent_tip == nullptr || !pending) {
    spdlog::warn("round {}: cannot read the ancestors of {} to propose", request.round,
                 request.parent_id.ShortHex());
    return std::nullopt;
  }
  const uint64_t height = parent->height + 1;
  std::vector<DecodedTransaction> txs =
      mempool_.Select(options_.batch.block_tx_max, options_.batch.block_bytes_max,
                      [&](const DecodedTransaction& tx) {
                        return pending->count(tx.id) > 0 || tx.body.valid_until_height() < height;
                      });
  // A transaction can re-enter the mempool after its commit (admitted just before it): it
  // would make every validator refuse this proposal, so it leaves the pool here.
  std::vector<Hash> committed;
  for (const DecodedTransaction& tx : txs) {
    Result<bool> found = view_->IsCommitted(tx.id);
    if (!found.ok()) {
      Fail(found.status().WithContext("looking up a transaction to propose"));
      return std::nullopt;
    }
    if (*found) committed.push_back(tx.id);
  }
  if (!committed.empty()) {
    mempool_.Remove(committed);
    std::erase_if(txs, [&](const DecodedTransaction& tx) {
      return std::find(committed.begin(), committed.end(), tx.id) != committed.end();
    });
  }
  const uint64_t waited = static_cast<uint64_t>(clock_.SteadyMs() - request.since_ms);
  // What the proposal would commit: transactions in its uncommitted ancestors, or those the
  // QC it carries committed here (the others learn of that commit only from this proposal).
  const bool commits_pending =
      !pending->empty() || (txs_committed_by_ && *txs_committed_by_ == request.parent_id);
  if (!ProposeNow(options_.batch, waited, txs.size(), commits_pending)) {
    payload_request_ = request;
    payload_request_->retry_at_ms.reset();
    if (!txs.empty() || commits_pending) {
      payload_request_->retry_at_ms =
          request.since_ms + static_cast<int64_t>(options_.batch.block_interval_ms);
    }
    payload_request_->mempool_size_seen = mempool_.size();
    return std::nullopt;
  }
  ProposalPlan plan;
  plan.chain_id = genesis_.genesis.chain_id();
  plan.round = request.round;
  plan.parent = parent_tip;
  plan.proposer = key_id_;
  // Claim only results that this proposal's own chain proves committed: every validator that
  // holds the chain has then committed and executed them (it observed the same QCs), even if
  // this leader committed more through a QC on a fork the others never saw. Claiming more
  // would be refused by them (CheckProposal) and could stall a network that needs their votes.
  plan.executed_height =
      std::min(store_.Height(), ChainProvenCommitHeight(request.parent_id).value_or(0));
  Result<Hash> root = store_.ResultRootAt(plan.executed_height);
  if (!root.ok()) {
    Fail(root.status().WithContext("reading the result root to propose"));
    return std::nullopt;
  }
  plan.executed_root = *root;
  last_timestamp_ms_ = NextBlockTime(clock_.WallMs(), parent_tip->timestamp_ms, last_timestamp_ms_);
  plan.timestamp_ms = last_timestamp_ms_;
  plan.txs = std::move(txs);
  DecodedBlock built = BuildProposal(std::move(plan));
  spdlog::debug("proposing height {} round {} with {} transactions", height, request.round,
                built.txs.size());
  const std::string payload = built.block.SerializeAsString();
  return consensus::PayloadReady{request.round, Bytes(payload.begin(), payload.end()), built.hash};
}

void ValidatorCore::CommitBlocks(const consensus::Commit& commit) {
  for (size_t i = 0; i < commit.blocks.size(); ++i) {
    const consensus::Block& block = commit.blocks[i];
    const consensus::BlockId id = block.ComputeId();
    // The QC certifying block i is the parent QC of block i + 1, and final_qc for the last.
    const consensus::QuorumCert* qc =
        i + 1 < commit.blocks.size() ? &commit.blocks[i + 1].qc : &commit.final_qc;
    if (qc->block_id != id) {
      return Fail(
          Status::Internal("no certificate for committed block " + std::to_string(block.height)));
    }
    Result<DecodedBlock> decoded = Status::NotFound("");
    if (auto checked = checked_.find(id); checked != checked_.end()) {
      decoded = std::move(checked->second);  // validated when proposed
      checked_.erase(checked);
    } else {
      // Fetched by sync, so never validated here: the QC vouches that 2f+1 did.
      v1::Block ledger_block;
      if (!ledger_block.ParseFromArray(block.payload.data(),
                                       static_cast<int>(block.payload.size()))) {
        return Fail(Status::DataLoss("committed block " + std::to_string(block.height) +
                                     " has a payload that does not parse"));
      }
      decoded = DecodeBlock(ledger_block);
      if (!decoded.ok()) {
        return Fail(
            decoded.status().WithContext("committed block " + std::to_string(block.height)));
      }
    }
    const Bytes certificate = consensus::EncodeLedgerCertificate(block, *qc);
    decoded->block.set_certificate(std::string(certificate.begin(), certificate.end()));
    Result<CommitOutcome> done = CommitStep(store_, mempool_, feed_, *decoded);
    if (!done.ok()) return Fail(done.status());
    spdlog::debug("committed height {} round {} with {} transactions", done->height, block.round,
                  done->tx_count);
    auto seen = first_seen_ms_.find(id);
    if (seen != first_seen_ms_.end() && options_.observe_commit_latency) {
      options_.observe_commit_latency(static_cast<double>(clock_.SteadyMs() - seen->second) /
                                      1000.0);
    }
    stats_.committed_blocks += 1;
    stats_.committed_txs += done->tx_count;
    if (done->tx_count > 0) txs_committed_by_ = commit.proof.block_id;
  }
  PruneAfterCommit();
}

void ValidatorCore::PruneAfterCommit() {
  const uint64_t height = store_.Height();
  Status erased = store_.ErasePendingBlocksThrough(height);
  if (!erased.ok()) return Fail(erased.WithContext("erasing pending blocks"));
  mempool_.EvictExpired(height);
  // Forget what is at or below the new committed height, or no longer in the tree.
  const consensus::Height committed = engine_->committed_tip().height;
  for (auto it = tips_.begin(); it != tips_.end();) {
    const consensus::Block* b = engine_->FindBlock(it->first);
    it = (b == nullptr || b->height < committed) ? tips_.erase(it) : std::next(it);
  }
  std::erase_if(first_seen_ms_,
                [&](const auto& kv) { return engine_->FindBlock(kv.first) == nullptr; });
  std::erase_if(checked_, [&](const auto& kv) { return engine_->FindBlock(kv.first) == nullptr; });
}

}  // namespace tadori
