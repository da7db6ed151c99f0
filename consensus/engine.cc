#include "consensus/engine.h"

#include <algorithm>

#include "consensus/codec.h"
#include "ledger/check.h"

namespace tadori::consensus {

std::string_view DropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::kMalformed:
      return "malformed";
    case DropReason::kBadSignature:
      return "bad_signature";
    case DropReason::kBadCertificate:
      return "bad_certificate";
    case DropReason::kNotLeader:
      return "not_leader";
    case DropReason::kStaleRound:
      return "stale_round";
    case DropReason::kFutureRound:
      return "future_round";
    case DropReason::kDuplicate:
      return "duplicate";
    case DropReason::kEquivocation:
      return "equivocation";
    case DropReason::kNotNextLeader:
      return "not_next_leader";
    case DropReason::kBadChain:
      return "bad_chain";
    case DropReason::kTreeFull:
      return "tree_full";
    case DropReason::kInvalidPayload:
      return "invalid_payload";
    case DropReason::kUnexpected:
      return "unexpected";
    case DropReason::kConflictingCommit:
      return "conflicting_commit";
    case DropReason::kUnsolicited:
      return "unsolicited";
    case DropReason::kCount:
      break;
  }
  return "unknown";
}

Engine::Engine(EngineConfig config, const Signer& signer, const SignatureVerifier& verifier)
    : config_(std::move(config)),
      signer_(signer),
      verifier_(verifier),
      checker_(config_.validators, verifier_, config_.genesis_id),
      schedule_(config_.validators, config_.leader_schedule),
      safety_(SafetyState::Initial(config_.genesis_id)),
      tree_(Block{}) {
  TADORI_CHECK(config_.validators.Contains(config_.self));
  TADORI_CHECK(config_.round_timeout_ms_base >= 1);
  TADORI_CHECK(config_.round_timeout_ms_base <= config_.round_timeout_ms_max);
  TADORI_CHECK(config_.round_timeout_doublings_max <= 32);
}

uint64_t Engine::drops_total() const {
  uint64_t total = 0;
  for (uint64_t d : drops_) total += d;
  return total;
}

Actions Engine::Step(const Event& event) {
  out_.clear();
  if (const auto* e = std::get_if<Started>(&event)) {
    OnStarted(*e);
  } else if (!started_) {
    Drop(DropReason::kUnexpected);
  } else if (const auto* m = std::get_if<MessageReceived>(&event)) {
    OnMessage(m->from, m->bytes);
  } else if (const auto* t = std::get_if<TimerFired>(&event)) {
    OnTimer(t->round);
  } else if (const auto* p = std::get_if<PayloadReady>(&event)) {
    OnPayloadReady(*p);
  } else if (const auto* c = std::get_if<PayloadChecked>(&event)) {
    OnPayloadChecked(*c);
  }
  // Messages to ourselves (own proposal, own vote as next leader, own timeout) are handled
  // here rather than looped through the network, in the order they were produced.
  size_t handled = 0;
  while (!self_queue_.empty()) {
    TADORI_CHECK(++handled <= kSelfMessagesPerStepMax);
    auto [from, message] = std::move(self_queue_.front());
    self_queue_.erase(self_queue_.begin());
    if (auto* p = std::get_if<Proposal>(&message)) {
      OnProposal(from, std::move(*p));
    } else if (const auto* v = std::get_if<Vote>(&message)) {
      OnVote(*v);
    } else if (const auto* t = std::get_if<Timeout>(&message)) {
      OnTimeoutMessage(*t);
    }
  }
  return std::move(out_);
}

