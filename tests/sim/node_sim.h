// The whole-validator simulator: N complete validators (ValidatorCore: engine, proposal
// checks, mempool, execution, chaincode, a real Store on LevelDB kept in memory, SyncServer,
// Inbox, TxRelay) on one seeded scheduler with simulated time, a hostile network, crashes at
// store writes and sends (restarting through ValidatorCore::Start), wiped data directories,
// Byzantine validators and hostile members.
//
// Byzantine validators run a real core and corrupt what it sends: the consensus-level traits
// of tests/sim/byzantine.h (equivocation, double votes, forged certificates, garbage, ...)
// and ledger-level ones: proposals whose result root claim is wrong (a random root for the
// block below, which no honest node has executed), copies of proposals with their TC
// stripped, sync answers that lie (forged chains, junk, withheld) and unasked ones, and
// floods of sync requests, duplicate proposals and junk transactions, and Byzantine attesters
// (node/validator/batch_attestation.h): batches with bad or forged signatures under their own
// valid attestation, attestations for batches they never verified, for digests nobody sent,
// for another chain, and withheld ones. Hostile members submit transactions with multi-byte
// text at every length limit.
//
// Invariants, checked as the run goes and at its end: honest nodes agree on the block hash
// and result root at every height; no honest node halts; CheckChain passes on every honest
// store; every transaction a node acknowledged (durably committed) is in every honest store
// with the same result; every transaction an honest node commits has a signature that verifies
// against its signer's member key; every block in an honest engine's tree was proposed by someone
// (no fabricated block gets in through sync); trees, inboxes and mempools stay within their bounds;
// after GST every honest node commits kNodeLivenessBlocks more blocks and every transaction
// submitted after GST is acknowledged. In the crash mixes, when the Byzantine validators leave room
// within f, half the seeds take one honest validator down at GST for good: the others must stay
// live without it. A failure prints the replay line.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tests/sim/planted_bug.h"
#include "tests/sim/simulator.h"

namespace tadori::sim {

struct NodeSimOptions {
  uint64_t seed = 1;
  size_t nodes = 0;             // 0: from the seed, 4..7
  int byzantine = -1;           // -1: from the seed, 0..f
  std::optional<FaultMix> mix;  // nullopt: from the seed
  PlantedBug planted_bug = PlantedBug::kNone;
  uint64_t safety_phase_ms = 8'000;
  uint64_t liveness_phase_ms = 40'000;
  size_t client_txs = 60;           // transactions members submit over the run
  bool byzantine_attester = false;  // every Byzantine validator is a Byzantine attester
  // Honest validators relay without attestations, so every one verifies every transaction
  // (the relay before batch attestations): for measuring the verify budget against it.
  bool no_attestations = false;
};

inline constexpr uint64_t kNodeLivenessBlocks = 3;

struct NodeSimResult {
  uint64_t seed = 0;
  size_t nodes = 0;
  size_t byzantine = 0;
  FaultMix mix = FaultMix::kCalm;
  PlantedBug planted_bug = PlantedBug::kNone;
  std::vector<std::string> violations;
  uint64_t min_honest_height = 0;
  uint64_t acknowledged_txs = 0;
  uint64_t crashes = 0;
  uint64_t wipes = 0;
  bool one_stayed_down = false;  // an honest validator went down at GST for good
  uint64_t messages = 0;
  uint64_t end_time_ms = 0;
  bool byzantine_attester = false;
  bool no_attestations = false;
  // Batch attestations (honest nodes): bad-signature transactions a Byzantine attester sent
  // them (one per transaction and recipient), transactions their relays refused as
  // UNAUTHENTICATED, batches vouched for and fallback-verified, attestations refused,
  // transactions admitted without a verify, signatures their relays verified, and committed
  // transactions whose signatures the no-unverified-commit check verified.
  uint64_t bad_signature_offered = 0;
  uint64_t bad_signature_refusals = 0;
  uint64_t batches_vouched = 0;
  uint64_t batches_fallback_verified = 0;
  uint64_t attestations_refused = 0;
  uint64_t vouched_txs = 0;
  uint64_t relay_signature_verifies = 0;
  uint64_t committed_signatures_checked = 0;
  // The verify budget (honest nodes): signatures verified at Submit, by relays and by
  // CheckProposal, and the transactions committed (each height counted once).
  uint64_t submit_signature_verifies = 0;
  uint64_t proposal_signature_verifies = 0;
  uint64_t committed_txs = 0;

  bool ok() const { return violations.empty(); }
  std::string ReplayCommand() const;
};

NodeSimResult RunNodeSimulation(const NodeSimOptions& options, std::ostream* trace = nullptr);

}  // namespace tadori::sim
