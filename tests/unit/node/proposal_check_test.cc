// CheckProposal (node/validator/proposal_check.h): one test per rule of the header, each
// asserting the code and the reason. The chain is real (sealed genesis, P-256 keys, signed
// transactions, built blocks); this node's view of it is a FakeProposalView.
#include "node/validator/proposal_check.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "chaincode/chaincode.h"
#include "consensus/ledger_certificate.h"
#include "ledger/block.h"
#include "ledger/limits.h"
#include "ledger/merkle.h"
#include "ledger/store/store.h"
#include "node/validator/admission.h"
#include "node/validator/ledger_tip.h"
#include "node/validator/mempool.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/ledger/test_chain.h"
#include "tests/unit/node/validator_fakes.h"

namespace tadori {
namespace {

using testing::ExpectStatus;
using testing::FakeProposalView;
using testing::MakeNetwork;
using testing::MakeTx;
using testing::TestNetwork;

constexpr char kChain[] = "proposal-chain";
constexpr int64_t kGenesisMs = 1'700'000'000'000;  // test_chain.h's genesis time
constexpr uint64_t kHeight = 3;                    // the proposal's height and round

// The refusal CheckProposal must give: INVALID_ARGUMENT, the proposer's fault.
void ExpectRefusal(const Result<DecodedBlock>& r, const std::string& reason) {
  ASSERT_FALSE(r.ok()) << "accepted; want a refusal with \"" << reason << "\"";
  EXPECT_TRUE(IsRefusal(r.status())) << r.status().ToString();
  ExpectStatus(r.status(), Code::kInvalidArgument, reason);
}

// A local failure: never INVALID_ARGUMENT, so the caller halts instead of blaming the
// proposer.
void ExpectLocalFailure(const Result<DecodedBlock>& r, Code code, const std::string& reason) {
  ASSERT_FALSE(r.ok()) << "accepted; want a local failure with \"" << reason << "\"";
  EXPECT_FALSE(IsRefusal(r.status())) << r.status().ToString();
  ExpectStatus(r.status(), code, reason);
}

// Block 1 is committed and executed here (result root root1_); block 2, its certified but
// uncommitted child, claims block 1's results and is the parent of the proposal at height
// 3, round 3, from validator 3.
class ProposalCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BlockDraft d1 = Base(1);
    d1.prev_hash = net_.genesis.hash;
    d1.prev_result_root = MerkleRoot({});
    d1.result_height = 0;
    d1.txs = {Tx("lot-committed")};
    block1_ = BuildBlock(d1);

    BlockDraft d2 = Base(2);
    d2.prev_hash = block1_.hash;
    d2.prev_result_root = root1_;
    d2.result_height = 1;
    d2.txs = {Tx("lot-in-parent")};
    block2_ = BuildBlock(d2);

    parent_ = LedgerTip::Of(block2_);
    ancestors_ = {block2_.txs[0].id};
    view_.executed_height = 1;
    view_.roots = {{0, MerkleRoot({})}, {1, root1_}};
    view_.committed = {block1_.txs[0].id};
  }

  BlockDraft Base(uint64_t height) const {
    BlockDraft d;
    d.chain_id = kChain;
    d.height = height;
    d.round = height;
    d.proposer = net_.validator_keys[height % 4].public_key().id();
    d.timestamp_ms = kGenesisMs + static_cast<int64_t>(height) * 1000;
    return d;
  }

  DecodedTransaction Tx(const std::string& lot, uint64_t valid_until = 100) const {
    return MakeTx(net_.admin, kChain, valid_until, lot);
  }

  // A valid proposal: two fresh transactions, claiming block 1's results like its parent.
  BlockDraft Draft() const {
    BlockDraft d = Base(kHeight);
    d.prev_hash = block2_.hash;
    d.prev_result_root = root1_;
    d.result_height = 1;
    d.txs = {fresh_[0], fresh_[1]};
    return d;
  }

