// Planted bugs: deliberately broken safety rules that prove the simulator's checks can fail.
// They exist only here, in the simulator's library; the engine that tadorid links has the
// seams (Engine::MayVoteAgainInRound, CommitsOnOneChain, CertifiesSyncBlocksByParentLink,
// SchedulesFromCommittedTip), the relay has TxRelayOptions::vouch_quorum, and both keep the
// rules.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "consensus/engine.h"

namespace tadori::sim {

enum class PlantedBug : uint8_t {
  kNone = 0,
  kVoteTwiceInRound = 1,  // ignores last_voted_round for a second proposal
  kCommitOnOneChain = 2,  // commits a block as soon as it has a QC (no 2-chain)
  // Whole-validator bugs (tests/sim/node_sim.h):
  kSyncByParentLink = 3,      // a synced block counts as certified when the next one names it
  kUncheckedResultClaim = 4,  // a result claim above this node's execution is not checked
  // Reads the leader schedule from the node's committed tip instead of the chain a proposal
  // or vote is about, so validators that committed different heights pick different leaders.
  kLeaderFromCommittedTip = 5,
  // A held relay batch counts as vouched for with f attestations instead of f+1 (TxRelay's
  // vouch_quorum seam), so a Byzantine origin's own attestation is enough.
  kSingleAttestation = 6,
};

std::string_view PlantedBugName(PlantedBug bug);
std::optional<PlantedBug> ParsePlantedBug(std::string_view name);

// An engine with `bug` planted (the plain engine for kNone). `signer` and `verifier` must
// outlive it.
std::unique_ptr<consensus::Engine> MakeEngine(consensus::EngineConfig config,
                                              const consensus::Signer& signer,
                                              const consensus::SignatureVerifier& verifier,
                                              PlantedBug bug = PlantedBug::kNone);

}  // namespace tadori::sim
