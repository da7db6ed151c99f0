// A real BFT-committed chain for the validator tests: a sealed genesis with four P-256
// validators and one member admin (tests/unit/ledger/test_chain.h), a Store in a temporary
// directory holding the genesis state, and blocks committed as ValidatorCore commits them:
// each ledger block is the payload of a consensus block whose parent QC certifies the block
// before, it is certified by a quorum of real votes, carries its ledger certificate
// (consensus/ledger_certificate.h), is executed by the chaincode and committed with
// Store::CommitBlock.
//
// Leaders: each block is proposed by the leader the engine's schedule gives its round on the
// chain below it (consensus/leader_schedule.h, which reads who proposed and who signed QCs in
// the last 2n = 8 rounds), and certified by the first quorum of validators that are not left
// out (LeaveOut). With nobody left out, block h is proposed in round h by ValidatorSet::
// Leader(h), round-robin, and certified by validators 0, 1 and 2: every validator proposes
// once in any 4 consecutive rounds, so none is ever absent from the window and the schedule
// skips nobody, which is plain round-robin. Tests that build blocks by hand rely on that.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chaincode/chaincode.h"
#include "consensus/leader_schedule.h"
#include "consensus/ledger_certificate.h"
#include "consensus/types.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/store/store.h"
#include "node/validator/executor.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori::testing {

class BftChain {
 public:
  explicit BftChain(const std::string& chain_id = "bft-chain")
      : net_(MakeNetwork(4, chain_id)),
        validators_(consensus::ValidatorSet::Equal(4)),
        genesis_id_(consensus::ConsensusGenesis(net_.genesis).ComputeId()),
        parent_qc_(consensus::GenesisQc(genesis_id_)) {
    store_ = Store::Open(dir_.path()).value();
    TADORI_CHECK(
        store_->InitGenesis(net_.genesis, GenesisState(net_.genesis_message).value()).ok());
  }
  ~BftChain() { store_.reset(); }  // close LevelDB before dir_ removes its files
  BftChain(const BftChain&) = delete;
  BftChain& operator=(const BftChain&) = delete;

  Store& store() { return *store_; }
  const TestNetwork& net() const { return net_; }
  const std::string& chain_id() const { return net_.genesis.genesis.chain_id(); }
  // The consensus blocks committed so far; committed()[i] is at height i + 1.
  const std::vector<consensus::Block>& committed() const { return committed_; }

  // A member transaction that may commit for the next 100 blocks.
  DecodedTransaction Tx(const std::string& lot) const {
    return MakeTx(net_.admin, chain_id(), store_->Height() + 100, lot);
  }

  // From the next block on, validator `v` proposes nothing and signs no QC, as one that is
  // down. The chain goes on as an honest network's would without it: a round it leads passes
  // without a block (it times out), and so does the block of the round before it (the votes
  // for that block go to it, so no QC forms), until the schedule skips it.
  void LeaveOut(consensus::ValidatorIndex v) { left_out_.push_back(v); }

  // The round of the next block and its leader (see LeaveOut).
  consensus::Round NextRound() const { return NextSlot().first; }
  consensus::ValidatorIndex NextLeader() const { return NextSlot().second; }

  // The ledger block that extends the store's head in the next round, proposed by its leader
  // unless `proposer` says otherwise, without signatures or certificate.
  DecodedBlock NextLedgerBlock(std::vector<DecodedTransaction> txs = {},
                               std::optional<consensus::ValidatorIndex> proposer = {}) const {
    const Store::Head head = store_->head();
    const auto [round, leader] = NextSlot();
    const consensus::ValidatorIndex by = proposer.value_or(leader);
    BlockDraft draft = DraftOnHead(head, chain_id(), net_.validator_keys[by].public_key().id());
    draft.round = round;
    draft.timestamp_ms =
        net_.genesis.genesis.genesis_time_ms() + static_cast<int64_t>(draft.height) * 1'000;
    draft.txs = std::move(txs);
    return BuildBlock(draft);
  }

  // The consensus block carrying `ledger` whose parent QC is `parent_qc`.
  static consensus::Block ConsensusBlockOf(const DecodedBlock& ledger,
                                           const consensus::QuorumCert& parent_qc,
                                           consensus::ValidatorIndex proposer) {
    v1::Block payload;
    payload.set_header(ledger.block.header());
    *payload.mutable_txs() = ledger.block.txs();
    consensus::Block b;
    b.round = ledger.header.round();
    b.height = ledger.header.height();
    b.proposer = proposer;
    b.payload_digest = ledger.hash;
    b.payload = ToBytes(payload.SerializeAsString());
    b.qc = parent_qc;
    return b;
  }