  // What the consensus block around `block` says, with its payload as a leader sends it.
  ProposalInput Input(const DecodedBlock& block) {
    return InputFor(ToBytes(block.block.SerializeAsString()), block.hash);
  }
  ProposalInput InputFor(Bytes payload, const Hash& digest) {
    payload_ = std::move(payload);
    ProposalInput in;
    in.payload = payload_;
    in.height = kHeight;
    in.round = kHeight;
    in.proposer = net_.validator_keys[kHeight % 4].public_key().id();
    in.digest = digest;
    in.parent = &parent_;
    in.ancestor_tx_ids = &ancestors_;
    in.chain_id = kChain;
    in.now_ms = kGenesisMs + static_cast<int64_t>(kHeight) * 1000;
    return in;
  }

  Result<DecodedBlock> Check(const ProposalInput& in) { return CheckProposal(in, view_); }
  Result<DecodedBlock> CheckDraft(const BlockDraft& d) { return Check(Input(BuildBlock(d))); }

  TestNetwork net_ = MakeNetwork(4, kChain);
  Hash root1_ = Sha256(AsBytes(std::string("the results of block 1")));
  DecodedBlock block1_;
  DecodedBlock block2_;
  std::vector<DecodedTransaction> fresh_ = {Tx("lot-a"), Tx("lot-b")};
  LedgerTip parent_;
  std::set<Hash> ancestors_;
  FakeProposalView view_;
  Bytes payload_;
};

TEST_F(ProposalCheckTest, ValidProposalPasses) {
  const DecodedBlock block = BuildBlock(Draft());
  Result<DecodedBlock> r = Check(Input(block));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->hash, block.hash);
  EXPECT_EQ(r->header.height(), kHeight);
  ASSERT_EQ(r->txs.size(), 2u);
  EXPECT_EQ(r->txs[0].id, fresh_[0].id);
  EXPECT_EQ(r->txs[1].id, fresh_[1].id);
  EXPECT_EQ(view_.signer_checks, 2);  // neither was admitted here
}

TEST_F(ProposalCheckTest, AdmittedTransactionSkipsSignerCheck) {
  view_.admitted = {fresh_[1].id};
  view_.signer_results[fresh_[1].id] = Status::Unauthenticated("would refuse if asked");
  Result<DecodedBlock> r = CheckDraft(Draft());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(view_.signer_checks, 1);
}

TEST_F(ProposalCheckTest, EmptyProposalPasses) {
  BlockDraft d = Draft();
  d.txs.clear();
  Result<DecodedBlock> r = CheckDraft(d);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->txs.empty());
  EXPECT_EQ(view_.signer_checks, 0);
}

// --- The payload ---------------------------------------------------------------------

TEST_F(ProposalCheckTest, RefusesOversizedPayload) {
  const Hash digest = BuildBlock(Draft()).hash;
  ExpectRefusal(Check(InputFor(Bytes(kBlockSizeBytesMax + 1, 0), digest)),
                "payload of " + std::to_string(kBlockSizeBytesMax + 1) + " bytes exceeds " +
                    std::to_string(kBlockSizeBytesMax));
}

TEST_F(ProposalCheckTest, RefusesPayloadThatDoesNotParse) {
  const Bytes garbage = {0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01};  // length past the end
  ExpectRefusal(Check(InputFor(garbage, BuildBlock(Draft()).hash)),
                "payload does not parse as a block");
}

TEST_F(ProposalCheckTest, RefusesPayloadWithSignatures) {
  DecodedBlock block = BuildBlock(Draft());
  SignBlock(block, net_.validator_keys[3]);
  ExpectRefusal(Check(Input(block)), "payload carries signatures or a certificate");
}

TEST_F(ProposalCheckTest, RefusesPayloadWithCertificate) {
  DecodedBlock block = BuildBlock(Draft());
  block.block.set_certificate("TLC1 not yet");
  ExpectRefusal(Check(Input(block)), "payload carries signatures or a certificate");
}

