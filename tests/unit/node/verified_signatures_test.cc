// VerifiedSignatures: remembers exact signed bytes, bounded by count, oldest out first.
#include "node/validator/verified_signatures.h"

#include <gtest/gtest.h>

#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

using testing::MakeTx;
using testing::NewKey;

DecodedTransaction Tx(const PrivateKey& key, const std::string& lot) {
  return MakeTx(key, "verified-chain", 100, lot);
}

TEST(VerifiedSignaturesTest, RemembersTheExactSignedBytesOnly) {
  const PrivateKey key = NewKey();
  VerifiedSignatures verified;
  const DecodedTransaction tx = Tx(key, "lot-a");
  EXPECT_FALSE(verified.Contains(tx));
  verified.Add(tx);
  EXPECT_TRUE(verified.Contains(tx));

  DecodedTransaction other_signature = tx;
  other_signature.envelope.set_signature(ToString(NewKey().Sign(TransactionSigningMessage(tx.id))));
  EXPECT_FALSE(verified.Contains(other_signature)) << "same id, other signature bytes";
  DecodedTransaction other_signer = tx;
  other_signer.signer_key_id = NewKey().public_key().id();
  EXPECT_FALSE(verified.Contains(other_signer)) << "same signature, other key";
  EXPECT_FALSE(verified.Contains(Tx(key, "lot-b")));
}

TEST(VerifiedSignaturesTest, TheOldestEntryLeavesAtTheBound) {
  const PrivateKey key = NewKey();
  VerifiedSignatures verified(2);
  const DecodedTransaction a = Tx(key, "lot-1");
  const DecodedTransaction b = Tx(key, "lot-2");
  const DecodedTransaction c = Tx(key, "lot-3");
  verified.Add(a);
  verified.Add(b);
  verified.Add(a);  // already there: neither counted nor moved
  EXPECT_EQ(verified.size(), 2u);
  verified.Add(c);
  EXPECT_EQ(verified.size(), 2u);
  EXPECT_FALSE(verified.Contains(a));
  EXPECT_TRUE(verified.Contains(b));
  EXPECT_TRUE(verified.Contains(c));
}

}  // namespace
}  // namespace tadori
