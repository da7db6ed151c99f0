// `tadorid --config FILE.toml` with role = "observer": a node that keeps an independent,
// verified copy of a BFT chain and serves the client API from it, but never votes, holds no
// consensus key, writes no safety state and is never counted in a quorum. This is how an
// auditor keeps its own copy and how an organisation scales reads beyond its validator.
//
// Why it follows over the validators' client API (StreamBlocks) and not the peer protocol:
// the peer links carry consensus traffic keyed by validator index (votes, proposals,
// timeouts, sync), and a peer that is not a validator has no index and no business in that
// traffic; an observer needs committed blocks only, and StreamBlocks serves exactly those, in
// order. It calls with TLS, presenting its observer certificate (CN node_id, OU observer,
// issued by its organisation's CA: ledger/client_identity.h), which the validators admit for
// StreamBlocks under the read policy.
//
// Why it trusts nothing from the validator it streams from: a validator may be Byzantine. Each
// block must be a certified child of the one before and is applied only once the 2-chain rule
// proves it committed (consensus/commit_proof.h, node/validator/chain_follower.h); execution,
// the result-root check and storage are the validators' own CommitStep. So the observer is
// one block behind the chain (the last block's proof is its child). A bad block is the
// source's fault: refused, counted (tadori_observer_refused_blocks_total{reason}), and the
// observer moves to the next validator. A divergence from a block's result claim or a disk
// failure is local: it halts (exit 3), as a validator does.
//
// Why it rotates: it keeps the list of validators' client addresses ([follow] validators)
// and moves to the next when a stream ends, fails, brings a bad block, or brings no new block
// for stall_ms (default 10 s), so one withholding validator cannot stall it. Each new stream
// starts again at the committed tip (the pending run is dropped): the blocks a stream
// brings are then all from one source, and a run of certified-but-lost blocks from a
// Byzantine source cannot make the next, honest, stream look bad.
//
// Transactions: an observer has no mempool of its own to propose from. Submit is relayed: the
// node admits the transaction as a validator would (so a bad one is refused here, with the
// same status) and sends it on to the validators in turn until one takes it; wait_for_commit
// answers when this observer has applied the block. When no validator takes it, it is removed
// again and logged (the client's wait then ends DEADLINE_EXCEEDED and a retry is relayed
// anew).
//
// Status answers mode "observer", no validator_id, the committed (followed) height, syncing
// while no stream has brought a block within stall_ms, and one PeerStatus per followed
// validator (address; connected = streaming from it now).
#pragma once

#include <signal.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "ledger/genesis.h"
#include "ledger/status.h"
#include "node/config/node_config.h"
#include "node/validator/chain_follower.h"
#include "tadori/v1/ledger.grpc.pb.h"

namespace tadori {

// The observer's TLS identity: the same certificate serves its client API and is presented
// to the validators it calls. All empty for plaintext (loopback only, both ways).
struct ObserverTls {
  std::string cert_pem;
  std::string key_pem;
  std::string trust_roots_pem;  // every genesis organisation CA: the validators' issuers
};

struct ObserverSetup {
  GenesisInfo genesis;
  ObserverTls tls;
};

// Reads and checks, in order: the genesis; that node_id is not one of its validators; the
// TLS certificate and key when set (the key is the certificate's, and the certificate is an
// observer certificate for node_id issued by a genesis organisation's CA that may run
// observers: IdentifyClient). NOT_FOUND for a file that cannot be read, INVALID_ARGUMENT
// for the rest, naming the file.
Result<ObserverSetup> PrepareObserver(const NodeConfig& config);

// The channel an observer uses to call a validator's client API at `address`.
std::shared_ptr<grpc::Channel> ObserverChannel(const std::string& address, const ObserverTls& tls);

// Why the observer left a validator's stream (metric label).
enum class SourceSwitch { kEnded, kFailed, kStalled, kRefused, kDropped, kCount };
std::string_view SourceSwitchName(SourceSwitch cause);

struct ValidatorFollowerOptions {
  std::vector<std::string> addresses;  // validators' client API, tried in this order
  std::chrono::milliseconds stall{kFollowStallMsDefault};
  // Makes the channel to one address (ObserverChannel in the daemon).
  std::function<std::shared_ptr<grpc::Channel>(const std::string&)> channel;
  // After a full turn over the list brought no block, wait this long before the next turn
  // (doubling up to 8x), so that a network that is down is not called in a busy loop.
  std::chrono::milliseconds idle_backoff{500};
};

// The follow loop: one thread streams blocks from one validator at a time into the
// ChainFollower, and a watchdog cancels a stream that brings nothing new for `stall`.
class ValidatorFollower {
 public:
  ValidatorFollower(ChainFollower& chain, ValidatorFollowerOptions options);
  ~ValidatorFollower();
  ValidatorFollower(const ValidatorFollower&) = delete;
  ValidatorFollower& operator=(const ValidatorFollower&) = delete;

  void Start();
  void Stop();  // idempotent; joins the threads

  // A local failure (the chain follower could not apply a proven block): halt.
  Status failure() const;
  // Index into addresses of the validator streamed from now; -1 between streams.
  int streaming_from() const { return streaming_from_.load(); }
  // A stream brought a verified block within `stall`.
  bool following() const;
  uint64_t switches(SourceSwitch cause) const {
    return switches_[static_cast<size_t>(cause)].load();
  }

  // Sends `tx` to the validators, the one streamed from first, until one takes it (OK, or
  // ALREADY_EXISTS: it has it). The last refusal otherwise.
  Status Relay(const v1::SignedTransaction& tx);

 private:
  void Loop();
  void Watchdog();
  // Streams from addresses[index] until the stream ends; returns why, and whether a block
  // was accepted.
  SourceSwitch StreamFrom(size_t index, bool* progressed);
  void Halt(Status status);

  ChainFollower& chain_;
  const ValidatorFollowerOptions options_;
  std::vector<std::unique_ptr<v1::Ledger::Stub>> stubs_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  grpc::ClientContext* current_ = nullptr;  // the stream in progress (guarded by mu_)
  std::chrono::steady_clock::time_point last_progress_{};
  bool stalled_ = false;
  Status failure_;
  std::atomic<int> streaming_from_{-1};
  std::atomic<int64_t> last_block_ms_{0};  // steady clock, ms; 0: never
  std::array<std::atomic<uint64_t>, static_cast<size_t>(SourceSwitch::kCount)> switches_{};
  std::thread loop_;
  std::thread watchdog_;
};

// Runs an observer until SIGINT/SIGTERM (exit codes in run_until.h: 2 config, 3 halted).
int RunObserverNode(const std::string& config_path, const sigset_t& signals);

// `tadorid --check-config` for an observer's file: what RunObserverNode checks before it
// opens the store (the file, PrepareObserver) and that the client and metrics addresses
// differ. Prints a summary and returns kExitOk, or the first problem and kExitConfig. (The
// validator's check, config_check.h, reports every problem; this one stops at the first.)
int RunObserverConfigCheck(const std::string& config_path);

}  // namespace tadori