TEST_F(ProposalCheckTest, RefusesNonCanonicalEncodingFieldsOutOfOrder) {
  const DecodedBlock block = BuildBlock(Draft());
  // The same message with its transactions before its header: it parses to the same
  // block, but is not the bytes a committed block is rebuilt to.
  v1::Block txs_only;
  *txs_only.mutable_txs() = block.block.txs();
  v1::Block header_only;
  header_only.set_header(block.block.header());
  const std::string bytes = txs_only.SerializeAsString() + header_only.SerializeAsString();
  v1::Block parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  ASSERT_EQ(parsed.header(), block.block.header());
  ExpectRefusal(Check(InputFor(ToBytes(bytes), block.hash)),
                "payload is not in canonical encoding");
}

TEST_F(ProposalCheckTest, RefusesNonCanonicalEncodingDefaultFieldWritten) {
  const DecodedBlock block = BuildBlock(Draft());
  // An empty certificate written out (field 4, length 0): parses as "no certificate".
  const std::string bytes = block.block.SerializeAsString() + std::string("\x22\x00", 2);
  ExpectRefusal(Check(InputFor(ToBytes(bytes), block.hash)),
                "payload is not in canonical encoding");
}

// An unknown field survives parsing and re-serialization, so the round trip alone does not
// catch it; but the store rebuilds a committed block's payload from {header, txs} alone
// (ConsensusBlockOf), which would then no longer hash to its certificate: every honest
// validator would fail to restart or to serve sync.
TEST_F(ProposalCheckTest, RefusesNonCanonicalEncodingUnknownField) {
  const DecodedBlock block = BuildBlock(Draft());
  const std::string bytes = block.block.SerializeAsString() + std::string("\x78\x01", 2);
  v1::Block parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  ExpectRefusal(Check(InputFor(ToBytes(bytes), block.hash)), "unknown field");
}

// Why the rule above matters: had such a payload been certified and committed, the store
// could not rebuild the consensus block it came in (the QC's block id covers SHA-256 of the
// payload as proposed).
TEST_F(ProposalCheckTest, UnknownFieldPayloadCannotBeRebuiltOnceCommitted) {
  const DecodedBlock block = BuildBlock(Draft());
  const std::string bytes = block.block.SerializeAsString() + std::string("\x78\x01", 2);
  consensus::Block proposed;
  proposed.round = kHeight;
  proposed.height = kHeight;
  proposed.proposer = kHeight % 4;
  proposed.payload_digest = block.hash;
  proposed.payload = ToBytes(bytes);
  consensus::QuorumCert qc;
  qc.round = kHeight;
  qc.block_id = proposed.ComputeId();
  v1::Block stored;
  ASSERT_TRUE(stored.ParseFromString(bytes));  // as CheckProposal would have kept it
  stored.set_certificate(ToString(consensus::EncodeLedgerCertificate(proposed, qc)));
  Result<consensus::Block> rebuilt = consensus::ConsensusBlockOf(stored);
  ASSERT_FALSE(rebuilt.ok());
  ExpectStatus(rebuilt.status(), Code::kDataLoss, "does not re-serialize to its certified payload");
}

TEST_F(ProposalCheckTest, RefusesBlockThatDecodeBlockRefuses) {
  BlockDraft d = Draft();
  d.txs = {fresh_[0], fresh_[0]};
  const DecodedBlock block = BuildBlock(d);
  ExpectRefusal(Check(Input(block)),
                "block 3 tx 1: duplicate transaction " + fresh_[0].id.ShortHex());
}

TEST_F(ProposalCheckTest, RefusesTxRootNotMatchingTransactions) {
  DecodedBlock block = BuildBlock(Draft());
  *block.block.mutable_txs(1) = Tx("lot-swapped").envelope;
  ExpectRefusal(Check(Input(block)), "block 3 tx_root does not match its transactions");
}

