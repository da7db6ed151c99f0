// A real BFT-committed chain for the validator tests: a sealed genesis with four P-256
// validators and one member admin (tests/unit/ledger/test_chain.h), a Store in a temporary
// directory holding the genesis state, and blocks committed as ValidatorCore commits them:
// each ledger block is the payload of a consensus block whose parent QC certifies the block
// before, it is certified by a quorum of real votes, carries its ledger certificate
// (consensus/ledger_certificate.h), is executed by the chaincode and committed with
// Store::CommitBlock.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chaincode/chaincode.h"
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

  // The ledger block that extends the store's head (round = height, proposed by the round's
  // leader), without signatures or certificate.
  DecodedBlock NextLedgerBlock(std::vector<DecodedTransaction> txs = {}) const {
    const Store::Head head = store_->head();
    const consensus::ValidatorIndex leader = validators_.Leader(head.height + 1);
    BlockDraft draft = DraftOnHead(head, chain_id(), net_.validator_keys[leader].public_key().id());
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

  // A QC for `block` with the votes of validators 0 .. quorum-1.
  consensus::QuorumCert Certify(const consensus::Block& block) const {
    consensus::QuorumCert qc;
    qc.round = block.round;
    qc.block_id = block.ComputeId();
    for (consensus::ValidatorIndex v = 0; v < validators_.quorum_weight(); ++v) {
      qc.signatures.push_back({v, net_.validator_keys[v].Sign(consensus::VoteSigningBytes(
                                      genesis_id_, qc.block_id, qc.round))});
    }
    return qc;
  }

  // Commits the next block with `txs` as a BFT validator does; returns its consensus block.
  consensus::Block CommitNext(std::vector<DecodedTransaction> txs = {}) {
    DecodedBlock ledger = NextLedgerBlock(std::move(txs));
    const consensus::Block block =
        ConsensusBlockOf(ledger, parent_qc_, validators_.Leader(ledger.header.round()));
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
  TempDir dir_;
  TestNetwork net_;
  consensus::ValidatorSet validators_;
  consensus::BlockId genesis_id_;
  consensus::QuorumCert parent_qc_;
  std::unique_ptr<Store> store_;
  std::vector<consensus::Block> committed_;
};

}  // namespace tadori::testing
