#include "node/validator/ledger_tip.h"

#include "ledger/merkle.h"

namespace tadori {

LedgerTip LedgerTip::Of(const DecodedBlock& block) {
  const v1::BlockHeader& h = block.header;
  LedgerTip tip{block.hash,
                h.height(),
                h.timestamp_ms(),
                h.result_height(),
                Hash::FromBytes(AsBytes(h.prev_result_root())).value(),
                {}};
  tip.tx_ids.reserve(block.txs.size());
  for (const DecodedTransaction& tx : block.txs) tip.tx_ids.push_back(tx.id);
  return tip;
}

LedgerTip LedgerTip::Genesis(const GenesisInfo& genesis) {
  LedgerTip tip;
  tip.hash = genesis.hash;
  tip.timestamp_ms = genesis.genesis.genesis_time_ms();
  tip.result_root = MerkleRoot({});
  return tip;
}

}  // namespace tadori
