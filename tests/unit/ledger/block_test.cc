#include "ledger/block.h"

#include <gtest/gtest.h>

#include <string>

#include "ledger/limits.h"
#include "ledger/merkle.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

using testing::MakeBlock;
using testing::MakeNetwork;
using testing::MakeTx;
using testing::TestNetwork;

const Hash kParent = Sha256(std::string_view("parent"));
const Hash kParentResults = Sha256(std::string_view("parent results"));

void ExpectInvalid(const v1::Block& block, const std::string& needle) {
  Status s = DecodeBlock(block).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find(needle), std::string::npos) << s.ToString();
}

// Replaces the header with `header` (re-serialized), keeping txs and signatures.
v1::Block WithHeader(const v1::Block& block, const v1::BlockHeader& header) {
  v1::Block out = block;
  out.set_header(header.SerializeAsString());
  return out;
}

class BlockTest : public ::testing::Test {
 protected:
  TestNetwork net_ = MakeNetwork(4);
  DecodedBlock block_ = MakeBlock(net_, 5, kParent, kParentResults, 3);
};

TEST_F(BlockTest, BuildDecodeRoundTrip) {
  std::string wire = block_.block.SerializeAsString();
  Result<DecodedBlock> d = DecodeBlockBytes(AsBytes(wire));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->hash, block_.hash);
  EXPECT_EQ(d->hash, Sha256(AsBytes(d->block.header())));
  EXPECT_EQ(d->header.height(), 5u);
  EXPECT_EQ(d->header.tx_count(), 3u);
  ASSERT_EQ(d->txs.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(d->txs[i].id, block_.txs[i].id);
  EXPECT_TRUE(CheckBlockLink(*d, "test-chain", 4, kParent).ok());
  EXPECT_TRUE(VerifyBlockSignatures(*d, net_.genesis.validators).ok());
  EXPECT_TRUE(CheckBlockTransactions(*d, "test-chain").ok());
}

TEST_F(BlockTest, EmptyBlockDecodes) {
  DecodedBlock empty = MakeBlock(net_, 1, net_.genesis.hash, MerkleRoot({}), 0);
  Result<DecodedBlock> d = DecodeBlock(empty.block);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->header.tx_root(), MerkleRoot({}).ToBinaryString());
}

TEST_F(BlockTest, TxRootIsMerkleOverTxLeaves) {
  auto leaf = [&](size_t i) { return MerkleLeafHash(TxLeaf(block_.txs[i])); };
  Hash expected = MerkleNodeHash(MerkleNodeHash(leaf(0), leaf(1)), leaf(2));
  EXPECT_EQ(TxRoot(block_.txs), expected);
  EXPECT_EQ(block_.header.tx_root(), expected.ToBinaryString());
}

TEST_F(BlockTest, TxLeafIsIdSignerSignature) {
  const DecodedTransaction& tx = block_.txs[0];
  Bytes leaf = TxLeaf(tx);
  ASSERT_EQ(leaf.size(), 32u + 32u + 64u);
  EXPECT_EQ(Bytes(leaf.begin(), leaf.begin() + 32), tx.id.ToBytes());
  EXPECT_EQ(Bytes(leaf.begin() + 32, leaf.begin() + 64), tx.signer_key_id.ToBytes());
  EXPECT_EQ(ToString(ByteView(leaf).subspan(64)), tx.envelope.signature());
}

TEST_F(BlockTest, SwappedTransactionSignatureDetected) {
  // Another valid signature by the same key over the same id (ECDSA signs with a fresh k).
  v1::Block b = block_.block;
  DecodedTransaction tx = block_.txs[1];
  v1::SignedTransaction resigned = tx.envelope;
  resigned.set_signature(ToString(net_.admin.Sign(TransactionSigningMessage(tx.id))));
  ASSERT_NE(resigned.signature(), tx.envelope.signature());
  *b.mutable_txs(1) = resigned;
  ExpectInvalid(b, "tx_root");
}

TEST_F(BlockTest, TamperedTxRootDetected) {
  v1::BlockHeader h = block_.header;
  h.set_tx_root(Sha256(std::string_view("x")).ToBinaryString());
  ExpectInvalid(WithHeader(block_.block, h), "tx_root");
}

TEST_F(BlockTest, TamperedTxCountDetected) {
  v1::BlockHeader h = block_.header;
  h.set_tx_count(2);
  ExpectInvalid(WithHeader(block_.block, h), "tx_count");
}

