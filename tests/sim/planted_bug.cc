#include "tests/sim/planted_bug.h"

namespace tadori::sim {

namespace {

class PlantedBugEngine final : public consensus::Engine {
 public:
  PlantedBugEngine(consensus::EngineConfig config, const consensus::Signer& signer,
                   const consensus::SignatureVerifier& verifier, PlantedBug bug)
      : Engine(std::move(config), signer, verifier), bug_(bug) {}

 protected:
  bool MayVoteAgainInRound() const override { return bug_ == PlantedBug::kVoteTwiceInRound; }
  bool CommitsOnOneChain() const override { return bug_ == PlantedBug::kCommitOnOneChain; }

 private:
  const PlantedBug bug_;
};

}  // namespace

std::unique_ptr<consensus::Engine> MakeEngine(consensus::EngineConfig config,
                                              const consensus::Signer& signer,
                                              const consensus::SignatureVerifier& verifier,
                                              PlantedBug bug) {
  if (bug == PlantedBug::kNone) {
    return std::make_unique<consensus::Engine>(std::move(config), signer, verifier);
  }
  return std::make_unique<PlantedBugEngine>(std::move(config), signer, verifier, bug);
}

}  // namespace tadori::sim
