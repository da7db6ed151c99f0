#include "node/validator/tx_relay.h"

#include <algorithm>

namespace tadori {

void TxRelay::Intake(const v1::TxGossip& gossip) {
  for (const v1::SignedTransaction& wire : gossip.txs()) {
    Result<DecodedTransaction> tx = admission_.Check(wire);
    if (!tx.ok()) {
      if (tx.status().code() != Code::kAlreadyExists) refused_.fetch_add(1);
      continue;
    }
    if (mempool_.Add(std::move(*tx)).ok()) admitted_.fetch_add(1);
  }
}

std::vector<v1::PeerFrame> TxRelay::Pack(std::vector<v1::SignedTransaction> txs, size_t batch_max) {
  std::vector<v1::PeerFrame> frames;
  for (size_t start = 0; start < txs.size(); start += batch_max) {
    v1::PeerFrame& frame = frames.emplace_back();
    const size_t end = std::min(txs.size(), start + batch_max);
    for (size_t i = start; i < end; ++i) *frame.mutable_txs()->add_txs() = std::move(txs[i]);
  }
  return frames;
}

}  // namespace tadori
