#include "node/validator/bft_validator.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "consensus/codec.h"
#include "ledger/check.h"

namespace tadori {

namespace {

// Relayed transactions leave in batches at least this often, and the loop looks at the
// clock at least this often when idle.
constexpr int64_t kGossipFlushMs = 5;
constexpr int64_t kIdleWakeMs = 100;
// Messages handled per turn of the loop before it looks at its timers again.
constexpr size_t kMessagesPerTurnMax = 256;

bool IsSyncRequest(const std::string& bytes) {
  return !bytes.empty() && static_cast<uint8_t>(bytes[0]) ==
                               static_cast<uint8_t>(consensus::MessageKind::kSyncRequest);
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
      key_(std::move(key)),
      options_(std::move(options)),
      relay_(genesis, self, key_, store, mempool),
      inbox_(genesis.validators.size(), options_.inbox) {
  TADORI_CHECK(self_ < genesis_.validators.size());
}

BftValidator::~BftValidator() {
  Stop();
}

Status BftValidator::Start(PeerTransport& network) {
  TADORI_CHECK(!loop_.joinable() && core_ == nullptr);
  core_ = std::make_unique<ValidatorCore>(store_, mempool_, feed_, genesis_, self_, key_,
                                          options_.validator, clock_, network);
  TADORI_RETURN_IF_ERROR(core_->Start());
  network_.store(&network);
  auto sync = std::make_unique<SyncServer>(
      store_, genesis_.validators.size(), clock_, network,
      [this](const consensus::BlockId& target) {
        std::lock_guard lock(core_mu_);
        return core_->UncommittedPath(target);
      },
      options_.sync);
  {
    // OnFrame and stats() may already run (the daemon's network starts first).
    std::lock_guard lock(mu_);
    sync_ = std::move(sync);
    core_stats_ = core_->stats();
  }
  loop_ = std::thread([this] { RunLoop(); });
  sync_thread_ = std::thread([this] { RunSyncServer(); });
  return Status::Ok();
}

void BftValidator::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  loop_cv_.notify_all();
  sync_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  if (sync_thread_.joinable()) sync_thread_.join();
}

void BftValidator::OnFrame(size_t from, v1::PeerFrame frame) {
  if (from >= genesis_.validators.size() || from == self_) return;
  if (frame.has_txs() || frame.has_attestation()) {
    const bool mempool_was_empty = mempool_.size() == 0;
    if (frame.has_txs()) {
      TxRelay::Outgoing attestations =
          relay_.Intake(from, std::move(*frame.mutable_txs()), clock_.SteadyMs());
      // Before Start there is no transport yet: receivers then wait out the batch and verify.
      PeerTransport* network = network_.load();
      if (network != nullptr) {
        for (const auto& [to, attestation] : attestations) network->Send(to, attestation);
      }
    } else {
      relay_.IntakeAttestation(from, frame.attestation());
    }
    // Wake the loop when the transactions are work it would otherwise sleep through: a
    // leader waiting to propose, a held round timer (the mempool was empty), a full block.
    if ((mempool_was_empty || proposal_waiting_.load(std::memory_order_relaxed) ||
         mempool_.size() >= options_.validator.batch.block_tx_max) &&
        mempool_.size() > 0) {
      {
        std::lock_guard lock(mu_);
        wake_ = true;
      }
      loop_cv_.notify_one();
    }
    return;
  }
  if (frame.kind_case() != v1::PeerFrame::kConsensus) return;
  std::string& bytes = *frame.mutable_consensus();
  if (IsSyncRequest(bytes)) {
    Result<consensus::Message> m = consensus::DecodeMessage(AsBytes(bytes));
    if (!m.ok() || !std::holds_alternative<consensus::SyncRequest>(*m)) return;
    {
      std::lock_guard lock(mu_);
      if (sync_ == nullptr || !sync_->Enqueue(from, std::get<consensus::SyncRequest>(*m))) return;
      sync_wake_ = true;
    }
    sync_cv_.notify_one();
    return;
  }
  {
    std::lock_guard lock(mu_);
    inbox_.Push(from, Bytes(bytes.begin(), bytes.end()));
  }
  loop_cv_.notify_one();
}

void BftValidator::OnAdmitted(const v1::SignedTransaction& tx) {
  {
    std::lock_guard lock(mu_);
    gossip_out_.push_back(tx);
    // A leader waiting to propose, or an idle validator (this is the only transaction: its
    // round timer may be held), acts on it now; others flush small batches on their next turn.
    if (gossip_out_.size() < options_.validator.gossip_batch_max / 4 &&
        mempool_.size() < options_.validator.batch.block_tx_max && mempool_.size() > 1 &&
        !proposal_waiting_.load(std::memory_order_relaxed)) {
      return;  // the loop flushes small batches on its next turn
    }
    wake_ = true;
  }
  loop_cv_.notify_one();
}

Status BftValidator::failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

BftValidator::Stats BftValidator::stats() const {
  Stats s;
  {
    std::lock_guard lock(mu_);
    s.core = core_stats_;
    s.inbox_dropped = inbox_.dropped();
    s.inbox_bytes = inbox_.bytes();
    if (sync_) {
      s.sync_served = sync_->served();
      s.sync_dropped = sync_->dropped();
    }
  }
  s.gossip_admitted = relay_.admitted();
  s.gossip_refused = relay_.refused();
  s.relay = relay_.stats();
  return s;
}

void BftValidator::Halt(const Status& status) {
  {
    std::lock_guard lock(mu_);
    if (failure_.ok()) failure_ = status;
    stop_ = true;
  }
  loop_cv_.notify_all();
  sync_cv_.notify_all();
}

void BftValidator::RunLoop() {
  for (;;) {
    std::vector<std::pair<size_t, Bytes>> messages;
    std::vector<v1::SignedTransaction> gossip;
    {
      int64_t wake_ms;
      {
        std::lock_guard core_lock(core_mu_);
        wake_ms = core_->NextWakeMs(kIdleWakeMs);
      }
      std::unique_lock lock(mu_);
      if (!gossip_out_.empty()) wake_ms = std::min(wake_ms, clock_.SteadyMs() + kGossipFlushMs);
      if (std::optional<int64_t> due = relay_.NextDueMs()) wake_ms = std::min(wake_ms, *due);
      const auto wait =
          std::chrono::milliseconds(std::max<int64_t>(0, wake_ms - clock_.SteadyMs()));
      loop_cv_.wait_for(lock, wait, [&] { return stop_ || wake_ || !inbox_.empty(); });
      if (stop_) return;
      wake_ = false;
      while (messages.size() < kMessagesPerTurnMax) {
        auto next = inbox_.Pop();
        if (!next) break;
        messages.push_back(std::move(*next));
      }
      gossip.swap(gossip_out_);
    }
    // Held batches whose attestations did not come in time are verified here, outside the
    // core's lock (the sync server reads the engine under it).
    relay_.OnTick(clock_.SteadyMs());
    Status halted;
    {
      std::lock_guard core_lock(core_mu_);
      for (auto& [from, bytes] : messages) core_->OnMessage(from, std::move(bytes));
      // Relay first: a proposal that carries these transactions then reaches each peer after
      // them on the same link, so the peer has checked them before it checks the block.
      if (!gossip.empty()) core_->Relay(std::move(gossip));
      core_->OnTick();
      halted = core_->failure();
      proposal_waiting_.store(core_->WaitingToPropose(), std::memory_order_relaxed);
      std::lock_guard lock(mu_);
      core_stats_ = core_->stats();
    }
    if (!halted.ok()) return Halt(halted);
  }
}

void BftValidator::RunSyncServer() {
  std::optional<int64_t> next_due;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      auto ready = [&] { return stop_ || sync_wake_; };
      if (next_due) {
        const int64_t wait_ms = std::max<int64_t>(0, *next_due - clock_.SteadyMs());
        sync_cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), ready);
      } else {
        sync_cv_.wait(lock, ready);
      }
      if (stop_) return;
      sync_wake_ = false;
    }
    Result<std::optional<int64_t>> served = sync_->ServeDue();
    if (!served.ok()) {
      spdlog::critical("sync server halted: {}", served.status().ToString());
      return Halt(served.status());
    }
    next_due = *served;
  }
}

}  // namespace tadori
