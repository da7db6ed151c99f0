// Batch attestations: each relayed transaction's signature is verified by f+1 validators
// instead of all n (n = 3f+1).
//
// The validator that admits transactions through Submit (the batch's *origin*) relays them in
// batches (TxGossip), each carrying the origin's *attestation*: its consensus-key signature
// over BatchAttestationMessage(chain id, BatchDigest(txs)). The digest commits to every
// transaction's signed bytes (body, signer key id and signature), so an attestation vouches
// for exactly the signatures its signer verified. The f validators after the origin in
// genesis order (its *co-verifiers*) verify every transaction as Submit would and, when all
// verify, send their own attestation for the digest to the validators that did neither.
// Those hold the batch here (PendingBatches) until f+1 distinct validators attested it: at
// most f validators are Byzantine, so one of them is honest and verified every signature,
// and the batch's transactions may enter the mempool with every admission check except the
// signature verify. A batch not vouched for within its wait (an attestation withheld or bad)
// is verified in full by the caller: a Byzantine validator can cost work, never put an
// unverified signature into an honest mempool or vote.
//
// The signed message starts with its own domain tag and the chain id, so an attestation is
// never a consensus message (consensus/types.h tags those differently) nor valid on another
// chain.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consensus/crypto.h"
#include "ledger/bytes.h"
#include "ledger/hash.h"
#include "tadori/v1/types.pb.h"

namespace tadori {

inline constexpr std::string_view kBatchAttestationDomain = "tadori-tx-batch-v1";
inline constexpr std::string_view kBatchDigestDomain = "tadori-tx-batch-digest-v1";

// How long a held batch waits for its attestations before it is verified in full: the
// co-verifier's one hop and its verification of the batch (about 64 us a P-256 signature on
// one core, doubled for a busy machine), plus slack for a loaded loop. Waiting costs only a
// Byzantine origin's or co-verifier's batches their latency; too short a wait costs every
// batch its savings.
inline constexpr int64_t kVouchWaitBaseMs = 100;
inline constexpr int64_t kVouchWaitPerTxUs = 150;
inline int64_t VouchWaitMs(size_t tx_count) {
  return kVouchWaitBaseMs + static_cast<int64_t>(tx_count) * kVouchWaitPerTxUs / 1000;
}

// SHA-256 over kBatchDigestDomain, the transaction count, then each transaction's body,
// signer key id and signature, each length-prefixed (big-endian 64-bit): the same bytes in
// the same order give the same digest whatever their protobuf encoding.
Hash BatchDigest(const google::protobuf::RepeatedPtrField<v1::SignedTransaction>& txs);
Hash BatchDigest(const std::vector<v1::SignedTransaction>& txs);
// kBatchAttestationDomain | length-prefixed chain id | digest.
Bytes BatchAttestationMessage(std::string_view chain_id, const Hash& digest);

// The faults a network of `validators` tolerates: f = (n - 1) / 3.
inline size_t FaultsTolerated(size_t validators) {
  return validators == 0 ? 0 : (validators - 1) / 3;
}
// Whether `validator` is one of the f co-verifiers of a batch from `origin`: the f validators
// after it in genesis order, wrapping around.
bool IsCoVerifier(size_t validator, size_t origin, size_t validators);

struct PendingLimits {
  // Held batches per origin, by count and bytes; the oldest of that origin's batches leaves
  // first (counted), so one origin's flood never evicts another's batches.
  size_t batches_per_origin_max = 256;
  size_t bytes_per_origin_max = 16 * 1024 * 1024;
  // Attestations kept per attester for batches not (yet) here; its oldest leave first.
  size_t early_per_attester_max = 256;
};

// A relayed batch, as held and as handed back (vouched for, or overdue).
struct RelayedBatch {
  size_t origin = 0;
  Hash digest;
  std::vector<v1::SignedTransaction> txs;
  size_t bytes = 0;  // of the transactions, serialized
};

// The batches this validator holds until f+1 validators attested them. Pure: it reads no
// clock (the caller passes the time) and does no I/O. Not thread-safe.
class PendingBatches {
 public:
  struct Stats {
    uint64_t held = 0;
    uint64_t vouched = 0;
    uint64_t overdue = 0;
    uint64_t dropped = 0;               // overflow of an origin's bounds
    uint64_t attestations_counted = 0;  // verified, towards some batch's quorum
    uint64_t attestations_refused = 0;  // did not verify, or not from a validator
    uint64_t attestations_ignored = 0;  // a second one from the same validator
    uint64_t early_dropped = 0;         // kept for a batch that had not come, then evicted
  };

