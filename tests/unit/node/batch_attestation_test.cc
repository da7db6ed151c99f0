// Batch attestations (node/validator/batch_attestation.h): what counts towards the f+1
// attestations that let a validator admit a relayed batch without verifying its signatures,
// what never does, and the pending pool's bounds. Seven validators (f = 2, quorum 3) with
// real P-256 consensus keys, so one attestation short of the quorum is a real case.
#include "node/validator/batch_attestation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "consensus/key_crypto.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

using testing::MakeTx;
using testing::NewKey;

constexpr char kChain[] = "attest-chain";
constexpr size_t kValidators = 7;  // f = 2

class PendingBatchesTest : public ::testing::Test {
 protected:
  PendingBatchesTest() : verifier_(PublicKeys()) {}

  std::vector<PublicKey> PublicKeys() {
    std::vector<PublicKey> keys;
    for (size_t i = 0; i < kValidators; ++i) {
      keys_.push_back(NewKey());
      keys.push_back(keys_.back().public_key());
    }
    return keys;
  }

  // A batch of `count` member transactions (distinct by `tag`).
  std::vector<v1::SignedTransaction> Batch(const std::string& tag, int count = 2) {
    std::vector<v1::SignedTransaction> txs;
    for (int i = 0; i < count; ++i) {
      txs.push_back(MakeTx(member_, kChain, 100, tag + "-" + std::to_string(i)).envelope);
    }
    return txs;
  }

  Bytes Sign(size_t validator, const Hash& digest, const std::string& chain = kChain) {
    return keys_[validator].Sign(BatchAttestationMessage(chain, digest));
  }

  PendingBatches::HoldOutcome Hold(PendingBatches& pool, size_t origin,
                                   std::vector<v1::SignedTransaction> txs, int64_t now_ms = 0) {
    const Hash digest = BatchDigest(txs);
    return pool.Hold(origin, digest, Sign(origin, digest), txs, now_ms, vouched_);
  }

  std::vector<PrivateKey> keys_;
  consensus::KeyVerifier verifier_;
  PrivateKey member_ = NewKey();
  std::vector<RelayedBatch> vouched_;
};

TEST(BatchAttestation, CoVerifiersAreTheFValidatorsAfterTheOriginInGenesisOrder) {
  // n = 4, f = 1.
  EXPECT_TRUE(IsCoVerifier(1, 0, 4));
  EXPECT_FALSE(IsCoVerifier(2, 0, 4));
  EXPECT_FALSE(IsCoVerifier(0, 0, 4));  // the origin is not its own co-verifier
  EXPECT_TRUE(IsCoVerifier(0, 3, 4));   // wraps around
  // n = 7, f = 2.
  EXPECT_TRUE(IsCoVerifier(6, 5, 7));
  EXPECT_TRUE(IsCoVerifier(0, 5, 7));
  EXPECT_FALSE(IsCoVerifier(1, 5, 7));
  EXPECT_FALSE(IsCoVerifier(9, 5, 7));
}

TEST(BatchAttestation, DigestCommitsToEverySignatureByteAndTheOrder) {
  const PrivateKey member = NewKey();
  std::vector<v1::SignedTransaction> txs = {MakeTx(member, kChain, 100, "a").envelope,
                                            MakeTx(member, kChain, 100, "b").envelope};
  const Hash digest = BatchDigest(txs);
  std::vector<v1::SignedTransaction> flipped = txs;
  std::string signature = flipped[1].signature();
  signature[7] ^= 0x01;
  flipped[1].set_signature(signature);
  EXPECT_NE(BatchDigest(flipped), digest);  // same ids, other signature bytes
  std::vector<v1::SignedTransaction> swapped = {txs[1], txs[0]};
  EXPECT_NE(BatchDigest(swapped), digest);
  EXPECT_EQ(BatchDigest(txs), digest);
}

TEST(BatchAttestation, MessageIsDomainSeparatedByTagAndChain) {
  const Hash digest = Sha256(std::string_view("batch"));
  const Bytes message = BatchAttestationMessage(kChain, digest);
  EXPECT_EQ(std::string(message.begin(), message.begin() + kBatchAttestationDomain.size()),
            kBatchAttestationDomain);
  EXPECT_NE(message, BatchAttestationMessage("another-chain", digest));
}

