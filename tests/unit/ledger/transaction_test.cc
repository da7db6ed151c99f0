#include "ledger/transaction.h"

#include <gtest/gtest.h>

#include <string>

#include "ledger/limits.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

using testing::CreateLotBody;
using testing::NewKey;

constexpr char kChain[] = "tx-test";

v1::SignedTransaction Signed(const v1::TransactionBody& body, const PrivateKey& key) {
  return SignTransaction(body, key);
}

Status DecodeStatus(const v1::SignedTransaction& tx) {
  return DecodeTransaction(tx).status();
}

// `s` is UNAUTHENTICATED with a message that contains `reason`.
void ExpectUnauthenticated(const Status& s, const std::string& reason) {
  EXPECT_EQ(s.code(), Code::kUnauthenticated) << s.ToString();
  EXPECT_NE(s.message().find(reason), std::string::npos)
      << "want \"" << reason << "\", got " << s.ToString();
}

constexpr char kForged[] = "signature does not verify";

void ExpectInvalid(const v1::SignedTransaction& tx, const std::string& field) {
  Status s = DecodeStatus(tx);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find(field), std::string::npos) << s.ToString();
}

TEST(DecodeTransaction, WellFormedTransactionDecodesAndVerifies) {
  PrivateKey key = NewKey();
  v1::SignedTransaction tx = Signed(CreateLotBody(kChain, 10, "lot-1"), key);
  Result<DecodedTransaction> d = DecodeTransaction(tx);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->id, Sha256(AsBytes(tx.body())));
  EXPECT_EQ(d->signer_key_id, key.public_key().id());
  EXPECT_EQ(d->body.record_event().event().quantity_list(0).lot_code(), "lot-1");
  EXPECT_TRUE(VerifyTransactionSignature(*d, key.public_key()).ok());
}

TEST(DecodeTransaction, Ed25519SignerVerifies) {
  PrivateKey key = NewKey(KeyType::kEd25519);
  Result<DecodedTransaction> d = DecodeTransaction(Signed(CreateLotBody(kChain, 10, "l"), key));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(VerifyTransactionSignature(*d, key.public_key()).ok());
}

TEST(DecodeTransaction, WrongKeyIsUnauthenticated) {
  PrivateKey key = NewKey();
  PrivateKey other = NewKey();
  Result<DecodedTransaction> d = DecodeTransaction(Signed(CreateLotBody(kChain, 10, "l"), key));
  ASSERT_TRUE(d.ok());
  ExpectUnauthenticated(VerifyTransactionSignature(*d, other.public_key()),
                        "names signer " + key.public_key().id().ShortHex() + " but key " +
                            other.public_key().id().ShortHex() + " was given");
}

TEST(DecodeTransaction, SignatureOverOtherBodyDoesNotVerify) {
  PrivateKey key = NewKey();
  v1::SignedTransaction a = Signed(CreateLotBody(kChain, 10, "a"), key);
  v1::SignedTransaction b = Signed(CreateLotBody(kChain, 10, "b"), key);
  a.set_signature(b.signature());
  Result<DecodedTransaction> d = DecodeTransaction(a);
  ASSERT_TRUE(d.ok());
  ExpectUnauthenticated(VerifyTransactionSignature(*d, key.public_key()), kForged);
}

TEST(DecodeTransaction, FlippedSignatureBitDoesNotVerify) {
  PrivateKey key = NewKey();
  v1::SignedTransaction tx = Signed(CreateLotBody(kChain, 10, "a"), key);
  std::string sig = tx.signature();
  sig[5] ^= 0x01;
  tx.set_signature(sig);
  Result<DecodedTransaction> d = DecodeTransaction(tx);
  ASSERT_TRUE(d.ok());
  ExpectUnauthenticated(VerifyTransactionSignature(*d, key.public_key()), kForged);
}

TEST(DecodeTransaction, SignTransactionBindsSignerIntoBody) {
  PrivateKey key = NewKey();
  Result<DecodedTransaction> d = DecodeTransaction(Signed(CreateLotBody(kChain, 10, "a"), key));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->body.signer_key_id(), key.public_key().id().ToBinaryString());
}

