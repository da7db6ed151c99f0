#include "consensus/safety_state.h"

#include <gtest/gtest.h>

#include "tests/sim/engine_fixture.h"

namespace tadori::consensus {
namespace {

SafetyState Sample(const testing::Validators& v) {
  Block b1 = v.MakeBlock(1, v.genesis, GenesisQc(v.genesis_id));
  Block b2 = v.MakeBlock(2, b1, v.Certify(b1));
  SafetyState s;
  s.last_voted_round = 9;
  s.preferred_round = 1;
  s.one_chain_round = 2;
  s.high_qc = v.Certify(b2);
  s.high_tc = v.MakeTc(8, v.Certify(b2), {0, 2, 3});
  return s;
}

TEST(SafetyStateCodec, RoundTrip) {
  testing::Validators v;
  SafetyState s = Sample(v);
  Result<SafetyState> back = DecodeSafetyState(EncodeSafetyState(s));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s);
  SafetyState initial = SafetyState::Initial(v.genesis_id);
  Result<SafetyState> back2 = DecodeSafetyState(EncodeSafetyState(initial));
  ASSERT_TRUE(back2.ok());
  EXPECT_EQ(*back2, initial);
}

TEST(SafetyStateCodec, EveryTruncationIsDataLoss) {
  testing::Validators v;
  Bytes full = EncodeSafetyState(Sample(v));
  for (size_t len = 0; len < full.size(); ++len) {
    Result<SafetyState> r = DecodeSafetyState(ByteView(full).first(len));
    ASSERT_FALSE(r.ok()) << len;
    EXPECT_EQ(r.status().code(), Code::kDataLoss);
  }
}

TEST(SafetyStateCodec, BitFlipIsDetected) {
  testing::Validators v;
  Bytes full = EncodeSafetyState(Sample(v));
  for (size_t i = 0; i < full.size(); i += 7) {
    Bytes corrupt = full;
    corrupt[i] ^= 0x04;
    EXPECT_FALSE(DecodeSafetyState(corrupt).ok()) << "flip at " << i;
  }
}

TEST(SafetyStateCodec, TrailingBytesAreRefused) {
  testing::Validators v;
  Bytes full = EncodeSafetyState(Sample(v));
  full.push_back(0);
  EXPECT_FALSE(DecodeSafetyState(full).ok());
}

TEST(SafetyStateCodec, ContradictoryFieldsAreRefused) {
  testing::Validators v;
  SafetyState s = Sample(v);
  s.one_chain_round = 7;  // does not match high_qc.round
  EXPECT_EQ(DecodeSafetyState(EncodeSafetyState(s)).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tadori::consensus
