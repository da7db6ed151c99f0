#include "node/validator/mempool.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

using testing::MakeTx;
using testing::NewKey;

constexpr char kChain[] = "mempool-chain";

// Transactions whose lot codes have equal length, so that their envelopes have equal size.
DecodedTransaction Tx(const PrivateKey& key, int n, uint64_t valid_until = 100) {
  char lot[16];
  std::snprintf(lot, sizeof(lot), "lot-%04d", n);
  return MakeTx(key, kChain, valid_until, lot);
}

std::vector<Hash> IdsOf(const std::vector<DecodedTransaction>& txs) {
  std::vector<Hash> ids;
  for (const DecodedTransaction& tx : txs) ids.push_back(tx.id);
  return ids;
}

size_t SizeOf(const DecodedTransaction& tx) {
  return tx.envelope.ByteSizeLong();
}

class MempoolTest : public ::testing::Test {
 protected:
  // Five transactions from one signer, in arrival order.
  void SetUp() override {
    for (int i = 0; i < 5; ++i) txs_.push_back(Tx(key_, i));
    for (const DecodedTransaction& tx : txs_) ASSERT_TRUE(pool_.Add(tx).ok());
  }

  PrivateKey key_ = NewKey();
  Mempool pool_;
  std::vector<DecodedTransaction> txs_;
};

TEST_F(MempoolTest, TakeReturnsArrivalOrderAndRemoves) {
  EXPECT_EQ(pool_.size(), 5u);
  std::vector<DecodedTransaction> taken = pool_.Take(3, SIZE_MAX);
  ASSERT_EQ(taken.size(), 3u);
  EXPECT_EQ(IdsOf(taken), (std::vector<Hash>{txs_[0].id, txs_[1].id, txs_[2].id}));
  EXPECT_EQ(pool_.size(), 2u);
  EXPECT_FALSE(pool_.Contains(txs_[0].id));
  EXPECT_TRUE(pool_.Contains(txs_[3].id));
  taken = pool_.Take(10, SIZE_MAX);
  EXPECT_EQ(IdsOf(taken), (std::vector<Hash>{txs_[3].id, txs_[4].id}));
  EXPECT_EQ(pool_.size(), 0u);
  EXPECT_EQ(pool_.bytes(), 0u);
}

TEST_F(MempoolTest, TakeHonoursByteLimit) {
  const size_t two = SizeOf(txs_[0]) + SizeOf(txs_[1]);
  std::vector<DecodedTransaction> taken = pool_.Take(10, two + SizeOf(txs_[2]) - 1);
  EXPECT_EQ(IdsOf(taken), (std::vector<Hash>{txs_[0].id, txs_[1].id}));
  EXPECT_EQ(pool_.size(), 3u);
  EXPECT_TRUE(pool_.Take(10, SizeOf(txs_[2]) - 1).empty());
  EXPECT_EQ(pool_.size(), 3u);
}

TEST_F(MempoolTest, SelectDoesNotRemove) {
  const size_t bytes_before = pool_.bytes();
  std::vector<DecodedTransaction> first = pool_.Select(10, SIZE_MAX, nullptr);
  EXPECT_EQ(IdsOf(first), IdsOf(txs_));
  EXPECT_EQ(pool_.size(), 5u);
  EXPECT_EQ(pool_.bytes(), bytes_before);
  // A second leader selects the same transactions.
  EXPECT_EQ(IdsOf(pool_.Select(10, SIZE_MAX, nullptr)), IdsOf(txs_));
}

TEST_F(MempoolTest, SelectHonoursCountBytesAndSkip) {
  EXPECT_EQ(IdsOf(pool_.Select(2, SIZE_MAX, nullptr)), (std::vector<Hash>{txs_[0].id, txs_[1].id}));
  EXPECT_TRUE(pool_.Select(0, SIZE_MAX, nullptr).empty());
  const size_t two = SizeOf(txs_[0]) + SizeOf(txs_[1]);
  EXPECT_EQ(IdsOf(pool_.Select(10, two, nullptr)), (std::vector<Hash>{txs_[0].id, txs_[1].id}));
  EXPECT_TRUE(pool_.Select(10, SizeOf(txs_[0]) - 1, nullptr).empty());

  // Skipped transactions count against neither limit.
  const Hash skip_a = txs_[0].id, skip_b = txs_[2].id;
  auto skip = [&](const DecodedTransaction& tx) { return tx.id == skip_a || tx.id == skip_b; };
  EXPECT_EQ(IdsOf(pool_.Select(10, SIZE_MAX, skip)),
            (std::vector<Hash>{txs_[1].id, txs_[3].id, txs_[4].id}));
  EXPECT_EQ(IdsOf(pool_.Select(2, SIZE_MAX, skip)), (std::vector<Hash>{txs_[1].id, txs_[3].id}));
  EXPECT_EQ(IdsOf(pool_.Select(10, two, skip)), (std::vector<Hash>{txs_[1].id, txs_[3].id}));
  EXPECT_TRUE(pool_.Select(10, SIZE_MAX, [](const DecodedTransaction&) { return true; }).empty());
  EXPECT_EQ(pool_.size(), 5u);
}

