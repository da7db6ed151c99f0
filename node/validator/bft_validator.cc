#include "node/validator/bft_validator.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "consensus/codec.h"
#include "consensus/ledger_certificate.h"
#include "consensus/safety_state.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/merkle.h"
#include "ledger/wall_clock.h"
#include "node/validator/executor.h"

namespace tadori {

namespace {

using consensus::Engine;

// How far ahead of this node's clock a proposed block time may be. Block time only orders
// events for chaincode, so a generous bound costs nothing and tolerates unsynced clocks.
constexpr int64_t kBlockClockSkewMaxMs = 30'000;
// A node this many blocks behind the highest certified block it knows of is catching up.
constexpr uint64_t kSyncingLagBlocks = 3;

std::vector<PublicKey> ConsensusKeys(const GenesisInfo& genesis) {
  std::vector<PublicKey> keys;
  for (size_t i = 0; i < genesis.validators.size(); ++i) keys.push_back(genesis.validators.key(i));
  return keys;
}

}  // namespace

BftValidator::BftValidator(Store& store, Mempool& mempool, CommitFeed& feed,
                           const GenesisInfo& genesis, size_t self, PrivateKey key,
                           BftValidatorOptions options)
    : store_(store),
      mempool_(mempool),
      feed_(feed),
      genesis_(genesis),
      self_(self),
      options_(options),
      key_id_(key.public_key().id()),
      signer_(std::move(key)),
      verifier_(ConsensusKeys(genesis)),
      genesis_id_(consensus::ConsensusGenesis(genesis).ComputeId()),
      block_admission_(genesis.genesis.chain_id(), store, mempool),
      gossip_admission_(genesis.genesis.chain_id(), store, mempool) {
  TADORI_CHECK(self_ < genesis_.validators.size());
  TADORI_CHECK(genesis_.validators.key(self_).id() == key_id_);
  TADORI_CHECK(options_.idle_block_interval_ms < options_.round_timeout_ms);
  consensus::EngineConfig config;
  config.validators = consensus::ValidatorSet::Equal(genesis_.validators.size());  // genesis.h
  config.self = static_cast<consensus::ValidatorIndex>(self_);
  config.genesis_id = genesis_id_;
  config.round_timeout_ms_base = options_.round_timeout_ms;
  // Doubling stops at 8x: after a halt (a quorum down), rounds resume within a few seconds
  // of the validators coming back instead of waiting out a minute-long timer.
  config.round_timeout_ms_max = options_.round_timeout_ms * 8;
  engine_ = std::make_unique<Engine>(config, signer_, verifier_);
}

BftValidator::~BftValidator() {
  Stop();
}

Status BftValidator::Start(PeerTransport& network) {
  TADORI_CHECK(!thread_.joinable());
  network_ = &network;
  consensus::Started started;
  TADORI_ASSIGN_OR_RETURN(std::optional<Bytes> safety_bytes, store_.GetSafetyState());
  if (safety_bytes) {
    TADORI_ASSIGN_OR_RETURN(started.safety, consensus::DecodeSafetyState(*safety_bytes));
  } else {
    started.safety = consensus::SafetyState::Initial(genesis_id_);
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
  TADORI_ASSIGN_OR_RETURN(std::vector<Bytes> pending, store_.PendingBlocks());
  for (const Bytes& bytes : pending) {
    consensus::ByteReader in(bytes);
    consensus::Block block;
    if (consensus::DecodeBlock(in, block).ok() && in.remaining() == 0) {
      started.pending.push_back(std::move(block));
    }
  }
  spdlog::info("validator {} starting at height {} (last voted round {}, {} pending blocks)",
               genesis_.genesis.validators(static_cast<int>(self_)).id(), height,
               started.safety.last_voted_round, started.pending.size());
  Step(started);
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void BftValidator::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BftValidator::OnFrame(size_t from, v1::PeerFrame frame) {
  if (frame.has_txs()) {
    // Relayed transactions pass admission here, on the network thread that received them,
    // so signature checks run beside the event loop instead of in it.
    uint64_t admitted = 0, refused = 0;
    for (const v1::SignedTransaction& wire : frame.txs().txs()) {
      Result<DecodedTransaction> tx = gossip_admission_.Check(wire);
      if (tx.ok() && mempool_.Add(std::move(*tx)).ok()) {
        ++admitted;
      } else if (!tx.ok() && tx.status().code() != Code::kAlreadyExists) {
        ++refused;
      }
    }
    std::lock_guard lock(mu_);
    stats_.gossip_admitted += admitted;
    stats_.gossip_refused += refused;
    if (mempool_.size() >= options_.block_tx_max) wake_ = true;
  } else if (frame.kind_case() == v1::PeerFrame::kConsensus) {
    std::lock_guard lock(mu_);
    if (inbox_.size() >= options_.inbox_max) {
      ++stats_.inbox_overflow;
      return;
    }
    const std::string& bytes = frame.consensus();
    inbox_.push_back(Inbound{from, Bytes(bytes.begin(), bytes.end())});
  } else {
    return;
  }
  cv_.notify_one();
}

void BftValidator::OnAdmitted(const v1::SignedTransaction& tx) {
  {
    std::lock_guard lock(mu_);
    gossip_out_.push_back(tx);
    if (gossip_out_.size() < options_.gossip_batch_max / 4 &&
        mempool_.size() < options_.block_tx_max) {
      return;  // the loop flushes small batches on its next turn
    }
    wake_ = true;
  }
  cv_.notify_one();
}

Status BftValidator::failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

BftValidator::Stats BftValidator::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void BftValidator::Fail(const Status& status) {
  spdlog::critical("validator halted: {}", status.ToString());
  halted_ = true;
  std::lock_guard lock(mu_);
  if (failure_.ok()) failure_ = status;
  stop_ = true;
}

void BftValidator::Run() {
  // Small batches of relayed transactions leave at least this often.
  constexpr auto kGossipFlushInterval = std::chrono::milliseconds(5);
  while (!halted_) {
    std::deque<Inbound> inbox;
    {
      std::unique_lock lock(mu_);
      Clock::time_point wake_at = Clock::now() + kGossipFlushInterval;
      if (gossip_out_.empty()) wake_at = Clock::now() + std::chrono::milliseconds(100);
      if (timer_) wake_at = std::min(wake_at, timer_->second);
      if (payload_request_) {
        wake_at = std::min(wake_at, payload_request_->since +
                                        std::chrono::milliseconds(options_.block_interval_ms));
      }
      cv_.wait_until(lock, wake_at, [&] { return stop_ || wake_ || !inbox_.empty(); });
      if (stop_) return;
      wake_ = false;
      inbox.swap(inbox_);
    }
    for (Inbound& in : inbox) {
      if (halted_) return;
      OnConsensusBytes(in.from, std::move(in.bytes));
    }
    const Clock::time_point now = Clock::now();
    if (timer_ && timer_->second <= now) {
      const consensus::Round round = timer_->first;
      timer_.reset();
      spdlog::debug("round {} timed out", round);
      Step(consensus::TimerFired{round});
    }
    if (payload_request_) {
      std::optional<consensus::PayloadReady> ready = TryBuildPayload(now);
      if (ready) Step(*ready);
    }
    ResendTimeoutToNewPeers();
    FlushGossip();
    PublishStats();
  }
}

void BftValidator::OnConsensusBytes(size_t from, Bytes bytes) {
  if (!bytes.empty() && bytes[0] == static_cast<uint8_t>(consensus::MessageKind::kSyncRequest)) {
    Result<consensus::Message> m = consensus::DecodeMessage(bytes);
    if (!m.ok() || !std::holds_alternative<consensus::SyncRequest>(*m)) return;
    // Committed blocks come from the store, rebuilt into consensus blocks with their QCs.
    class StoredBlocks final : public Engine::CommittedBlocks {
     public:
      explicit StoredBlocks(const Store& store) : store_(store) {}
      const consensus::Block* AtHeight(consensus::Height height) const override {
        Result<v1::Block> stored = store_.GetBlock(height);
        if (!stored.ok()) return nullptr;
        Result<consensus::Block> block = consensus::ConsensusBlockOf(*stored);
        if (!block.ok()) return nullptr;
        kept_.push_back(std::move(*block));
        return &kept_.back();
      }

     private:
      const Store& store_;
      mutable std::deque<consensus::Block> kept_;  // stable addresses for the call
    };
    StoredBlocks stored(store_);
    consensus::SyncResponse response =
        engine_->ServeSync(std::get<consensus::SyncRequest>(*m), stored);
    SendFrame(from, consensus::EncodeMessage(response));
    return;
  }
  Step(consensus::MessageReceived{static_cast<consensus::ValidatorIndex>(from), std::move(bytes)});
}

void BftValidator::Step(const consensus::Event& event) {
  std::deque<consensus::Event> follow_ups;
  Apply(engine_->Step(event), follow_ups);
  while (!follow_ups.empty() && !halted_) {
    consensus::Event next = std::move(follow_ups.front());
    follow_ups.pop_front();
    Apply(engine_->Step(next), follow_ups);
  }
}

void BftValidator::Apply(consensus::Actions actions, std::deque<consensus::Event>& follow_ups) {
  for (consensus::Action& action : actions) {
    if (halted_) return;
    if (auto* a = std::get_if<consensus::PersistSafety>(&action)) {
      Status s = store_.PutSafetyState(consensus::EncodeSafetyState(a->safety));
      if (!s.ok()) return Fail(s.WithContext("persisting safety state"));
    } else if (auto* a = std::get_if<consensus::PersistBlock>(&action)) {
      Bytes encoded;
      consensus::EncodeBlock(encoded, a->block);
      Status s = store_.PutPendingBlock(a->block.height, a->block.ComputeId(), encoded);
      if (!s.ok()) return Fail(s.WithContext("persisting a pending block"));
    } else if (auto* a = std::get_if<consensus::Send>(&action)) {
      SendFrame(a->to, a->message);
    } else if (auto* a = std::get_if<consensus::Broadcast>(&action)) {
      if (!a->message.empty() &&
          a->message[0] == static_cast<uint8_t>(consensus::MessageKind::kTimeout)) {
        last_timeout_ = a->message;
      }
      v1::PeerFrame frame;
      frame.set_consensus(std::string(a->message.begin(), a->message.end()));
      network_->Broadcast(frame);
    } else if (auto* a = std::get_if<consensus::Commit>(&action)) {
      CommitBlocks(*a);
    } else if (auto* a = std::get_if<consensus::SetTimer>(&action)) {
      timer_.emplace(a->round, Clock::now() + std::chrono::milliseconds(a->duration_ms));
    } else if (auto* a = std::get_if<consensus::Fetch>(&action)) {
      spdlog::debug("fetching up to {} above height {} from validator {}",
                    a->request.target.ShortHex(), a->request.committed_height, a->peer);
      SendFrame(a->peer, consensus::EncodeMessage(a->request));
    } else if (auto* a = std::get_if<consensus::RequestPayload>(&action)) {
      spdlog::debug("round {}: leading, parent {}", a->round, a->parent_id.ShortHex());
      payload_request_ = PayloadRequest{a->round, a->height, a->parent_id, Clock::now()};
      std::optional<consensus::PayloadReady> ready = TryBuildPayload(Clock::now());
      if (ready) follow_ups.push_back(std::move(*ready));
    } else if (auto* a = std::get_if<consensus::ValidatePayload>(&action)) {
      const bool valid = CheckPayload(*a);
      if (!valid) {
        std::lock_guard lock(mu_);
        ++stats_.payloads_refused;
      }
      follow_ups.push_back(consensus::PayloadChecked{a->block_id, valid});
    }
  }
}

void BftValidator::ResendTimeoutToNewPeers() {
  // A validator that (re)connects missed the timeouts sent while it was away; without them
  // it cannot join the round the others are stuck in until their timers fire again.
  const std::vector<size_t> now = network_->Connected();
  for (size_t peer : now) {
    if (connected_.insert(peer).second && last_timeout_) SendFrame(peer, *last_timeout_);
  }
  std::erase_if(connected_, [&](size_t peer) {
    return !std::binary_search(now.begin(), now.end(), peer);
  });
}

void BftValidator::SendFrame(size_t to, const Bytes& consensus_bytes) {
  v1::PeerFrame frame;
  frame.set_consensus(std::string(consensus_bytes.begin(), consensus_bytes.end()));
  network_->Send(to, frame);
}

const BftValidator::LedgerTip* BftValidator::TipOf(const consensus::Block& block,
                                                   const consensus::BlockId& id) {
  auto found = tips_.find(id);
  if (found != tips_.end()) return &found->second;
  LedgerTip tip;
  if (block.height == 0) {
    tip.hash = genesis_.hash;
    tip.timestamp_ms = genesis_.genesis.genesis_time_ms();
    tip.result_root = MerkleRoot({});
  } else {
    // A block this node did not check itself (fetched by sync, or kept across a restart).
    v1::Block payload;
    if (!payload.ParseFromArray(block.payload.data(), static_cast<int>(block.payload.size()))) {
      return nullptr;
    }
    Result<DecodedBlock> decoded = DecodeBlock(payload);
    if (!decoded.ok()) return nullptr;
    tip = TipFrom(*decoded);
  }
  return &tips_.emplace(id, std::move(tip)).first->second;
}

BftValidator::LedgerTip BftValidator::TipFrom(const DecodedBlock& block) {
  const v1::BlockHeader& h = block.header;
  // DecodeBlock checked prev_result_root is 32 bytes.
  LedgerTip tip{block.hash,
                h.timestamp_ms(),
                h.result_height(),
                Hash::FromBytes(AsBytes(h.prev_result_root())).value(),
                {}};
  for (const DecodedTransaction& tx : block.txs) tip.tx_ids.push_back(tx.id);
  return tip;
}

std::optional<std::set<Hash>> BftValidator::PendingTxIds(const consensus::BlockId& block_id) {
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

bool BftValidator::CheckPayload(const consensus::ValidatePayload& v) {
  first_seen_.emplace(v.block_id, Clock::now());
  const consensus::Block* block = engine_->FindBlock(v.block_id);
  if (block == nullptr || v.payload.size() > kBlockSizeBytesMax) return false;
  auto refuse = [&](const std::string& why) {
    spdlog::warn("refusing block {} (round {}) from validator {}: {}", block->height, block->round,
                 block->proposer, why);
    return false;
  };
  v1::Block proposed;
  if (!proposed.ParseFromArray(v.payload.data(), static_cast<int>(v.payload.size()))) {
    return refuse("payload does not parse");
  }
  if (proposed.signatures_size() != 0 || !proposed.certificate().empty()) {
    return refuse("payload carries signatures or a certificate");
  }
  // Canonical bytes only: a committed block is stored as parsed and rebuilt from that for
  // peers (ConsensusBlockOf), so its payload must re-serialize to exactly what was certified.
  if (proposed.SerializeAsString() !=
      std::string_view(reinterpret_cast<const char*>(v.payload.data()), v.payload.size())) {
    return refuse("payload is not in canonical encoding");
  }
  Result<DecodedBlock> decoded = DecodeBlock(proposed);
  if (!decoded.ok()) return refuse(decoded.status().ToString());
  const v1::BlockHeader& h = decoded->header;
  if (decoded->hash != v.digest) return refuse("payload digest is not the block hash");
  if (h.height() != block->height || h.round() != block->round) {
    return refuse("header height/round differ from the consensus block");
  }
  if (h.proposer() != genesis_.validators.key(block->proposer).id().ToBinaryString()) {
    return refuse("header proposer is not the consensus proposer");
  }
  const consensus::Block* parent = engine_->FindBlock(block->parent_id());
  if (parent == nullptr) return refuse("unknown parent");
  const LedgerTip* parent_tip = TipOf(*parent, block->parent_id());
  if (parent_tip == nullptr) return refuse("parent payload unreadable");
  Status link =
      CheckBlockLink(*decoded, genesis_.genesis.chain_id(), parent->height, parent_tip->hash);
  if (!link.ok()) return refuse(link.ToString());
  if (h.timestamp_ms() < parent_tip->timestamp_ms ||
      h.timestamp_ms() > WallClockMs() + kBlockClockSkewMaxMs) {
    return refuse("block time before its parent's or too far ahead");
  }
  if (h.result_height() < parent_tip->result_height) {
    return refuse("result_height below the parent's");
  }
  if (h.result_height() <= store_.Height()) {
    Result<Hash> root = store_.ResultRootAt(h.result_height());
    if (!root.ok() || root->ToBinaryString() != h.prev_result_root()) {
      return refuse("result root of block " + std::to_string(h.result_height()) +
                    " differs from this node's");
    }
  }
  Status fresh = CheckBlockTransactions(*decoded, genesis_.genesis.chain_id());
  if (!fresh.ok()) return refuse(fresh.ToString());
  std::optional<std::set<Hash>> pending = PendingTxIds(block->parent_id());
  if (!pending) return refuse("ancestors unreadable");
  for (const DecodedTransaction& tx : decoded->txs) {
    if (pending->count(tx.id)) return refuse("tx " + tx.id.ShortHex() + " is in an ancestor");
    if (store_.FindTransaction(tx.id).ok()) {
      return refuse("tx " + tx.id.ShortHex() + " already committed");
    }
    if (mempool_.ContainsExact(tx)) continue;  // admitted here: signature already checked
    Status signer = block_admission_.CheckSigner(tx);
    if (!signer.ok()) return refuse("tx " + tx.id.ShortHex() + ": " + signer.ToString());
  }
  // Keep what was decoded: children check against it, and the commit reuses it.
  tips_.insert_or_assign(v.block_id, TipFrom(*decoded));
  checked_.insert_or_assign(v.block_id, std::move(*decoded));
  return true;
}

std::optional<consensus::PayloadReady> BftValidator::TryBuildPayload(Clock::time_point now) {
  const PayloadRequest request = *payload_request_;
  payload_request_.reset();  // put back below while the batching policy says wait
  if (request.round != engine_->current_round()) return std::nullopt;  // stale
  const consensus::Block* parent = engine_->FindBlock(request.parent_id);
  if (parent == nullptr) {
    // The ledger block names its parent's hash, so there is no payload without the parent:
    // ask every peer for it (the engine accepts it, being its high QC's block) and wait.
    if (!request.fetched) {
      spdlog::debug("round {}: fetching the parent {} to propose on", request.round,
                    request.parent_id.ShortHex());
      v1::PeerFrame frame;
      const Bytes ask = consensus::EncodeMessage(
          consensus::SyncRequest{request.parent_id, engine_->committed_tip().height});
      frame.set_consensus(std::string(ask.begin(), ask.end()));
      network_->Broadcast(frame);
    }
    payload_request_ = request;
    payload_request_->fetched = true;
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
  std::vector<DecodedTransaction> txs = mempool_.Select(
      options_.block_tx_max, options_.block_bytes_max, [&](const DecodedTransaction& tx) {
        return pending->count(tx.id) > 0 || tx.body.valid_until_height() < height;
      });
  const auto waited = now - request.since;
  const bool full = txs.size() >= options_.block_tx_max;
  const bool interval_passed = waited >= std::chrono::milliseconds(options_.block_interval_ms);
  const bool idle_passed = waited >= std::chrono::milliseconds(options_.idle_block_interval_ms);
  if (!full && !(interval_passed && (!txs.empty() || !pending->empty())) && !idle_passed) {
    payload_request_ = request;
    return std::nullopt;
  }

  BlockDraft draft;
  draft.chain_id = genesis_.genesis.chain_id();
  draft.height = height;
  draft.round = request.round;
  draft.prev_hash = parent_tip->hash;
  if (store_.Height() >= parent_tip->result_height) {
    // The newest root of our own execution.
    draft.result_height = store_.Height();
    Result<Hash> root = store_.ResultRootAt(draft.result_height);
    if (!root.ok()) {
      Fail(root.status().WithContext("reading the result root to propose"));
      return std::nullopt;
    }
    draft.prev_result_root = *root;
  } else {
    // Behind the parent's proposer: repeat its claim rather than wait, since the block that
    // would let us execute that far may be the one we are to propose. We check the claim
    // ourselves when we commit this block (Store::CommitBlock).
    draft.result_height = parent_tip->result_height;
    draft.prev_result_root = parent_tip->result_root;
  }
  draft.proposer = key_id_;
  last_timestamp_ms_ = std::max({last_timestamp_ms_, parent_tip->timestamp_ms, WallClockMs()});
  draft.timestamp_ms = last_timestamp_ms_;
  draft.txs = std::move(txs);
  DecodedBlock built = BuildBlock(draft);
  spdlog::debug("proposing height {} round {} with {} transactions", height, request.round,
                built.txs.size());
  const std::string payload = built.block.SerializeAsString();
  return consensus::PayloadReady{request.round, Bytes(payload.begin(), payload.end()), built.hash};
}

void BftValidator::CommitBlocks(const consensus::Commit& commit) {
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
    const Bytes certificate = consensus::EncodeLedgerCertificate(block, *qc);
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
    decoded->block.set_certificate(std::string(certificate.begin(), certificate.end()));
    const uint64_t height = decoded->header.height();
    Result<ExecutedBlock> executed =
        ExecuteBlock(store_.state(), height, decoded->header.timestamp_ms(), decoded->txs);
    if (!executed.ok()) return Fail(executed.status());
    Status s = store_.CommitBlock(*decoded, executed->results, executed->writes, executed->index,
                                  /*sync=*/true);
    if (!s.ok()) return Fail(s.WithContext("committing block " + std::to_string(height)));

    std::vector<Hash> ids;
    std::vector<v1::TxResult> results;
    ids.reserve(decoded->txs.size());
    for (size_t t = 0; t < decoded->txs.size(); ++t) {
      ids.push_back(decoded->txs[t].id);
      results.push_back(executed->results.results(static_cast<int>(t)));
    }
    spdlog::debug("committed height {} round {} with {} transactions", height, block.round,
                  ids.size());
    feed_.Publish(height, ids, results);
    mempool_.Remove(ids);
    auto seen = first_seen_.find(id);
    if (seen != first_seen_.end()) {
      if (options_.observe_commit_latency) {
        options_.observe_commit_latency(
            std::chrono::duration<double>(Clock::now() - seen->second).count());
      }
    }
    std::lock_guard lock(mu_);
    stats_.committed_blocks += 1;
    stats_.committed_txs += ids.size();
  }
  const uint64_t height = store_.Height();
  Status erased = store_.ErasePendingBlocksThrough(height);
  if (!erased.ok()) spdlog::warn("erasing pending blocks: {}", erased.ToString());
  mempool_.EvictExpired(height);
  // Forget what is at or below the new committed height.
  const consensus::Height committed = engine_->committed_tip().height;
  for (auto it = tips_.begin(); it != tips_.end();) {
    const consensus::Block* b = engine_->FindBlock(it->first);
    it = (b == nullptr || b->height < committed) ? tips_.erase(it) : std::next(it);
  }
  for (auto it = first_seen_.begin(); it != first_seen_.end();) {
    it = engine_->FindBlock(it->first) == nullptr ? first_seen_.erase(it) : std::next(it);
  }
  for (auto it = checked_.begin(); it != checked_.end();) {
    it = engine_->FindBlock(it->first) == nullptr ? checked_.erase(it) : std::next(it);
  }
}

void BftValidator::FlushGossip() {
  std::vector<v1::SignedTransaction> out;
  {
    std::lock_guard lock(mu_);
    out.swap(gossip_out_);
  }
  for (size_t start = 0; start < out.size(); start += options_.gossip_batch_max) {
    v1::PeerFrame frame;
    const size_t end = std::min(out.size(), start + options_.gossip_batch_max);
    for (size_t i = start; i < end; ++i) *frame.mutable_txs()->add_txs() = std::move(out[i]);
    network_->Broadcast(frame);
  }
}

void BftValidator::PublishStats() {
  const consensus::Block* high = engine_->FindBlock(engine_->safety().high_qc.block_id);
  const uint64_t height = store_.Height();
  const bool syncing = high == nullptr || high->height > height + kSyncingLagBlocks;
  std::lock_guard lock(mu_);
  stats_.round = engine_->current_round();
  stats_.syncing = syncing;
  for (size_t r = 0; r < stats_.drops.size(); ++r) {
    stats_.drops[r] = engine_->drops(static_cast<consensus::DropReason>(r));
  }
}

}  // namespace tadori
