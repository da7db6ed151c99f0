#include "node/validator/solo_validator.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/wall_clock.h"
#include "node/validator/commit_step.h"

namespace tadori {

SoloValidator::SoloValidator(Store& store, Mempool& mempool, CommitFeed& feed,
                             const GenesisInfo& genesis, PrivateKey validator_key,
                             SoloValidatorOptions options)
    : store_(store),
      mempool_(mempool),
      feed_(feed),
      genesis_(genesis),
      key_(std::move(validator_key)),
      options_(options) {
  TADORI_CHECK(genesis_.validators.IndexOf(key_.public_key().id()).has_value());
  const uint64_t height = store_.Height();
  if (height > 0) {
    auto head = store_.GetBlock(height);
    TADORI_CHECK(head.ok());
    auto decoded = DecodeBlock(*head);
    TADORI_CHECK(decoded.ok());
    last_timestamp_ms_ = decoded->header.timestamp_ms();
  } else {
    last_timestamp_ms_ = genesis_.genesis.genesis_time_ms();
  }
}

SoloValidator::~SoloValidator() {
  Stop();
}

void SoloValidator::Start() {
  TADORI_CHECK(!thread_.joinable());
  thread_ = std::thread([this] { Run(); });
}

void SoloValidator::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SoloValidator::Nudge() {
  {
    std::lock_guard lock(mu_);
    nudged_ = true;
  }
  cv_.notify_all();
}

Status SoloValidator::failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

void SoloValidator::Run() {
  auto next = std::chrono::steady_clock::now();
  for (;;) {
    next += std::chrono::milliseconds(options_.block_interval_ms);
    {
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, next, [&] {
        return stop_ || (nudged_ && mempool_.size() >= options_.block_tx_max);
      });
      nudged_ = false;
      if (stop_) return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;
    Status s = ProduceBlock();
    if (!s.ok()) {
      spdlog::critical("block production halted: {}", s.ToString());
      std::lock_guard lock(mu_);
      failure_ = s;
      return;
    }
  }
}

Status SoloValidator::ProduceBlock() {
  std::vector<DecodedTransaction> pending =
      mempool_.Take(options_.block_tx_max, options_.block_bytes_max);
  if (pending.empty()) return Status::Ok();

  const Store::Head head = store_.head();
  const uint64_t height = head.height + 1;
  // Admission checked these against an older head; drop what expired or committed since.
  std::vector<DecodedTransaction> txs;
  txs.reserve(pending.size());
  for (DecodedTransaction& tx : pending) {
    if (tx.body.valid_until_height() < height) continue;
    if (store_.FindTransaction(tx.id).ok()) continue;
    txs.push_back(std::move(tx));
  }
  if (txs.empty()) return Status::Ok();

  BlockDraft draft = DraftOnHead(head, genesis_.genesis.chain_id(), key_.public_key().id());
  // Block time never goes backwards, even if the wall clock does.
  last_timestamp_ms_ = std::max(last_timestamp_ms_, WallClockMs());
  draft.timestamp_ms = last_timestamp_ms_;
  draft.txs = std::move(txs);

  DecodedBlock block = BuildBlock(draft);
  SignBlock(block, key_);
  TADORI_ASSIGN_OR_RETURN(CommitOutcome done, CommitStep(store_, mempool_, feed_, block));
  spdlog::debug("committed block {} with {} transactions", done.height, done.tx_count);
  return Status::Ok();
}

}  // namespace tadori