TEST_F(BlockTest, SwappedTransactionsDetected) {
  v1::Block b = block_.block;
  b.mutable_txs()->SwapElements(0, 1);
  ExpectInvalid(b, "tx_root");
}

TEST_F(BlockTest, DroppedTransactionDetected) {
  v1::Block b = block_.block;
  b.mutable_txs()->RemoveLast();
  ExpectInvalid(b, "tx_count");
}

TEST_F(BlockTest, TamperedHeaderChangesHashAndBreaksSignatures) {
  v1::BlockHeader h = block_.header;
  h.set_timestamp_ms(h.timestamp_ms() + 1);
  Result<DecodedBlock> d = DecodeBlock(WithHeader(block_.block, h));
  ASSERT_TRUE(d.ok());
  EXPECT_NE(d->hash, block_.hash);
  EXPECT_EQ(VerifyBlockSignatures(*d, net_.genesis.validators).code(), Code::kUnauthenticated);
}

TEST_F(BlockTest, HeaderDoesNotParse) {
  v1::Block b = block_.block;
  b.set_header("\xff\xff");
  ExpectInvalid(b, "header");
}

TEST_F(BlockTest, HeaderHashFieldsMustBe32Bytes) {
  for (int field = 0; field < 4; ++field) {
    v1::BlockHeader h = block_.header;
    const char* names[] = {"prev_hash", "tx_root", "prev_result_root", "proposer"};
    if (field == 0) h.set_prev_hash("short");
    if (field == 1) h.set_tx_root("short");
    if (field == 2) h.set_prev_result_root("");
    if (field == 3) h.set_proposer(std::string(33, 'p'));
    ExpectInvalid(WithHeader(block_.block, h), names[field]);
  }
}

TEST_F(BlockTest, HeightZeroRefused) {
  v1::BlockHeader h = block_.header;
  h.set_height(0);
  ExpectInvalid(WithHeader(block_.block, h), "height 0");
}

TEST_F(BlockTest, OversizeHeaderRefused) {
  v1::BlockHeader h = block_.header;
  h.set_chain_id(std::string(kBlockHeaderBytesMax, 'c'));
  ExpectInvalid(WithHeader(block_.block, h), "header is");
}

TEST_F(BlockTest, TooManySignaturesRefused) {
  v1::Block b = block_.block;
  for (size_t i = 0; i <= kBlockSignatureCountMax; ++i) *b.add_signatures() = b.signatures(0);
  ExpectInvalid(b, "signatures");
}

TEST_F(BlockTest, OversizeWireRefusedBeforeParsing) {
  std::string wire(kBlockSizeBytesMax + 1, '\0');
  EXPECT_EQ(DecodeBlockBytes(AsBytes(wire)).status().code(), Code::kInvalidArgument);
}

TEST_F(BlockTest, BadTransactionRefusedWithItsIndex) {
  v1::Block b = block_.block;
  b.mutable_txs(1)->set_signature("short");
  ExpectInvalid(b, "tx 1");
}

TEST_F(BlockTest, TransactionFromOtherChainRefused) {
  BlockDraft draft;
  draft.chain_id = "test-chain";
  draft.height = 2;
  draft.txs.push_back(MakeTx(net_.admin, "other-chain", 50, "lot"));
  ExpectInvalid(BuildBlock(draft).block, "chain id");
}

TEST_F(BlockTest, DuplicateTransactionRefused) {
  BlockDraft draft;
  draft.chain_id = "test-chain";
  draft.height = 2;
  DecodedTransaction tx = MakeTx(net_.admin, "test-chain", 50, "lot");
  draft.txs = {tx, tx};
  ExpectInvalid(BuildBlock(draft).block, "duplicate");
}

TEST_F(BlockTest, TruncationRefusedOrLosesOnlySignatures) {
  const std::string wire = block_.block.SerializeAsString();
  for (size_t n = 0; n < wire.size(); n += 5) {
    Result<DecodedBlock> d = DecodeBlockBytes(AsBytes(wire).first(n));
    if (d.ok()) {
      // A cut inside the signatures leaves a decodable block; it must not verify as the
      // original would with all four signatures, and must keep the same hash.
      EXPECT_EQ(d->hash, block_.hash);
      EXPECT_LT(d->block.signatures_size(), 4);
    }
  }
}