void Engine::OnStarted(const Started& e) {
  if (started_) {
    Drop(DropReason::kUnexpected);
    return;
  }
  started_ = true;
  safety_ = e.safety;
  recovering_ = e.safety_state_lost;
  tree_ = BlockTree(e.committed_tip);
  committed_activity_.clear();
  Round below = e.committed_tip.round;
  for (auto it = e.history.rbegin(); it != e.history.rend(); ++it) {
    // Local data from the node's store; a block out of order ends what is read of it.
    if (committed_activity_.size() + 1 >= schedule_.history_blocks() || it->round >= below) break;
    below = it->round;
    committed_activity_.push_front(ChainActivity::Of(*it));
  }
  committed_activity_.push_back(ChainActivity::Of(e.committed_tip));
  schedule_cache_ = {};
  std::vector<const Block*> pending;
  for (const Block& b : e.pending) pending.push_back(&b);
  std::sort(pending.begin(), pending.end(),
            [](const Block* a, const Block* b) { return a->height < b->height; });
  for (const Block* b : pending) {
    if (!tree_.Insert(b->ComputeId(), *b)) Drop(DropReason::kBadChain);
  }
  // The QCs the kept blocks carry were verified before the votes that kept them; what they
  // commit was perhaps not committed before the crash. Observe them as if the blocks had just
  // arrived, lowest first: otherwise a restarted validator stays behind the commits its own
  // chain proves, and refuses every proposal that claims their results.
  for (const Block* b : pending) {
    if (tree_.Find(b->ComputeId()) != nullptr) ObserveQc(b->qc);
  }
  round_ = 0;
  SyncRound();
}

void Engine::OnMessage(ValidatorIndex from, ByteView bytes) {
  if (!config_.validators.Contains(from)) {
    Drop(DropReason::kMalformed);
    return;
  }
  Result<Message> decoded = DecodeMessage(bytes);
  if (!decoded.ok()) {
    Drop(DropReason::kMalformed);
    return;
  }
  Message& m = *decoded;
  if (auto* p = std::get_if<Proposal>(&m)) {
    OnProposal(from, std::move(*p));
  } else if (const auto* v = std::get_if<Vote>(&m)) {
    OnVote(*v);
  } else if (const auto* t = std::get_if<Timeout>(&m)) {
    OnTimeoutMessage(*t);
  } else if (auto* r = std::get_if<SyncResponse>(&m)) {
    OnSyncResponse(from, std::move(*r));
  } else {
    Drop(DropReason::kUnexpected);  // SyncRequest is served by the node (ServeSync)
  }
}

void Engine::OnProposal(ValidatorIndex from, Proposal p) {
  const Block& b = p.block;
  if (b.round == 0 || b.round > kRoundMax || b.qc.round >= b.round || b.height == 0 ||
      (p.tc && p.tc->round + 1 != b.round)) {
    Drop(DropReason::kMalformed);
    return;
  }
  // The leader depends on the chain the proposal extends; with its parent unknown here the
  // check waits for the parent (ConsiderProposal fetches it and brings the proposal back).
  if (std::optional<ValidatorIndex> leader = LeaderAfter(b.parent_id(), b.round);
      leader && *leader != b.proposer) {
    Drop(DropReason::kNotLeader);
    return;
  }
  if (b.round < round_) {
    Drop(DropReason::kStaleRound);
    return;
  }
  // One proposal per round is considered; any other copy for that round is a duplicate or an
  // equivocation and is refused before its payload is hashed and its signature checked, so
  // a flood of copies costs a comparison each.
  if (b.round == proposal_seen_round_ && !considered_ids_.empty() && !MayVoteAgainInRound()) {
    Drop(DropReason::kDuplicate);
    return;
  }
  BlockId id = b.ComputeId();
  if (!verifier_.Verify(b.proposer,
                        ProposalSigningBytes(config_.genesis_id, id, ProposalTcDigest(p.tc)),
                        p.signature)) {
    Drop(DropReason::kBadSignature);
    return;
  }
  if (!checker_.CheckQc(b.qc) || (p.tc && !checker_.CheckTc(*p.tc))) {
    Drop(DropReason::kBadCertificate);
    return;
  }
  ObserveQc(b.qc);
  if (p.tc) ObserveTc(*p.tc);
  SyncRound();
  if (b.round != round_) {
    // Below: the certificates moved us past it. Above: they do not justify its round.
    Drop(b.round < round_ ? DropReason::kStaleRound : DropReason::kFutureRound);
    return;
  }
  ConsiderProposal(from, std::move(p), id);
}