TEST_F(PendingBatchesTest, VouchedAfterFPlusOneDistinctAttestersAndNotBefore) {
  PendingBatches pool(kChain, kValidators, verifier_);
  ASSERT_EQ(pool.quorum(), 3u);
  std::vector<v1::SignedTransaction> txs = Batch("q");
  const Hash digest = BatchDigest(txs);
  EXPECT_EQ(Hold(pool, 0, txs), PendingBatches::HoldOutcome::kHeld);
  pool.Attest(1, digest, Sign(1, digest), vouched_);
  EXPECT_TRUE(vouched_.empty()) << "two of three";
  EXPECT_EQ(pool.batches(), 1u);
  // Any validator's attestation counts, not only the designated co-verifiers'.
  pool.Attest(5, digest, Sign(5, digest), vouched_);
  ASSERT_EQ(vouched_.size(), 1u);
  EXPECT_EQ(vouched_[0].digest, digest);
  EXPECT_EQ(vouched_[0].origin, 0u);
  EXPECT_EQ(BatchDigest(vouched_[0].txs), digest);
  EXPECT_EQ(pool.batches(), 0u);
  EXPECT_EQ(pool.bytes(), 0u);
  EXPECT_EQ(pool.stats().vouched, 1u);
  EXPECT_EQ(pool.stats().attestations_counted, 3u);
}

TEST_F(PendingBatchesTest, DuplicatesAndTheOriginsSecondAttestationCountOnce) {
  PendingBatches pool(kChain, kValidators, verifier_);
  std::vector<v1::SignedTransaction> txs = Batch("dup");
  const Hash digest = BatchDigest(txs);
  EXPECT_EQ(Hold(pool, 0, txs), PendingBatches::HoldOutcome::kHeld);
  pool.Attest(0, digest, Sign(0, digest), vouched_);  // the origin again, as a frame
  pool.Attest(1, digest, Sign(1, digest), vouched_);
  pool.Attest(1, digest, Sign(1, digest), vouched_);  // a duplicate
  // The same batch relayed again by its origin.
  EXPECT_EQ(Hold(pool, 0, txs), PendingBatches::HoldOutcome::kAlreadyHeld);
  EXPECT_TRUE(vouched_.empty());
  EXPECT_EQ(pool.stats().attestations_ignored, 3u);
  pool.Attest(2, digest, Sign(2, digest), vouched_);
  EXPECT_EQ(vouched_.size(), 1u);
}

TEST_F(PendingBatchesTest, BadSignaturesOtherChainsOtherDigestsAndNonValidatorsDoNotCount) {
  PendingBatches pool(kChain, kValidators, verifier_);
  std::vector<v1::SignedTransaction> txs = Batch("bad");
  const Hash digest = BatchDigest(txs);
  const Hash other = BatchDigest(Batch("other"));
  EXPECT_EQ(Hold(pool, 0, txs), PendingBatches::HoldOutcome::kHeld);
  pool.Attest(1, digest, Sign(1, digest, "another-chain"), vouched_);  // replayed from a chain
  pool.Attest(2, digest, Sign(3, digest), vouched_);                   // 3's signature as 2's
  Bytes flipped = Sign(4, digest);
  flipped[10] ^= 0x40;
  pool.Attest(4, digest, flipped, vouched_);
  pool.Attest(kValidators, digest, Sign(1, digest), vouched_);  // not a validator
  pool.Attest(5, other, Sign(5, other), vouched_);              // for another batch
  EXPECT_TRUE(vouched_.empty());
  EXPECT_EQ(pool.stats().attestations_refused, 4u);
  EXPECT_EQ(pool.stats().attestations_counted, 1u);  // the origin's
  // Each of them may still attest properly.
  pool.Attest(1, digest, Sign(1, digest), vouched_);
  pool.Attest(2, digest, Sign(2, digest), vouched_);
  EXPECT_EQ(vouched_.size(), 1u);
}

TEST_F(PendingBatchesTest, AttestationsThatCameBeforeTheBatchCountWhenItComes) {
  PendingBatches pool(kChain, kValidators, verifier_);
  std::vector<v1::SignedTransaction> txs = Batch("early");
  const Hash digest = BatchDigest(txs);
  pool.Attest(1, digest, Sign(1, digest), vouched_);
  pool.Attest(2, digest, Sign(2, digest, "another-chain"), vouched_);  // refused once counted
  pool.Attest(3, digest, Sign(3, digest), vouched_);
  EXPECT_EQ(Hold(pool, 0, txs), PendingBatches::HoldOutcome::kVouched);
  ASSERT_EQ(vouched_.size(), 1u);
  EXPECT_EQ(vouched_[0].txs.size(), 2u);
  EXPECT_EQ(pool.batches(), 0u);
  EXPECT_EQ(pool.stats().attestations_refused, 1u);
}

TEST_F(PendingBatchesTest, ABatchWhoseOriginAttestationFailsIsLeftToVerifyAtOnce) {
  PendingBatches pool(kChain, kValidators, verifier_);
  std::vector<v1::SignedTransaction> txs = Batch("unattested");
  const Hash digest = BatchDigest(txs);
  EXPECT_EQ(pool.Hold(0, digest, Sign(1, digest), txs, 0, vouched_),
            PendingBatches::HoldOutcome::kUnattested);
  EXPECT_EQ(pool.Hold(0, digest, ByteView(), txs, 0, vouched_),
            PendingBatches::HoldOutcome::kUnattested);
  EXPECT_EQ(txs.size(), 2u) << "left to the caller";
  EXPECT_EQ(pool.batches(), 0u);
  EXPECT_EQ(pool.stats().attestations_refused, 2u);
}

