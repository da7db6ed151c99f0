#include "tools/client/transaction_builder.h"

#include <gtest/gtest.h>

#include <string>

#include "ledger/limits.h"
#include "ledger/transaction.h"

namespace tadori::client {
namespace {

v1::TransactionBody LotPayload() {
  v1::TransactionBody p;
  p.mutable_issue_recall()->set_lot_code("L1");
  p.mutable_issue_recall()->set_reason("listeria");
  return p;
}

TEST(TransactionBuilderTest, FillsEnvelopeFromChainHead) {
  const ChainHead head{"tadori-dev", 41};
  const v1::TransactionBody body = CompleteBody(LotPayload(), head, 1234);
  EXPECT_EQ(body.chain_id(), "tadori-dev");
  EXPECT_EQ(body.nonce().size(), kTxNonceBytes);
  EXPECT_EQ(body.valid_until_height(), 41 + kDefaultValidityBlocks);
  EXPECT_EQ(body.created_at_ms(), 1234);
  EXPECT_EQ(body.issue_recall().lot_code(), "L1");
}

TEST(TransactionBuilderTest, SamePayloadTwiceGetsDistinctIds) {
  const ChainHead head{"c", 1};
  const v1::TransactionBody a = CompleteBody(LotPayload(), head, 5);
  const v1::TransactionBody b = CompleteBody(LotPayload(), head, 5);
  EXPECT_NE(a.nonce(), b.nonce());
  EXPECT_NE(Sha256(a.SerializeAsString()), Sha256(b.SerializeAsString()));
}

TEST(TransactionBuilderTest, SignedResultDecodesVerifiesAndFitsTheNodeWindow) {
  Result<PrivateKey> key = PrivateKey::Generate(KeyType::kP256);
  ASSERT_TRUE(key.ok());
  const ChainHead head{"tadori-dev", 100};
  const v1::SignedTransaction tx = SignTransaction(CompleteBody(LotPayload(), head, 1), *key);
  Result<DecodedTransaction> decoded = DecodeTransaction(tx);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->signer_key_id, key->public_key().id());
  EXPECT_TRUE(VerifyTransactionSignature(*decoded, key->public_key()).ok());
  EXPECT_TRUE(CheckTransactionContext(*decoded, "tadori-dev", head.height).ok());
  // Still admissible later in its window, refused once the head reaches its bound.
  EXPECT_TRUE(
      CheckTransactionContext(*decoded, "tadori-dev", head.height + kDefaultValidityBlocks - 1)
          .ok());
  const uint64_t bound = head.height + kDefaultValidityBlocks;
  const Status expired = CheckTransactionContext(*decoded, "tadori-dev", bound);
  EXPECT_EQ(expired.code(), Code::kFailedPrecondition) << expired.ToString();
  EXPECT_EQ(decoded->body.valid_until_height(), bound);
  EXPECT_EQ(expired.message(), "transaction expired at height " + std::to_string(bound) +
                                   ", head is " + std::to_string(bound));
}

TEST(TransactionBuilderTest, LongestValidityStaysInsideTheWindow) {
  Result<PrivateKey> key = PrivateKey::Generate(KeyType::kEd25519);
  ASSERT_TRUE(key.ok());
  const ChainHead head{"c", 7};
  const v1::SignedTransaction tx =
      SignTransaction(CompleteBody(LotPayload(), head, 1, kTxValidityWindowBlocks), *key);
  Result<DecodedTransaction> decoded = DecodeTransaction(tx);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(CheckTransactionContext(*decoded, "c", head.height).ok());
}

}  // namespace
}  // namespace tadori::client