  enum class HoldOutcome {
    kHeld,         // waiting for attestations
    kVouched,      // f+1 attested it already: `vouched` has it, nothing is held
    kAlreadyHeld,  // the same digest is held (a duplicate frame)
    kUnattested,   // the origin's attestation is missing or does not verify: verify it now
    kTooLarge,     // over one origin's byte bound: verify it now
  };

  // `verifier` checks validator i's signature against its genesis consensus key and must
  // outlive this. `quorum` is how many distinct attesters vouch for a batch (0: f+1); only
  // the simulator's planted bug passes anything else.
  PendingBatches(std::string chain_id, size_t validators,
                 const consensus::SignatureVerifier& verifier, PendingLimits limits = {},
                 size_t quorum = 0);

  // A batch relayed by `origin` with its attestation, at `now_ms`. `txs` is taken (moved
  // from) when the outcome is kHeld or kVouched (the batch is then appended to `vouched`),
  // and left to the caller otherwise. When the digest is held already, the sender's
  // attestation counts towards it like any other (kAlreadyHeld, or kVouched).
  HoldOutcome Hold(size_t origin, const Hash& digest, ByteView origin_signature,
                   std::vector<v1::SignedTransaction>& txs, int64_t now_ms,
                   std::vector<RelayedBatch>& vouched);
  // Validator `attester`'s attestation for `digest`. A batch it completes is removed and
  // appended to `vouched`. For a batch not here, it is kept (bounded) unverified until the
  // batch comes; signatures are verified only when they would count.
  void Attest(size_t attester, const Hash& digest, ByteView signature,
              std::vector<RelayedBatch>& vouched);
  // Removes and returns the batches whose wait ended at or before `now_ms`, oldest first.
  std::vector<RelayedBatch> TakeOverdue(int64_t now_ms);
  // When the next held batch is overdue; nullopt when none is held.
  std::optional<int64_t> NextDueMs() const;

  size_t quorum() const { return quorum_; }
  size_t batches() const { return held_.size(); }
  size_t bytes() const;
  const Stats& stats() const { return stats_; }

 private:
  struct Held {
    RelayedBatch batch;
    uint64_t seq = 0;
    int64_t due_ms = 0;
    std::vector<bool> attested;
    size_t attesters = 0;
  };

  // Verifies and counts `attester`'s signature on a held batch; true when it now has quorum.
  bool Count(Held& held, size_t attester, ByteView signature);
  RelayedBatch Remove(std::map<Hash, Held>::iterator it);
  void KeepEarly(size_t attester, const Hash& digest, ByteView signature);

  const std::string chain_id_;
  const size_t validators_;
  const consensus::SignatureVerifier& verifier_;
  const PendingLimits limits_;
  const size_t quorum_;
  uint64_t next_seq_ = 0;
  std::map<Hash, Held> held_;
  std::vector<std::map<uint64_t, Hash>> by_origin_;  // seq -> digest, arrival order
  std::vector<size_t> origin_bytes_;
  std::map<std::pair<int64_t, uint64_t>, Hash> by_due_;
  // Attestations for batches not here yet: digest -> attester -> signature, and each
  // attester's in arrival order (entries whose batch came meanwhile are skipped on eviction).
  std::map<Hash, std::map<size_t, Bytes>> early_;
  std::vector<std::deque<Hash>> early_order_;
  Stats stats_;
};

}  // namespace tadori