TEST_F(PendingBatchesTest, ABatchIsOverdueAtTheEndOfItsWait) {
  PendingBatches pool(kChain, kValidators, verifier_);
  std::vector<v1::SignedTransaction> txs = Batch("late", 3);
  EXPECT_EQ(Hold(pool, 0, txs, 1'000), PendingBatches::HoldOutcome::kHeld);
  const int64_t due = 1'000 + VouchWaitMs(3);
  EXPECT_EQ(pool.NextDueMs(), due);
  EXPECT_TRUE(pool.TakeOverdue(due - 1).empty());
  std::vector<RelayedBatch> overdue = pool.TakeOverdue(due);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].txs.size(), 3u);
  EXPECT_EQ(pool.NextDueMs(), std::nullopt);
  EXPECT_EQ(pool.stats().overdue, 1u);
}

TEST_F(PendingBatchesTest, AnOriginsOldestBatchesLeaveBeyondItsCountBound) {
  PendingLimits limits;
  limits.batches_per_origin_max = 2;
  PendingBatches pool(kChain, kValidators, verifier_, limits);
  const std::vector<v1::SignedTransaction> first = Batch("c1");
  EXPECT_EQ(Hold(pool, 0, first), PendingBatches::HoldOutcome::kHeld);
  EXPECT_EQ(Hold(pool, 0, Batch("c2")), PendingBatches::HoldOutcome::kHeld);
  EXPECT_EQ(Hold(pool, 4, Batch("other-origin")), PendingBatches::HoldOutcome::kHeld);
  EXPECT_EQ(Hold(pool, 0, Batch("c3")), PendingBatches::HoldOutcome::kHeld);
  EXPECT_EQ(pool.batches(), 3u);
  EXPECT_EQ(pool.stats().dropped, 1u);
  // The first is gone: its attestations no longer complete anything.
  const Hash digest = BatchDigest(first);
  pool.Attest(1, digest, Sign(1, digest), vouched_);
  pool.Attest(2, digest, Sign(2, digest), vouched_);
  EXPECT_TRUE(vouched_.empty());
}

TEST_F(PendingBatchesTest, AnOriginsOldestBatchesLeaveBeyondItsByteBound) {
  const std::vector<v1::SignedTransaction> first = Batch("b1");
  size_t batch_bytes = 0;
  for (const v1::SignedTransaction& tx : first) batch_bytes += tx.ByteSizeLong();
  PendingLimits limits;
  limits.bytes_per_origin_max = batch_bytes * 2 + batch_bytes / 2;  // two batches fit, not three
  PendingBatches pool(kChain, kValidators, verifier_, limits);
  EXPECT_EQ(Hold(pool, 0, first), PendingBatches::HoldOutcome::kHeld);
  EXPECT_EQ(Hold(pool, 0, Batch("b2")), PendingBatches::HoldOutcome::kHeld);
  EXPECT_EQ(Hold(pool, 0, Batch("b3")), PendingBatches::HoldOutcome::kHeld);
  EXPECT_EQ(pool.batches(), 2u);
  EXPECT_LE(pool.bytes(), limits.bytes_per_origin_max);
  EXPECT_EQ(pool.stats().dropped, 1u);
  // A batch over the bound by itself is not held at all: the caller verifies it.
  std::vector<v1::SignedTransaction> big = Batch("big", 6);
  EXPECT_EQ(Hold(pool, 0, big), PendingBatches::HoldOutcome::kTooLarge);
  EXPECT_EQ(pool.batches(), 2u);
}

TEST_F(PendingBatchesTest, AttestationsKeptForAbsentBatchesAreBoundedPerAttester) {
  PendingLimits limits;
  limits.early_per_attester_max = 2;
  PendingBatches pool(kChain, kValidators, verifier_, limits);
  std::vector<std::vector<v1::SignedTransaction>> batches = {Batch("e1"), Batch("e2"), Batch("e3")};
  for (const auto& txs : batches) {
    const Hash digest = BatchDigest(txs);
    pool.Attest(1, digest, Sign(1, digest), vouched_);
    pool.Attest(2, digest, Sign(2, digest), vouched_);
  }
  EXPECT_EQ(pool.stats().early_dropped, 2u);  // e1's, from each attester
  EXPECT_EQ(Hold(pool, 0, batches[0]), PendingBatches::HoldOutcome::kHeld);
  EXPECT_EQ(Hold(pool, 0, batches[2]), PendingBatches::HoldOutcome::kVouched);
}

}  // namespace
}  // namespace tadori