TEST_F(MempoolTest, RemoveUpdatesSizeAndBytes) {
  size_t total = 0;
  for (const DecodedTransaction& tx : txs_) total += SizeOf(tx);
  EXPECT_EQ(pool_.bytes(), total);

  const Hash absent = Tx(key_, 99).id;
  EXPECT_EQ(pool_.Remove({txs_[1].id, absent, txs_[3].id}), 2u);
  EXPECT_EQ(pool_.size(), 3u);
  EXPECT_EQ(pool_.bytes(), total - SizeOf(txs_[1]) - SizeOf(txs_[3]));
  EXPECT_FALSE(pool_.Contains(txs_[1].id));
  EXPECT_TRUE(pool_.Contains(txs_[2].id));
  // Removing again counts nothing; arrival order of the rest is kept.
  EXPECT_EQ(pool_.Remove({txs_[1].id}), 0u);
  EXPECT_EQ(IdsOf(pool_.Select(10, SIZE_MAX, nullptr)),
            (std::vector<Hash>{txs_[0].id, txs_[2].id, txs_[4].id}));
  // A removed transaction may be added again (it goes to the back).
  ASSERT_TRUE(pool_.Add(txs_[1]).ok());
  EXPECT_EQ(IdsOf(pool_.Select(10, SIZE_MAX, nullptr)),
            (std::vector<Hash>{txs_[0].id, txs_[2].id, txs_[4].id, txs_[1].id}));
}

TEST_F(MempoolTest, EvictExpiredRemovesOnlyValidUntilAtOrBelowHeight) {
  Mempool pool;
  PrivateKey key = NewKey();
  DecodedTransaction t5 = Tx(key, 1, 5), t6 = Tx(key, 2, 6), t7 = Tx(key, 3, 7);
  DecodedTransaction t6b = Tx(key, 4, 6);
  ASSERT_TRUE(pool.Add(t7).ok());
  ASSERT_TRUE(pool.Add(t5).ok());
  ASSERT_TRUE(pool.Add(t6).ok());
  ASSERT_TRUE(pool.Add(t6b).ok());
  EXPECT_EQ(pool.EvictExpired(4), 0u);
  EXPECT_EQ(pool.size(), 4u);
  EXPECT_EQ(pool.EvictExpired(6), 3u);
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.bytes(), SizeOf(t7));
  EXPECT_TRUE(pool.Contains(t7.id));
  EXPECT_FALSE(pool.Contains(t5.id));
  EXPECT_FALSE(pool.Contains(t6.id));
  EXPECT_FALSE(pool.Contains(t6b.id));
  EXPECT_EQ(pool.EvictExpired(7), 1u);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.bytes(), 0u);
}

TEST_F(MempoolTest, DuplicateAddIsAlreadyExists) {
  Status s = pool_.Add(txs_[2]);
  EXPECT_EQ(s.code(), Code::kAlreadyExists) << s.ToString();
  EXPECT_EQ(pool_.size(), 5u);
  // Same id with another signature is still the same pending id.
  DecodedTransaction other = txs_[2];
  std::string sig = other.envelope.signature();
  sig[0] = static_cast<char>(sig[0] ^ 0x01);
  other.envelope.set_signature(sig);
  EXPECT_EQ(pool_.Add(other).code(), Code::kAlreadyExists);
  EXPECT_EQ(pool_.size(), 5u);
}

TEST_F(MempoolTest, ContainsExactComparesSignature) {
  EXPECT_TRUE(pool_.ContainsExact(txs_[0]));
  DecodedTransaction other = txs_[0];
  std::string sig = other.envelope.signature();
  sig.back() = static_cast<char>(sig.back() ^ 0x80);
  other.envelope.set_signature(sig);
  EXPECT_TRUE(pool_.Contains(other.id));
  EXPECT_FALSE(pool_.ContainsExact(other));
  EXPECT_FALSE(pool_.ContainsExact(Tx(key_, 42)));
  pool_.Remove({txs_[0].id});
  EXPECT_FALSE(pool_.ContainsExact(txs_[0]));
}

