#include "node/validator/chain_follower.h"

#include <span>
#include <string>
#include <utility>

#include "node/validator/commit_step.h"

namespace tadori {

std::string_view FollowRefusalName(FollowRefusal reason) {
  switch (reason) {
    case FollowRefusal::kMalformed:
      return "malformed";
    case FollowRefusal::kBadLink:
      return "bad_link";
    case FollowRefusal::kBadCertificate:
      return "bad_certificate";
    case FollowRefusal::kCount:
      break;
  }
  return "other";
}

ChainFollower::ChainFollower(Store& store, Mempool& mempool, CommitFeed& feed,
                             const GenesisInfo& genesis, ChainFollowerLimits limits)
    : store_(store), mempool_(mempool), feed_(feed), genesis_(genesis), limits_(limits) {}

Status ChainFollower::Start() {
  const uint64_t height = store_.Height();
  if (height == 0) {
    tip_ = consensus::GenesisTip(genesis_);
  } else {
    TADORI_ASSIGN_OR_RETURN(v1::Block stored, store_.GetBlock(height));
    Result<DecodedBlock> decoded = DecodeBlock(stored);
    if (!decoded.ok()) {
      return Status::DataLoss(
          decoded.status().WithContext("stored head block " + std::to_string(height)).message());
    }
    TADORI_ASSIGN_OR_RETURN(tip_, consensus::TipOfCommitted(*decoded));
  }
  Reset();
  return Status::Ok();
}

void ChainFollower::Reset() {
  pending_.clear();
  pending_tips_.clear();
  pending_bytes_ = 0;
  PublishCounts();
}

uint64_t ChainFollower::next_height() const {
  return (pending_tips_.empty() ? tip_.height : pending_tips_.back().height) + 1;
}

void ChainFollower::PublishCounts() {
  committed_height_ = tip_.height;
  verified_height_ = pending_tips_.empty() ? tip_.height : pending_tips_.back().height;
  pending_count_ = pending_.size();
}

ChainFollower::OfferResult ChainFollower::Refuse(FollowRefusal reason, Status status) {
  refused_[static_cast<size_t>(reason)]++;
  return OfferResult{Outcome::kRefused, 0, std::move(status)};
}

ChainFollower::OfferResult ChainFollower::Offer(const v1::Block& block) {
  Result<DecodedBlock> decoded = DecodeBlock(block);
  if (!decoded.ok()) {
    return Refuse(FollowRefusal::kMalformed,
                  decoded.status().WithContext("block " + std::to_string(next_height())));
  }
  const consensus::CertifiedTip& parent = pending_tips_.empty() ? tip_ : pending_tips_.back();
  Result<consensus::CertifiedTip> verified =
      consensus::VerifyCertifiedChild(genesis_, parent, *decoded);
  if (!verified.ok()) {
    const Code code = verified.status().code();
    const FollowRefusal reason = code == Code::kInvalidArgument || code == Code::kFailedPrecondition
                                     ? FollowRefusal::kBadLink
                                     : FollowRefusal::kBadCertificate;
    return Refuse(reason, verified.status());
  }
  const size_t bytes = block.ByteSizeLong();
  pending_.push_back(Pending{std::move(*decoded), *verified, bytes});
  pending_tips_.push_back(*verified);
  pending_bytes_ += bytes;

  OfferResult result;
  const size_t proven = consensus::ProvenCommittedPrefix(pending_tips_);
  for (size_t i = 0; i < proven; ++i) {
    Result<CommitOutcome> done = CommitStep(store_, mempool_, feed_, pending_[i].block);
    if (!done.ok()) {
      // Nothing of the failed block is visible; what was applied before it stays.
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(i));
      pending_tips_.erase(pending_tips_.begin(), pending_tips_.begin() + static_cast<ptrdiff_t>(i));
      PublishCounts();
      return OfferResult{Outcome::kFailed, result.applied, done.status()};
    }
    tip_ = pending_tips_[i];
    pending_bytes_ -= pending_[i].bytes;
    result.applied += 1;
    applied_blocks_++;
  }
  if (proven > 0) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<ptrdiff_t>(proven));
    pending_tips_.erase(pending_tips_.begin(),
                        pending_tips_.begin() + static_cast<ptrdiff_t>(proven));
    // Transactions relayed through this observer that can no longer commit.
    mempool_.EvictExpired(tip_.height);
  }
  if (pending_.size() > limits_.pending_blocks_max || pending_bytes_ > limits_.pending_bytes_max) {
    dropped_runs_++;
    Reset();
    result.outcome = Outcome::kDropped;
    return result;
  }
  PublishCounts();
  return result;
}

}  // namespace tadori
