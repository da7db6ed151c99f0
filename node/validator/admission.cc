#include "node/validator/admission.h"

#include "chaincode/chaincode.h"

namespace tadori {

Result<DecodedTransaction> Admission::Check(const v1::SignedTransaction& wire,
                                            SignatureCheck signature) {
  TADORI_ASSIGN_OR_RETURN(DecodedTransaction tx, DecodeTransaction(wire));
  TADORI_RETURN_IF_ERROR(CheckTransactionContext(tx, chain_id_, store_.Height()));
  auto committed = store_.FindTransaction(tx.id);
  if (committed.ok()) {
    return Status::AlreadyExists("transaction " + tx.id.Hex() + " already committed at height " +
                                 std::to_string(committed->height));
  }
  if (committed.status().code() != Code::kNotFound) return committed.status();
  if (mempool_.Contains(tx.id)) {
    return Status::AlreadyExists("transaction " + tx.id.Hex() + " is already pending");
  }
  TADORI_RETURN_IF_ERROR(CheckSigner(tx, signature));
  return tx;
}

Status Admission::CheckSigner(const DecodedTransaction& tx, SignatureCheck signature) {
  TADORI_ASSIGN_OR_RETURN(auto member, FindMember(store_.state(), tx.signer_key_id));
  if (!member) {
    return Status::Unauthenticated("signer key " + tx.signer_key_id.Hex() +
                                   " is not registered on this chain");
  }
  if (member->revoked_height() != 0) {
    return Status::PermissionDenied("signer key " + tx.signer_key_id.Hex() +
                                    " was revoked at height " +
                                    std::to_string(member->revoked_height()));
  }
  // Chaincode parsed this key when it registered the member and keyed the record by its id,
  // so a stored key that no longer parses, or is another key, is damage to this node's
  // state: DATA_LOSS makes the validator halt rather than refuse an honest proposer.
  Result<PublicKey> key = keys_.FromPem(member->public_key());
  if (!key.ok()) {
    return Status::DataLoss("stored public key of member " + tx.signer_key_id.Hex() +
                            " does not parse: " + key.status().message());
  }
  if (key->id() != tx.signer_key_id) {
    return Status::DataLoss("stored member record " + tx.signer_key_id.Hex() +
                            " holds the public key of " + key->id().Hex());
  }
  if (signature == SignatureCheck::kVouched) return Status::Ok();
  VerifiedSignatures& verified = mempool_.verified_signatures();
  if (verified.Contains(tx)) return Status::Ok();
  signatures_verified_.fetch_add(1, std::memory_order_relaxed);
  TADORI_RETURN_IF_ERROR(VerifyTransactionSignature(tx, *key));
  verified.Add(tx);
  return Status::Ok();
}

}  // namespace tadori