TEST(DecodeTransaction, BodySignerDiffersFromEnvelope) {
  PrivateKey key = NewKey();
  PrivateKey other = NewKey();
  v1::TransactionBody body = CreateLotBody(kChain, 10, "a");
  body.set_signer_key_id(other.public_key().id().ToBinaryString());
  ExpectInvalid(Signed(body, key), "signer_key_id");
}

TEST(DecodeTransaction, ResigningWithAnotherKeyCannotKeepTheId) {
  // A thief re-signs a pending transaction's body with its own key: the body still names
  // the original signer, so the envelope is refused.
  PrivateKey owner = NewKey();
  PrivateKey thief = NewKey();
  v1::SignedTransaction tx = Signed(CreateLotBody(kChain, 10, "a"), owner);
  v1::SignedTransaction stolen = tx;
  stolen.set_signer_key_id(thief.public_key().id().ToBinaryString());
  stolen.set_signature(ToString(thief.Sign(TransactionSigningMessage(Sha256(AsBytes(tx.body()))))));
  ExpectInvalid(stolen, "signer_key_id");
}

TEST(DecodeTransaction, SignerKeyIdWrongLength) {
  v1::SignedTransaction tx = Signed(CreateLotBody(kChain, 10, "a"), NewKey());
  tx.set_signer_key_id(tx.signer_key_id().substr(0, 31));
  ExpectInvalid(tx, "signer_key_id");
}

TEST(DecodeTransaction, SignatureWrongLength) {
  v1::SignedTransaction tx = Signed(CreateLotBody(kChain, 10, "a"), NewKey());
  tx.set_signature(tx.signature() + "x");
  ExpectInvalid(tx, "signature");
  tx.set_signature("");
  ExpectInvalid(tx, "signature");
}

TEST(DecodeTransaction, BodyDoesNotParse) {
  v1::SignedTransaction tx = Signed(CreateLotBody(kChain, 10, "a"), NewKey());
  tx.set_body("\xff\xff\xff");
  ExpectInvalid(tx, "body");
}

TEST(DecodeTransaction, NonceMustBeExactlySixteenBytes) {
  PrivateKey key = NewKey();
  v1::TransactionBody body = CreateLotBody(kChain, 10, "a");
  body.set_nonce(std::string(kTxNonceBytes - 1, 'n'));
  ExpectInvalid(Signed(body, key), "nonce");
  body.set_nonce(std::string(kTxNonceBytes + 1, 'n'));
  ExpectInvalid(Signed(body, key), "nonce");
  body.clear_nonce();
  ExpectInvalid(Signed(body, key), "nonce");
}

TEST(DecodeTransaction, ChainIdEmptyOrTooLong) {
  PrivateKey key = NewKey();
  v1::TransactionBody body = CreateLotBody("", 10, "a");
  ExpectInvalid(Signed(body, key), "chain_id");
  body.set_chain_id(std::string(kChainIdBytesMax + 1, 'c'));
  ExpectInvalid(Signed(body, key), "chain_id");
  body.set_chain_id(std::string(kChainIdBytesMax, 'c'));
  EXPECT_TRUE(DecodeStatus(Signed(body, key)).ok());
}

TEST(DecodeTransaction, MissingPayload) {
  v1::TransactionBody body = CreateLotBody(kChain, 10, "a");
  body.clear_payload();
  ExpectInvalid(Signed(body, NewKey()), "payload");
}

TEST(DecodeTransaction, StringFieldTooLong) {
  PrivateKey key = NewKey();
  v1::TransactionBody body = CreateLotBody(kChain, 10, "a");
  body.mutable_register_member()->set_public_key(key.public_key().ToPem());
  body.mutable_register_member()->set_name(std::string(kStringFieldBytesMax + 1, 'p'));
  ExpectInvalid(Signed(body, key), "register_member.name");
  body.mutable_register_member()->set_name(std::string(kStringFieldBytesMax, 'p'));
  EXPECT_TRUE(DecodeStatus(Signed(body, key)).ok());
}

TEST(DecodeTransaction, PemTooLong) {
  PrivateKey key = NewKey();
  v1::TransactionBody body = CreateLotBody(kChain, 10, "a");
  body.mutable_register_member()->set_public_key(std::string(kPemBytesMax + 1, 'k'));
  ExpectInvalid(Signed(body, key), "register_member.public_key");
  body.mutable_register_member()->set_public_key(key.public_key().ToPem());
  EXPECT_TRUE(DecodeStatus(Signed(body, key)).ok());
}