void Engine::ConsiderProposal(ValidatorIndex from, Proposal p, const BlockId& id) {
  const Block& b = p.block;
  const Block* parent = tree_.Find(b.parent_id());
  if (parent == nullptr) {
    if (b.height <= tree_.root().height + 1) {
      Drop(DropReason::kBadChain);  // extends something other than our committed tip
      return;
    }
    BlockId target = b.parent_id();
    waiting_proposal_.emplace(from, std::move(p));
    RequestFetch(from, target);
    return;
  }
  if (parent->height + 1 != b.height || parent->round != b.qc.round) {
    Drop(DropReason::kBadChain);
    return;
  }
  const bool vote_twice = MayVoteAgainInRound();
  if (proposal_seen_round_ == b.round) {
    bool same =
        considered_ids_.end() != std::find(considered_ids_.begin(), considered_ids_.end(), id);
    if (same || !vote_twice || considered_ids_.size() >= kConsideredPerRoundMax) {
      Drop(same ? DropReason::kDuplicate : DropReason::kEquivocation);
      return;
    }
  } else {
    considered_ids_.clear();
  }
  if (!tree_.Insert(id, b)) {
    Drop(DropReason::kTreeFull);
    return;
  }
  proposal_seen_round_ = b.round;
  considered_ids_.push_back(id);
  pending_vote_ = PendingVote{id, b.round, p.tc};
  out_.push_back(ValidatePayload{id, b.round, b.payload, b.payload_digest});
}

void Engine::OnPayloadChecked(const PayloadChecked& e) {
  if (!pending_vote_ || pending_vote_->block_id != e.block_id) return;  // stale answer
  PendingVote pending = std::move(*pending_vote_);
  pending_vote_.reset();
  if (!e.valid) {
    Drop(DropReason::kInvalidPayload);
    return;
  }
  const Block* block = tree_.Find(pending.block_id);
  if (block == nullptr) return;  // pruned by a commit on another fork meanwhile
  TryVote(*block, pending.block_id, pending.tc);
}

void Engine::TryVote(const Block& block, const BlockId& id, const std::optional<TimeoutCert>& tc) {
  if (block.round != round_ || recovering_) return;
  const bool vote_twice = MayVoteAgainInRound();
  if (block.round <= safety_.last_voted_round &&
      !(vote_twice && block.round == safety_.last_voted_round)) {
    return;
  }
  if (block.qc.round < safety_.preferred_round) return;
  bool direct = block.qc.round + 1 == block.round;
  bool via_tc = tc && tc->round + 1 == block.round && block.qc.round >= tc->MaxHighQcRound();
  if (!direct && !via_tc) return;
  const Block* parent = tree_.Find(block.parent_id());
  if (parent == nullptr) return;
  safety_.last_voted_round = block.round;
  safety_.preferred_round = std::max(safety_.preferred_round, parent->qc.round);
  TADORI_CHECK(safety_.preferred_round <= safety_.one_chain_round);
  out_.push_back(PersistBlock{block});
  out_.push_back(PersistSafety{safety_});
  Vote v;
  v.round = block.round;
  v.block_id = id;
  v.voter = config_.self;
  v.signature = signer_.Sign(VoteSigningBytes(config_.genesis_id, id, block.round));
  std::optional<ValidatorIndex> next = LeaderAfter(id, block.round + 1);
  TADORI_CHECK(next.has_value());  // the block is in the tree
  SendTo(*next, v);
}

