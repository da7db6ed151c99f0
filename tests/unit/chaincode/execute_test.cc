// Execute as the executor sees it: determinism, and local failures kept apart from refusals.
#include <gtest/gtest.h>

#include <vector>

#include "chaincode/state_keys.h"
#include "chaincode_fixture.h"

namespace tadori {
namespace {

using ExecuteTest = ChaincodeTest;

struct Step {
  const PrivateKey* signer;
  v1::TransactionBody body;
};

// Every transaction's result and writes, then the final state, serialized to one string.
std::string Replay(const v1::Genesis& genesis, const std::vector<Step>& steps) {
  Ledger ledger(genesis);
  std::string out;
  for (const Step& step : steps) {
    v1::TxResult result = ledger.Run(step.signer->public_key().id(), step.body);
    out += std::to_string(result.code()) + ":" + result.message() + "\n";
    for (const auto& [key, value] : ledger.last_writes()) {
      out += key + "=" + (value ? ToHex(AsBytes(*value)) : std::string("<deleted>")) + "\n";
    }
  }
  for (const auto& [key, value] : ledger.state().entries()) {
    out += key + "=" + ToHex(AsBytes(value)) + "\n";
  }
  return out;
}

TEST_F(ExecuteTest, SameSequenceFromSameGenesisWritesTheSame) {
  PrivateKey extra = NewKey();
  std::vector<Step> steps = {
      {&admin("farm"), RegisterBody(member("farm").public_key(), "harvest")},
      {&admin("distributor"), RegisterBody(member("distributor").public_key(), "dock")},
      {&admin("retailer"), RegisterBody(member("retailer").public_key(), "store")},
      {&admin("farm"), RegisterBody(extra.public_key(), "line 2")},
      {&member("farm"), ProductBody(kSpinach, true, {Range("temperature", 0, 5000)})},
      {&member("farm"), CreateBody("LOT-B", 500)},
      {&member("farm"), CreateBody("LOT-A", 900)},
      {&member("distributor"), CreateBody("LOT-C")},  // refused: no producer role
      {&member("farm"), ShipBody("LOT-A", "farm", "distributor", 900)},
      {&member("retailer"), ReceiveBody("LOT-A", "farm", "retailer", 900)},  // refused
      {&member("distributor"), ReceiveBody("LOT-A", "farm", "distributor", 900)},
      {&admin("farm"), RevokeBody(extra.public_key().id())},
      {&extra, ShipBody("LOT-B", "farm", "retailer", 500)},  // refused: revoked
      {&admin("distributor"), ShipBody("LOT-A", "distributor", "retailer", 400)},
      {&member("retailer"), ReceiveBody("LOT-A", "distributor", "retailer", 400)},
  };
  const std::string first = Replay(genesis_, steps);
  const std::string second = Replay(genesis_, steps);
  EXPECT_EQ(first, second);
  EXPECT_NE(first.find(LotStateKey("LOT-A")), std::string::npos);
  EXPECT_NE(first.find(HeldStateKey("retailer", "LOT-A")), std::string::npos);
  EXPECT_NE(first.find(std::to_string(static_cast<int>(Code::kPermissionDenied)) + ":"),
            std::string::npos);
}

// A reader whose store has failed.
class BrokenState : public StateReader {
 public:
  Result<std::optional<std::string>> Get(std::string_view) const override {
    return Status::DataLoss("checksum mismatch in table 000042.ldb");
  }
};

TEST_F(ExecuteTest, StoreFailureIsALocalFailure) {
  BrokenState broken;
  StateView view(broken);
  TxContext ctx;
  ctx.signer = Id(member("farm"));
  ctx.height = 9;
  v1::TxResult result = Execute(ctx, CreateBody("LOT-1"), view);
  EXPECT_EQ(CodeOf(result), Code::kInternal);
  EXPECT_TRUE(IsLocalFailure(result));
  EXPECT_NE(result.message().find("checksum mismatch"), std::string::npos) << result.message();
  EXPECT_TRUE(view.writes().empty());

  EXPECT_EQ(FindLot(broken, "LOT-1").status().code(), Code::kInternal);
  EXPECT_EQ(FindOrg(broken, "farm").status().code(), Code::kInternal);
  EXPECT_EQ(FindMember(broken, Id(member("farm"))).status().code(), Code::kInternal);
}

TEST_F(ExecuteTest, RefusalIsNotALocalFailure) {
  v1::TxResult result = Run(outsider_, CreateBody("LOT-1"));
  EXPECT_EQ(CodeOf(result), Code::kPermissionDenied);
  EXPECT_FALSE(IsLocalFailure(result));
}

TEST_F(ExecuteTest, CorruptRecordIsALocalFailure) {
  ExpectOk(Run(member("farm"), CreateBody("LOT-1")));
  StateView view(ledger_->state());
  view.Put(LotStateKey("LOT-1"), std::string("\xff\xff\xff", 3));
  TxContext ctx;
  ctx.signer = Id(member("farm"));
  ctx.height = ledger_->height() + 1;
  ctx.block_time_ms = kBlockTimeBaseMs;  // after the events' times
  v1::TxResult result = Execute(ctx, ShipBody("LOT-1", "farm", "distributor"), view);
  EXPECT_TRUE(IsLocalFailure(result)) << result.message();
  EXPECT_EQ(FindLot(view, "LOT-1").status().code(), Code::kInternal);
}

TEST_F(ExecuteTest, WritesAreReadBackWithinOneView) {
  // Two payloads against one view (as a block's transactions share state): the second
  // sees the first's write.
  StateView view(ledger_->state());
  TxContext ctx;
  ctx.signer = Id(member("farm"));
  ctx.height = ledger_->height() + 1;
  ctx.block_time_ms = kBlockTimeBaseMs;  // after the events' times
  ASSERT_EQ(CodeOf(Execute(ctx, CreateBody("LOT-V"), view)), Code::kOk);
  EXPECT_EQ(CodeOf(Execute(ctx, CreateBody("LOT-V"), view)), Code::kAlreadyExists);
  ASSERT_EQ(CodeOf(Execute(ctx, ShipBody("LOT-V", "farm", "retailer", 300), view)), Code::kOk);
  Result<std::optional<v1::LotRecord>> lot = FindLot(view, "LOT-V");
  ASSERT_TRUE(lot.ok() && lot->has_value());
  ASSERT_EQ((*lot)->in_transit_size(), 1);
  EXPECT_EQ((*lot)->in_transit(0).quantity_milli(), 300);
  EXPECT_EQ((*lot)->holdings(0).quantity_milli(), 700);
}

}  // namespace
}  // namespace tadori
