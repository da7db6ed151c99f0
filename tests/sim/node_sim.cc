#include "tests/sim/node_sim.h"

#include <leveldb/db.h>
#include <leveldb/helpers/memenv.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>

#include "chaincode/chaincode.h"
#include "consensus/bounds.h"
#include "consensus/codec.h"
#include "consensus/key_crypto.h"
#include "consensus/ledger_certificate.h"
#include "ledger/check.h"
#include "ledger/store/chain_check.h"
#include "ledger/store/store.h"
#include "node/validator/admission.h"
#include "node/validator/batch_attestation.h"
#include "node/validator/commit_feed.h"
#include "node/validator/inbox.h"
#include "node/validator/mempool.h"
#include "node/validator/sync_server.h"
#include "node/validator/tx_relay.h"
#include "node/validator/validator_core.h"
#include "tests/sim/byzantine.h"
#include "tests/sim/node_world.h"

namespace tadori::sim {

std::string NodeSimResult::ReplayCommand() const {
  std::ostringstream s;
  s << "tadori-sim --whole --seed " << seed << " --nodes " << nodes << " --byzantine " << byzantine
    << " --mix " << FaultMixName(mix);
  if (planted_bug != PlantedBug::kNone) s << " --planted-bug " << PlantedBugName(planted_bug);
  if (byzantine_attester) s << " --byzantine-attester";
  if (no_attestations) s << " --no-attestations";
  s << " --trace";
  return s.str();
}

namespace {

using consensus::MessageKind;

// Ledger-level misbehaviour of a Byzantine validator (besides byzantine.h's traits).
enum LedgerTrait : uint32_t {
  kWrongRoot = 1u << 0,  // as leader, claims a random result root for the block below
  kStripTc = 1u << 1,    // sends a copy of its proposal without its TC first
  kSyncLies = 1u << 2,   // answers sync requests with forged chains, junk or nothing, and
                         // sends answers nobody asked for
  kFlood = 1u << 3,      // duplicate proposals, bursts of sync requests, junk transactions
  // Batch attestations (node/validator/batch_attestation.h): relays batches holding
  // transactions with bad or forged signatures under its own valid attestation (and puts them
  // in its own mempool, so it proposes and votes for them), attests others' batches without
  // verifying, withholds the attestations it owes as a co-verifier, attests digests nobody
  // sent, and signs attestations for another chain or with junk signatures.
  kAttester = 1u << 4,
};
inline constexpr uint32_t kAllLedgerTraits = (1u << 5) - 1;

struct FaultParams {
  uint32_t loss_per_mille = 0;
  uint32_t dup_per_mille = 0;
  uint64_t delay_ms_max = 20;
  bool partitions = false;
  uint32_t crash_per_mille = 0;  // per store write or send of an honest node
  uint32_t wipe_per_mille = 0;   // of restarts that find the data directory gone
};

FaultParams ParamsFor(FaultMix mix) {
  switch (mix) {
    case FaultMix::kCalm:
      return {0, 0, 10, false, 0, 0};
    case FaultMix::kLossy:
      return {80, 40, 300, false, 0, 0};
    case FaultMix::kPartitions:
      return {20, 10, 100, true, 0, 0};
    case FaultMix::kCrashes:
      return {10, 10, 50, false, 4, 200};
    case FaultMix::kChaos:
      return {50, 30, 300, true, 2, 200};
    case FaultMix::kCrashed:  // the engine simulator's mixes; tadori-sim refuses them here
    case FaultMix::kSlow:
      break;
  }
  return {};
}

struct Event {
  enum class Kind : uint8_t {
    kDeliver,
    kWake,
    kServeSync,
    kRestart,
    kSubmit,
    kHeal,
    kFault,
    kGst,
    kPoll,
    kAttack  // Byzantine attesters act
  };
  uint64_t time_ms = 0;
  uint64_t seq = 0;
  Kind kind = Kind::kDeliver;
  size_t target = 0;
  size_t from = 0;
  uint64_t generation = 0;
  std::string frame;  // serialized v1::PeerFrame
};

struct Later {
  bool operator()(const Event& a, const Event& b) const {
    return std::tie(a.time_ms, a.seq) > std::tie(b.time_ms, b.seq);
  }
};

// Where a transaction committed on a store, and its result code; nullopt when it did not.
std::optional<std::pair<uint64_t, uint32_t>> CommittedOutcome(const Store& store, const Hash& id) {
  auto found = store.FindTransaction(id);
  if (!found.ok()) return std::nullopt;
  auto results = store.GetResults(found->height);
  if (!results.ok() || static_cast<int>(found->index) >= results->results_size()) {
    return std::nullopt;
  }
  return std::make_pair(found->height, results->results(static_cast<int>(found->index)).code());
}

struct Submitted {
  Hash id;
  size_t node = 0;
  uint64_t at_ms = 0;
  bool after_gst = false;
  std::optional<uint64_t> height;  // acknowledged: committed at this height on `node`
  uint32_t code = 0;
};

class NodeSimulation;

// What a node's core and sync server send: handed to the simulation's network.
class SimTransport final : public PeerTransport {
 public:
  SimTransport(NodeSimulation& sim, size_t self) : sim_(sim), self_(self) {}
  void Send(size_t to, const v1::PeerFrame& frame) override;
  void Broadcast(const v1::PeerFrame& frame) override;
  std::vector<size_t> Connected() const override;

 private:
  NodeSimulation& sim_;
  const size_t self_;
};

struct SimNode {
  size_t id = 0;
  bool byzantine = false;
  uint32_t consensus_traits = 0;  // byzantine.h
  uint32_t ledger_traits = 0;     // LedgerTrait
  std::string dir;
  std::unique_ptr<CrashingEnv> env;
  std::unique_ptr<SimClock> clock;
  std::unique_ptr<SimTransport> transport;
  std::unique_ptr<Store> store;
  std::unique_ptr<Mempool> mempool;
  std::unique_ptr<CommitFeed> feed;
  std::unique_ptr<Admission> admission;  // a client's Submit
  std::unique_ptr<TxRelay> relay;
  std::unique_ptr<Inbox> inbox;
  std::unique_ptr<ValidatorCore> core;
  std::unique_ptr<SyncServer> sync;
  bool alive = false;
  uint64_t epoch = 0;
  uint64_t wake_generation = 0;
  uint64_t sync_generation = 0;
  uint64_t checked_height = 0;  // heights compared with agreed_ so far
  int group = 0;
};

class NodeSimulation final : public ByzantineNetwork {
 public:
  NodeSimulation(const NodeSimOptions& options, std::ostream* trace);
  ~NodeSimulation() override;
  NodeSimResult Run();

  // From the transports.
  void Outgoing(size_t from, std::optional<size_t> to, const v1::PeerFrame& frame);
  std::vector<size_t> ConnectedTo(size_t node) const;

  // ByzantineNetwork (consensus-level corruption, tests/sim/byzantine.h).
  void Transmit(size_t from_instance, consensus::ValidatorIndex to, Bytes bytes) override;
  const consensus::Signer& SignerOf(size_t instance) const override { return *signers_[instance]; }
  consensus::ValidatorIndex IdOf(size_t instance) const override {
    return static_cast<consensus::ValidatorIndex>(instance);
  }
  const consensus::ValidatorSet& validators() const override { return validator_set_; }
  const consensus::BlockId& genesis_id() const override { return genesis_id_; }
  const consensus::Block* FindBlock(size_t instance, const consensus::BlockId& id) const override {
    const SimNode& n = nodes_[instance];
    return n.core ? n.core->engine().FindBlock(id) : nullptr;
  }
  std::optional<consensus::ValidatorIndex> LeaderAfter(size_t instance,
                                                       const consensus::BlockId& anchor,
                                                       consensus::Round round) const override {
    const SimNode& n = nodes_[instance];
    return n.core ? n.core->engine().LeaderAfter(anchor, round) : std::nullopt;
  }
  Bytes MakePayload(size_t instance, consensus::Round round, bool valid, Hash& digest) override;

