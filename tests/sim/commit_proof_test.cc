// Commit proofs (consensus/commit_proof.h) over real certificates: a sealed genesis with four
// P-256 validators, ledger blocks carried by consensus blocks whose parent QCs link them, each
// certified by real votes. Rounds are chosen by each test: consecutive rounds prove the
// parent final (the 2-chain rule), a gap leaves it pending.
#include "consensus/commit_proof.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "consensus/ledger_certificate.h"
#include "ledger/block.h"
#include "ledger/keys.h"
#include "ledger/merkle.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori::consensus {
namespace {

using tadori::testing::MakeNetwork;
using tadori::testing::NewKey;
using tadori::testing::TestNetwork;

// A certified ledger block and what the next one needs to extend it.
struct Certified {
  DecodedBlock ledger;  // with its certificate
  Block consensus;
  QuorumCert qc;
};

// How a test block differs from the honest one.
struct Options {
  const std::vector<PrivateKey>* keys = nullptr;  // who signs the QC (the genesis keys)
  const QuorumCert* parent_qc = nullptr;          // the parent's QC unless given
  std::string chain_id;                           // the genesis chain unless given
  int64_t timestamp_ms = 0;                       // varies the block
};

class CommitProofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    genesis_id_ = ConsensusGenesis(net_.genesis).ComputeId();
    tip_ = GenesisTip(net_.genesis);
  }

  // The block after `parent` (genesis when null) in `round`, proposed by round % 4 and
  // certified by validators 0, 1 and 2.
  Certified Child(const Certified* parent, Round round, const Options& o = {}) const {
    BlockDraft draft;
    draft.chain_id = o.chain_id.empty() ? net_.genesis.genesis.chain_id() : o.chain_id;
    draft.height = parent == nullptr ? 1 : parent->ledger.header.height() + 1;
    draft.round = round;
    draft.prev_hash = parent == nullptr ? net_.genesis.hash : parent->ledger.hash;
    draft.prev_result_root = MerkleRoot({});
    draft.result_height = 0;
    const ValidatorIndex proposer = static_cast<ValidatorIndex>(round % 4);
    draft.proposer = net_.validator_keys[proposer].public_key().id();
    draft.timestamp_ms = 1'700'000'000'000 + static_cast<int64_t>(round) * 1'000 + o.timestamp_ms;
    Certified out;
    out.ledger = BuildBlock(draft);

    v1::Block payload;
    payload.set_header(out.ledger.block.header());
    *payload.mutable_txs() = out.ledger.block.txs();
    out.consensus.round = round;
    out.consensus.height = draft.height;
    out.consensus.proposer = proposer;
    out.consensus.payload_digest = out.ledger.hash;
    out.consensus.payload = ToBytes(payload.SerializeAsString());
    out.consensus.qc = o.parent_qc != nullptr ? *o.parent_qc
                       : parent == nullptr    ? GenesisQc(genesis_id_)
                                              : parent->qc;
    out.qc = Certify(out.consensus, o.keys);
    out.ledger.block.set_certificate(ToString(EncodeLedgerCertificate(out.consensus, out.qc)));
    return out;
  }

  // A chain from genesis with these rounds.
  std::vector<Certified> Chain(const std::vector<Round>& rounds) const {
    std::vector<Certified> out;
    out.reserve(rounds.size());
    for (Round r : rounds) out.push_back(Child(out.empty() ? nullptr : &out.back(), r));
    return out;
  }

  QuorumCert Certify(const Block& block, const std::vector<PrivateKey>* keys = nullptr) const {
    if (keys == nullptr) keys = &net_.validator_keys;
    QuorumCert qc;
    qc.round = block.round;
    qc.block_id = block.ComputeId();
    for (ValidatorIndex v : {0, 1, 2}) {
      qc.signatures.push_back(
          {v, (*keys)[v].Sign(VoteSigningBytes(genesis_id_, qc.block_id, qc.round))});
    }
    return qc;
  }

  static std::vector<DecodedBlock> Ledger(const std::vector<Certified>& chain) {
    std::vector<DecodedBlock> out;
    for (const Certified& c : chain) out.push_back(c.ledger);
    return out;
  }

  Result<size_t> Proven(const std::vector<Certified>& run) const {
    return ProvenCommitted(net_.genesis, tip_, Ledger(run));
  }

  // `r` fails with `code` and a message containing `reason`.
  template <typename T>
  static void ExpectRefused(const Result<T>& r, Code code, const std::string& reason) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(reason), std::string::npos)
        << "want \"" << reason << "\", got " << r.status().ToString();
  }

  TestNetwork net_ = MakeNetwork(4);
  BlockId genesis_id_;
  CertifiedTip tip_;
};