void Engine::OnVote(const Vote& v) {
  if (v.round == 0 || v.round > kRoundMax || !config_.validators.Contains(v.voter)) {
    Drop(DropReason::kMalformed);
    return;
  }
  // A vote for a block not (yet) held here is counted: the QC it helps form is valid
  // whoever forms it, and the block is fetched when the QC needs it.
  if (std::optional<ValidatorIndex> next = LeaderAfter(v.block_id, v.round + 1);
      next && *next != config_.self) {
    Drop(DropReason::kNotNextLeader);
    return;
  }
  if (v.round + 1 < round_) {
    Drop(DropReason::kStaleRound);
    return;
  }
  if (v.round > round_ + kRoundWindow) {
    Drop(DropReason::kFutureRound);
    return;
  }
  RoundVotes& rv = votes_[v.round];
  if (rv.by_voter.empty()) rv.by_voter.resize(config_.validators.size());
  std::optional<Vote>& slot = rv.by_voter[v.voter];
  if (rv.certified && !slot) {
    AddLateVote(v);
    slot = v;  // counted once, whether it joined the QC or not
    return;
  }
  if (rv.certified || slot) {
    bool same = !slot || slot->block_id == v.block_id;
    Drop(same ? DropReason::kDuplicate : DropReason::kEquivocation);
    return;
  }
  if (!verifier_.Verify(v.voter, VoteSigningBytes(config_.genesis_id, v.block_id, v.round),
                        v.signature)) {
    Drop(DropReason::kBadSignature);
    return;
  }
  slot = v;
  Weight weight = 0;
  for (size_t i = 0; i < rv.by_voter.size(); ++i) {
    if (rv.by_voter[i] && rv.by_voter[i]->block_id == v.block_id) {
      weight += config_.validators.weight(static_cast<ValidatorIndex>(i));
    }
  }
  if (weight < config_.validators.quorum_weight()) return;
  QuorumCert qc;
  qc.round = v.round;
  qc.block_id = v.block_id;
  for (const std::optional<Vote>& s : rv.by_voter) {
    if (s && s->block_id == v.block_id) qc.signatures.push_back({s->voter, s->signature});
  }
  rv.certified = true;
  ObserveQc(qc);
  SyncRound();
}

void Engine::AddLateVote(const Vote& v) {
  QuorumCert& qc = safety_.high_qc;
  if (qc.round != v.round || qc.block_id != v.block_id || proposed_round_ >= round_ ||
      round_ != v.round + 1) {
    Drop(DropReason::kDuplicate);
    return;
  }
  if (!verifier_.Verify(v.voter, VoteSigningBytes(config_.genesis_id, v.block_id, v.round),
                        v.signature)) {
    Drop(DropReason::kBadSignature);
    return;
  }
  auto at = std::lower_bound(
      qc.signatures.begin(), qc.signatures.end(), v.voter,
      [](const QuorumCert::Signature& s, ValidatorIndex voter) { return s.signer < voter; });
  if (at != qc.signatures.end() && at->signer == v.voter) return;
  qc.signatures.insert(at, QuorumCert::Signature{v.voter, v.signature});
}

void Engine::OnTimeoutMessage(const Timeout& t) {
  if (t.round == 0 || t.round > kRoundMax || !config_.validators.Contains(t.sender) ||
      t.high_qc.round >= t.round || (t.last_round_tc && t.last_round_tc->round >= t.round)) {
    Drop(DropReason::kMalformed);
    return;
  }
  if (t.round < round_) {
    Drop(DropReason::kStaleRound);
    return;
  }
  Bytes signed_bytes = TimeoutSigningBytes(config_.genesis_id, t.round, t.high_qc.round);
  if (!verifier_.Verify(t.sender, signed_bytes, t.signature)) {
    Drop(DropReason::kBadSignature);
    return;
  }
  if (!checker_.CheckQc(t.high_qc) || (t.last_round_tc && !checker_.CheckTc(*t.last_round_tc))) {
    Drop(DropReason::kBadCertificate);
    return;
  }
  ObserveQc(t.high_qc);
  if (t.last_round_tc) ObserveTc(*t.last_round_tc);
  SyncRound();
  if (t.round < round_) {
    Drop(DropReason::kStaleRound);
    return;
  }
  if (t.round > round_ + kRoundWindow) {
    Drop(DropReason::kFutureRound);
    return;
  }
  RoundTimeouts& rt = timeouts_[t.round];
  if (rt.by_sender.empty()) rt.by_sender.resize(config_.validators.size());
  auto& slot = rt.by_sender[t.sender];
  if (rt.certified || slot) {
    bool same = !slot || slot->high_qc_round == t.high_qc.round;
    Drop(same ? DropReason::kDuplicate : DropReason::kEquivocation);
    return;
  }
  slot = TimeoutCert::Signature{t.sender, t.high_qc.round, t.signature};
  Weight weight = 0;
  for (size_t i = 0; i < rt.by_sender.size(); ++i) {
    if (rt.by_sender[i]) weight += config_.validators.weight(static_cast<ValidatorIndex>(i));
  }
  if (weight >= config_.validators.quorum_weight()) {
    TimeoutCert tc;
    tc.round = t.round;
    for (const auto& s : rt.by_sender) {
      if (s) tc.signatures.push_back(*s);
    }
    // Every counted timeout's QC went through ObserveQc, so ours is at least as high.
    tc.high_qc = safety_.high_qc;
    TADORI_CHECK(tc.high_qc.round >= tc.MaxHighQcRound() && tc.high_qc.round < tc.round);
    rt.certified = true;
    ObserveTc(tc);
    SyncRound();
    return;
  }
  // f+1 validators gave up on our round: at least one honest did, so join them (Bracha).
  if (t.round == round_ && !timed_out_ && weight >= config_.validators.honest_weight()) {
    LocalTimeout();
  }
}