 private:
  void Push(Event e);
  void Trace(size_t node, const std::string& line);
  void Violation(std::string what);
  bool Honest(size_t i) const { return !nodes_[i].byzantine; }
  // Honest and running after GST: the validators liveness and the final checks are about.
  bool Counted(size_t i) const { return Honest(i) && stays_down_ != i; }

  void StartNode(size_t i);
  void CrashNode(size_t i);
  void ScheduleWake(size_t i, uint64_t at_ms);
  void ScheduleServe(size_t i, uint64_t at_ms);
  void Deliver(Event& e);
  void ProcessNode(size_t i);
  void ServeSync(size_t i);
  void AfterStep(size_t i);
  void CheckCommits(size_t i);
  bool DecideCrash(size_t i);
  void SendFrame(size_t from, size_t to, const v1::PeerFrame& frame);
  void NoteProposal(const v1::PeerFrame& frame);

  void ByzantineOutgoing(size_t from, std::optional<size_t> to, const v1::PeerFrame& frame);
  void ByzantineSyncAnswer(size_t node, size_t asker, const consensus::SyncRequest& request);
  std::optional<consensus::Proposal> WrongRootProposal(size_t node, const consensus::Proposal& p);
  consensus::SyncResponse ForgedChain(size_t node);
  void ByzantineFlood(size_t node);
  void ByzantineAttest(size_t node);
  void ByzantineCoAttest(size_t node, const v1::TxGossip& gossip);
  v1::PeerFrame AttestationFrame(size_t node, const Hash& digest, std::string_view chain_id);
  // Bad-signature transactions (a forged signer, or a valid one's signature bit-flipped).
  std::vector<v1::SignedTransaction> BadSignatureTxs(size_t node);
  // Adds a node's relay counters to the run's totals (before its relay goes away).
  void HarvestRelay(size_t i);
  // The signature of every transaction in a block an honest node committed must verify
  // against the member key its store holds for the signer.
  void CheckCommittedSignatures(size_t i, const DecodedBlock& block);

  void Submit();
  v1::TransactionBody HostilePayload(uint64_t k);
  void PollAcks();
  void FaultTick();
  void Gst();
  void FinalChecks();
  bool LivenessShown() const;

