// The consensus certificate of a ledger block (consensus/ledger_certificate.h), built for
// real: a sealed genesis with four P-256 validators, a ledger block, its consensus block
// and a QC of validator votes over it.
#include "consensus/ledger_certificate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "ledger/block.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/merkle.h"
#include "ledger/store/chain_check.h"
#include "ledger/store/store.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori::consensus {
namespace {

using tadori::testing::MakeNetwork;
using tadori::testing::MakeTx;
using tadori::testing::NewKey;
using tadori::testing::OkResults;
using tadori::testing::TempDir;
using tadori::testing::TestNetwork;

// The reasons VerifyLedgerCertificate gives, one per check.
constexpr char kNoQuorum[] = "block certificate qc does not carry a quorum of valid votes";
constexpr char kOtherBlock[] = "block certificate qc certifies another block";
constexpr char kOtherProposer[] = "block certificate proposer is not the header's proposer";
constexpr char kOtherHeightOrRound[] = "block certificate names height";
// What VerifyBlockSignatures says when a block has too few good signatures.
constexpr char kTooFewSignatures[] = "valid validator signatures, needs 3";

class LedgerCertificateTest : public ::testing::Test {
 protected:
  struct Options {
    Height height = 1;
    Round round = 1;
    ValidatorIndex proposer_index = 1;  // the consensus block's proposer
    size_t header_proposer = 1;         // whose key id the ledger header names
    int64_t timestamp_ms = 1'700'000'000'001;
  };

  void SetUp() override { genesis_id_ = ConsensusGenesis(net_.genesis).ComputeId(); }

  // The ledger block that a BFT leader proposes (no signatures, no certificate yet).
  DecodedBlock LedgerBlock(const Options& o) const {
    BlockDraft draft;
    draft.chain_id = net_.genesis.genesis.chain_id();
    draft.height = o.height;
    draft.round = o.round;
    draft.prev_hash = net_.genesis.hash;
    draft.prev_result_root = MerkleRoot({});
    draft.result_height = 0;
    draft.proposer = net_.validator_keys[o.header_proposer].public_key().id();
    draft.timestamp_ms = o.timestamp_ms;
    draft.txs = txs_;
    return BuildBlock(draft);
  }

  // The consensus block carrying `ledger` (parent = consensus genesis).
  Block ConsensusBlock(const DecodedBlock& ledger, Round round, Height height,
                       ValidatorIndex proposer) const {
    v1::Block payload;
    payload.set_header(ledger.block.header());
    *payload.mutable_txs() = ledger.block.txs();
    Block b;
    b.round = round;
    b.height = height;
    b.proposer = proposer;
    b.payload_digest = ledger.hash;
    b.payload = ToBytes(payload.SerializeAsString());
    b.qc = GenesisQc(genesis_id_);
    return b;
  }

  // A QC for `block` with votes from `voters` (strictly ascending), each signed by `keys`.
  QuorumCert Certify(const Block& block, const std::vector<ValidatorIndex>& voters,
                     const std::vector<PrivateKey>* keys = nullptr) const {
    if (keys == nullptr) keys = &net_.validator_keys;
    QuorumCert qc;
    qc.round = block.round;
    qc.block_id = block.ComputeId();
    for (ValidatorIndex v : voters) {
      qc.signatures.push_back(
          {v, (*keys)[v].Sign(VoteSigningBytes(genesis_id_, qc.block_id, qc.round))});
    }
    return qc;
  }

  static DecodedBlock WithCertificate(DecodedBlock ledger, const Bytes& certificate) {
    ledger.block.set_certificate(ToString(certificate));
    return ledger;
  }

  // The honest case: block 1, round 1, proposer 1, certified by validators 0, 1 and 2.
  void BuildHonest() {
    ledger_ = LedgerBlock({});
    block_ = ConsensusBlock(ledger_, 1, 1, 1);
    qc_ = Certify(block_, {0, 1, 2});
    certificate_ = EncodeLedgerCertificate(block_, qc_);
    certified_ = WithCertificate(ledger_, certificate_);
  }

  Status Verify(const DecodedBlock& block) const {
    return VerifyLedgerCertificate(block, net_.genesis);
  }