void Engine::OnTimer(Round round) {
  if (round != round_) return;  // a timer for a round we already left
  LocalTimeout();
}

void Engine::LocalTimeout() {
  out_.push_back(SetTimer{round_, RoundTimeoutMs()});
  if (timed_out_) {
    if (my_timeout_) out_.push_back(Broadcast{*my_timeout_});
    return;
  }
  if (round_ < safety_.last_voted_round) return;  // cannot happen after a clean restart
  bool tc_justified = safety_.high_tc && safety_.high_tc->round + 1 == round_;
  TADORI_CHECK(safety_.high_qc.round + 1 == round_ || tc_justified);
  safety_.last_voted_round = round_;
  timed_out_ = true;
  Timeout t;
  t.round = round_;
  t.sender = config_.self;
  t.high_qc = safety_.high_qc;
  if (tc_justified) t.last_round_tc = safety_.high_tc;
  t.signature = signer_.Sign(TimeoutSigningBytes(config_.genesis_id, t.round, t.high_qc.round));
  out_.push_back(PersistSafety{safety_});
  my_timeout_ = EncodeMessage(t);
  out_.push_back(Broadcast{*my_timeout_});
  self_queue_.emplace_back(config_.self, std::move(t));
}

void Engine::ObserveQc(const QuorumCert& qc) {
  RecoverOnCertificate(qc.round);
  if (qc.round > safety_.high_qc.round) {
    safety_.high_qc = qc;
    safety_.one_chain_round = qc.round;
  }
  TryCommit(qc);
}

void Engine::ObserveTc(const TimeoutCert& tc) {
  RecoverOnCertificate(tc.round);
  ObserveQc(tc.high_qc);
  if (!safety_.high_tc || tc.round > safety_.high_tc->round) safety_.high_tc = tc;
}

void Engine::SyncRound() {
  Round tc_round = safety_.high_tc ? safety_.high_tc->round : 0;
  AdvanceRound(std::max(safety_.high_qc.round, tc_round) + 1);
  // A higher QC within the round (the round came from a TC) moves the anchor the leader
  // is read from, and the block a leader would extend: decide again unless proposed.
  if (leadership_anchor_ != safety_.high_qc.block_id && proposed_round_ < round_) {
    leader_known_ = false;
    leads_round_ = false;
    pending_payload_.reset();
    DecideLeadership();
  }
}

void Engine::TryCommit(const QuorumCert& qc) {
  const Block* child = tree_.Find(qc.block_id);
  if (qc.round == 0 || child == nullptr || child->round != qc.round) return;
  BlockId final_id = child->parent_id();
  if (CommitsOnOneChain()) {
    final_id = qc.block_id;  // a planted bug: a QC alone is taken as final
  } else {
    const Block* parent = tree_.Find(final_id);
    if (parent == nullptr || parent->round + 1 != child->round) return;
  }
  if (tree_.Find(final_id)->height <= tree_.root().height) return;
  std::vector<BlockId> path = tree_.PathFromRoot(final_id);
  if (path.empty()) {
    Drop(DropReason::kConflictingCommit);
    return;
  }
  Commit commit;
  for (const BlockId& id : path) {
    commit.blocks.push_back(*tree_.Find(id));
    RecordCommitted(commit.blocks.back());
  }
  commit.proof = qc;
  commit.final_qc = final_id == qc.block_id ? qc : child->qc;
  TADORI_CHECK(commit.final_qc.block_id == final_id);
  TADORI_CHECK(commit.blocks.front().height == tree_.root().height + 1);
  tree_.AdvanceRoot(final_id);
  out_.push_back(std::move(commit));
}

