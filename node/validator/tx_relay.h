// TxRelay: transactions travelling between validators (TxGossip frames). Leaders rotate every
// round, so every validator needs every admitted transaction; each is relayed once, by the
// node that admitted it through Submit (the batch's origin), in batches that carry the
// origin's attestation (batch_attestation.h). A peer's word alone is never a signature
// check; what a receiver does with a batch depends on who it is for that batch:
//   - one of the origin's f co-verifiers: verifies every transaction (full Admission) and,
//     when every signature verifies, sends its own attestation for the batch to the
//     validators that are neither origin nor co-verifier;
//   - any other validator: holds the batch until f+1 distinct validators attested it, then
//     admits its transactions without verifying their signatures (every other admission
//     check still runs); a batch without a valid origin attestation, too large to hold, or
//     not vouched for within VouchWaitMs is verified in full (OnTick drives that wait).
// So each transaction's signature is verified by f+1 validators instead of n, plus one
// attestation signed per batch and up to f+1 verified per batch and validator.
// Transactions already known (pending or committed) are neither admitted nor refused.
// Thread-safe: Intake and IntakeAttestation run on the network threads that receive frames.
// Reads no clock: callers pass the time (the daemon's loop, the simulator's clock).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "consensus/key_crypto.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/store/store.h"
#include "node/validator/admission.h"
#include "node/validator/batch_attestation.h"
#include "node/validator/mempool.h"
#include "tadori/v1/peer.pb.h"

namespace tadori {

struct TxRelayOptions {
  PendingLimits pending;
  // Test seam, 0 (f+1) in tadorid: distinct attestations that vouch for a batch. The
  // whole-validator simulator plants a bug through it to prove its checks catch too few.
  size_t vouch_quorum = 0;
};

class TxRelay {
 public:
  struct Stats {
    uint64_t admitted = 0;            // transactions that entered the mempool from peers
    uint64_t refused = 0;             // transactions refused (not counting known ones)
    uint64_t signature_refusals = 0;  // of which UNAUTHENTICATED: bad signature, unknown key
    uint64_t vouched_txs = 0;         // admitted without a signature verify here
    uint64_t batches_vouched = 0;
    uint64_t batches_co_verified = 0;        // verified here as a designated co-verifier
    uint64_t batches_fallback_verified = 0;  // overdue: not vouched for within the wait
    uint64_t batches_verified_at_once = 0;   // origin's attestation bad or missing, too large
    uint64_t batches_dropped = 0;            // over an origin's pending bounds
    uint64_t attestations_sent = 0;
    uint64_t attestations_refused = 0;  // did not verify, or malformed
    uint64_t signatures_verified = 0;   // transaction signatures verified by this relay
    size_t pending_batches = 0;
    size_t pending_bytes = 0;
  };
  // A frame to send to validator `first`.
  using Outgoing = std::vector<std::pair<size_t, v1::PeerFrame>>;

  // `self` is this validator's genesis index and `key` its consensus key (it signs the
  // attestations this node sends as a co-verifier).
  TxRelay(const GenesisInfo& genesis, size_t self, PrivateKey key, const Store& store,
          Mempool& mempool, TxRelayOptions options = {});

  // A batch validator `from` relayed, at `now_ms`. Returns the attestations to send.
  Outgoing Intake(size_t from, v1::TxGossip gossip, int64_t now_ms);
  // An attestation from validator `from`.
  void IntakeAttestation(size_t from, const v1::TxAttestation& attestation);
  // Verifies in full the held batches whose wait ended at or before `now_ms`.
  void OnTick(int64_t now_ms);
  // When OnTick is next needed; nullopt when no batch is held.
  std::optional<int64_t> NextDueMs() const;

  // `txs` as frames of at most `batch_max` transactions each, each with this validator's
  // attestation (`signer` is its consensus key).
  static std::vector<v1::PeerFrame> Pack(std::vector<v1::SignedTransaction> txs, size_t batch_max,
                                         std::string_view chain_id,
                                         const consensus::Signer& signer);

  uint64_t admitted() const { return admitted_.load(); }
  uint64_t refused() const { return refused_.load(); }
  Stats stats() const;

 private:
  // Full admission of each transaction (today's path for a peer's batch).
  void VerifyInFull(const std::vector<v1::SignedTransaction>& txs);
  // Admission without the signature verify, for a batch f+1 validators attested.
  void AdmitVouched(const std::vector<v1::SignedTransaction>& txs);
  // As a co-verifier: true when every transaction decodes and its signature verifies (those
  // pending here with the same signature bytes were verified already); admits what passes.
  bool CoVerify(const google::protobuf::RepeatedPtrField<v1::SignedTransaction>& txs);
  void Admit(Result<DecodedTransaction> tx);

  const std::string chain_id_;
  const size_t self_;
  const size_t validators_;
  const consensus::KeySigner signer_;
  const consensus::KeyVerifier verifier_;
  Admission admission_;
  Mempool& mempool_;
  mutable std::mutex mu_;  // guards pending_
  PendingBatches pending_;
  std::atomic<uint64_t> admitted_{0};
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> signature_refusals_{0};
  std::atomic<uint64_t> vouched_txs_{0};
  std::atomic<uint64_t> batches_co_verified_{0};
  std::atomic<uint64_t> batches_verified_at_once_{0};
  std::atomic<uint64_t> attestations_sent_{0};
  std::atomic<uint64_t> attestations_malformed_{0};
};

}  // namespace tadori