TEST(MempoolLimitsTest, FullByCountIsResourceExhausted) {
  Mempool pool(MempoolLimits{.tx_count_max = 3, .bytes_max = SIZE_MAX, .per_signer_count_max = 3});
  PrivateKey key = NewKey();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.Add(Tx(key, i)).ok());
  DecodedTransaction extra = Tx(NewKey(), 3);
  Status s = pool.Add(extra);
  EXPECT_EQ(s.code(), Code::kResourceExhausted) << s.ToString();
  EXPECT_EQ(pool.size(), 3u);
  EXPECT_FALSE(pool.Contains(extra.id));
  // Room again after a Take.
  ASSERT_EQ(pool.Take(1, SIZE_MAX).size(), 1u);
  EXPECT_TRUE(pool.Add(extra).ok());
}

TEST(MempoolLimitsTest, FullByBytesIsResourceExhausted) {
  PrivateKey key = NewKey();
  DecodedTransaction a = Tx(key, 1), b = Tx(key, 2), c = Tx(key, 3);
  ASSERT_EQ(SizeOf(a), SizeOf(c));
  Mempool pool(MempoolLimits{
      .tx_count_max = 100, .bytes_max = SizeOf(a) + SizeOf(b), .per_signer_count_max = 100});
  ASSERT_TRUE(pool.Add(a).ok());
  ASSERT_TRUE(pool.Add(b).ok());
  EXPECT_EQ(pool.bytes(), SizeOf(a) + SizeOf(b));
  EXPECT_EQ(pool.Add(c).code(), Code::kResourceExhausted);
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.bytes(), SizeOf(a) + SizeOf(b));
  EXPECT_EQ(pool.Remove({a.id}), 1u);
  EXPECT_TRUE(pool.Add(c).ok());
}

TEST(MempoolLimitsTest, PerSignerCapLeavesRoomForOthersAndFreesOnRemove) {
  Mempool pool(MempoolLimits{.tx_count_max = 10, .bytes_max = SIZE_MAX, .per_signer_count_max = 2});
  PrivateKey busy = NewKey(), quiet = NewKey();
  DecodedTransaction b1 = Tx(busy, 1), b2 = Tx(busy, 2), b3 = Tx(busy, 3);
  ASSERT_TRUE(pool.Add(b1).ok());
  ASSERT_TRUE(pool.Add(b2).ok());
  Status s = pool.Add(b3);
  EXPECT_EQ(s.code(), Code::kResourceExhausted) << s.ToString();
  EXPECT_EQ(pool.size(), 2u);
  // Another signer is not affected.
  EXPECT_TRUE(pool.Add(Tx(quiet, 1)).ok());
  EXPECT_TRUE(pool.Add(Tx(quiet, 2)).ok());
  EXPECT_EQ(pool.Add(Tx(quiet, 3)).code(), Code::kResourceExhausted);

  // Remove, Take and EvictExpired all give the signer its slot back.
  EXPECT_EQ(pool.Remove({b1.id}), 1u);
  EXPECT_TRUE(pool.Add(b3).ok());
  EXPECT_EQ(pool.Add(Tx(busy, 4)).code(), Code::kResourceExhausted);
  ASSERT_EQ(IdsOf(pool.Take(1, SIZE_MAX)), (std::vector<Hash>{b2.id}));
  EXPECT_TRUE(pool.Add(Tx(busy, 5)).ok());
  EXPECT_EQ(pool.Add(Tx(busy, 6)).code(), Code::kResourceExhausted);
  EXPECT_EQ(pool.EvictExpired(100), 4u);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_TRUE(pool.Add(Tx(busy, 7)).ok());
  EXPECT_TRUE(pool.Add(Tx(busy, 8)).ok());
  EXPECT_EQ(pool.Add(Tx(busy, 9)).code(), Code::kResourceExhausted);
}

TEST(MempoolLimitsTest, RefusedAddLeavesNoSignerEntryBehind) {
  // A signer refused for a full pool must not be charged: once there is room, it can add
  // its full quota.
  Mempool pool(MempoolLimits{.tx_count_max = 2, .bytes_max = SIZE_MAX, .per_signer_count_max = 2});
  PrivateKey a = NewKey(), b = NewKey();
  DecodedTransaction a1 = Tx(a, 1), a2 = Tx(a, 2);
  ASSERT_TRUE(pool.Add(a1).ok());
  ASSERT_TRUE(pool.Add(a2).ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pool.Add(Tx(b, i)).code(), Code::kResourceExhausted);
  EXPECT_EQ(pool.Remove({a1.id, a2.id}), 2u);
  EXPECT_TRUE(pool.Add(Tx(b, 10)).ok());
  EXPECT_TRUE(pool.Add(Tx(b, 11)).ok());
}

}  // namespace
}  // namespace tadori
