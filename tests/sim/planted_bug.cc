#include "tests/sim/planted_bug.h"

namespace tadori::sim {

std::string_view PlantedBugName(PlantedBug bug) {
  switch (bug) {
    case PlantedBug::kNone:
      return "none";
    case PlantedBug::kVoteTwiceInRound:
      return "vote-twice";
    case PlantedBug::kCommitOnOneChain:
      return "commit-one-chain";
    case PlantedBug::kSyncByParentLink:
      return "sync-by-parent-link";
    case PlantedBug::kUncheckedResultClaim:
      return "unchecked-result-claim";
    case PlantedBug::kLeaderFromCommittedTip:
      return "leader-from-tip";
    case PlantedBug::kSingleAttestation:
      return "single-attestation";
  }
  return "unknown";
}

std::optional<PlantedBug> ParsePlantedBug(std::string_view name) {
  for (PlantedBug b :
       {PlantedBug::kNone, PlantedBug::kVoteTwiceInRound, PlantedBug::kCommitOnOneChain,
        PlantedBug::kSyncByParentLink, PlantedBug::kUncheckedResultClaim,
        PlantedBug::kLeaderFromCommittedTip, PlantedBug::kSingleAttestation}) {
    if (PlantedBugName(b) == name) return b;
  }
  return std::nullopt;
}

namespace {

class PlantedBugEngine final : public consensus::Engine {
 public:
  PlantedBugEngine(consensus::EngineConfig config, const consensus::Signer& signer,
                   const consensus::SignatureVerifier& verifier, PlantedBug bug)
      : Engine(std::move(config), signer, verifier), bug_(bug) {}

 protected:
  bool MayVoteAgainInRound() const override { return bug_ == PlantedBug::kVoteTwiceInRound; }
  bool CommitsOnOneChain() const override { return bug_ == PlantedBug::kCommitOnOneChain; }
  bool CertifiesSyncBlocksByParentLink() const override {
    return bug_ == PlantedBug::kSyncByParentLink;
  }
  bool SchedulesFromCommittedTip() const override {
    return bug_ == PlantedBug::kLeaderFromCommittedTip;
  }

 private:
  const PlantedBug bug_;
};

}  // namespace

std::unique_ptr<consensus::Engine> MakeEngine(consensus::EngineConfig config,
                                              const consensus::Signer& signer,
                                              const consensus::SignatureVerifier& verifier,
                                              PlantedBug bug) {
  if (bug == PlantedBug::kNone || bug == PlantedBug::kUncheckedResultClaim ||
      bug == PlantedBug::kSingleAttestation) {
    return std::make_unique<consensus::Engine>(std::move(config), signer, verifier);
  }
  return std::make_unique<PlantedBugEngine>(std::move(config), signer, verifier, bug);
}

}  // namespace tadori::sim
