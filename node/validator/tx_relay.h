// TxRelay: transactions travelling between validators (TxGossip frames). Leaders rotate every
// round, so every validator needs every admitted transaction; each is relayed once, by the
// node that admitted it through Submit, and each relayed one passes the same Admission here
// before it takes mempool space (a peer's word is not a signature check).
// Thread-safe: Intake runs on the network threads that receive frames.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "ledger/store/store.h"
#include "node/validator/admission.h"
#include "node/validator/mempool.h"
#include "tadori/v1/peer.pb.h"

namespace tadori {

class TxRelay {
 public:
  TxRelay(std::string chain_id, const Store& store, Mempool& mempool)
      : admission_(std::move(chain_id), store, mempool), mempool_(mempool) {}

  // Admits what a peer relayed. Transactions already known (pending or committed) are
  // neither admitted nor refused.
  void Intake(const v1::TxGossip& gossip);
  // `txs` as frames of at most `batch_max` transactions each.
  static std::vector<v1::PeerFrame> Pack(std::vector<v1::SignedTransaction> txs, size_t batch_max);

  uint64_t admitted() const { return admitted_.load(); }
  uint64_t refused() const { return refused_.load(); }

 private:
  Admission admission_;
  Mempool& mempool_;
  std::atomic<uint64_t> admitted_{0};
  std::atomic<uint64_t> refused_{0};
};

}  // namespace tadori