  // `s` is UNAUTHENTICATED with a message that contains `reason`.
  static void ExpectUnauthenticated(const Status& s, const std::string& reason) {
    EXPECT_EQ(s.code(), Code::kUnauthenticated) << s.ToString();
    EXPECT_NE(s.message().find(reason), std::string::npos)
        << "want \"" << reason << "\", got " << s.ToString();
  }

  TestNetwork net_ = MakeNetwork(4);
  BlockId genesis_id_;
  std::vector<DecodedTransaction> txs_ = {
      MakeTx(net_.admin, net_.genesis.genesis.chain_id(), 50, "lot-a"),
      MakeTx(net_.admin, net_.genesis.genesis.chain_id(), 50, "lot-b")};
  DecodedBlock ledger_;
  Block block_;
  QuorumCert qc_;
  Bytes certificate_;
  DecodedBlock certified_;
};

TEST_F(LedgerCertificateTest, HonestCertificateVerifies) {
  BuildHonest();
  Status s = Verify(certified_);
  EXPECT_TRUE(s.ok()) << s.ToString();
  // A fourth vote does not hurt.
  Status four = Verify(
      WithCertificate(ledger_, EncodeLedgerCertificate(block_, Certify(block_, {0, 1, 2, 3}))));
  EXPECT_TRUE(four.ok()) << four.ToString();
  // Nor does the trip through the wire format.
  Result<DecodedBlock> decoded = DecodeBlockBytes(AsBytes(certified_.block.SerializeAsString()));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(Verify(*decoded).ok());
}

TEST_F(LedgerCertificateTest, DecodeRoundTrip) {
  BuildHonest();
  Result<LedgerCertificate> c = DecodeLedgerCertificate(certificate_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->round, 1u);
  EXPECT_EQ(c->height, 1u);
  EXPECT_EQ(c->proposer, 1u);
  EXPECT_EQ(c->payload_hash, Sha256(block_.payload));
  EXPECT_EQ(c->parent_qc, block_.qc);
  EXPECT_EQ(c->qc, qc_);
  EXPECT_EQ(Block::ComputeId(c->round, c->height, c->proposer, ledger_.hash, c->payload_hash,
                             c->parent_qc),
            block_.ComputeId());
}

TEST_F(LedgerCertificateTest, ConsensusBlockOfStoredBlock) {
  BuildHonest();
  // As the store keeps it: the wire bytes, parsed back.
  v1::Block stored;
  ASSERT_TRUE(stored.ParseFromString(certified_.block.SerializeAsString()));
  Result<Block> rebuilt = ConsensusBlockOf(stored);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(*rebuilt, block_);
  EXPECT_EQ(rebuilt->ComputeId(), block_.ComputeId());
  EXPECT_EQ(rebuilt->ComputeId(), qc_.block_id);

  // Signatures in the stored block are not part of the payload.
  v1::Block signed_too = stored;
  signed_too.add_signatures()->set_signature("x");
  EXPECT_EQ(ConsensusBlockOf(signed_too).value(), block_);

  // A transaction gone missing: the payload no longer matches what was certified.
  v1::Block dropped = stored;
  dropped.mutable_txs()->RemoveLast();
  Status s = ConsensusBlockOf(dropped).status();
  EXPECT_EQ(s.code(), Code::kDataLoss) << s.ToString();
  EXPECT_NE(s.message().find("does not re-serialize to its certified payload"), std::string::npos)
      << s.ToString();
  // No certificate at all.
  v1::Block bare = stored;
  bare.clear_certificate();
  s = ConsensusBlockOf(bare).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("missing or unknown magic"), std::string::npos) << s.ToString();
}

TEST_F(LedgerCertificateTest, TwoSignaturesAreNotAQuorum) {
  BuildHonest();
  const std::vector<std::vector<ValidatorIndex>> too_few = {{0, 1}, {2, 3}, {1}, {}};
  for (const std::vector<ValidatorIndex>& voters : too_few) {
    Status s =
        Verify(WithCertificate(ledger_, EncodeLedgerCertificate(block_, Certify(block_, voters))));
    SCOPED_TRACE(voters.size());
    ExpectUnauthenticated(s, kNoQuorum);
  }
}

