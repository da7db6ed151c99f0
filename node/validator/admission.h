// Admission: the checks a transaction passes before it may take space in the mempool.
//
// Envelope and body within limits, right chain, not expired and not too far ahead, signed
// by an active member key whose signature verifies (or, for a batch f+1 validators attested,
// SignatureCheck::kVouched, is vouched for), not already committed or pending.
// Each refusal is a Status whose code the client sees as the gRPC code:
//   INVALID_ARGUMENT (malformed, wrong chain), FAILED_PRECONDITION (expired),
//   UNAUTHENTICATED (unknown key, bad signature), PERMISSION_DENIED (revoked key),
//   ALREADY_EXISTS (committed or pending), RESOURCE_EXHAUSTED (mempool full).
// Local failures are never refusals: INTERNAL when the store cannot be read or a record does
// not decode, DATA_LOSS (naming the key id) when a stored member key does not parse or is
// not the key its record is filed under. A proposal checker halts on them (proposal_check.h).
// Chaincode re-checks authorisation at execution, since a key may be revoked meanwhile.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "ledger/keys.h"
#include "ledger/store/store.h"
#include "ledger/transaction.h"
#include "node/validator/mempool.h"

namespace tadori {

// Whether Admission verifies the signature itself. kVouched is only for transactions whose
// exact signed bytes f+1 validators attested (batch_attestation.h): every other check still
// runs (the key must be registered here and not revoked).
enum class SignatureCheck : uint8_t { kVerify, kVouched };

class Admission {
 public:
  Admission(std::string chain_id, const Store& store, const Mempool& mempool)
      : chain_id_(std::move(chain_id)), store_(store), mempool_(mempool) {}

  // Checks `tx` against committed state; on success returns it decoded.
  Result<DecodedTransaction> Check(const v1::SignedTransaction& tx,
                                   SignatureCheck signature = SignatureCheck::kVerify);
  // The signer part of Check alone: an active member key whose signature verifies (with
  // kVouched, whose key parses, without the verify). Used for transactions that arrive
  // inside a proposed block rather than through Submit.
  // UNAUTHENTICATED, PERMISSION_DENIED or INVALID_ARGUMENT (malformed signature) blame the
  // transaction; any other code is a local failure.
  Status CheckSigner(const DecodedTransaction& tx,
                     SignatureCheck signature = SignatureCheck::kVerify);

  // Signatures this admission verified (thread-safe; for the verify budget's metrics).
  uint64_t signatures_verified() const { return signatures_verified_.load(); }

 private:
  const std::string chain_id_;
  const Store& store_;
  const Mempool& mempool_;
  KeyCache keys_;
  std::atomic<uint64_t> signatures_verified_{0};
};

}  // namespace tadori