  // A QC for `block` with the votes of the first quorum of validators not left out (0, 1
  // and 2 when none is).
  consensus::QuorumCert Certify(const consensus::Block& block) const {
    consensus::QuorumCert qc;
    qc.round = block.round;
    qc.block_id = block.ComputeId();
    for (consensus::ValidatorIndex v = 0;
         v < validators_.size() && qc.signatures.size() < validators_.quorum_weight(); ++v) {
      if (LeftOut(v)) continue;
      qc.signatures.push_back({v, net_.validator_keys[v].Sign(consensus::VoteSigningBytes(
                                      genesis_id_, qc.block_id, qc.round))});
    }
    TADORI_CHECK(qc.signatures.size() == validators_.quorum_weight());
    return qc;
  }

  // The leader of `round` on the committed chain, followed by `candidate` when given: what
  // the engine computes when that chain ends at its high QC's block.
  consensus::ValidatorIndex ScheduledLeader(consensus::Round round,
                                            const consensus::Block* candidate = nullptr) const {
    std::vector<consensus::ChainActivity> chain;
    if (candidate != nullptr) chain.push_back(consensus::ChainActivity::Of(*candidate));
    for (auto it = committed_.rbegin(); it != committed_.rend(); ++it) {
      chain.push_back(consensus::ChainActivity::Of(*it));
    }
    chain.push_back(consensus::ChainActivity::Of(consensus::ConsensusGenesis(net_.genesis)));
    return schedule_.Leader(round, schedule_.Compute(chain));
  }

  // Commits the next block with `txs` as a BFT validator does; returns its consensus block.
  consensus::Block CommitNext(std::vector<DecodedTransaction> txs = {}) {
    DecodedBlock ledger = NextLedgerBlock(std::move(txs));
    const consensus::Block block = ConsensusBlockOf(ledger, parent_qc_, NextLeader());
    const consensus::QuorumCert qc = Certify(block);
    const Bytes certificate = consensus::EncodeLedgerCertificate(block, qc);
    ledger.block.set_certificate(ToString(certificate));
    CommitLedgerBlock(ledger);
    parent_qc_ = qc;
    committed_.push_back(block);
    return block;
  }

  // Executes and commits `ledger` as it is (with whatever certificate or signatures it has).
  void CommitLedgerBlock(const DecodedBlock& ledger) {
    Result<ExecutedBlock> executed = ExecuteBlock(store_->state(), ledger.header.height(),
                                                  ledger.header.timestamp_ms(), ledger.txs);
    TADORI_CHECK(executed.ok());
    TADORI_CHECK(store_
                     ->CommitBlock(ledger, executed->results, executed->writes, executed->index,
                                   /*sync=*/false)
                     .ok());
  }

  // The QC that certifies the last committed block (the parent QC of the next one).
  const consensus::QuorumCert& tip_qc() const { return parent_qc_; }

 private:
  bool LeftOut(consensus::ValidatorIndex v) const {
    return std::find(left_out_.begin(), left_out_.end(), v) != left_out_.end();
  }

  // The round of the store's head block (0 at genesis), however it was committed.
  consensus::Round HeadRound() const {
    const uint64_t height = store_->Height();
    if (height == 0) return 0;
    Result<v1::Block> stored = store_->GetBlock(height);
    TADORI_CHECK(stored.ok());
    Result<DecodedBlock> head = DecodeBlock(*stored);
    TADORI_CHECK(head.ok());
    return head->header.round();
  }

  // The first round after the head's whose leader (on the chain ending at the head) is not
  // left out, and whose block gets a QC: the leader of the round after it, to whom the votes
  // go, is not left out either. The rounds before it time out. Blocks committed around
  // CommitNext (CommitLedgerBlock, the store itself) move the round on but are not read by
  // the schedule: fine near genesis, where it skips nobody.
  std::pair<consensus::Round, consensus::ValidatorIndex> NextSlot() const {
    consensus::Round round = HeadRound() + 1;
    for (;; ++round) {
      const consensus::ValidatorIndex leader = ScheduledLeader(round);
      if (LeftOut(leader)) continue;
      consensus::Block candidate;
      candidate.round = round;
      candidate.proposer = leader;
      candidate.qc = parent_qc_;
      if (LeftOut(ScheduledLeader(round + 1, &candidate))) continue;
      return {round, leader};
    }
  }

  TempDir dir_;
  TestNetwork net_;
  consensus::ValidatorSet validators_;
  consensus::LeaderSchedule schedule_{validators_, {}};  // the engine's default: window 2n
  std::vector<consensus::ValidatorIndex> left_out_;
  consensus::BlockId genesis_id_;
  consensus::QuorumCert parent_qc_;
  std::unique_ptr<Store> store_;
  std::vector<consensus::Block> committed_;
};

}  // namespace tadori::testing