TEST_F(BlockTest, CorruptedBytesNeverCrash) {
  const std::string wire = block_.block.SerializeAsString();
  size_t decoded_with_quorum = 0;
  for (size_t i = 0; i < wire.size(); i += 3) {
    std::string bad = wire;
    bad[i] ^= 0x44;
    Result<DecodedBlock> d = DecodeBlockBytes(AsBytes(bad));
    if (d.ok() && d->hash != block_.hash &&
        VerifyBlockSignatures(*d, net_.genesis.validators).ok()) {
      ++decoded_with_quorum;
    }
  }
  EXPECT_EQ(decoded_with_quorum, 0u);
}

TEST_F(BlockTest, LinkChecks) {
  Result<DecodedBlock> d = DecodeBlock(block_.block);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(CheckBlockLink(*d, "other", 4, kParent).code(), Code::kInvalidArgument);
  EXPECT_EQ(CheckBlockLink(*d, "test-chain", 5, kParent).code(), Code::kFailedPrecondition);
  EXPECT_EQ(CheckBlockLink(*d, "test-chain", 3, kParent).code(), Code::kFailedPrecondition);
  EXPECT_EQ(CheckBlockLink(*d, "test-chain", 4, kParentResults).code(), Code::kInvalidArgument);
}

TEST_F(BlockTest, ExpiredTransactionInBlock) {
  BlockDraft draft;
  draft.chain_id = "test-chain";
  draft.height = 20;
  draft.txs.push_back(MakeTx(net_.admin, "test-chain", 19, "lot"));
  Result<DecodedBlock> d = DecodeBlock(BuildBlock(draft).block);
  ASSERT_TRUE(d.ok());
  Status s = CheckBlockTransactions(*d, "test-chain");
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_NE(s.message().find("tx 0"), std::string::npos);
  // valid_until == height is the last block it may commit in.
  draft.height = 19;
  EXPECT_TRUE(
      CheckBlockTransactions(DecodeBlock(BuildBlock(draft).block).value(), "test-chain").ok());
}

TEST(BlockSigningMessage, IsDomainThenHash) {
  Hash h = Sha256(std::string_view("b"));
  Bytes m = BlockSigningMessage(h);
  ASSERT_EQ(m.size(), 15u + 32u);
  EXPECT_EQ(ToString(ByteView(m).first(15)), "TADORI-BLOCK-V1");
  EXPECT_EQ(Bytes(m.begin() + 15, m.end()), h.ToBytes());
}

TEST(ResultLeaf, LayoutIsIdThenCode) {
  Hash id = Sha256(std::string_view("tx"));
  v1::TxResult r;
  r.set_code(0x01020304);
  r.set_message("no");
  Bytes leaf = ResultLeaf(id, r);
  Bytes expected = id.ToBytes();
  for (uint8_t byte : {1, 2, 3, 4}) expected.push_back(byte);  // big-endian, no message
  EXPECT_EQ(leaf, expected);
}

TEST(ResultRoot, DependsOnCodesAndOrder) {
  std::vector<Hash> ids = {Sha256(std::string_view("a")), Sha256(std::string_view("b"))};
  std::vector<v1::TxResult> results(2);
  const Hash base = ResultRoot(ids, results);
  results[1].set_code(9);
  const Hash coded = ResultRoot(ids, results);
  EXPECT_NE(coded, base);
  results[1].set_code(3);
  EXPECT_NE(ResultRoot(ids, results), coded);
  results[1].set_code(9);
  std::swap(ids[0], ids[1]);
  EXPECT_NE(ResultRoot(ids, results), coded);
  EXPECT_EQ(ResultRoot({}, {}), MerkleRoot({}));
}

// Two honest validators on versions that word a refusal differently (or cut it elsewhere)
// compute the same root, so neither halts: the message is not in the leaf.
TEST(ResultRoot, IgnoresMessages) {
  const std::vector<Hash> ids = {Sha256(std::string_view("a")), Sha256(std::string_view("b"))};
  std::vector<v1::TxResult> older(2);
  older[1].set_code(3);
  older[1].set_message("record_event: biz_step 'x' is not a known CBV business step");
  std::vector<v1::TxResult> newer = older;
  newer[1].set_message("record_event: unknown biz_step \"x\"");
  newer[0].set_message("accepted");
  EXPECT_EQ(ResultRoot(ids, newer), ResultRoot(ids, older));
  EXPECT_EQ(ResultLeaf(ids[1], newer[1]), ResultLeaf(ids[1], older[1]));
  newer[1].set_code(9);  // a different decision is a different root
  EXPECT_NE(ResultRoot(ids, newer), ResultRoot(ids, older));
}