// --- The header against the consensus block and the parent ----------------------------

TEST_F(ProposalCheckTest, RefusesDigestMismatch) {
  const DecodedBlock block = BuildBlock(Draft());
  ProposalInput in = Input(block);
  in.digest = block2_.hash;
  ExpectRefusal(Check(in), "payload digest is not the block hash");
}

TEST_F(ProposalCheckTest, RefusesHeightMismatch) {
  ProposalInput in = Input(BuildBlock(Draft()));
  in.height = kHeight + 1;
  ExpectRefusal(Check(in), "header height/round 3/3 differ from the consensus block's 4/3");
}

TEST_F(ProposalCheckTest, RefusesRoundMismatch) {
  ProposalInput in = Input(BuildBlock(Draft()));
  in.round = kHeight + 2;
  ExpectRefusal(Check(in), "header height/round 3/3 differ from the consensus block's 3/5");
}

TEST_F(ProposalCheckTest, RefusesProposerMismatch) {
  BlockDraft d = Draft();
  d.proposer = net_.validator_keys[0].public_key().id();
  ExpectRefusal(CheckDraft(d), "header proposer is not the consensus proposer");
}

TEST_F(ProposalCheckTest, RefusesBadLinkPrevHash) {
  BlockDraft d = Draft();
  d.prev_hash = block1_.hash;
  ExpectRefusal(CheckDraft(d), "block 3 prev_hash " + block1_.hash.ShortHex() +
                                   " is not the parent " + block2_.hash.ShortHex());
}

TEST_F(ProposalCheckTest, RefusesBadLinkChainId) {
  BlockDraft d = Draft();
  d.chain_id = "another-chain";
  d.txs.clear();  // transactions name the header's chain (DecodeBlock)
  ExpectRefusal(CheckDraft(d), "block chain id \"another-chain\", this is \"proposal-chain\"");
}