TEST(DecodeTransaction, RevokeKeyIdWrongLength) {
  v1::TransactionBody body = CreateLotBody(kChain, 10, "a");
  body.mutable_revoke_member()->set_key_id("short");
  ExpectInvalid(Signed(body, NewKey()), "revoke_member.key_id");
}

TEST(DecodeTransaction, OversizeEnvelopeRefused) {
  v1::SignedTransaction tx = Signed(CreateLotBody(kChain, 10, "a"), NewKey());
  tx.set_body(tx.body() + std::string(kTxSizeBytesMax, '\0'));
  ExpectInvalid(tx, "bytes");
}

TEST(DecodeTransactionBytes, RoundTrip) {
  v1::SignedTransaction tx = Signed(CreateLotBody(kChain, 10, "a"), NewKey());
  std::string wire = tx.SerializeAsString();
  Result<DecodedTransaction> d = DecodeTransactionBytes(AsBytes(wire));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->id, Sha256(AsBytes(tx.body())));
}

TEST(DecodeTransactionBytes, EveryTruncationIsRefused) {
  v1::SignedTransaction tx = Signed(CreateLotBody(kChain, 10, "a"), NewKey());
  const std::string wire = tx.SerializeAsString();
  // The envelope is body (field 1) | signer_key_id (2) | signature (3).
  for (size_t n = 0; n < wire.size(); ++n) {
    SCOPED_TRACE("prefix of " + std::to_string(n) + " bytes");
    const ByteView prefix = AsBytes(wire).first(n);
    const Status s = DecodeTransactionBytes(prefix).status();
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
    // A cut inside a field does not parse; a cut between fields leaves the key id or the
    // signature missing, and the length check of the first one missing refuses it.
    v1::SignedTransaction parsed;
    std::string reason = "transaction envelope does not parse";
    if (parsed.ParseFromArray(prefix.data(), static_cast<int>(prefix.size()))) {
      reason = parsed.signer_key_id().empty() ? "signer_key_id must be 32 bytes"
                                              : "signature must be 64 bytes";
    }
    EXPECT_NE(s.message().find(reason), std::string::npos)
        << "want \"" << reason << "\", got " << s.ToString();
  }
}

TEST(DecodeTransactionBytes, CorruptedBytesNeverCrashAndNeverVerify) {
  PrivateKey key = NewKey();
  v1::SignedTransaction tx = Signed(CreateLotBody(kChain, 10, "a"), key);
  const std::string wire = tx.SerializeAsString();
  const size_t signature_at = wire.rfind(tx.signature());
  ASSERT_EQ(signature_at + kSignatureBytes, wire.size());
  for (size_t i = 0; i < wire.size(); ++i) {
    SCOPED_TRACE(i);
    std::string bad = wire;
    bad[i] ^= 0x5a;
    Result<DecodedTransaction> d = DecodeTransactionBytes(AsBytes(bad));
    if (!d.ok()) continue;
    const Status s = VerifyTransactionSignature(*d, key.public_key());
    if (i >= signature_at && s.code() == Code::kInvalidArgument) {
      // A changed signature may no longer be a well-formed P-256 one (r or s out of range,
      // or s not low), which is refused before it is checked against the id.
      EXPECT_NE(s.message().find("P-256 signature"), std::string::npos) << s.ToString();
    } else {
      // A changed body has another id, which the signature does not sign.
      ExpectUnauthenticated(s, kForged);
    }
  }
}

TEST(DecodeTransactionBytes, OversizeRefusedBeforeParsing) {
  std::string wire(kTxSizeBytesMax + 1, '\0');
  Status s = DecodeTransactionBytes(AsBytes(wire)).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("more than"), std::string::npos) << s.ToString();
}

