// Transactions: decoding untrusted envelopes, ids, signatures and the context rules.
//
// A transaction travels as v1::SignedTransaction{body, signer_key_id, signature}. Its id is
// SHA-256 of `body` exactly as received: nothing is re-serialised before hashing, so a
// re-encoding of the same logical body (e.g. with an unknown field added) is a different
// transaction with a different id and needs its own signature.
//
// Decoding checks structure and limits only (ledger/limits.h). Whether the signer may do
// what the payload asks is chaincode's business; whether the transaction is fresh and on
// this chain is CheckTransactionContext's.
//
// All functions are pure (NewNonce and SignTransaction draw randomness) and thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "ledger/bytes.h"
#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/status.h"
#include "tadori/v1/transaction.pb.h"
#include "tadori/v1/types.pb.h"

namespace tadori {

struct DecodedTransaction {
  Hash id;                         // SHA-256(envelope.body)
  v1::SignedTransaction envelope;  // as received
  v1::TransactionBody body;        // parsed from envelope.body
  KeyId signer_key_id;
};

// Checks, in this order: envelope size <= kTxSizeBytesMax, signer_key_id is 32 bytes,
// signature is kSignatureBytes, body parses, body.signer_key_id equals the envelope's
// signer_key_id, nonce is kTxNonceBytes, chain_id is non-empty
// and <= kChainIdBytesMax, a payload is set, every string field of the payload is within
// kStringFieldBytesMax (PEM fields within kPemBytesMax) and key ids are 32 bytes.
// INVALID_ARGUMENT naming the field otherwise. Does not verify the signature.
Result<DecodedTransaction> DecodeTransaction(const v1::SignedTransaction& tx);
// Refuses wire bytes longer than kTxSizeBytesMax before parsing them.
Result<DecodedTransaction> DecodeTransactionBytes(ByteView wire);

// The bytes a signer signs for transaction `id`:
//   message = "TADORI-TX-V1" (12 ASCII bytes, no terminator) || id (32 bytes)
Bytes TransactionSigningMessage(const Hash& id);

// UNAUTHENTICATED when signer.id() differs from tx.signer_key_id; otherwise the result of
// signer.Verify over TransactionSigningMessage(tx.id).
Status VerifyTransactionSignature(const DecodedTransaction& tx, const PublicKey& signer);

// OK when the transaction may commit in the block after `head_height` on `chain_id`:
//   chain ids equal, else INVALID_ARGUMENT "wrong chain id ...";
//   head_height < valid_until_height, else FAILED_PRECONDITION "transaction expired ...";
//   valid_until_height <= head_height + kTxValidityWindowBlocks, else
//   INVALID_ARGUMENT "valid_until_height too far ...".
Status CheckTransactionContext(const DecodedTransaction& tx, std::string_view chain_id,
                               uint64_t head_height);

// kTxNonceBytes from OpenSSL's CSPRNG (aborts if the CSPRNG fails: no safe fallback).
Bytes NewNonce();

// Serializes `body` once, signs its id with `key` and returns the envelope. An empty
// body.signer_key_id is filled in with key's id first; a non-empty one is kept as it is.
// It does not validate the body (tests build malformed transactions with it);
// DecodeTransaction does.
v1::SignedTransaction SignTransaction(const v1::TransactionBody& body, const PrivateKey& key);

}  // namespace tadori