  NodeSimOptions options_;
  std::ostream* trace_;
  Prng rng_;
  Prng key_rng_;
  FaultMix mix_;
  FaultParams params_;
  size_t n_ = 0;
  size_t byzantine_ = 0;
  // An honest validator that goes down at GST and stays down (crash mixes, when the
  // Byzantine ones leave room within f): the rest must stay live without it.
  std::optional<size_t> stays_down_;
  std::unique_ptr<leveldb::Env> memory_;
  std::unique_ptr<SimConsortium> consortium_;
  consensus::ValidatorSet validator_set_;
  consensus::BlockId genesis_id_;
  std::vector<std::unique_ptr<consensus::KeySigner>> signers_;
  std::vector<SimNode> nodes_;
  std::unique_ptr<ByzantineBehaviour> byzantine_logic_;
  std::vector<Event> queue_;
  uint64_t seq_ = 0;
  uint64_t now_ms_ = 0;
  bool after_gst_ = false;
  bool partitioned_ = false;
  bool done_ = false;
  uint64_t liveness_target_ = 0;
  std::vector<Hash> agreed_hashes_;  // index = height - 1: the first honest commit of each
  std::vector<Hash> agreed_roots_;
  std::set<consensus::BlockId> proposed_;  // every block sent in a Proposal
  std::vector<Submitted> submitted_;
  uint64_t next_tx_ = 0;
  std::set<std::string> bad_tx_bytes_;  // serialized bad-signature txs a Byzantine sent
  Hash last_bad_digest_;
  NodeSimResult result_;
};

void SimTransport::Send(size_t to, const v1::PeerFrame& frame) {
  sim_.Outgoing(self_, to, frame);
}
void SimTransport::Broadcast(const v1::PeerFrame& frame) {
  sim_.Outgoing(self_, std::nullopt, frame);
}
std::vector<size_t> SimTransport::Connected() const {
  return sim_.ConnectedTo(self_);
}

NodeSimulation::NodeSimulation(const NodeSimOptions& options, std::ostream* trace)
    : options_(options),
      trace_(trace),
      rng_(options.seed),
      key_rng_(0),
      validator_set_(consensus::ValidatorSet::Equal(4)) {
  Prng setup = rng_.Fork();
  key_rng_ = rng_.Fork();
  // Every derived choice is drawn whether or not an option overrides it, so the replay line
  // (options spelled out) consumes the same random stream.
  const size_t derived_nodes = setup.Range(4, 7);
  const auto derived_mix = static_cast<FaultMix>(setup.Below(kSeedDerivedMixCount));
  const uint64_t byzantine_draw = setup.Next();
  n_ = options.nodes != 0 ? options.nodes : derived_nodes;
  TADORI_CHECK(n_ >= 4 && n_ <= 16);
  const size_t f = (n_ - 1) / 3;
  mix_ = options.mix ? *options.mix : derived_mix;
  params_ = ParamsFor(mix_);
  byzantine_ =
      options.byzantine >= 0 ? std::min<size_t>(options.byzantine, f) : byzantine_draw % (f + 1);
  const bool stop_one = setup.Chance(500);
  const size_t stop_pick = setup.Below(n_);
  validator_set_ = consensus::ValidatorSet::Equal(n_);
  memory_.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
  consortium_ = std::make_unique<SimConsortium>(MakeSimConsortium(n_, key_rng_));
  genesis_id_ = consensus::ConsensusGenesis(consortium_->genesis).ComputeId();
  for (size_t i = 0; i < n_; ++i) {
    signers_.push_back(std::make_unique<consensus::KeySigner>(consortium_->consensus_keys[i]));
  }
  nodes_.resize(n_);
  std::vector<bool> byz(n_, false);
  for (size_t placed = 0; placed < byzantine_;) {
    const size_t v = setup.Below(n_);
    if (!byz[v]) {
      byz[v] = true;
      ++placed;
    }
  }
  if (params_.crash_per_mille > 0 && byzantine_ < f && stop_one) {
    for (size_t k = 0; k < n_ && !stays_down_; ++k) {
      if (!byz[(stop_pick + k) % n_]) stays_down_ = (stop_pick + k) % n_;
    }
  }
  for (size_t i = 0; i < n_; ++i) {
    SimNode& node = nodes_[i];
    node.id = i;
    node.byzantine = byz[i];
    if (node.byzantine) {
      node.consensus_traits = setup.Chance(500) ? ChooseBehaviours(setup) : 0;
      node.ledger_traits = static_cast<uint32_t>(setup.Range(1, kAllLedgerTraits));
      if (options.byzantine_attester) node.ledger_traits |= kAttester;
    }
    node.dir = "/sim/node-" + std::to_string(i);
    node.env = std::make_unique<CrashingEnv>(memory_.get(), [this, i] { return DecideCrash(i); });
    const int64_t skew = params_.delay_ms_max > 10 ? static_cast<int64_t>(setup.Range(0, 2000)) : 0;
    node.clock = std::make_unique<SimClock>(
        now_ms_, consortium_->genesis.genesis.genesis_time_ms() + 1000 + skew);
    node.transport = std::make_unique<SimTransport>(*this, i);
  }
  byzantine_logic_ = std::make_unique<ByzantineBehaviour>(*this, rng_.Fork());
  result_.seed = options.seed;
  result_.nodes = n_;
  result_.byzantine = byzantine_;
  result_.mix = mix_;
  result_.planted_bug = options.planted_bug;
  result_.one_stayed_down = stays_down_.has_value();
  result_.byzantine_attester = options.byzantine_attester;
  result_.no_attestations = options.no_attestations;
}

NodeSimulation::~NodeSimulation() {
  for (SimNode& node : nodes_) {
    node.sync.reset();
    node.core.reset();
    node.store.reset();
  }
}

void NodeSimulation::Push(Event e) {
  e.seq = seq_++;
  queue_.push_back(std::move(e));
  std::push_heap(queue_.begin(), queue_.end(), Later{});
}

void NodeSimulation::Trace(size_t node, const std::string& line) {
  if (trace_ != nullptr) *trace_ << "t=" << now_ms_ << " n" << node << " " << line << "\n";
}

void NodeSimulation::Violation(std::string what) {
  if (done_ && !result_.violations.empty()) return;
  if (trace_ != nullptr) *trace_ << "t=" << now_ms_ << " VIOLATION " << what << "\n";
  result_.violations.push_back("t=" + std::to_string(now_ms_) + "ms " + std::move(what));
  done_ = true;  // the first violation ends the run; the seed replays it
}

// ---------------------------------------------------------------- node lifecycle

void NodeSimulation::StartNode(size_t i) {
  SimNode& node = nodes_[i];
  node.env->Recover();
  Result<std::unique_ptr<Store>> store = Store::Open(node.dir, true, node.env.get());
  if (!store.ok()) {
    if (node.env->crashed()) {  // crashed while opening: start over later
      node.alive = true;
      return CrashNode(i);
    }
    return Violation("node " + std::to_string(i) +
                     " cannot reopen its store after a crash: " + store.status().ToString());
  }
  node.store = std::move(*store);
  Result<WriteSet> genesis_state = GenesisState(consortium_->genesis.genesis);
  TADORI_CHECK(genesis_state.ok());
  Status init = node.store->InitGenesis(consortium_->genesis, *genesis_state);
  if (!init.ok()) {
    if (node.env->crashed()) {  // crashed while writing the genesis: start over later
      node.alive = true;
      return CrashNode(i);
    }
    return Violation("node " + std::to_string(i) + " cannot write its genesis: " + init.ToString());
  }
  node.mempool = std::make_unique<Mempool>();
  node.feed = std::make_unique<CommitFeed>(node.store->Height());
  const std::string& chain = consortium_->genesis.genesis.chain_id();
  node.admission = std::make_unique<Admission>(chain, *node.store, *node.mempool);
  TxRelayOptions relay_options;
  if (Honest(i) && options_.planted_bug == PlantedBug::kSingleAttestation) {
    relay_options.vouch_quorum = (n_ - 1) / 3;  // f: one attestation short
  }
  node.relay = std::make_unique<TxRelay>(consortium_->genesis, i, consortium_->consensus_keys[i],
                                         *node.store, *node.mempool, relay_options);
  node.inbox = std::make_unique<Inbox>(n_, InboxLimits{});
  ValidatorOptions vo;
  vo.round_timeout_ms = 600;
  if (Honest(i) && options_.planted_bug == PlantedBug::kNone) {
    // The same CheckProposal, counting the signatures it verifies (the verify budget).
    uint64_t* verifies = &result_.proposal_signature_verifies;
    vo.check_proposal = [verifies](const ProposalInput& in, ProposalView& view) {
      class Counting final : public ProposalView {
       public:
        Counting(ProposalView& inner, uint64_t* verifies) : inner_(inner), verifies_(verifies) {}
        uint64_t ExecutedHeight() const override { return inner_.ExecutedHeight(); }
        Result<Hash> ResultRootAt(uint64_t h) const override { return inner_.ResultRootAt(h); }
        Result<bool> IsCommitted(const Hash& id) const override { return inner_.IsCommitted(id); }
        bool AdmittedHere(const DecodedTransaction& tx) const override {
          return inner_.AdmittedHere(tx);
        }
        Status CheckSigner(const DecodedTransaction& tx) override {
          ++*verifies_;
          return inner_.CheckSigner(tx);
        }

       private:
        ProposalView& inner_;
        uint64_t* verifies_;
      };
      Counting counting(view, verifies);
      return CheckProposal(in, counting);
    };
  }
  if (Honest(i) && options_.planted_bug != PlantedBug::kNone) {
    const PlantedBug bug = options_.planted_bug;
    vo.make_engine = [bug](const consensus::EngineConfig& config, const consensus::Signer& s,
                           const consensus::SignatureVerifier& v) {
      return MakeEngine(config, s, v, bug);
    };
    if (bug == PlantedBug::kUncheckedResultClaim) {
      // The old rule: a claim above this node's execution went unchecked.
      vo.check_proposal = [](const ProposalInput& in, ProposalView& view) {
        class Trusting final : public ProposalView {
         public:
          Trusting(ProposalView& inner, uint64_t claim, Hash root)
              : inner_(inner), claim_(claim), root_(root) {}
          uint64_t ExecutedHeight() const override {
            return std::max(inner_.ExecutedHeight(), claim_);
          }
          Result<Hash> ResultRootAt(uint64_t h) const override {
            return h > inner_.ExecutedHeight() ? Result<Hash>(root_) : inner_.ResultRootAt(h);
          }
          Result<bool> IsCommitted(const Hash& id) const override { return inner_.IsCommitted(id); }
          bool AdmittedHere(const DecodedTransaction& tx) const override {
            return inner_.AdmittedHere(tx);
          }
          Status CheckSigner(const DecodedTransaction& tx) override {
            return inner_.CheckSigner(tx);
          }

         private:
          ProposalView& inner_;
          uint64_t claim_;
          Hash root_;
        };
        v1::Block block;
        if (block.ParseFromArray(in.payload.data(), static_cast<int>(in.payload.size()))) {
          Result<DecodedBlock> decoded = DecodeBlock(block);
          if (decoded.ok()) {
            Trusting trusting(view, decoded->header.result_height(),
                              Hash::FromBytes(AsBytes(decoded->header.prev_result_root())).value());
            return CheckProposal(in, trusting);
          }
        }
        return CheckProposal(in, view);
      };
    }
  }
  node.core = std::make_unique<ValidatorCore>(
      *node.store, *node.mempool, *node.feed, consortium_->genesis, i,
      consortium_->consensus_keys[i], vo, *node.clock, *node.transport);
  node.alive = true;
  node.checked_height = std::min(node.checked_height, node.store->Height());
  Status started = node.core->Start();
  if (!started.ok()) {
    if (node.env->crashed()) return CrashNode(i);
    if (Honest(i)) {
      Violation("honest node " + std::to_string(i) + " cannot start: " + started.ToString());
    }
    return;
  }
  node.sync = std::make_unique<SyncServer>(
      *node.store, n_, *node.clock, *node.transport,
      [&node](const consensus::BlockId& target) { return node.core->UncommittedPath(target); });
  Trace(i, "start at height " + std::to_string(node.store->Height()));
  AfterStep(i);
}

void NodeSimulation::CrashNode(size_t i) {
  SimNode& node = nodes_[i];
  Trace(i, "CRASH");
  HarvestRelay(i);
  node.sync.reset();
  node.core.reset();
  node.inbox.reset();
  node.relay.reset();
  node.admission.reset();
  node.feed.reset();
  node.mempool.reset();
  node.store.reset();
  node.alive = false;
  ++node.epoch;
  ++result_.crashes;
  const bool wipe =
      !after_gst_ && params_.wipe_per_mille > 0 && rng_.Chance(params_.wipe_per_mille);
  if (wipe) {
    leveldb::Options o;
    o.env = memory_.get();
    TADORI_CHECK(leveldb::DestroyDB(node.dir, o).ok());
    node.checked_height = 0;
    ++result_.wipes;
    Trace(i, "WIPED data directory");
  }
  const uint64_t back =
      std::max(now_ms_ + 1, std::min(now_ms_ + rng_.Range(200, 2500), options_.safety_phase_ms));
  Push(
      Event{.time_ms = back, .kind = Event::Kind::kRestart, .target = i, .generation = node.epoch});
}

bool NodeSimulation::DecideCrash(size_t i) {
  if (after_gst_ || !Honest(i) || params_.crash_per_mille == 0) return false;
  if (!rng_.Chance(params_.crash_per_mille)) return false;
  Trace(i, "crash point reached");
  return true;
}

void NodeSimulation::ScheduleWake(size_t i, uint64_t at_ms) {
  SimNode& node = nodes_[i];
  Push(Event{.time_ms = std::max(at_ms, now_ms_),
             .kind = Event::Kind::kWake,
             .target = i,
             .generation = ++node.wake_generation});
}

void NodeSimulation::ScheduleServe(size_t i, uint64_t at_ms) {
  SimNode& node = nodes_[i];
  Push(Event{.time_ms = std::max(at_ms, now_ms_),
             .kind = Event::Kind::kServeSync,
             .target = i,
             .generation = ++node.sync_generation});
}

// After anything a node did: a crash that started during it takes the node down; a halt of
// an honest node is a violation; bounds and agreement are checked; the next wake is set.
void NodeSimulation::AfterStep(size_t i) {
  SimNode& node = nodes_[i];
  if (!node.alive) return;
  if (node.env->crashed()) return CrashNode(i);
  if (node.core->halted()) {
    if (Honest(i)) {
      return Violation("honest node " + std::to_string(i) +
                       " halted: " + node.core->failure().ToString());
    }
    return;  // a Byzantine node that broke itself stays silent
  }
  if (Honest(i)) {
    const consensus::Engine& engine = node.core->engine();
    const std::vector<consensus::BlockId> ids = engine.UncommittedIds();
    if (ids.size() > consensus::kBlockTreeBlocksMax ||
        engine.uncommitted_bytes() > consensus::kBlockTreeBytesMax) {
      return Violation("node " + std::to_string(i) + " block tree over its bounds");
    }
    for (const consensus::BlockId& id : ids) {
      if (proposed_.count(id) == 0) {
        return Violation("honest node " + std::to_string(i) + " holds block " + id.ShortHex() +
                         ", which nobody proposed (a fabricated block got in)");
      }
    }
    if (node.inbox->bytes() > InboxLimits{}.bytes_per_peer_max * n_ ||
        node.mempool->size() > MempoolLimits{}.tx_count_max) {
      return Violation("node " + std::to_string(i) + " inbox or mempool over its bounds");
    }
    CheckCommits(i);
  }
  int64_t wake = node.core->NextWakeMs(200);
  if (std::optional<int64_t> due = node.relay->NextDueMs()) wake = std::min(wake, *due);
  ScheduleWake(i, static_cast<uint64_t>(wake));
}

void NodeSimulation::CheckCommits(size_t i) {
  SimNode& node = nodes_[i];
  const uint64_t height = node.store->Height();
  for (uint64_t h = node.checked_height + 1; h <= height && !done_; ++h) {
    Result<v1::Block> block = node.store->GetBlock(h);
    Result<Hash> root = node.store->ResultRootAt(h);
    if (!block.ok() || !root.ok()) {
      return Violation("node " + std::to_string(i) + " cannot read its block " + std::to_string(h));
    }
    Result<DecodedBlock> decoded = DecodeBlock(*block);
    TADORI_CHECK(decoded.ok());
    CheckCommittedSignatures(i, *decoded);
    if (done_) return;
    if (h <= agreed_hashes_.size()) {
      if (agreed_hashes_[h - 1] != decoded->hash || agreed_roots_[h - 1] != *root) {
        return Violation("agreement: node " + std::to_string(i) + " committed " +
                         decoded->hash.ShortHex() + " (results " + root->ShortHex() +
                         ") at height " + std::to_string(h) + " where another honest node has " +
                         agreed_hashes_[h - 1].ShortHex() + " (results " +
                         agreed_roots_[h - 1].ShortHex() + ")");
      }
    } else {
      TADORI_CHECK(h == agreed_hashes_.size() + 1);
      agreed_hashes_.push_back(decoded->hash);
      result_.committed_txs += decoded->txs.size();
      agreed_roots_.push_back(*root);
    }
  }
  node.checked_height = height;
}

// ---------------------------------------------------------------- network

std::vector<size_t> NodeSimulation::ConnectedTo(size_t node) const {
  std::vector<size_t> out;
  for (size_t j = 0; j < n_; ++j) {
    if (j != node && nodes_[j].alive && (!partitioned_ || nodes_[j].group == nodes_[node].group)) {
      out.push_back(j);
    }
  }
  return out;
}

void NodeSimulation::NoteProposal(const v1::PeerFrame& frame) {
  if (frame.kind_case() != v1::PeerFrame::kConsensus) return;
  const std::string& bytes = frame.consensus();
  if (bytes.empty() ||
      static_cast<uint8_t>(bytes[0]) != static_cast<uint8_t>(MessageKind::kProposal)) {
    return;
  }
  Result<consensus::Message> m = consensus::DecodeMessage(AsBytes(bytes));
  if (m.ok()) proposed_.insert(std::get<consensus::Proposal>(*m).block.ComputeId());
}

void NodeSimulation::Outgoing(size_t from, std::optional<size_t> to, const v1::PeerFrame& frame) {
  SimNode& node = nodes_[from];
  if (!node.alive || node.env->crashed()) return;
  if (DecideCrash(from)) {
    node.env->Crash();  // before this send: nothing more leaves the node
    return;
  }
  if (node.byzantine) return ByzantineOutgoing(from, to, frame);
  if (options_.no_attestations && frame.has_txs()) {
    // The relay before batch attestations: every receiver verifies every transaction.
    v1::PeerFrame plain = frame;
    plain.mutable_txs()->clear_attestation();
    if (to) return SendFrame(from, *to, plain);
    for (size_t j = 0; j < n_; ++j) {
      if (j != from) SendFrame(from, j, plain);
    }
    return;
  }
  if (to) return SendFrame(from, *to, frame);
  for (size_t j = 0; j < n_; ++j) {
    if (j != from) SendFrame(from, j, frame);
  }
}

void NodeSimulation::SendFrame(size_t from, size_t to, const v1::PeerFrame& frame) {
  if (to >= n_ || to == from) return;
  NoteProposal(frame);
  if (frame.has_txs() && Honest(to) && !bad_tx_bytes_.empty()) {
    for (const v1::SignedTransaction& tx : frame.txs().txs()) {
      if (bad_tx_bytes_.count(tx.SerializeAsString()) != 0) ++result_.bad_signature_offered;
    }
  }
  ++result_.messages;
  if (partitioned_ && nodes_[to].group != nodes_[from].group) return;
  if (!after_gst_ && rng_.Chance(params_.loss_per_mille)) return;
  const int copies = !after_gst_ && rng_.Chance(params_.dup_per_mille) ? 2 : 1;
  const std::string bytes = frame.SerializeAsString();
  for (int c = 0; c < copies; ++c) {
    const uint64_t delay = after_gst_ ? rng_.Range(1, 20) : rng_.Range(1, params_.delay_ms_max);
    Push(Event{.time_ms = now_ms_ + delay,
               .kind = Event::Kind::kDeliver,
               .target = to,
               .from = from,
               .frame = bytes});
  }
}

void NodeSimulation::Transmit(size_t from_instance, consensus::ValidatorIndex to, Bytes bytes) {
  v1::PeerFrame frame;
  frame.set_consensus(std::string(bytes.begin(), bytes.end()));
  SendFrame(from_instance, to, frame);
}

void NodeSimulation::Deliver(Event& e) {
  SimNode& node = nodes_[e.target];
  if (!node.alive) return;
  v1::PeerFrame frame;
  if (!frame.ParseFromString(e.frame)) return;  // the transport's own check
  if (frame.has_txs()) {
    if (node.byzantine && (node.ledger_traits & kAttester))
      ByzantineCoAttest(e.target, frame.txs());
    const uint64_t refusals_before = node.relay->stats().signature_refusals;
    TxRelay::Outgoing attestations =
        node.relay->Intake(e.from, std::move(*frame.mutable_txs()), node.clock->SteadyMs());
    if (Honest(e.target)) {
      result_.bad_signature_refusals += node.relay->stats().signature_refusals - refusals_before;
    }
    for (const auto& [to, attestation] : attestations) node.transport->Send(to, attestation);
    if (!node.alive) return;  // crashed while sending
    return AfterStep(e.target);
  }
  if (frame.has_attestation()) {
    const uint64_t refusals_before = node.relay->stats().signature_refusals;
    node.relay->IntakeAttestation(e.from, frame.attestation());
    if (Honest(e.target)) {
      result_.bad_signature_refusals += node.relay->stats().signature_refusals - refusals_before;
    }
    return AfterStep(e.target);
  }
  if (frame.kind_case() != v1::PeerFrame::kConsensus) return;
  const std::string& bytes = frame.consensus();
  if (!bytes.empty() &&
      static_cast<uint8_t>(bytes[0]) == static_cast<uint8_t>(MessageKind::kSyncRequest)) {
    Result<consensus::Message> m = consensus::DecodeMessage(AsBytes(bytes));
    if (!m.ok() || !std::holds_alternative<consensus::SyncRequest>(*m)) return;
    const auto& request = std::get<consensus::SyncRequest>(*m);
    if (node.byzantine && (node.ledger_traits & kSyncLies) && rng_.Chance(700)) {
      return ByzantineSyncAnswer(e.target, e.from, request);
    }
    if (node.sync->Enqueue(e.from, request)) ScheduleServe(e.target, now_ms_);
    return;
  }
  if (node.byzantine && node.consensus_traits != 0) {
    byzantine_logic_->Incoming(e.target, node.consensus_traits, Bytes(bytes.begin(), bytes.end()));
  }
  node.inbox->Push(e.from, Bytes(bytes.begin(), bytes.end()));
  ProcessNode(e.target);
}

void NodeSimulation::ProcessNode(size_t i) {
  SimNode& node = nodes_[i];
  if (node.alive && node.relay) {
    // Held batches whose attestations did not come in time: verified in full.
    const uint64_t refusals_before = node.relay->stats().signature_refusals;
    node.relay->OnTick(node.clock->SteadyMs());
    if (Honest(i)) {
      result_.bad_signature_refusals += node.relay->stats().signature_refusals - refusals_before;
    }
  }
  while (node.alive && !node.env->crashed() && !node.core->halted()) {
    auto next = node.inbox->Pop();
    if (!next) break;
    node.core->OnMessage(next->first, std::move(next->second));
  }
  if (node.alive && !node.env->crashed() && !node.core->halted()) node.core->OnTick();
  AfterStep(i);
}

void NodeSimulation::ServeSync(size_t i) {
  SimNode& node = nodes_[i];
  if (!node.alive) return;
  Result<std::optional<int64_t>> next = node.sync->ServeDue();
  if (!next.ok()) {
    if (node.env->crashed()) return CrashNode(i);
    if (Honest(i)) {
      return Violation("honest node " + std::to_string(i) +
                       " failed serving sync: " + next.status().ToString());
    }
    return;
  }
  if (*next) ScheduleServe(i, static_cast<uint64_t>(**next));
  if (node.env->crashed()) CrashNode(i);
}

// ---------------------------------------------------------------- Byzantine validators

Bytes NodeSimulation::MakePayload(size_t, consensus::Round round, bool, Hash& digest) {
  // Not a ledger block: every honest validator refuses it.
  Bytes p = ToBytes("junk-payload");
  PutUint64BE(p, round);
  PutUint64BE(p, rng_.Next());
  digest = Sha256(p);
  return p;
}

std::optional<consensus::Proposal> NodeSimulation::WrongRootProposal(size_t node,
                                                                     const consensus::Proposal& p) {
  v1::Block ledger;
  if (!ledger.ParseFromArray(p.block.payload.data(), static_cast<int>(p.block.payload.size()))) {
    return std::nullopt;
  }
  Result<DecodedBlock> decoded = DecodeBlock(ledger);
  if (!decoded.ok()) return std::nullopt;
  const v1::BlockHeader& h = decoded->header;
  BlockDraft draft;
  draft.chain_id = h.chain_id();
  draft.height = h.height();
  draft.round = h.round();
  draft.prev_hash = Hash::FromBytes(AsBytes(h.prev_hash())).value();
  // The block below, which no honest validator has executed yet, with a made-up root: the
  // hole that let one leader halt every honest validator at commit.
  draft.result_height = rng_.Chance(700) ? h.height() - 1 : h.result_height();
  Bytes noise;
  PutUint64BE(noise, rng_.Next());
  draft.prev_result_root = Sha256(noise);
  draft.proposer = Hash::FromBytes(AsBytes(h.proposer())).value();
  draft.timestamp_ms = h.timestamp_ms();
  draft.txs = std::move(decoded->txs);
  DecodedBlock built = BuildBlock(draft);
  consensus::Proposal wrong = p;
  const std::string payload = built.block.SerializeAsString();
  wrong.block.payload = Bytes(payload.begin(), payload.end());
  wrong.block.payload_digest = built.hash;
  wrong.signature = signers_[node]->Sign(consensus::ProposalSigningBytesOf(genesis_id_, wrong));
  return wrong;
}

consensus::SyncResponse NodeSimulation::ForgedChain(size_t node) {
  // Two made-up blocks on top of a real certified one: the first "certified" only by the
  // second naming it, with a QC whose signatures are forged.
  consensus::SyncResponse r;
  const consensus::Engine& engine = nodes_[node].core->engine();
  const consensus::QuorumCert& base_qc = engine.safety().high_qc;
  const consensus::Block* base = engine.FindBlock(base_qc.block_id);
  if (base == nullptr) return r;
  consensus::Block b1;
  b1.round = base_qc.round + 1 + rng_.Below(3);
  b1.height = base->height + 1;
  b1.proposer = static_cast<consensus::ValidatorIndex>(node);
  Hash digest;
  b1.payload = MakePayload(node, b1.round, false, digest);
  b1.payload_digest = digest;
  b1.qc = base_qc;
  consensus::Block b2 = b1;
  b2.round = b1.round + 1;
  b2.height = b1.height + 1;
  b2.qc.round = b1.round;
  b2.qc.block_id = b1.ComputeId();
  for (auto& s : b2.qc.signatures) s.signature[0] ^= 0x5a;
  r.blocks = {b1, b2};
  return r;
}

void NodeSimulation::ByzantineSyncAnswer(size_t node, size_t asker, const consensus::SyncRequest&) {
  const uint64_t pick = rng_.Below(3);
  if (pick == 0) return;  // withheld
  v1::PeerFrame frame;
  if (pick == 1) {
    const Bytes forged = consensus::EncodeMessage(ForgedChain(node));
    frame.set_consensus(std::string(forged.begin(), forged.end()));
  } else {
    Bytes junk = {static_cast<uint8_t>(MessageKind::kSyncResponse), 0xff, 0xff};
    for (int k = 0; k < 40; ++k) junk.push_back(static_cast<uint8_t>(rng_.Next()));
    frame.set_consensus(std::string(junk.begin(), junk.end()));
  }
  SendFrame(node, asker, frame);
}

void NodeSimulation::ByzantineFlood(size_t node) {
  SimNode& byz = nodes_[node];
  if (!byz.alive || byz.core == nullptr) return;
  const size_t target = rng_.Below(n_);
  if (target == node) return;
  consensus::SyncRequest ask{byz.core->engine().safety().high_qc.block_id, 0};
  const Bytes bytes = consensus::EncodeMessage(ask);
  v1::PeerFrame frame;
  frame.set_consensus(std::string(bytes.begin(), bytes.end()));
  for (int k = 0; k < 30; ++k) SendFrame(node, target, frame);
  // Unasked sync answers and transactions that do not verify.
  const Bytes forged = consensus::EncodeMessage(ForgedChain(node));
  v1::PeerFrame lie;
  lie.set_consensus(std::string(forged.begin(), forged.end()));
  SendFrame(node, target, lie);
  v1::PeerFrame junk_txs;
  for (int k = 0; k < 20; ++k) {
    v1::SignedTransaction* tx = junk_txs.mutable_txs()->add_txs();
    tx->set_body(std::string(40, static_cast<char>(rng_.Next())));
    tx->set_signer_key_id(std::string(32, 'k'));
    tx->set_signature(std::string(64, 's'));
  }
  SendFrame(node, target, junk_txs);
}

v1::PeerFrame NodeSimulation::AttestationFrame(size_t node, const Hash& digest,
                                               std::string_view chain_id) {
  v1::PeerFrame frame;
  frame.mutable_attestation()->set_batch_digest(digest.ToBinaryString());
  frame.mutable_attestation()->set_signature(
      ToString(signers_[node]->Sign(BatchAttestationMessage(chain_id, digest))));
  return frame;
}

std::vector<v1::SignedTransaction> NodeSimulation::BadSignatureTxs(size_t node) {
  SimNode& byz = nodes_[node];
  std::vector<v1::SignedTransaction> bad;
  const uint64_t count = rng_.Range(1, 3);
  for (uint64_t k = 0; k < count; ++k) {
    if (rng_.Chance(300)) {
      // A valid transaction's signature with one bit flipped: same id, other signature bytes.
      std::vector<DecodedTransaction> known = byz.mempool->Select(1, SIZE_MAX, nullptr);
      if (!known.empty()) {
        v1::SignedTransaction flipped = known.front().envelope;
        std::string signature = flipped.signature();
        signature[rng_.Below(signature.size())] ^= static_cast<char>(1u << rng_.Below(8));
        flipped.set_signature(signature);
        bad.push_back(std::move(flipped));
        continue;
      }
    }
    // A member's key id on a body signed by another key: a forged signer.
    const PrivateKey& member = consortium_->admin_keys[rng_.Below(n_)];
    v1::TransactionBody body;
    v1::RegisterLocation* location = body.mutable_register_location();
    location->set_gln("byz-" + std::to_string(rng_.Next() % 1'000'000));
    location->set_name("forged");
    body.set_chain_id(consortium_->genesis.genesis.chain_id());
    Bytes nonce;
    PutUint64BE(nonce, rng_.Next());
    PutUint64BE(nonce, rng_.Next());
    body.set_nonce(std::string(nonce.begin(), nonce.end()));
    body.set_valid_until_height(byz.store->Height() + 30);
    body.set_created_at_ms(byz.clock->WallMs());
    body.set_signer_key_id(member.public_key().id().ToBinaryString());
    Prng forger(rng_.Next());
    v1::SignedTransaction tx = SignTransaction(body, SimKey(forger));
    tx.set_signer_key_id(member.public_key().id().ToBinaryString());
    bad.push_back(std::move(tx));
  }
  return bad;
}

void NodeSimulation::ByzantineAttest(size_t node) {
  SimNode& byz = nodes_[node];
  if (!byz.alive || byz.core == nullptr || byz.env->crashed() || byz.core->halted()) return;
  const std::string& chain = consortium_->genesis.genesis.chain_id();
  auto to_all = [&](const v1::PeerFrame& frame) {
    for (size_t j = 0; j < n_; ++j) {
      if (j != node) SendFrame(node, j, frame);
    }
  };
  switch (rng_.Below(4)) {
    case 0:
    case 1: {
      // Bad-signature transactions among valid ones, under its own valid attestation; its own
      // mempool takes them too, so it proposes them and votes for blocks holding them.
      std::vector<v1::SignedTransaction> txs;
      for (const DecodedTransaction& tx : byz.mempool->Select(rng_.Below(3), SIZE_MAX, nullptr)) {
        txs.push_back(tx.envelope);
      }
      for (v1::SignedTransaction& tx : BadSignatureTxs(node)) {
        bad_tx_bytes_.insert(tx.SerializeAsString());
        Result<DecodedTransaction> decoded = DecodeTransaction(tx);
        if (decoded.ok()) (void)byz.mempool->Add(std::move(*decoded));
        txs.push_back(std::move(tx));
      }
      v1::PeerFrame frame;
      for (const v1::SignedTransaction& tx : txs) *frame.mutable_txs()->add_txs() = tx;
      last_bad_digest_ = BatchDigest(frame.txs().txs());
      frame.mutable_txs()->set_attestation(
          ToString(signers_[node]->Sign(BatchAttestationMessage(chain, last_bad_digest_))));
      Trace(node, "relays " + std::to_string(txs.size()) + " txs with bad signatures among them");
      to_all(frame);
      if (rng_.Chance(300)) to_all(AttestationFrame(node, last_bad_digest_, chain));  // again
      break;
    }
    case 2: {  // a digest nobody sent
      Bytes noise;
      PutUint64BE(noise, rng_.Next());
      to_all(AttestationFrame(node, Sha256(noise), chain));
      break;
    }
    default: {  // its bad batch attested for another chain, or with a junk signature
      v1::PeerFrame frame = AttestationFrame(node, last_bad_digest_, chain + "-other");
      if (rng_.Chance(500)) {
        std::string junk(kSignatureBytes, '\0');
        for (char& c : junk) c = static_cast<char>(rng_.Next());
        frame.mutable_attestation()->set_signature(junk);
      }
      to_all(frame);
      break;
    }
  }
  AfterStep(node);
}

void NodeSimulation::ByzantineCoAttest(size_t node, const v1::TxGossip& gossip) {
  if (!rng_.Chance(600)) return;  // attests what it never verified
  const v1::PeerFrame frame =
      AttestationFrame(node, BatchDigest(gossip.txs()), consortium_->genesis.genesis.chain_id());
  for (size_t j = 0; j < n_; ++j) {
    if (j != node) SendFrame(node, j, frame);
  }
}

void NodeSimulation::HarvestRelay(size_t i) {
  const SimNode& node = nodes_[i];
  if (!Honest(i) || node.relay == nullptr) return;
  const TxRelay::Stats s = node.relay->stats();
  result_.batches_vouched += s.batches_vouched;
  result_.batches_fallback_verified += s.batches_fallback_verified;
  result_.attestations_refused += s.attestations_refused;
  result_.vouched_txs += s.vouched_txs;
  result_.relay_signature_verifies += s.signatures_verified;
  if (node.admission) result_.submit_signature_verifies += node.admission->signatures_verified();
}

void NodeSimulation::CheckCommittedSignatures(size_t i, const DecodedBlock& block) {
  const Store& store = *nodes_[i].store;
  for (const DecodedTransaction& tx : block.txs) {
    Result<std::optional<v1::MemberRecord>> member = FindMember(store.state(), tx.signer_key_id);
    Status verified = Status::Unauthenticated("signer key is not a member");
    if (!member.ok()) {
      verified = member.status();
    } else if (member->has_value()) {
      Result<PublicKey> key = PublicKey::FromPem((*member)->public_key());
      verified = key.ok() ? VerifyTransactionSignature(tx, *key) : key.status();
    }
    if (!verified.ok()) {
      return Violation("honest node " + std::to_string(i) + " committed tx " + tx.id.ShortHex() +
                       " at height " + std::to_string(block.header.height()) +
                       " whose signature does not verify: " + verified.ToString());
    }
    ++result_.committed_signatures_checked;
  }
}

void NodeSimulation::ByzantineOutgoing(size_t from, std::optional<size_t> to,
                                       const v1::PeerFrame& frame) {
  const SimNode& node = nodes_[from];
  auto send = [&](const v1::PeerFrame& f) {
    if (to) return SendFrame(from, *to, f);
    for (size_t j = 0; j < n_; ++j) {
      if (j != from) SendFrame(from, j, f);
    }
  };
  if (frame.has_attestation() && (node.ledger_traits & kAttester) && rng_.Chance(500)) {
    Trace(from, "withholds an attestation");
    return;
  }
  if (frame.kind_case() != v1::PeerFrame::kConsensus) return send(frame);
  const std::string& bytes = frame.consensus();
  const bool proposal = !bytes.empty() && static_cast<uint8_t>(bytes[0]) ==
                                              static_cast<uint8_t>(MessageKind::kProposal);
  if (proposal) {
    Result<consensus::Message> m = consensus::DecodeMessage(AsBytes(bytes));
    if (m.ok()) {
      consensus::Proposal p = std::get<consensus::Proposal>(*m);
      auto frame_of = [](const consensus::Proposal& q) {
        const Bytes b = consensus::EncodeMessage(q);
        v1::PeerFrame f;
        f.set_consensus(std::string(b.begin(), b.end()));
        return f;
      };
      if ((node.ledger_traits & kWrongRoot) && rng_.Chance(600)) {
        if (std::optional<consensus::Proposal> wrong = WrongRootProposal(from, p)) {
          Trace(from, "proposes a wrong result root at height " + std::to_string(p.block.height));
          return send(frame_of(*wrong));
        }
      }
      if ((node.ledger_traits & kStripTc) && p.tc) {
        consensus::Proposal stripped = p;
        stripped.tc.reset();
        send(frame_of(stripped));
      }
      if (node.ledger_traits & kFlood) {
        for (int k = 0; k < 5; ++k) send(frame);
      }
    }
  }
  if (node.consensus_traits != 0) {
    byzantine_logic_->Outgoing(
        from, node.consensus_traits,
        to ? std::optional<consensus::ValidatorIndex>(static_cast<consensus::ValidatorIndex>(*to))
           : std::nullopt,
        Bytes(bytes.begin(), bytes.end()));
    return;
  }
  send(frame);
}

// ---------------------------------------------------------------- members

// Payloads members submit: valid ones (a new member key), and hostile ones with multi-byte
// text at and around every limit, which chaincode refuses with a message quoting them.
v1::TransactionBody NodeSimulation::HostilePayload(uint64_t k) {
  v1::TransactionBody body;
  const std::string kana = "\xE3\x81\x82";  // "あ", three bytes
  auto repeat = [&](size_t times) {
    std::string s;
    for (size_t t = 0; t < times; ++t) s += kana;
    return s;
  };
  switch (k % 4) {
    case 0: {
      v1::RegisterMember* m = body.mutable_register_member();
      m->set_public_key(SimKey(key_rng_).public_key().ToPem());
      m->set_name(repeat(1 + k % 341));
      break;
    }
    case 1: {
      v1::EpcisEvent* e = body.mutable_record_event()->mutable_event();
      e->set_type(v1::OBJECT_EVENT);
      e->set_action(v1::ADD);
      e->set_biz_step(repeat(20 + k % 8));  // unknown bizStep, cut somewhere in a character
      break;
    }
    case 2: {
      v1::RegisterLocation* l = body.mutable_register_location();
      l->set_gln(repeat(80 + k % 5));
      l->set_name(repeat(300 + k % 50));
      break;
    }
    default: {
      v1::IssueRecall* r = body.mutable_issue_recall();
      r->set_lot_code(repeat(40 + k % 5));
      r->set_reason(repeat(300));
      break;
    }
  }
  return body;
}

void NodeSimulation::Submit() {
  std::vector<size_t> up;
  for (size_t i = 0; i < n_; ++i) {
    if (Honest(i) && nodes_[i].alive && !nodes_[i].env->crashed()) up.push_back(i);
  }
  if (up.empty()) return;
  const size_t i = up[rng_.Below(up.size())];
  SimNode& node = nodes_[i];
  const uint64_t k = next_tx_++;
  const size_t member = rng_.Below(n_);
  v1::TransactionBody body = HostilePayload(k);
  body.set_chain_id(consortium_->genesis.genesis.chain_id());
  Bytes nonce;
  PutUint64BE(nonce, rng_.Next());
  PutUint64BE(nonce, rng_.Next());
  body.set_nonce(std::string(nonce.begin(), nonce.end()));
  body.set_valid_until_height(node.store->Height() + 2000);
  body.set_created_at_ms(node.clock->WallMs());
  const v1::SignedTransaction tx = SignTransaction(body, consortium_->admin_keys[member]);
  Result<DecodedTransaction> admitted = node.admission->Check(tx);
  if (!admitted.ok()) return;
  const Hash id = admitted->id;
  if (!node.mempool->Add(std::move(*admitted)).ok()) return;
  submitted_.push_back(Submitted{id, i, now_ms_, after_gst_, std::nullopt, 0});
  Trace(i, "client submits tx " + id.ShortHex());
  node.core->Relay({tx});
  AfterStep(i);
}

void NodeSimulation::PollAcks() {
  for (Submitted& s : submitted_) {
    if (s.height) continue;
    SimNode& node = nodes_[s.node];
    if (!node.alive || node.env->crashed()) continue;
    auto outcome = CommittedOutcome(*node.store, s.id);
    if (!outcome) continue;
    s.height = outcome->first;
    s.code = outcome->second;
    ++result_.acknowledged_txs;
  }
}

// ---------------------------------------------------------------- faults and phases

void NodeSimulation::FaultTick() {
  if (after_gst_) return;
  if (params_.partitions && !partitioned_ && rng_.Chance(120)) {
    partitioned_ = true;
    std::string sides;
    for (SimNode& node : nodes_) {
      node.group = static_cast<int>(rng_.Below(2));
      sides += std::to_string(node.group);
    }
    if (trace_ != nullptr) *trace_ << "t=" << now_ms_ << " partition " << sides << "\n";
    Push(Event{.time_ms = now_ms_ + rng_.Range(300, 3000), .kind = Event::Kind::kHeal});
  }
  for (size_t i = 0; i < n_; ++i) {
    if (nodes_[i].byzantine && (nodes_[i].ledger_traits & kFlood) && rng_.Chance(300)) {
      ByzantineFlood(i);
    }
  }
  Push(Event{.time_ms = now_ms_ + 250, .kind = Event::Kind::kFault});
}

void NodeSimulation::Gst() {
  after_gst_ = true;
  partitioned_ = false;
  for (SimNode& node : nodes_) node.group = 0;
  if (trace_ != nullptr) *trace_ << "t=" << now_ms_ << " GST\n";
  if (stays_down_) {
    SimNode& down = nodes_[*stays_down_];
    Trace(*stays_down_, "goes down for good");
    if (down.alive) HarvestRelay(*stays_down_);
    down.sync.reset();
    down.core.reset();
    down.store.reset();
    down.alive = false;
    ++down.epoch;  // any restart it had scheduled is void
  }
  for (size_t i = 0; i < n_; ++i) {
    if (!nodes_[i].alive && stays_down_ != i) StartNode(i);
  }
  uint64_t high = 0;
  for (size_t i = 0; i < n_; ++i) {
    if (Counted(i) && nodes_[i].store) high = std::max(high, nodes_[i].store->Height());
  }
  liveness_target_ = high + kNodeLivenessBlocks;
  // An idle network makes no blocks: the blocks liveness asks for come from transactions,
  // so members submit a few after GST whatever the seed drew, each in a later block.
  for (uint64_t k = 0; k < kNodeLivenessBlocks; ++k) {
    Push(Event{.time_ms = now_ms_ + 500 + k * 2'000, .kind = Event::Kind::kSubmit});
  }
}

bool NodeSimulation::LivenessShown() const {
  // Every honest node reaches the target and the block of every transaction acknowledged
  // after GST (not only the node it was submitted to).
  uint64_t target = liveness_target_;
  for (const Submitted& s : submitted_) {
    if (s.after_gst && s.height) target = std::max(target, *s.height);
  }
  for (size_t i = 0; i < n_; ++i) {
    if (Counted(i) && (!nodes_[i].store || nodes_[i].store->Height() < target)) {
      return false;
    }
  }
  for (const Submitted& s : submitted_) {
    if (s.after_gst && !s.height) return false;
  }
  return true;
}

void NodeSimulation::FinalChecks() {
  for (size_t i = 0; i < n_ && !done_; ++i) {
    if (!Counted(i) || !nodes_[i].store) continue;
    Result<ChainCheckReport> chain =
        CheckChain(*nodes_[i].store, consortium_->genesis, consensus::VerifyBlockAgreement);
    if (!chain.ok()) {
      return Violation("CheckChain fails on honest node " + std::to_string(i) + ": " +
                       chain.status().ToString());
    }
    for (const Submitted& s : submitted_) {
      if (!s.height || *s.height > nodes_[i].store->Height()) continue;
      auto outcome = CommittedOutcome(*nodes_[i].store, s.id);
      if (!outcome || outcome->first != *s.height || outcome->second != s.code) {
        return Violation("acknowledged tx " + s.id.ShortHex() + " (height " +
                         std::to_string(*s.height) + ") is missing or different on honest node " +
                         std::to_string(i));
      }
    }
  }
}

NodeSimResult NodeSimulation::Run() {
  for (size_t i = 0; i < n_ && !done_; ++i) StartNode(i);
  Push(Event{.time_ms = 250, .kind = Event::Kind::kFault});
  Push(Event{.time_ms = 200, .kind = Event::Kind::kPoll});
  Push(Event{.time_ms = 300, .kind = Event::Kind::kAttack});
  Push(Event{.time_ms = options_.safety_phase_ms, .kind = Event::Kind::kGst});
  const uint64_t submit_until = options_.safety_phase_ms + options_.liveness_phase_ms / 3;
  for (size_t k = 0; k < options_.client_txs; ++k) {
    Push(Event{.time_ms = rng_.Range(100, submit_until), .kind = Event::Kind::kSubmit});
  }
  const uint64_t deadline = options_.safety_phase_ms + options_.liveness_phase_ms;
  while (!queue_.empty() && !done_) {
    std::pop_heap(queue_.begin(), queue_.end(), Later{});
    Event e = std::move(queue_.back());
    queue_.pop_back();
    if (e.time_ms > deadline) break;
    now_ms_ = e.time_ms;
    switch (e.kind) {
      case Event::Kind::kDeliver:
        Deliver(e);
        break;
      case Event::Kind::kWake: {
        SimNode& node = nodes_[e.target];
        if (node.alive && e.generation == node.wake_generation) ProcessNode(e.target);
        break;
      }
      case Event::Kind::kServeSync: {
        SimNode& node = nodes_[e.target];
        if (node.alive && e.generation == node.sync_generation) ServeSync(e.target);
        break;
      }
      case Event::Kind::kRestart:
        if (!nodes_[e.target].alive && nodes_[e.target].epoch == e.generation) StartNode(e.target);
        break;
      case Event::Kind::kSubmit:
        Submit();
        break;
      case Event::Kind::kHeal:
        partitioned_ = false;
        for (SimNode& node : nodes_) node.group = 0;
        break;
      case Event::Kind::kFault:
        FaultTick();
        break;
      case Event::Kind::kGst:
        Gst();
        break;
      case Event::Kind::kAttack:
        for (size_t i = 0; i < n_; ++i) {
          if (nodes_[i].byzantine && (nodes_[i].ledger_traits & kAttester)) ByzantineAttest(i);
        }
        Push(Event{.time_ms = now_ms_ + 300, .kind = Event::Kind::kAttack});
        break;
      case Event::Kind::kPoll:
        PollAcks();
        if (after_gst_ && now_ms_ > submit_until && LivenessShown()) done_ = true;
        Push(Event{.time_ms = now_ms_ + 200, .kind = Event::Kind::kPoll});
        break;
    }
  }
  if (result_.violations.empty()) {
    PollAcks();
    if (!LivenessShown()) {
      std::string who;
      for (size_t i = 0; i < n_; ++i) {
        if (Honest(i) && nodes_[i].store) {
          who += " n" + std::to_string(i) + "@" + std::to_string(nodes_[i].store->Height());
        }
      }
      size_t unacked = 0;
      for (const Submitted& s : submitted_) unacked += s.after_gst && !s.height ? 1 : 0;
      Violation("liveness: after GST honest nodes did not all reach height " +
                std::to_string(liveness_target_) + " with every later tx acknowledged within " +
                std::to_string(options_.liveness_phase_ms) + "ms (heights" + who + ", " +
                std::to_string(unacked) + " txs unacknowledged)");
    } else {
      done_ = false;
      FinalChecks();
    }
  }
  result_.end_time_ms = now_ms_;
  for (size_t i = 0; i < n_; ++i) {
    if (nodes_[i].alive) HarvestRelay(i);
  }
  result_.min_honest_height = UINT64_MAX;
  for (size_t i = 0; i < n_; ++i) {
    if (Honest(i) && nodes_[i].store) {
      result_.min_honest_height = std::min(result_.min_honest_height, nodes_[i].store->Height());
    }
  }
  if (result_.min_honest_height == UINT64_MAX) result_.min_honest_height = 0;
  return std::move(result_);
}

}  // namespace

NodeSimResult RunNodeSimulation(const NodeSimOptions& options, std::ostream* trace) {
  // The validators log what they refuse; thousands of seeds must not flood the terminal.
  const auto level = spdlog::get_level();
  if (trace == nullptr) spdlog::set_level(spdlog::level::off);
  NodeSimulation sim(options, trace);
  NodeSimResult result = sim.Run();
  spdlog::set_level(level);
  return result;
}

}  // namespace tadori::sim