void Engine::AdvanceRound(Round round) {
  if (round <= round_) return;
  round_ = round;
  timed_out_ = false;
  my_timeout_.reset();
  pending_vote_.reset();
  pending_payload_.reset();
  if (waiting_proposal_ && waiting_proposal_->second.block.round < round_) {
    waiting_proposal_.reset();
  }
  votes_.erase(votes_.begin(), votes_.lower_bound(round_ - 1));
  timeouts_.erase(timeouts_.begin(), timeouts_.lower_bound(round_));
  out_.push_back(SetTimer{round_, RoundTimeoutMs()});
  leader_known_ = false;
  leads_round_ = false;
  DecideLeadership();
}

void Engine::DecideLeadership() {
  if (leader_known_) return;
  const QuorumCert& qc = safety_.high_qc;
  leadership_anchor_ = qc.block_id;
  const Block* parent = tree_.Find(qc.block_id);
  if (parent == nullptr) {
    // Who leads depends on the chain ending at the high QC's block, and a leader needs that
    // block to build its payload: ask a validator that certified it, or all of them when the
    // votes came here (this validator is then probably the leader).
    auto formed = votes_.find(qc.round);
    const bool formed_here = formed != votes_.end() && formed->second.certified;
    ValidatorIndex peer = config_.self;
    for (const QuorumCert::Signature& s : qc.signatures) {
      if (s.signer != config_.self) {
        peer = s.signer;
        break;
      }
    }
    RequestFetch(peer, qc.block_id, formed_here);
    return;
  }
  leader_known_ = true;
  std::optional<ValidatorIndex> leader = LeaderAfter(qc.block_id, round_);
  TADORI_CHECK(leader.has_value());
  leads_round_ = *leader == config_.self;
  if (leads_round_) out_.push_back(RequestPayload{round_, parent->height + 1, qc.block_id});
}

void Engine::RecordCommitted(const Block& block) {
  committed_activity_.push_back(ChainActivity::Of(block));
  while (committed_activity_.size() > schedule_.history_blocks()) committed_activity_.pop_front();
}

const Schedule* Engine::ScheduleAt(const BlockId& anchor) const {
  const BlockId& at = SchedulesFromCommittedTip() ? tree_.root_id() : anchor;
  for (const auto& cached : schedule_cache_) {
    if (cached && cached->first == at) return &cached->second;
  }
  const Block* b = tree_.Find(at);
  if (b == nullptr) return nullptr;
  std::vector<ChainActivity> chain;
  while (b != nullptr && b != &tree_.root()) {
    chain.push_back(ChainActivity::Of(*b));
    b = tree_.Find(b->parent_id());
  }
  TADORI_CHECK(b != nullptr);  // every block in the tree descends from the root
  for (auto it = committed_activity_.rbegin(); it != committed_activity_.rend(); ++it) {
    chain.push_back(*it);
  }
  auto& slot = schedule_cache_[schedule_cache_next_];
  schedule_cache_next_ = (schedule_cache_next_ + 1) % schedule_cache_.size();
  slot.emplace(at, schedule_.Compute(chain));
  return &slot->second;
}

std::optional<ValidatorIndex> Engine::LeaderAfter(const BlockId& anchor, Round round) const {
  const Schedule* s = ScheduleAt(anchor);
  if (s == nullptr || round <= s->anchor_round) return std::nullopt;
  return schedule_.Leader(round, *s);
}

std::optional<Schedule> Engine::CurrentSchedule() const {
  const Schedule* s = ScheduleAt(safety_.high_qc.block_id);
  if (s == nullptr) return std::nullopt;
  return *s;
}

void Engine::OnPayloadReady(const PayloadReady& e) {
  if (e.round != round_ || !leads_round_ || proposed_round_ >= round_ ||
      e.payload.size() > kPayloadBytesMax) {
    return;  // stale or duplicate answer
  }
  pending_payload_ = e;
  Propose();
}

