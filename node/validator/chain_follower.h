// ChainFollower: how an observer node (node/daemon/observer_node.h) takes blocks from a
// validator it does not trust and makes them its own.
//
// Each block offered must be a certified child of the one before (the local committed tip
// for the first): consensus/commit_proof.h VerifyCertifiedChild. Certified is not final (a
// certified block can lose to another at its height), so verified blocks wait in a pending
// run until the 2-chain rule proves them committed (ProvenCommittedPrefix), and only then
// are applied, through the validators' own CommitStep with an empty mempool: execution,
// the result-root check and storage are the same code as on a validator. The observer's
// mempool only holds transactions it relayed (observer_node.h), so CommitStep's removal
// and the feed tell its waiting clients, as on a validator.
//
// Outcomes:
//   a bad block (does not decode, does not link, forged or foreign certificate, another
//     branch) is the source's fault: refused, counted by reason, pending run untouched; the
//     caller leaves that source and calls Reset before asking another;
//   a pending run beyond its bounds (count or bytes) is dropped and counted: the caller
//     fetches again from the committed tip (from another source);
//   a failure of CommitStep (execution diverged from the block's result claim, or the disk)
//     is local: the observer must halt, as a validator does.
// Not thread-safe: one follow thread calls everything but the stats readers, which are.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "consensus/commit_proof.h"
#include "ledger/block.h"
#include "ledger/genesis.h"
#include "ledger/status.h"
#include "ledger/store/store.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"

namespace tadori {

struct ChainFollowerLimits {
  // An honest chain proves a block final within a round or two of it, so a long unproven
  // run means a source feeding certified blocks that do not commit (or a network that times
  // out round after round): 256 blocks is minutes of that.
  size_t pending_blocks_max = 256;
  size_t pending_bytes_max = 64 * 1024 * 1024;
};

// Why a block was refused (metric label).
enum class FollowRefusal { kMalformed, kBadLink, kBadCertificate, kCount };
std::string_view FollowRefusalName(FollowRefusal reason);  // "malformed", "bad_link", ...

class ChainFollower {
 public:
  ChainFollower(Store& store, Mempool& mempool, CommitFeed& feed, const GenesisInfo& genesis,
                ChainFollowerLimits limits = {});

  // Reads the local committed tip from the store. DATA_LOSS when its head block has no
  // readable certificate (not a BFT chain's store, or damaged): local.
  Status Start();

  enum class Outcome {
    kAccepted,  // verified; now pending, and maybe applied with those before it (`applied`)
    kRefused,   // the source's fault (`status` says why); leave the source
    kDropped,   // the pending run outgrew its bounds and was dropped; fetch again
    kFailed,    // local failure (`status`): halt
  };
  struct OfferResult {
    Outcome outcome = Outcome::kAccepted;
    size_t applied = 0;  // blocks committed locally by this offer
    Status status;
  };
  // One block from a source, expected at next_height().
  OfferResult Offer(const v1::Block& block);

  // Drops the pending run (switching sources: the next one starts at the committed tip).
  void Reset();

  // Where a source should start: one above the last pending block (or the committed tip).
  uint64_t next_height() const;
  uint64_t committed_height() const { return committed_height_.load(); }
  // The highest verified (certified, linked) height: committed plus pending.
  uint64_t verified_height() const { return verified_height_.load(); }
  size_t pending_blocks() const { return pending_count_.load(); }
  uint64_t applied_blocks() const { return applied_blocks_.load(); }
  uint64_t refused(FollowRefusal reason) const {
    return refused_[static_cast<size_t>(reason)].load();
  }
  uint64_t dropped_runs() const { return dropped_runs_.load(); }

 private:
  struct Pending {
    DecodedBlock block;
    consensus::CertifiedTip tip;
    size_t bytes = 0;
  };

  OfferResult Refuse(FollowRefusal reason, Status status);
  void PublishCounts();

  Store& store_;
  Mempool& mempool_;
  CommitFeed& feed_;
  const GenesisInfo& genesis_;
  const ChainFollowerLimits limits_;
  consensus::CertifiedTip tip_;
  std::vector<Pending> pending_;
  std::vector<consensus::CertifiedTip> pending_tips_;  // parallel to pending_
  size_t pending_bytes_ = 0;

  std::atomic<uint64_t> committed_height_{0};
  std::atomic<uint64_t> verified_height_{0};
  std::atomic<size_t> pending_count_{0};
  std::atomic<uint64_t> applied_blocks_{0};
  std::atomic<uint64_t> dropped_runs_{0};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(FollowRefusal::kCount)> refused_{};
};

}  // namespace tadori