TEST(TransactionId, IsOverBodyBytesAsReceived) {
  PrivateKey key = NewKey();
  v1::TransactionBody body = CreateLotBody(kChain, 10, "a");
  v1::SignedTransaction tx = Signed(body, key);
  // Same logical body, re-encoded with an unknown field (number 99, varint 1) appended.
  std::string reencoded = tx.body() + std::string("\x98\x06\x01", 3);
  v1::TransactionBody reparsed;
  ASSERT_TRUE(reparsed.ParseFromString(reencoded));
  EXPECT_EQ(reparsed.record_event().event().quantity_list(0).lot_code(), "a");
  v1::SignedTransaction tx2 = tx;
  tx2.set_body(reencoded);
  Result<DecodedTransaction> a = DecodeTransaction(tx);
  Result<DecodedTransaction> b = DecodeTransaction(tx2);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->id, b->id);
  // The original signature does not carry over to the re-encoding.
  ExpectUnauthenticated(VerifyTransactionSignature(*b, key.public_key()), kForged);
}

TEST(TransactionId, SameKeySamePayloadNeverCollide) {
  PrivateKey key = NewKey();
  Result<DecodedTransaction> a = DecodeTransaction(Signed(CreateLotBody(kChain, 10, "x"), key));
  Result<DecodedTransaction> b = DecodeTransaction(Signed(CreateLotBody(kChain, 10, "x"), key));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->body.nonce(), b->body.nonce());
  EXPECT_NE(a->id, b->id);
}

TEST(NewNonce, HasFixedLengthAndVaries) {
  Bytes a = NewNonce();
  Bytes b = NewNonce();
  EXPECT_EQ(a.size(), kTxNonceBytes);
  EXPECT_NE(a, b);
}

TEST(TransactionSigningMessage, IsDomainThenId) {
  Hash id = Sha256(std::string_view("x"));
  Bytes m = TransactionSigningMessage(id);
  ASSERT_EQ(m.size(), 12u + 32u);
  EXPECT_EQ(ToString(ByteView(m).first(12)), "TADORI-TX-V1");
  EXPECT_EQ(Bytes(m.begin() + 12, m.end()), id.ToBytes());
}

class TransactionContext : public ::testing::Test {
 protected:
  DecodedTransaction TxValidUntil(uint64_t valid_until) {
    Result<DecodedTransaction> d =
        DecodeTransaction(Signed(CreateLotBody(kChain, valid_until, "a"), key_));
    EXPECT_TRUE(d.ok());
    return std::move(d).value();
  }
  PrivateKey key_ = NewKey();
};

TEST_F(TransactionContext, WrongChainId) {
  Status s = CheckTransactionContext(TxValidUntil(10), "other-chain", 5);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("wrong chain id"), std::string::npos);
}

TEST_F(TransactionContext, ExpiryWindowEdges) {
  const uint64_t head = 1000;
  Status at_head = CheckTransactionContext(TxValidUntil(head), kChain, head);
  EXPECT_EQ(at_head.code(), Code::kFailedPrecondition) << at_head.ToString();
  EXPECT_NE(at_head.message().find("transaction expired at height 1000, head is 1000"),
            std::string::npos)
      << at_head.ToString();
  Status before = CheckTransactionContext(TxValidUntil(head - 1), kChain, head);
  EXPECT_EQ(before.code(), Code::kFailedPrecondition) << before.ToString();
  EXPECT_NE(before.message().find("transaction expired at height 999, head is 1000"),
            std::string::npos)
      << before.ToString();
  EXPECT_TRUE(CheckTransactionContext(TxValidUntil(head + 1), kChain, head).ok());
  EXPECT_TRUE(
      CheckTransactionContext(TxValidUntil(head + kTxValidityWindowBlocks), kChain, head).ok());
  Status far =
      CheckTransactionContext(TxValidUntil(head + kTxValidityWindowBlocks + 1), kChain, head);
  EXPECT_EQ(far.code(), Code::kInvalidArgument);
  EXPECT_NE(far.message().find("too far"), std::string::npos);
}

TEST_F(TransactionContext, ExpiredMessageSaysExpired) {
  Status s = CheckTransactionContext(TxValidUntil(3), kChain, 3);
  EXPECT_NE(s.message().find("transaction expired"), std::string::npos) << s.ToString();
}

TEST_F(TransactionContext, HugeValidUntilAtHugeHeadDoesNotWrap) {
  const uint64_t head = UINT64_MAX - 5;
  EXPECT_TRUE(CheckTransactionContext(TxValidUntil(UINT64_MAX), kChain, head).ok());
  EXPECT_EQ(CheckTransactionContext(TxValidUntil(5), kChain, head).code(),
            Code::kFailedPrecondition);
}

}  // namespace
}  // namespace tadori
