#include "consensus/safety_state.h"

#include <gtest/gtest.h>

#include <string>

#include "consensus/bounds.h"
#include "tests/sim/engine_fixture.h"

namespace tadori::consensus {
namespace {

// safety_state.h: "TSS1", the fields, then the first 8 bytes of SHA-256 of all before them.
constexpr size_t kMagicBytes = 4;
constexpr size_t kChecksumBytes = 8;

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

// An encoding without its checksum.
Bytes BodyOf(const Bytes& encoded) {
  return Bytes(encoded.begin(), encoded.end() - kChecksumBytes);
}

// `body` followed by a checksum that matches it, so that a change made to the body gets past
// the checksum and reaches the checks behind it.
Bytes Sealed(const Bytes& body) {
  Bytes out = body;
  const Hash checksum = Sha256(body);
  out.insert(out.end(), checksum.data(), checksum.data() + kChecksumBytes);
  return out;
}

// The decoder refuses `bytes` with `code`, and its message contains `reason`.
void ExpectRefused(const Bytes& bytes, Code code, const std::string& reason) {
  const Status s = DecodeSafetyState(bytes).status();
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(reason), std::string::npos)
      << "want \"" << reason << "\", got " << s.ToString();
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
    SCOPED_TRACE(len);
    // Too short to hold a magic and a checksum; otherwise the last 8 bytes kept are not the
    // checksum of the rest (a torn write).
    const bool too_short = len < kMagicBytes + kChecksumBytes;
    ExpectRefused(Bytes(full.begin(), full.begin() + len), Code::kDataLoss,
                  too_short ? "safety state truncated" : "safety state checksum mismatch");
  }
}

TEST(SafetyStateCodec, TruncatedBodyUnderItsOwnChecksumIsDataLoss) {
  // A shortened body whose checksum was written for it: the field readers must notice.
  testing::Validators v;
  const Bytes body = BodyOf(EncodeSafetyState(Sample(v)));
  for (size_t len = 0; len < body.size(); ++len) {
    SCOPED_TRACE(len);
    ExpectRefused(Sealed(Bytes(body.begin(), body.begin() + len)), Code::kDataLoss, "truncated");
  }
}

TEST(SafetyStateCodec, BitFlipIsDetected) {
  testing::Validators v;
  Bytes full = EncodeSafetyState(Sample(v));
  for (size_t i = 0; i < full.size(); i += 7) {
    SCOPED_TRACE(i);
    Bytes corrupt = full;
    corrupt[i] ^= 0x04;
    ExpectRefused(corrupt, Code::kDataLoss, "safety state checksum mismatch");
  }
}

TEST(SafetyStateCodec, BadMagicIsRefused) {
  testing::Validators v;
  Bytes body = BodyOf(EncodeSafetyState(Sample(v)));
  body[3] = '2';  // "TSS2"
  ExpectRefused(Sealed(body), Code::kDataLoss, "safety state has a bad magic");
}

TEST(SafetyStateCodec, TrailingBytesAreRefused) {
  // The checksum covers the extra byte, so only the trailing-bytes check can refuse it.
  testing::Validators v;
  Bytes body = BodyOf(EncodeSafetyState(Sample(v)));
  body.push_back(0);
  ExpectRefused(Sealed(body), Code::kDataLoss, "trailing bytes after safety state");
}

TEST(SafetyStateCodec, OversizeIsRefusedBeforeTheChecksum) {
  Bytes huge = Sealed(Bytes(kSafetyStateBytesMax, 0));
  ExpectRefused(huge, Code::kDataLoss, "safety state too large");
}

TEST(SafetyStateCodec, ContradictoryFieldsAreRefused) {
  testing::Validators v;
  SafetyState s = Sample(v);
  s.one_chain_round = 7;  // does not match high_qc.round
  ExpectRefused(EncodeSafetyState(s), Code::kInvalidArgument,
                "safety state fields contradict each other");
  s = Sample(v);
  s.preferred_round = 3;  // a lock above the highest QC seen
  ExpectRefused(EncodeSafetyState(s), Code::kInvalidArgument,
                "safety state fields contradict each other");
}

}  // namespace
}  // namespace tadori::consensus
