// BftValidator: a ValidatorCore (validator_core.h) run by the daemon, with the threads,
// queues and locks around it.
//
//   network threads  OnFrame: relayed batches and their attestations go to the TxRelay there
//                    (verified, or held until f+1 validators attested them), beside
//                    the event loop; SyncRequests go to the SyncServer's queue; other
//                    consensus messages to the Inbox (per peer, bounded by count and bytes,
//                    taken in turn so no peer's flood delays another's messages)
//   submit threads   OnAdmitted: transactions to relay, sent in batches by the loop
//   event loop       one thread: takes the inbox, ticks the core (timers, proposing), relays,
//                    verifies held batches whose attestations did not come in time
//   sync server      one thread: answers SyncRequests from the store within each peer's
//                    budget, reading the engine's uncommitted blocks under the loop's lock
// The daemon stops when failure() is not OK: a local failure (disk, diverged execution) in
// the core or in the sync server.
// Thread-safety: OnFrame / OnAdmitted / failure / stats from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/store/store.h"
#include "node/validator/clock.h"
#include "node/validator/commit_feed.h"
#include "node/validator/inbox.h"
#include "node/validator/mempool.h"
#include "node/validator/peer_transport.h"
#include "node/validator/sync_server.h"
#include "node/validator/tx_relay.h"
#include "node/validator/validator_core.h"
#include "tadori/v1/peer.pb.h"

namespace tadori {

struct BftValidatorOptions {
  ValidatorOptions validator;
  InboxLimits inbox;
  SyncServerLimits sync;
};

class BftValidator {
 public:
  struct Stats {
    ValidatorCore::Stats core;
    uint64_t inbox_dropped = 0;
    size_t inbox_bytes = 0;
    uint64_t gossip_admitted = 0;
    uint64_t gossip_refused = 0;
    TxRelay::Stats relay;  // batch attestations: vouched, fallback-verified, refused
    uint64_t sync_served = 0;
    uint64_t sync_dropped = 0;
  };

  // `self` is this validator's genesis index; `key` its consensus key (checked to match).
  BftValidator(Store& store, Mempool& mempool, CommitFeed& feed, const GenesisInfo& genesis,
               size_t self, PrivateKey key, BftValidatorOptions options = {});
  ~BftValidator();
  BftValidator(const BftValidator&) = delete;
  BftValidator& operator=(const BftValidator&) = delete;

  // Starts the core (DATA_LOSS when the store's safety state, tip or pending blocks cannot
  // be read back) and the threads.
  Status Start(PeerTransport& network);
  void Stop();

  // A frame from validator `from` (the network's handler).
  void OnFrame(size_t from, v1::PeerFrame frame);
  // A transaction this node admitted through Submit: relay it.
  void OnAdmitted(const v1::SignedTransaction& tx);

  // Not OK once the validator halted (disk failure, or its execution diverged).
  Status failure() const;
  Stats stats() const;

 private:
  void RunLoop();
  void RunSyncServer();
  void Halt(const Status& status);

  Store& store_;
  Mempool& mempool_;
  CommitFeed& feed_;
  const GenesisInfo& genesis_;
  const size_t self_;
  const PrivateKey key_;
  const BftValidatorOptions options_;
  SystemClock clock_;
  TxRelay relay_;
  std::atomic<PeerTransport*> network_{nullptr};  // set by Start, for OnFrame's attestations
  std::unique_ptr<ValidatorCore> core_;           // guarded by core_mu_ once started
  std::unique_ptr<SyncServer> sync_;
  mutable std::mutex core_mu_;
  // The core waits for transactions to propose (set by the loop after each turn): network
  // and submit threads wake the loop when some arrive.
  std::atomic<bool> proposal_waiting_{false};

  mutable std::mutex mu_;  // guards what follows
  std::condition_variable loop_cv_;
  std::condition_variable sync_cv_;
  Inbox inbox_;
  std::vector<v1::SignedTransaction> gossip_out_;
  bool stop_ = false;
  bool wake_ = false;
  bool sync_wake_ = false;
  Status failure_;
  ValidatorCore::Stats core_stats_;
  std::thread loop_;
  std::thread sync_thread_;
};

}  // namespace tadori