TEST_F(LedgerCertificateTest, ForeignOrBadSignatureRefused) {
  BuildHonest();
  // Validator 2's vote signed by a key that is not in the genesis.
  std::vector<PrivateKey> keys;
  for (size_t i = 0; i < 4; ++i) keys.push_back(i == 2 ? NewKey() : net_.validator_keys[i]);
  Status s = Verify(
      WithCertificate(ledger_, EncodeLedgerCertificate(block_, Certify(block_, {0, 1, 2}, &keys))));
  ExpectUnauthenticated(s, kNoQuorum);

  // A flipped bit in one signature, even with a fourth valid vote present.
  QuorumCert flipped = Certify(block_, {0, 1, 2, 3});
  flipped.signatures[3].signature[5] ^= 0x01;
  s = Verify(WithCertificate(ledger_, EncodeLedgerCertificate(block_, flipped)));
  ExpectUnauthenticated(s, kNoQuorum);

  // Votes over another round's signing bytes.
  QuorumCert other_round = qc_;
  for (auto& sig : other_round.signatures) {
    sig.signature = net_.validator_keys[sig.signer].Sign(
        VoteSigningBytes(genesis_id_, qc_.block_id, qc_.round + 1));
  }
  s = Verify(WithCertificate(ledger_, EncodeLedgerCertificate(block_, other_round)));
  ExpectUnauthenticated(s, kNoQuorum);

  // Signers not strictly ascending (a repeated voter): the certificate decoder refuses it.
  QuorumCert repeated = Certify(block_, {0, 1, 2});
  repeated.signatures[2] = repeated.signatures[1];
  s = Verify(WithCertificate(ledger_, EncodeLedgerCertificate(block_, repeated)));
  ExpectUnauthenticated(s,
                        "block certificate qc: quorum certificate signers not strictly ascending");

  // A signer index outside the validator set.
  QuorumCert outsider = Certify(block_, {0, 1, 2});
  outsider.signatures[2].signer = 9;
  s = Verify(WithCertificate(ledger_, EncodeLedgerCertificate(block_, outsider)));
  ExpectUnauthenticated(s, kNoQuorum);
}

TEST_F(LedgerCertificateTest, OtherGenesisRefused) {
  BuildHonest();
  // The same validators on another chain: votes name the genesis, so they do not carry over.
  Result<GenesisInfo> other =
      SealGenesis(tadori::testing::GenesisMessage("other-chain", net_.validator_keys, net_.admin));
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ExpectUnauthenticated(VerifyLedgerCertificate(certified_, *other), kNoQuorum);
}

TEST_F(LedgerCertificateTest, TamperedHeaderRefused) {
  BuildHonest();
  Options later;
  later.timestamp_ms += 1;
  DecodedBlock tampered = LedgerBlock(later);
  ASSERT_NE(tampered.hash, ledger_.hash);
  Status s = Verify(WithCertificate(tampered, certificate_));
  ExpectUnauthenticated(s, kOtherBlock);

  // Another set of transactions under the same certificate.
  txs_.pop_back();
  s = Verify(WithCertificate(LedgerBlock({}), certificate_));
  ExpectUnauthenticated(s, kOtherBlock);
}

TEST_F(LedgerCertificateTest, CertificateForAnotherHeightOrRoundRefused) {
  BuildHonest();
  // Validly signed certificates whose consensus block names another round or height than
  // the ledger header.
  const std::vector<std::pair<Round, Height>> others = {{2, 1}, {1, 2}, {2, 2}};
  for (auto [round, height] : others) {
    const Block other = ConsensusBlock(ledger_, round, height, 1);
    Status s =
        Verify(WithCertificate(ledger_, EncodeLedgerCertificate(other, Certify(other, {0, 1, 2}))));
    SCOPED_TRACE(std::to_string(round) + "/" + std::to_string(height));
    ExpectUnauthenticated(s, kOtherHeightOrRound);
  }
  // A QC for round 1 whose round field says 2 (and the reverse).
  QuorumCert qc = qc_;
  qc.round = 2;
  Status s = Verify(WithCertificate(ledger_, EncodeLedgerCertificate(block_, qc)));
  ExpectUnauthenticated(s, kOtherBlock);
  // A QC for another block id.
  Options early;
  early.timestamp_ms = 5;
  const Block sibling = ConsensusBlock(LedgerBlock(early), 1, 1, 1);
  s = Verify(
      WithCertificate(ledger_, EncodeLedgerCertificate(block_, Certify(sibling, {0, 1, 2}))));
  ExpectUnauthenticated(s, kOtherBlock);
}