// Quorum checks for 1, 4 and 7 validators.
class BlockQuorum : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(MakeNetwork(GetParam()));
    block_ = MakeBlock(*net_, 1, net_->genesis.hash, MerkleRoot({}), 1, 0);
  }
  Status Verify() { return VerifyBlockSignatures(block_, net_->genesis.validators); }
  size_t quorum() const { return net_->genesis.validators.Quorum(); }
  std::unique_ptr<TestNetwork> net_;
  DecodedBlock block_;
};

TEST_P(BlockQuorum, NoSignaturesRefused) {
  EXPECT_EQ(Verify().code(), Code::kUnauthenticated);
}

TEST_P(BlockQuorum, OneShortOfQuorumRefusedThenQuorumAccepted) {
  for (size_t i = 0; i + 1 < quorum(); ++i) SignBlock(block_, net_->validator_keys[i]);
  Status s = Verify();
  EXPECT_EQ(s.code(), Code::kUnauthenticated);
  EXPECT_NE(s.message().find("needs " + std::to_string(quorum())), std::string::npos);
  SignBlock(block_, net_->validator_keys[quorum() - 1]);
  EXPECT_TRUE(Verify().ok()) << Verify().ToString();
}

TEST_P(BlockQuorum, DuplicatesDoNotCount) {
  if (quorum() == 1) {  // one validator: its repeats are harmless, its one signature enough
    for (size_t i = 0; i < 4; ++i) SignBlock(block_, net_->validator_keys[0]);
    EXPECT_TRUE(Verify().ok());
    return;
  }
  for (size_t i = 0; i + 1 < quorum(); ++i) SignBlock(block_, net_->validator_keys[i]);
  for (size_t i = 0; i < 3; ++i) SignBlock(block_, net_->validator_keys[0]);
  Status s = Verify();
  EXPECT_EQ(s.code(), Code::kUnauthenticated);
  EXPECT_NE(s.message().find("duplicate 3"), std::string::npos) << s.ToString();
}

TEST_P(BlockQuorum, UnknownSignersDoNotCount) {
  for (size_t i = 0; i + 1 < quorum(); ++i) SignBlock(block_, net_->validator_keys[i]);
  for (size_t i = 0; i < quorum(); ++i) SignBlock(block_, testing::NewKey());
  Status s = Verify();
  EXPECT_EQ(s.code(), Code::kUnauthenticated);
  EXPECT_NE(s.message().find("unknown signer " + std::to_string(quorum())), std::string::npos)
      << s.ToString();
}

TEST_P(BlockQuorum, BadSignatureDoesNotCountButLaterGoodOneDoes) {
  for (size_t i = 0; i < quorum(); ++i) {
    SignBlock(block_, net_->validator_keys[i]);
  }
  // Corrupt the first validator's signature, then add a good one from it again.
  std::string sig = block_.block.signatures(0).signature();
  sig[0] ^= 1;
  block_.block.mutable_signatures(0)->set_signature(sig);
  Status s = Verify();
  EXPECT_EQ(s.code(), Code::kUnauthenticated);
  EXPECT_NE(s.message().find("bad 1"), std::string::npos) << s.ToString();
  SignBlock(block_, net_->validator_keys[0]);
  EXPECT_TRUE(Verify().ok());
}

TEST_P(BlockQuorum, SignatureOverOtherBlockDoesNotCount) {
  DecodedBlock other = MakeBlock(*net_, 1, net_->genesis.hash, MerkleRoot({}), 1, SIZE_MAX);
  *block_.block.mutable_signatures() = other.block.signatures();
  EXPECT_EQ(Verify().code(), Code::kUnauthenticated);
}

TEST_P(BlockQuorum, AllValidatorsAccepted) {
  for (const PrivateKey& k : net_->validator_keys) SignBlock(block_, k);
  EXPECT_TRUE(Verify().ok());
}

INSTANTIATE_TEST_SUITE_P(Validators, BlockQuorum, ::testing::Values(1, 4, 7));

}  // namespace
}  // namespace tadori