void Engine::Propose() {
  if (!pending_payload_ || pending_payload_->round != round_) return;
  const QuorumCert& qc = safety_.high_qc;
  const Block* parent = tree_.Find(qc.block_id);
  if (parent == nullptr) return;  // pruned by a conflicting commit: > f faulty
  Proposal p;
  p.block.round = round_;
  p.block.height = parent->height + 1;
  p.block.proposer = config_.self;
  p.block.payload_digest = pending_payload_->digest;
  p.block.payload = std::move(pending_payload_->payload);
  p.block.qc = qc;
  if (qc.round + 1 != round_) {
    TADORI_CHECK(safety_.high_tc && safety_.high_tc->round + 1 == round_);
    p.tc = safety_.high_tc;
  }
  BlockId id = p.block.ComputeId();
  p.signature = signer_.Sign(ProposalSigningBytes(config_.genesis_id, id, ProposalTcDigest(p.tc)));
  pending_payload_.reset();
  proposed_round_ = round_;
  out_.push_back(Broadcast{EncodeMessage(p)});
  self_queue_.emplace_back(config_.self, std::move(p));
}

void Engine::RequestFetch(ValidatorIndex peer, const BlockId& target, bool every_peer) {
  if (peer == config_.self) {
    peer = static_cast<ValidatorIndex>((peer + 1) % config_.validators.size());
  }
  // Once per target, round and peer: a request to one validator (which may not hold the
  // block) must not stop the request to another (the proposer, who does).
  if (!last_fetch_ || last_fetch_->target != target || last_fetch_->round != round_) {
    last_fetch_ = FetchesSent{target, round_, false, std::vector<bool>(config_.validators.size())};
  } else if (last_fetch_->every_peer || (!every_peer && last_fetch_->asked[peer])) {
    return;
  }
  if (every_peer) {
    last_fetch_->every_peer = true;
  } else {
    last_fetch_->asked[peer] = true;
  }
  for (size_t v = 0; v < config_.validators.size(); ++v) {
    const auto asked = static_cast<ValidatorIndex>(v);
    if (asked != config_.self && (every_peer || asked == peer)) fetches_[asked] = target;
  }
  out_.push_back(Fetch{peer, every_peer, SyncRequest{target, tree_.root().height}});
}

// Recovery. A validator that lost its safety state (step.h) cannot know in which rounds it
// voted before. It stays out of votes until a verified certificate at least kRecoveryRounds
// above the first one it heard shows that the network has moved on while it listened, and
// takes every round up to that certificate's as voted: it votes again from the round the
// certificate opens. If the first certificate it heard was at least the one that let it
// vote last before the loss (r* - 1 for its last vote in r*), it never votes twice in a
// round. Certificates cannot be forged, so no peer can end the wait with a round the network
// has not reached; stale ones replayed to it can shorten the margin, which is why this
// narrows, but cannot close, the window in which a validator with a lost disk could vote
// twice: such a node counts among the f faulty. A brand-new network pays one round timeout
// (every validator starts this way, and the first timeout certificate ends the wait).
void Engine::RecoverOnCertificate(Round certificate_round) {
  if (!recovering_) return;
  if (!recovery_floor_) {
    recovery_floor_ = certificate_round + kRecoveryRounds;
    return;
  }
  if (certificate_round < *recovery_floor_) return;
  recovering_ = false;
  safety_.last_voted_round = std::max(safety_.last_voted_round, certificate_round);
  out_.push_back(PersistSafety{safety_});
}

bool Engine::SyncBlockCertified(const SyncResponse& r, size_t i, const BlockId& id,
                                const BlockId& asked) {
  if (id == asked || id == safety_.high_qc.block_id) return true;  // ids from verified QCs
  if (i + 1 >= r.blocks.size()) return false;
  const QuorumCert& qc = r.blocks[i + 1].qc;
  if (qc.block_id != id || qc.round != r.blocks[i].round) return false;
  if (CertifiesSyncBlocksByParentLink()) return true;  // a planted bug
  if (!checker_.CheckQc(qc)) {
    Drop(DropReason::kBadCertificate);
    return false;
  }
  return true;
}

