#include "ledger/transaction.h"

#include <openssl/rand.h>

#include <cstring>
#include <string>

#include "ledger/check.h"
#include "ledger/limits.h"

namespace tadori {
namespace {

constexpr std::string_view kTxSigningDomain = "TADORI-TX-V1";

Status CheckString(std::string_view field, const std::string& value, size_t bytes_max) {
  if (value.size() > bytes_max) {
    return Status::InvalidArgument(std::string(field) + " is " + std::to_string(value.size()) +
                                   " bytes, more than " + std::to_string(bytes_max));
  }
  return Status::Ok();
}

Status CheckNonEmpty(std::string_view field, const std::string& value, size_t bytes_max) {
  if (value.empty()) return Status::InvalidArgument(std::string(field) + " is empty");
  return CheckString(field, value, bytes_max);
}

Status CheckExactSize(std::string_view field, const std::string& value, size_t bytes) {
  if (value.size() != bytes) {
    return Status::InvalidArgument(std::string(field) + " must be " + std::to_string(bytes) +
                                   " bytes, got " + std::to_string(value.size()));
  }
  return Status::Ok();
}

// Structural checks of each payload; the meaning (who may do it) is chaincode's.
Status CheckPayload(const v1::TransactionBody& body) {
  constexpr size_t kStr = kStringFieldBytesMax;
  switch (body.payload_case()) {
    case v1::TransactionBody::kRegisterMember: {
      const auto& p = body.register_member();
      TADORI_RETURN_IF_ERROR(
          CheckNonEmpty("register_member.public_key", p.public_key(), kPemBytesMax));
      return CheckString("register_member.name", p.name(), kStr);
    }
    case v1::TransactionBody::kRevokeMember:
      return CheckExactSize("revoke_member.key_id", body.revoke_member().key_id(), Hash::kSize);
    // The domain payloads are bounded as a whole by kTxSizeBytesMax here; chaincode checks
    // each of their fields against its own limits (chaincode/chaincode_limits.h).
    case v1::TransactionBody::kRegisterDevice:
    case v1::TransactionBody::kRevokeDevice:
    case v1::TransactionBody::kRegisterLocation:
    case v1::TransactionBody::kRegisterProduct:
    case v1::TransactionBody::kRecordEvent:
    case v1::TransactionBody::kIssueRecall:
    case v1::TransactionBody::kContinueRecall:
    case v1::TransactionBody::kSubmitReadings:
    case v1::TransactionBody::kSubmitPilotReport:
    case v1::TransactionBody::kAmendPilotReport:
    case v1::TransactionBody::kAddPilotFinding:
    case v1::TransactionBody::kCaptureEpcisEvent:
      return Status::Ok();
    case v1::TransactionBody::PAYLOAD_NOT_SET:
      break;
  }
  // An unknown oneof member parses as an unknown field, so it lands here too.
  return Status::InvalidArgument("transaction body has no known payload");
}

}  // namespace

Result<DecodedTransaction> DecodeTransaction(const v1::SignedTransaction& tx) {
  const size_t size_bytes = tx.ByteSizeLong();
  if (size_bytes > kTxSizeBytesMax) {
    return Status::InvalidArgument("transaction is " + std::to_string(size_bytes) +
                                   " bytes, more than " + std::to_string(kTxSizeBytesMax));
  }
  TADORI_RETURN_IF_ERROR(CheckExactSize("signer_key_id", tx.signer_key_id(), Hash::kSize));
  TADORI_RETURN_IF_ERROR(CheckExactSize("signature", tx.signature(), kSignatureBytes));

  DecodedTransaction out;
  if (!out.body.ParseFromString(tx.body())) {
    return Status::InvalidArgument("transaction body does not parse");
  }
  const v1::TransactionBody& body = out.body;
  // The signer is part of the signed body, so the id names who may sign it: re-signing a
  // pending transaction's body with another key cannot take its id.
  if (body.signer_key_id() != tx.signer_key_id()) {
    return Status::InvalidArgument("body signer_key_id differs from the envelope's");
  }
  TADORI_RETURN_IF_ERROR(CheckExactSize("nonce", body.nonce(), kTxNonceBytes));
  TADORI_RETURN_IF_ERROR(CheckNonEmpty("chain_id", body.chain_id(), kChainIdBytesMax));
  TADORI_RETURN_IF_ERROR(CheckPayload(body));

  out.id = Sha256(AsBytes(tx.body()));
  out.signer_key_id = Hash::FromBytes(AsBytes(tx.signer_key_id())).value();
  out.envelope = tx;
  return out;
}

Result<DecodedTransaction> DecodeTransactionBytes(ByteView wire) {
  if (wire.size() > kTxSizeBytesMax) {
    return Status::InvalidArgument("transaction is " + std::to_string(wire.size()) +
                                   " bytes, more than " + std::to_string(kTxSizeBytesMax));
  }
  v1::SignedTransaction tx;
  if (!tx.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    return Status::InvalidArgument("transaction envelope does not parse");
  }
  return DecodeTransaction(tx);
}

Bytes TransactionSigningMessage(const Hash& id) {
  // Sized once and filled with memcpy (GCC 12 misreads range inserts here: -Warray-bounds).
  Bytes out(kTxSigningDomain.size() + Hash::kSize);
  std::memcpy(out.data(), kTxSigningDomain.data(), kTxSigningDomain.size());
  std::memcpy(out.data() + kTxSigningDomain.size(), id.data(), Hash::kSize);
  return out;
}

Status VerifyTransactionSignature(const DecodedTransaction& tx, const PublicKey& signer) {
  if (signer.id() != tx.signer_key_id) {
    return Status::Unauthenticated("transaction " + tx.id.ShortHex() + " names signer " +
                                   tx.signer_key_id.ShortHex() + " but key " +
                                   signer.id().ShortHex() + " was given");
  }
  return signer.Verify(TransactionSigningMessage(tx.id), AsBytes(tx.envelope.signature()))
      .WithContext("transaction " + tx.id.ShortHex());
}

Status CheckTransactionContext(const DecodedTransaction& tx, std::string_view chain_id,
                               uint64_t head_height) {
  if (tx.body.chain_id() != chain_id) {
    return Status::InvalidArgument("wrong chain id \"" + tx.body.chain_id() + "\", this is \"" +
                                   std::string(chain_id) + "\"");
  }
  const uint64_t valid_until = tx.body.valid_until_height();
  if (valid_until <= head_height) {
    return Status::FailedPrecondition("transaction expired at height " +
                                      std::to_string(valid_until) + ", head is " +
                                      std::to_string(head_height));
  }
  // head_height < valid_until here, so valid_until - head_height cannot wrap.
  if (valid_until - head_height > kTxValidityWindowBlocks) {
    return Status::InvalidArgument("valid_until_height too far: " + std::to_string(valid_until) +
                                   " is more than " + std::to_string(kTxValidityWindowBlocks) +
                                   " blocks after head " + std::to_string(head_height));
  }
  return Status::Ok();
}

Bytes NewNonce() {
  Bytes nonce(kTxNonceBytes);
  TADORI_CHECK(RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) == 1);
  return nonce;
}

v1::SignedTransaction SignTransaction(const v1::TransactionBody& body, const PrivateKey& key) {
  v1::SignedTransaction tx;
  const std::string key_id = key.public_key().id().ToBinaryString();
  if (body.signer_key_id().empty()) {
    v1::TransactionBody bound = body;
    bound.set_signer_key_id(key_id);
    TADORI_CHECK(bound.SerializeToString(tx.mutable_body()));
  } else {
    TADORI_CHECK(body.SerializeToString(tx.mutable_body()));
  }
  const Hash id = Sha256(AsBytes(tx.body()));
  const Bytes signature = key.Sign(TransactionSigningMessage(id));
  tx.set_signer_key_id(key_id);
  tx.set_signature(ToString(signature));
  return tx;
}

}  // namespace tadori
