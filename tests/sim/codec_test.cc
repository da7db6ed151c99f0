#include "consensus/codec.h"

#include <gtest/gtest.h>

#include <string>

#include "consensus/bounds.h"
#include "tests/sim/engine_fixture.h"

namespace tadori::consensus {
namespace {

class CodecTest : public ::testing::Test {
 protected:
  Proposal SampleProposal() const {
    Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
    TimeoutCert tc = v_.MakeTc(2, v_.Certify(b1), {0, 1, 3});
    return v_.Propose(v_.MakeBlock(3, b1, v_.Certify(b1), "payload bytes"), tc);
  }
  testing::Validators v_;
};

// DecodeMessage refuses `bytes` with `code`, and its message contains `reason`.
void ExpectRefused(ByteView bytes, Code code, const std::string& reason) {
  const Status s = DecodeMessage(bytes).status();
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(reason), std::string::npos)
      << "want \"" << reason << "\", got " << s.ToString();
}

TEST_F(CodecTest, ProposalRoundTrip) {
  Proposal p = SampleProposal();
  Result<Message> m = DecodeMessage(EncodeMessage(p));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const Proposal& q = std::get<Proposal>(*m);
  EXPECT_EQ(q.block, p.block);
  EXPECT_EQ(q.tc, p.tc);
  EXPECT_EQ(q.signature, p.signature);
  EXPECT_EQ(q.block.ComputeId(), p.block.ComputeId());
}

TEST_F(CodecTest, OtherKindsRoundTrip) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Vote v = v_.MakeVote(b1, 2);
  Result<Message> mv = DecodeMessage(EncodeMessage(v));
  ASSERT_TRUE(mv.ok());
  EXPECT_EQ(std::get<Vote>(*mv).block_id, v.block_id);
  EXPECT_EQ(std::get<Vote>(*mv).voter, 2);

  Timeout t = v_.MakeTimeout(4, 1, v_.Certify(b1));
  t.last_round_tc = v_.MakeTc(3, v_.Certify(b1), {0, 1, 2});
  Result<Message> mt = DecodeMessage(EncodeMessage(t));
  ASSERT_TRUE(mt.ok());
  EXPECT_EQ(std::get<Timeout>(*mt).high_qc, t.high_qc);
  EXPECT_EQ(std::get<Timeout>(*mt).last_round_tc, t.last_round_tc);

  SyncResponse r{{b1, v_.MakeBlock(2, b1, v_.Certify(b1))}};
  Result<Message> mr = DecodeMessage(EncodeMessage(r));
  ASSERT_TRUE(mr.ok());
  EXPECT_EQ(std::get<SyncResponse>(*mr).blocks, r.blocks);

  SyncRequest q{b1.ComputeId(), 7};
  Result<Message> mq = DecodeMessage(EncodeMessage(q));
  ASSERT_TRUE(mq.ok());
  EXPECT_EQ(std::get<SyncRequest>(*mq).committed_height, 7u);
}

TEST_F(CodecTest, EveryTruncationIsRefused) {
  Bytes full = EncodeMessage(SampleProposal());
  for (size_t len = 0; len < full.size(); ++len) {
    SCOPED_TRACE("prefix of " + std::to_string(len) + " bytes");
    ExpectRefused(ByteView(full).first(len), Code::kInvalidArgument,
                  len == 0 ? "empty message" : "truncated");
  }
}

TEST_F(CodecTest, TrailingBytesAreRefused) {
  Bytes full = EncodeMessage(SampleProposal());
  full.push_back(0);
  ExpectRefused(full, Code::kInvalidArgument, "trailing bytes after message");
}

TEST_F(CodecTest, UnknownKindIsRefused) {
  ExpectRefused(Bytes{0}, Code::kInvalidArgument, "unknown message kind");
  ExpectRefused(Bytes{6, 0, 0}, Code::kInvalidArgument, "unknown message kind");
}

TEST_F(CodecTest, OversizeMessageIsRefusedBeforeParsing) {
  Bytes huge(kMessageBytesMax + 1, 0);
  huge[0] = static_cast<uint8_t>(MessageKind::kVote);
  ExpectRefused(huge, Code::kResourceExhausted, "message too large");
}

TEST_F(CodecTest, OversizePayloadLengthIsRefused) {
  Bytes b{static_cast<uint8_t>(MessageKind::kProposal)};
  PutUint64BE(b, 1);  // round
  PutUint64BE(b, 1);  // height
  b.push_back(0);
  b.push_back(1);            // proposer
  b.insert(b.end(), 32, 0);  // digest
  PutUint32BE(b, static_cast<uint32_t>(kPayloadBytesMax + 1));
  ExpectRefused(b, Code::kResourceExhausted, "block payload too large");
}

TEST_F(CodecTest, DuplicateOrUnsortedSignersAreRefused) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Timeout t = v_.MakeTimeout(2, 0, v_.Certify(b1, {0, 1, 2}));
  std::swap(t.high_qc.signatures[0], t.high_qc.signatures[1]);
  ExpectRefused(EncodeMessage(t), Code::kInvalidArgument,
                "quorum certificate signers not strictly ascending");
  t.high_qc.signatures[0] = t.high_qc.signatures[1];
  ExpectRefused(EncodeMessage(t), Code::kInvalidArgument,
                "quorum certificate signers not strictly ascending");
}

TEST_F(CodecTest, TooManySignersIsRefused) {
  Bytes b{static_cast<uint8_t>(MessageKind::kTimeout)};
  PutUint64BE(b, 5);
  b.push_back(0);
  b.push_back(0);
  PutUint64BE(b, 4);  // qc round
  b.insert(b.end(), 32, 0);
  b.push_back(0xff);
  b.push_back(0xff);  // 65535 signers claimed
  ExpectRefused(b, Code::kInvalidArgument, "quorum certificate has too many signers");
}

TEST_F(CodecTest, SyncResponseBlockCountIsBounded) {
  Bytes b{static_cast<uint8_t>(MessageKind::kSyncResponse)};
  b.push_back(0);
  b.push_back(static_cast<uint8_t>(kSyncBlocksMax + 1));
  ExpectRefused(b, Code::kResourceExhausted, "sync response too long");
}

TEST_F(CodecTest, BlockIdCoversPayloadAndParent) {
  Block b1 = v_.MakeBlock(1, v_.genesis, GenesisQc(v_.genesis_id));
  Block other = b1;
  other.payload.push_back('x');
  EXPECT_NE(other.ComputeId(), b1.ComputeId());
  other = b1;
  other.qc.round = 5;
  EXPECT_NE(other.ComputeId(), b1.ComputeId());
  // Who signed the parent's QC is part of the id (the leader schedule reads it); the
  // signature bytes are not.
  other = b1;
  other.qc.signatures.push_back({1, Bytes(64, 0)});
  EXPECT_NE(other.ComputeId(), b1.ComputeId()) << "the signer set is part of the id";
  Block same_signers = other;
  same_signers.qc.signatures[0].signature = Bytes(64, 7);
  EXPECT_EQ(same_signers.ComputeId(), other.ComputeId()) << "signature bytes are not";
}

}  // namespace
}  // namespace tadori::consensus
