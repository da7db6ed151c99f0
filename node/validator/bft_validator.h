// BftValidator: one validator of a BFT network. It owns the consensus engine and drives it
// from ONE event-loop thread (the engine is a pure state machine, consensus/engine.h), and
// wires its actions to the node: the peer network, the store and the mempool.
//
// What each engine action becomes here:
//   PersistSafety  -> Store::PutSafetyState (sync=true), before any later action of the step,
//                     so no vote or timeout leaves before the state that allows it is durable
//   PersistBlock   -> Store::PutPendingBlock (kept until its height commits)
//   Send/Broadcast -> PeerTransport frames;  Fetch -> a SyncRequest to that peer
//   RequestPayload -> a ledger block built from the mempool (batching policy below)
//   ValidatePayload-> CheckPayload: the proposed ledger block is well formed, links to its
//                     parent, carries the agreed result root, and holds only new, unexpired,
//                     correctly signed transactions; the answer is fed back as PayloadChecked
//   Commit         -> execute each block and commit it with its certificate
//                     (consensus/ledger_certificate.h) in one synced batch; a result root that
//                     differs from this node's execution halts the validator (failure())
// A peer's SyncRequest is answered with Engine::ServeSync from the store.
//
// Batching: a leader proposes at once when the mempool holds block_tx_max transactions not
// already in a pending ancestor; otherwise block_interval_ms after its round began when it
// has any transaction (or a pending ancestor to commit), and an empty block after
// idle_block_interval_ms otherwise, so the chain keeps committing within the round timeout.
//
// Transactions admitted by this node are relayed to every other validator (TxGossip), in
// batches, so that whoever leads next can include them; relayed ones pass the same Admission.
// Thread-safety: OnFrame / OnAdmitted / stats() from any thread.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "consensus/engine.h"
#include "consensus/key_crypto.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/limits.h"
#include "ledger/store/store.h"
#include "node/validator/admission.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"
#include "node/validator/peer_transport.h"
#include "tadori/v1/peer.pb.h"

namespace tadori {

struct BftValidatorOptions {
  size_t block_tx_max = 2'000;
  size_t block_bytes_max = kBlockSizeBytesMax - kTxSizeBytesMax;  // room for the header
  uint64_t round_timeout_ms = 1'000;
  uint64_t block_interval_ms = 50;
  uint64_t idle_block_interval_ms = 400;  // below round_timeout_ms
  size_t gossip_batch_max = 1'000;
  size_t inbox_max = 20'000;            // consensus messages waiting for the loop; more are dropped
  // Told, for each committed block, the seconds from first seeing it to its commit (the
  // daemon exports it as a histogram); unset, nothing is measured.
  std::function<void(double seconds)> observe_commit_latency;
};

class BftValidator {
 public:
  // `self` is this validator's genesis index; `key` its consensus key (checked to match).
  BftValidator(Store& store, Mempool& mempool, CommitFeed& feed, const GenesisInfo& genesis,
               size_t self, PrivateKey key, BftValidatorOptions options = {});
  ~BftValidator();
  BftValidator(const BftValidator&) = delete;
  BftValidator& operator=(const BftValidator&) = delete;

  // Loads the safety state and pending blocks, starts the engine and the loop. DATA_LOSS
  // when the stored safety state or committed tip cannot be read back.
  Status Start(PeerTransport& network);
  void Stop();

  // A frame from validator `from` (the network's handler).
  void OnFrame(size_t from, v1::PeerFrame frame);
  // A transaction this node admitted through Submit: relay it.
  void OnAdmitted(const v1::SignedTransaction& tx);

  // Not OK once the validator halted (disk failure, or its execution diverged).
  Status failure() const;

  struct Stats {
    uint64_t round = 0;
    uint64_t committed_blocks = 0;  // since start
    uint64_t committed_txs = 0;
    bool syncing = true;
    std::array<uint64_t, static_cast<size_t>(consensus::DropReason::kCount)> drops{};
    uint64_t inbox_overflow = 0;
    uint64_t gossip_admitted = 0;
    uint64_t gossip_refused = 0;
    uint64_t payloads_refused = 0;
  };
  Stats stats() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Inbound {
    size_t from = 0;
    Bytes bytes;
  };
  // What a validator needs to know of a ledger block to check or build its child.
  struct LedgerTip {
    Hash hash;
    int64_t timestamp_ms = 0;
    uint64_t result_height = 0;
    Hash result_root;  // the header's prev_result_root: the root of block result_height
    std::vector<Hash> tx_ids;
  };
  struct PayloadRequest {
    consensus::Round round = 0;
    consensus::Height height = 0;
    consensus::BlockId parent_id;
    Clock::time_point since;
    bool fetched = false;  // a SyncRequest for a missing parent went out
  };

  void Run();
  void Step(const consensus::Event& event);
  void Apply(consensus::Actions actions, std::deque<consensus::Event>& follow_ups);
  void OnConsensusBytes(size_t from, Bytes bytes);
  void CommitBlocks(const consensus::Commit& commit);
  bool CheckPayload(const consensus::ValidatePayload& v);
  // The payload for payload_request_ when the batching policy says it is time (the request
  // is then cleared, as it is when stale); nullopt and the request kept while it says wait.
  std::optional<consensus::PayloadReady> TryBuildPayload(Clock::time_point now);
  // Ledger facts of a block in the engine's tree (cached); nullptr when unreadable.
  const LedgerTip* TipOf(const consensus::Block& block, const consensus::BlockId& id);
  static LedgerTip TipFrom(const DecodedBlock& block);
  // Ids of transactions in the uncommitted blocks from `block_id` down to the committed tip.
  std::optional<std::set<Hash>> PendingTxIds(const consensus::BlockId& block_id);
  void SendFrame(size_t to, const Bytes& consensus_bytes);
  void ResendTimeoutToNewPeers();
  void FlushGossip();
  void Fail(const Status& status);
  void PublishStats();

  Store& store_;
  Mempool& mempool_;
  CommitFeed& feed_;
  const GenesisInfo& genesis_;
  const size_t self_;
  const BftValidatorOptions options_;
  const KeyId key_id_;
  consensus::KeySigner signer_;
  consensus::KeyVerifier verifier_;
  consensus::BlockId genesis_id_;
  std::unique_ptr<consensus::Engine> engine_;
  Admission block_admission_;   // loop thread: signatures of transactions inside proposals
  Admission gossip_admission_;  // network threads: relayed transactions
  PeerTransport* network_ = nullptr;

  // Loop-thread state.
  std::optional<std::pair<consensus::Round, Clock::time_point>> timer_;
  std::optional<PayloadRequest> payload_request_;
  std::map<consensus::BlockId, LedgerTip> tips_;        // pruned at commit
  std::map<consensus::BlockId, DecodedBlock> checked_;  // payloads that passed CheckPayload
  std::map<consensus::BlockId, Clock::time_point> first_seen_;
  int64_t last_timestamp_ms_ = 0;
  bool halted_ = false;
  std::optional<Bytes> last_timeout_;  // the last timeout this validator broadcast
  std::set<size_t> connected_;         // peers linked at the last look

  // Shared with other threads.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Inbound> inbox_;
  std::vector<v1::SignedTransaction> gossip_out_;
  bool stop_ = false;
  bool wake_ = false;
  Status failure_;
  Stats stats_;
  std::thread thread_;
};

}  // namespace tadori
