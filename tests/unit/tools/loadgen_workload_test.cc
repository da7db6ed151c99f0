#include "tools/loadgen/workload.h"

#include <gtest/gtest.h>

#include <set>

#include "ledger/transaction.h"

namespace tadori::loadgen {
namespace {

TEST(LoadgenWorkloadTest, HarvestCarriesTheHarvestingKdes) {
  const v1::TransactionBody p = HarvestPayload("lg-1", kLoadgenProductGtin, 1'764'086'838'123);
  ASSERT_EQ(p.payload_case(), v1::TransactionBody::kRecordEvent);
  const v1::EpcisEvent& e = p.record_event().event();
  EXPECT_EQ(e.type(), v1::OBJECT_EVENT);
  EXPECT_EQ(e.action(), v1::ADD);
  EXPECT_EQ(e.biz_step(), "harvesting");
  EXPECT_EQ(e.event_time(), "2025-11-25T16:07:18+00:00");
  EXPECT_EQ(e.event_time_zone_offset(), "+00:00");
  ASSERT_EQ(e.quantity_list_size(), 1);
  EXPECT_EQ(e.quantity_list(0).lot_code(), "lg-1");
  EXPECT_EQ(e.quantity_list(0).product(), kLoadgenProductGtin);
  EXPECT_GT(e.quantity_list(0).quantity_milli(), 0);
  EXPECT_EQ(e.ilmd().harvest_date(), "2025-11-25");
  EXPECT_FALSE(e.ilmd().harvest_location().empty());
  EXPECT_FALSE(e.ilmd().tlc_source().empty());
  EXPECT_GE(e.biz_transaction_list_size(), 1);
}

TEST(LoadgenWorkloadTest, ProductIsOnTheFoodTraceabilityListWithARange) {
  const v1::TransactionBody p = LoadgenProductPayload();
  EXPECT_EQ(p.register_product().gtin(), kLoadgenProductGtin);
  EXPECT_TRUE(p.register_product().on_food_traceability_list());
  ASSERT_EQ(p.register_product().storage_size(), 1);
  EXPECT_LT(p.register_product().storage(0).min_milli(),
            p.register_product().storage(0).max_milli());
}

TEST(LoadgenWorkloadTest, PresignedHarvestsAreDistinctDecodableAndInOrder) {
  Result<PrivateKey> key = PrivateKey::Generate(KeyType::kP256);
  ASSERT_TRUE(key.ok());
  const Workload w =
      PresignHarvests({"tadori-dev", 10}, *key, 5, "p-", kLoadgenProductGtin, 100, 2'000);
  ASSERT_EQ(w.requests.size(), 5u);
  std::set<Hash> ids(w.ids.begin(), w.ids.end());
  EXPECT_EQ(ids.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    Result<DecodedTransaction> tx = DecodeTransaction(w.requests[i].tx());
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    EXPECT_EQ(tx->id, w.ids[i]);
    EXPECT_EQ(tx->body.record_event().event().quantity_list(0).lot_code(),
              "p-" + std::to_string(i));
    EXPECT_EQ(w.valid_until[i], 110u);
    EXPECT_TRUE(w.requests[i].wait_for_commit());
  }
}

}  // namespace
}  // namespace tadori::loadgen