TEST_F(CommitProofTest, ConsecutiveRoundsProveAllButTheLastBlock) {
  const std::vector<Certified> chain = Chain({1, 2, 3, 4});
  Result<size_t> proven = Proven(chain);
  ASSERT_TRUE(proven.ok()) << proven.status().ToString();
  // Block 4 has no certified child yet: it may still lose to another block at height 4.
  EXPECT_EQ(*proven, 3u);
  // The prefix grows with the run.
  EXPECT_EQ(Proven({chain[0], chain[1]}).value(), 1u);
  EXPECT_EQ(Proven({chain[0]}).value(), 0u);
  EXPECT_EQ(Proven({}).value(), 0u);
}

TEST_F(CommitProofTest, ChildInALaterRoundLeavesItsParentPendingUntilAConsecutivePair) {
  // Round 2 timed out: block 2 (round 3) extends block 1 (round 1) with a gap.
  std::vector<Certified> chain = Chain({1, 3});
  EXPECT_EQ(Proven(chain).value(), 0u);
  // Another gap: still nothing proven.
  chain.push_back(Child(&chain.back(), 5));
  EXPECT_EQ(Proven(chain).value(), 0u);
  // Block 4 in round 6 proves block 3 (round 5) final, and with it blocks 1 and 2.
  chain.push_back(Child(&chain.back(), 6));
  EXPECT_EQ(Proven(chain).value(), 3u);
  // The pure rule over rounds alone, as the observer uses it incrementally.
  std::vector<CertifiedTip> rounds(4);
  rounds[0].round = 1;
  rounds[1].round = 3;
  rounds[2].round = 5;
  rounds[3].round = 6;
  EXPECT_EQ(ProvenCommittedPrefix(rounds), 3u);
  rounds[3].round = 7;
  EXPECT_EQ(ProvenCommittedPrefix(rounds), 0u);
  rounds[1].round = 2;
  EXPECT_EQ(ProvenCommittedPrefix(rounds), 1u);
}

TEST_F(CommitProofTest, CertifiedBlockThatLostToAnotherAtItsHeightIsNeverProven) {
  // Block 1 in round 1 is certified, round 2 times out, and the next leader extends genesis
  // again: block 1' in round 3, then 2' in round 4, which makes 1' final.
  const Certified lost = Child(nullptr, 1);
  Options later;
  later.timestamp_ms = 7;
  const Certified won = Child(nullptr, 3, later);
  const Certified won_child = Child(&won, 4);
  // Alone, the loser is certified but pending.
  EXPECT_EQ(Proven({lost}).value(), 0u);
  // The winner's chain does not extend it.
  ExpectRefused(Proven({lost, won_child}), Code::kInvalidArgument, "block 2: ");
  EXPECT_EQ(Proven({won, won_child}).value(), 1u);
}

TEST_F(CommitProofTest, ParentQcOfAnotherBranchIsRefused) {
  // Block 2's certificate verifies on its own, and its header names block 1's hash, but its
  // parent QC certifies another consensus block carrying block 1 (here: with other voters in
  // its own parent QC, so another id): 2f+1 built on another branch.
  const Certified first = Child(nullptr, 1);
  Block other = first.consensus;
  other.qc.round = 0;
  other.qc.block_id = Sha256(AsBytes(std::string("another parent")));
  const QuorumCert other_qc = Certify(other);
  Options elsewhere;
  elsewhere.parent_qc = &other_qc;
  const Certified second = Child(&first, 2, elsewhere);
  ASSERT_TRUE(VerifyLedgerCertificate(second.ledger, net_.genesis).ok());
  ExpectRefused(Proven({first, second}), Code::kUnauthenticated,
                "block 2: block certificate parent qc (round 1) does not certify block 1");
}