TEST_F(ProposalCheckTest, RefusesTimeBeforeParent) {
  BlockDraft d = Draft();
  d.timestamp_ms = parent_.timestamp_ms - 1;
  ExpectRefusal(CheckDraft(d), "block time before its parent's");
  d.timestamp_ms = parent_.timestamp_ms;  // the same time is fine
  Result<DecodedBlock> r = CheckDraft(d);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST_F(ProposalCheckTest, RefusesTimeTooFarAhead) {
  BlockDraft d = Draft();
  const int64_t now_ms = Input(BuildBlock(d)).now_ms;
  d.timestamp_ms = now_ms + kBlockClockSkewMaxMs + 1;
  ExpectRefusal(CheckDraft(d), "block time more than 30000 ms ahead of this node's clock");
  d.timestamp_ms = now_ms + kBlockClockSkewMaxMs;  // at the bound is fine
  Result<DecodedBlock> r = CheckDraft(d);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

// --- The result claim -----------------------------------------------------------------

TEST_F(ProposalCheckTest, RefusesResultHeightBelowParents) {
  BlockDraft d = Draft();
  d.result_height = 0;
  d.prev_result_root = MerkleRoot({});  // the true root of 0, but older than the parent's
  ExpectRefusal(CheckDraft(d), "result_height below the parent's");
}

// A leader claiming the results of a block nobody has executed yet (here its parent, 2)
// used to be voted for unchecked; certified, the block then made Store::CommitBlock refuse
// on every honest validator, which halted them all. It is refused now, before any read.
TEST_F(ProposalCheckTest, RefusesResultHeightAboveExecutedSoByzantineLeaderCannotHaltHonestNodes) {
  BlockDraft d = Draft();
  d.result_height = 2;
  d.prev_result_root = Sha256(AsBytes(std::string("a guess at block 2's results")));
  ExpectRefusal(CheckDraft(d),
                "claims the results of block 2, which this node has not executed (it is at 1)");
  EXPECT_EQ(view_.root_reads, 0);
}

TEST_F(ProposalCheckTest, AcceptsResultHeightAtExecutedHeightAboveParents) {
  // This node executed block 2 too: a leader that did likewise may claim it.
  const Hash root2 = Sha256(AsBytes(std::string("the results of block 2")));
  view_.executed_height = 2;
  view_.roots[2] = root2;
  BlockDraft d = Draft();
  d.result_height = 2;
  d.prev_result_root = root2;
  Result<DecodedBlock> r = CheckDraft(d);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST_F(ProposalCheckTest, RefusesResultRootDifferingFromOwnExecution) {
  BlockDraft d = Draft();
  d.prev_result_root = Sha256(AsBytes(std::string("other results of block 1")));
  ExpectRefusal(CheckDraft(d), "result root of block 1 differs from this node's");
}

// --- The transactions -----------------------------------------------------------------

TEST_F(ProposalCheckTest, RefusesExpiredTransaction) {
  BlockDraft d = Draft();
  d.txs = {fresh_[0], Tx("lot-expired", /*valid_until=*/2)};  // may commit at most at 2
  ExpectRefusal(CheckDraft(d), "block 3 tx 1: transaction expired at height 2, head is 2");
}

TEST_F(ProposalCheckTest, RefusesTransactionNotYetValid) {
  BlockDraft d = Draft();
  d.txs = {Tx("lot-far", /*valid_until=*/2 + kTxValidityWindowBlocks + 1)};
  ExpectRefusal(CheckDraft(d), "block 3 tx 0: valid_until_height too far: " +
                                   std::to_string(2 + kTxValidityWindowBlocks + 1));
}

TEST_F(ProposalCheckTest, RefusesTransactionInUncommittedAncestor) {
  BlockDraft d = Draft();
  d.txs = {fresh_[0], block2_.txs[0]};
  ExpectRefusal(CheckDraft(d),
                "tx " + block2_.txs[0].id.ShortHex() + " is in an uncommitted ancestor");
}

TEST_F(ProposalCheckTest, RefusesTransactionAlreadyCommitted) {
  BlockDraft d = Draft();
  d.txs = {block1_.txs[0]};
  ExpectRefusal(CheckDraft(d), "tx " + block1_.txs[0].id.ShortHex() + " is already committed");
}

TEST_F(ProposalCheckTest, RefusesSignerUnauthenticated) {
  view_.signer_results[fresh_[1].id] = Status::Unauthenticated("signer key is not registered");
  ExpectRefusal(CheckDraft(Draft()),
                "tx " + fresh_[1].id.ShortHex() + ": signer key is not registered");
}

TEST_F(ProposalCheckTest, RefusesSignerPermissionDenied) {
  view_.signer_results[fresh_[0].id] = Status::PermissionDenied("signer key was revoked");
  ExpectRefusal(CheckDraft(Draft()), "tx " + fresh_[0].id.ShortHex() + ": signer key was revoked");
}

TEST_F(ProposalCheckTest, RefusesSignerMalformedSignatureInvalidArgument) {
  view_.signer_results[fresh_[0].id] = Status::InvalidArgument("P-256 signature r is out of range");
  ExpectRefusal(CheckDraft(Draft()),
                "tx " + fresh_[0].id.ShortHex() + ": P-256 signature r is out of range");
}

// --- Local failures: never the proposer's fault -----------------------------------------

TEST_F(ProposalCheckTest, ResultRootReadFailureIsLocalNotRefusal) {
  view_.root_failure = Status::DataLoss("result record of 1 is malformed");
  ExpectLocalFailure(CheckDraft(Draft()), Code::kDataLoss,
                     "reading the result root of 1: result record of 1 is malformed");
}

TEST_F(ProposalCheckTest, ResultRootReadFailureWithInvalidArgumentIsStillLocal) {
  view_.root_failure = Status::InvalidArgument("store said invalid");
  ExpectLocalFailure(CheckDraft(Draft()), Code::kInternal,
                     "reading the result root of 1: store said invalid");
}

TEST_F(ProposalCheckTest, IsCommittedFailureIsLocalNotRefusal) {
  view_.committed_failure = Status::Internal("leveldb: IO error");
  ExpectLocalFailure(CheckDraft(Draft()), Code::kInternal,
                     "looking up tx " + fresh_[0].id.ShortHex() + ": leveldb: IO error");
}

TEST_F(ProposalCheckTest, SignerCheckInternalFailureIsLocalNotRefusal) {
  view_.signer_results[fresh_[1].id] = Status::Internal("member record unreadable");
  ExpectLocalFailure(
      CheckDraft(Draft()), Code::kInternal,
      "checking the signer of tx " + fresh_[1].id.ShortHex() + ": member record unreadable");
}

TEST_F(ProposalCheckTest, SignerCheckDataLossIsLocalNotRefusal) {
  view_.signer_results[fresh_[0].id] = Status::DataLoss("member record corrupt");
  ExpectLocalFailure(CheckDraft(Draft()), Code::kDataLoss, "member record corrupt");
}

// --- The signer check as the validator runs it: Admission over a real store ------------

class ProposalCheckAdmissionTest : public ProposalCheckTest {
 protected:
  void SetUp() override {
    ProposalCheckTest::SetUp();
    store_ = Store::Open(dir_.path()).value();
    ASSERT_TRUE(store_->InitGenesis(net_.genesis, GenesisState(net_.genesis_message).value()).ok());
    admission_ = std::make_unique<Admission>(kChain, *store_, mempool_);
    view_.admission = admission_.get();
  }
  void TearDown() override {
    admission_.reset();
    store_.reset();
  }

  // `tx` with its signature replaced (the id, over the body, is unchanged).
  static DecodedTransaction WithSignature(const DecodedTransaction& tx, std::string signature) {
    v1::SignedTransaction envelope = tx.envelope;
    envelope.set_signature(std::move(signature));
    return DecodeTransaction(envelope).value();
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  Mempool mempool_;
  std::unique_ptr<Admission> admission_;
};

TEST_F(ProposalCheckAdmissionTest, MemberSignaturesPass) {
  Result<DecodedBlock> r = CheckDraft(Draft());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(view_.signer_checks, 2);
}

TEST_F(ProposalCheckAdmissionTest, RefusesSignatureThatDoesNotVerify) {
  BlockDraft d = Draft();
  d.txs[1] = WithSignature(fresh_[1], fresh_[0].envelope.signature());
  ExpectRefusal(CheckDraft(d), "tx " + fresh_[1].id.ShortHex() + ": transaction " +
                                   fresh_[1].id.ShortHex() + ": signature does not verify");
}

TEST_F(ProposalCheckAdmissionTest, RefusesSignerNotAMember) {
  BlockDraft d = Draft();
  const PrivateKey stranger = testing::NewKey();
  d.txs[0] = MakeTx(stranger, kChain, 100, "lot-stranger");
  ExpectRefusal(CheckDraft(d), "is not registered on this chain");
}

// A signature of the right length whose r is zero: Admission calls it malformed
// (INVALID_ARGUMENT). It is the proposer's fault: a Byzantine leader must not be able to halt
// every honest validator by putting such a transaction in its block.
TEST_F(ProposalCheckAdmissionTest, RefusesMalformedSignatureRatherThanHalting) {
  BlockDraft d = Draft();
  d.txs[0] = WithSignature(fresh_[0], std::string(kSignatureBytes, '\0'));
  ExpectRefusal(CheckDraft(d), "tx " + fresh_[0].id.ShortHex() + ": transaction " +
                                   fresh_[0].id.ShortHex() + ": P-256 signature r is out of range");
}

}  // namespace
}  // namespace tadori