TEST_F(LedgerCertificateTest, RoundZeroIsNeverCertified) {
  // Round 0 is the genesis round: its QC has no signatures, so it must not certify a block.
  Options zero;
  zero.round = 0;
  DecodedBlock ledger = LedgerBlock(zero);
  const Block b = ConsensusBlock(ledger, 0, 1, 1);
  QuorumCert empty;
  empty.round = 0;
  empty.block_id = b.ComputeId();
  ExpectUnauthenticated(Verify(WithCertificate(ledger, EncodeLedgerCertificate(b, empty))),
                        kNoQuorum);
  // Nor the genesis QC itself (the genesis id as block id): it certifies the genesis block.
  empty.block_id = genesis_id_;
  ExpectUnauthenticated(Verify(WithCertificate(ledger, EncodeLedgerCertificate(b, empty))),
                        kOtherBlock);
  // Nor with real votes.
  ExpectUnauthenticated(
      Verify(WithCertificate(ledger, EncodeLedgerCertificate(b, Certify(b, {0, 1, 2})))),
      kNoQuorum);
}

TEST_F(LedgerCertificateTest, WrongProposerRefused) {
  BuildHonest();
  // The validators certified a block proposed by validator 2, but the header names 1's key.
  const Block by_two = ConsensusBlock(ledger_, 1, 1, 2);
  Status s =
      Verify(WithCertificate(ledger_, EncodeLedgerCertificate(by_two, Certify(by_two, {0, 1, 2}))));
  ExpectUnauthenticated(s, kOtherProposer);
  // The header names 3's key, the certificate 1.
  Options three;
  three.header_proposer = 3;
  DecodedBlock ledger3 = LedgerBlock(three);
  const Block by_one = ConsensusBlock(ledger3, 1, 1, 1);
  s = Verify(WithCertificate(ledger3, EncodeLedgerCertificate(by_one, Certify(by_one, {0, 1, 2}))));
  ExpectUnauthenticated(s, kOtherProposer);
  // A proposer index outside the validator set.
  const Block by_nine = ConsensusBlock(ledger_, 1, 1, 9);
  s = Verify(
      WithCertificate(ledger_, EncodeLedgerCertificate(by_nine, Certify(by_nine, {0, 1, 2}))));
  ExpectUnauthenticated(s, kOtherProposer);
  const Block by_max = ConsensusBlock(ledger_, 1, 1, 0xffff);
  s = Verify(WithCertificate(ledger_, EncodeLedgerCertificate(by_max, Certify(by_max, {0, 1, 2}))));
  ExpectUnauthenticated(s, kOtherProposer);
  // The matching pair verifies.
  const Block by_three = ConsensusBlock(ledger3, 1, 1, 3);
  s = Verify(
      WithCertificate(ledger3, EncodeLedgerCertificate(by_three, Certify(by_three, {1, 2, 3}))));
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(LedgerCertificateTest, MalformedCertificateBytes) {
  BuildHonest();
  // The decoder refuses `bytes` for `reason`, and verification passes that reason on.
  auto expect_refused = [&](const Bytes& bytes, const std::string& what,
                            const std::string& reason) {
    SCOPED_TRACE(what);
    Status decoded = DecodeLedgerCertificate(bytes).status();
    EXPECT_EQ(decoded.code(), Code::kInvalidArgument) << decoded.ToString();
    EXPECT_NE(decoded.message().find(reason), std::string::npos)
        << "want \"" << reason << "\", got " << decoded.ToString();
    ExpectUnauthenticated(Verify(WithCertificate(ledger_, bytes)), reason);
  };
  expect_refused({}, "empty", "block certificate: missing or unknown magic");
  // The layout: magic 4 | round 8 | height 8 | proposer 2 | payload_hash 32 (54 bytes), then
  // the parent QC (the genesis QC: 42 bytes), then the QC (42 bytes and 3 votes of 66).
  const std::vector<std::pair<size_t, std::string>> cuts = {
      {1, "block certificate: missing or unknown magic"},
      {3, "block certificate: missing or unknown magic"},
      {4, "block certificate: truncated header"},
      {12, "block certificate: truncated header"},
      {20, "block certificate: truncated header"},
      {22, "block certificate: truncated header"},
      {54, "block certificate parent qc: truncated quorum certificate"},
      {certificate_.size() / 2, "block certificate qc: truncated quorum certificate signature"},
      {certificate_.size() - 1, "block certificate qc: truncated quorum certificate signature"}};
  for (const auto& [cut, reason] : cuts) {
    ASSERT_LT(cut, certificate_.size());
    expect_refused(Bytes(certificate_.begin(), certificate_.begin() + cut),
                   "truncated to " + std::to_string(cut), reason);
  }
  Bytes trailing = certificate_;
  trailing.push_back(0);
  expect_refused(trailing, "trailing byte", "block certificate: trailing bytes");
  Bytes magic = certificate_;
  magic[3] = '2';
  expect_refused(magic, "unknown magic", "block certificate: missing or unknown magic");
  expect_refused(ToBytes(std::string_view("TLC1 garbage garbage garbage garbage garbage")),
                 "garbage", "block certificate: truncated header");
  Bytes huge(1 << 20, 0xab);
  std::copy(certificate_.begin(), certificate_.begin() + 4, huge.begin());
  expect_refused(huge, "oversized", "block certificate: too long");
}

TEST_F(LedgerCertificateTest, BlockAgreementPrefersSignatures) {
  BuildHonest();
  // Certificate only: the certificate decides.
  EXPECT_TRUE(VerifyBlockAgreement(certified_, net_.genesis).ok());
  DecodedBlock bad_cert =
      WithCertificate(ledger_, Bytes(certificate_.begin(), certificate_.end() - 1));
  ExpectUnauthenticated(VerifyBlockAgreement(bad_cert, net_.genesis),
                        "block certificate qc: truncated quorum certificate signature");

  // Signatures only (single-validator style): the signatures decide.
  DecodedBlock signed_block = ledger_;
  for (size_t i = 0; i < 3; ++i) SignBlock(signed_block, net_.validator_keys[i]);
  EXPECT_TRUE(VerifyBlockAgreement(signed_block, net_.genesis).ok());
  DecodedBlock under_signed = ledger_;
  for (size_t i = 0; i < 2; ++i) SignBlock(under_signed, net_.validator_keys[i]);
  ExpectUnauthenticated(VerifyBlockAgreement(under_signed, net_.genesis), kTooFewSignatures);

  // Both present: the signatures decide, a valid certificate does not rescue them...
  DecodedBlock both = WithCertificate(under_signed, certificate_);
  ExpectUnauthenticated(VerifyBlockAgreement(both, net_.genesis), kTooFewSignatures);
  // ...and a broken certificate does not spoil a signature quorum.
  DecodedBlock signed_bad_cert = WithCertificate(signed_block, Bytes{1, 2, 3});
  EXPECT_TRUE(VerifyBlockAgreement(signed_bad_cert, net_.genesis).ok());

  // Neither: refused.
  ExpectUnauthenticated(VerifyBlockAgreement(ledger_, net_.genesis),
                        "has 0 valid validator signatures");
}

TEST_F(LedgerCertificateTest, CheckChainAcceptsCertifiedBlocks) {
  BuildHonest();
  TempDir dir;
  Result<std::unique_ptr<Store>> opened = Store::Open(dir.path());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<Store> store = std::move(opened).value();
  ASSERT_TRUE(store->InitGenesis(net_.genesis, {}).ok());
  Status s = store->CommitBlock(certified_, OkResults(certified_.txs.size()), {});
  ASSERT_TRUE(s.ok()) << s.ToString();

  Result<ChainCheckReport> r = CheckChain(*store, net_.genesis, VerifyBlockAgreement);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->blocks_checked, 1u);
  // The default check wants block signatures, which a BFT block does not have.
  Status unsigned_block = CheckChain(*store, net_.genesis).status();
  EXPECT_EQ(unsigned_block.code(), Code::kDataLoss) << unsigned_block.ToString();
  EXPECT_NE(unsigned_block.message().find("block 1: UNAUTHENTICATED"), std::string::npos)
      << unsigned_block.ToString();
  EXPECT_NE(unsigned_block.message().find("has 0 valid validator signatures"), std::string::npos)
      << unsigned_block.ToString();

  // The stored block rebuilds to the certified consensus block.
  Result<v1::Block> stored = store->GetBlock(1);
  ASSERT_TRUE(stored.ok());
  Result<Block> rebuilt = ConsensusBlockOf(*stored);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(rebuilt->ComputeId(), qc_.block_id);
}

}  // namespace
}  // namespace tadori::consensus