TEST_F(CommitProofTest, ForgedCertificateIsRefused) {
  const Certified first = Child(nullptr, 1);
  std::vector<PrivateKey> strangers;
  for (int i = 0; i < 4; ++i) strangers.push_back(NewKey());
  Options by_strangers;
  by_strangers.keys = &strangers;
  const Certified forged = Child(&first, 2, by_strangers);
  ExpectRefused(Proven({first, forged}), Code::kUnauthenticated,
                "block 2: block certificate qc does not carry a quorum of valid votes");
  // Nothing of a run with a bad block is taken, not even the proven part before it.
  const std::vector<Certified> good = Chain({1, 2, 3});
  const Certified forged_tail = Child(&good.back(), 4, by_strangers);
  ExpectRefused(Proven({good[0], good[1], good[2], forged_tail}), Code::kUnauthenticated,
                "block 4: ");
  // No certificate at all.
  Certified bare = Child(nullptr, 1);
  bare.ledger.block.clear_certificate();
  ExpectRefused(Proven({bare}), Code::kUnauthenticated, "block 1: block certificate");
}

TEST_F(CommitProofTest, BlockOfAnotherChainIsRefused) {
  // Certified by this genesis's validators, but naming another chain id.
  Options foreign_chain;
  foreign_chain.chain_id = "other-chain";
  const Certified foreign = Child(nullptr, 1, foreign_chain);
  ExpectRefused(Proven({foreign}), Code::kInvalidArgument, "block 1: ");
  // A whole other network's chain: its genesis hash is not this one's.
  const TestNetwork other = MakeNetwork(4, "test-chain");
  ExpectRefused(ProvenCommitted(other.genesis, GenesisTip(other.genesis), Ledger(Chain({1}))),
                Code::kInvalidArgument, "block 1: ");
}

TEST_F(CommitProofTest, BadLinkAndWrongHeightAreRefused) {
  const std::vector<Certified> chain = Chain({1, 2, 3});
  // A gap: block 3 right after block 1.
  ExpectRefused(Proven({chain[0], chain[2]}), Code::kFailedPrecondition,
                "block 3: block height 3 does not follow parent height 1");
  // Starting anywhere but right after the local tip.
  ExpectRefused(Proven({chain[1], chain[2]}), Code::kFailedPrecondition,
                "block 2: block height 2 does not follow parent height 0");
  // The right height after a tip whose hash is another block's: block 2 does not extend it.
  CertifiedTip other = VerifyCertifiedChild(net_.genesis, tip_, chain[0].ledger).value();
  other.hash = Sha256(AsBytes(std::string("another block 1")));
  Result<CertifiedTip> r = VerifyCertifiedChild(net_.genesis, other, chain[1].ledger);
  ExpectRefused(r, Code::kInvalidArgument, "block 2: block 2 prev_hash");
}

TEST_F(CommitProofTest, RunContinuesFromAStoredCommittedTip) {
  const std::vector<Certified> chain = Chain({1, 2, 3, 5, 6});
  // Blocks 1 and 2 were committed earlier; the run resumes at 3.
  Result<CertifiedTip> stored = TipOfCommitted(chain[1].ledger);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->height, 2u);
  EXPECT_EQ(stored->round, 2u);
  EXPECT_EQ(stored->consensus_id, chain[1].consensus.ComputeId());
  Result<CertifiedTip> verified = VerifyCertifiedChild(net_.genesis, tip_, chain[0].ledger);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->consensus_id, chain[0].consensus.ComputeId());
  const std::vector<DecodedBlock> rest = {chain[2].ledger, chain[3].ledger, chain[4].ledger};
  // 3 (round 3) -> 4 (round 5) is a gap; 4 -> 5 (round 6) proves 3 and 4.
  EXPECT_EQ(ProvenCommitted(net_.genesis, *stored, rest).value(), 2u);
  // A stored block without a readable certificate is local damage.
  DecodedBlock damaged = chain[1].ledger;
  damaged.block.set_certificate("junk");
  ExpectRefused(TipOfCommitted(damaged), Code::kDataLoss, "committed block 2");
}

}  // namespace
}  // namespace tadori::consensus