void Engine::OnSyncResponse(ValidatorIndex from, SyncResponse r) {
  // Only answers to a request this node sent to `from`, one answer per request: unasked
  // responses cannot fill the tree or cost this node certificate checks.
  auto asked = fetches_.find(from);
  if (asked == fetches_.end()) {
    Drop(DropReason::kUnsolicited);
    return;
  }
  const BlockId target = asked->second;
  fetches_.erase(asked);
  for (size_t i = 0; i < r.blocks.size(); ++i) {
    Block& b = r.blocks[i];
    if (b.height <= tree_.root().height) continue;
    if (b.round == 0 || b.round > kRoundMax || b.qc.round >= b.round) {
      Drop(DropReason::kMalformed);
      break;
    }
    BlockId id = b.ComputeId();
    if (tree_.Find(id) != nullptr) continue;
    // Only certified blocks enter the tree, and a block counts as certified only by a QC
    // that verifies: a forged "next block" naming it as parent proves nothing.
    if (!SyncBlockCertified(r, i, id, target)) break;
    const Block* parent = tree_.Find(b.parent_id());
    if (parent == nullptr || parent->height + 1 != b.height || parent->round != b.qc.round) {
      Drop(DropReason::kBadChain);
      break;
    }
    if (!checker_.CheckQc(b.qc)) {
      Drop(DropReason::kBadCertificate);
      break;
    }
    if (!tree_.Insert(id, b)) {
      Drop(DropReason::kTreeFull);
      break;
    }
    ObserveQc(b.qc);
    if (safety_.high_qc.block_id == id) TryCommit(safety_.high_qc);
  }
  SyncRound();
  DecideLeadership();
  bool batch_full = r.blocks.size() >= kSyncBlocksMax;
  if (waiting_proposal_) {
    const BlockId& parent_id = waiting_proposal_->second.block.parent_id();
    if (tree_.Find(parent_id) != nullptr) {
      auto [proposer, p] = std::move(*waiting_proposal_);
      waiting_proposal_.reset();
      OnProposal(proposer, std::move(p));
    } else if (batch_full) {
      last_fetch_.reset();
      RequestFetch(from, parent_id);
    }
  }
  if (pending_payload_) {
    if (tree_.Find(safety_.high_qc.block_id) != nullptr) {
      Propose();
    } else if (batch_full) {
      last_fetch_.reset();
      RequestFetch(from, safety_.high_qc.block_id);
    }
  }
}

uint64_t Engine::RoundTimeoutMs() const {
  // The first round without a QC keeps the base timeout: one crashed leader costs its own
  // round and the round before it (whose votes went to it), and the second of those is no
  // sign that the network is slower than the timeout. Doubling starts after that.
  uint64_t rounds_without_qc = round_ - 1 - std::min(round_ - 1, safety_.high_qc.round);
  uint64_t doublings =
      std::min<uint64_t>(rounds_without_qc - std::min<uint64_t>(rounds_without_qc, 1),
                         config_.round_timeout_doublings_max);
  uint64_t ms = config_.round_timeout_ms_base << doublings;
  return std::min(ms, config_.round_timeout_ms_max);
}

void Engine::SendTo(ValidatorIndex to, const Message& m) {
  if (to == config_.self) {
    self_queue_.emplace_back(config_.self, m);
  } else {
    out_.push_back(Send{to, EncodeMessage(m)});
  }
}

std::vector<Block> Engine::UncommittedPath(const BlockId& target) const {
  std::vector<Block> path;
  for (const BlockId& id : tree_.PathFromRoot(target)) path.push_back(*tree_.Find(id));
  return path;
}

SyncResponse Engine::ServeSync(const SyncRequest& request, const CommittedBlocks& store) const {
  SyncResponse r;
  size_t bytes = 0;
  auto add = [&](const Block& b) {
    Bytes encoded;
    EncodeBlock(encoded, b);
    if (r.blocks.size() >= kSyncBlocksMax || bytes + encoded.size() > kSyncResponseBytesMax) {
      return false;
    }
    bytes += encoded.size();
    r.blocks.push_back(b);
    return true;
  };
  Height h = request.committed_height + 1;
  for (; h <= tree_.root().height; ++h) {
    const Block* b = store.AtHeight(h);
    if (b == nullptr || !add(*b)) return r;
  }
  for (const BlockId& id : tree_.PathFromRoot(request.target)) {
    const Block* b = tree_.Find(id);
    if (b->height < h) continue;
    if (!add(*b)) break;
  }
  return r;
}

}  // namespace tadori::consensus
