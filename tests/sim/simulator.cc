#include "tests/sim/simulator.h"

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>

#include "consensus/codec.h"
#include "ledger/check.h"
#include "tests/sim/byzantine.h"
#include "tests/sim/prng.h"
#include "tests/sim/stub_crypto.h"

namespace tadori::sim {

using namespace consensus;  // NOLINT: the simulator is all about this namespace

std::string_view FaultMixName(FaultMix mix) {
  switch (mix) {
    case FaultMix::kCalm:
      return "calm";
    case FaultMix::kLossy:
      return "lossy";
    case FaultMix::kPartitions:
      return "partitions";
    case FaultMix::kCrashes:
      return "crashes";
    case FaultMix::kChaos:
      return "chaos";
    case FaultMix::kCrashed:
      return "crashed";
    case FaultMix::kSlow:
      return "slow";
  }
  return "unknown";
}

std::optional<FaultMix> ParseFaultMix(std::string_view name) {
  for (int i = 0; i < kFaultMixCount; ++i) {
    if (FaultMixName(static_cast<FaultMix>(i)) == name) return static_cast<FaultMix>(i);
  }
  return std::nullopt;
}

std::string_view LeaderRotationName(LeaderRotation rotation) {
  switch (rotation) {
    case LeaderRotation::kReputation:
      return "reputation";
    case LeaderRotation::kRoundRobin:
      return "round-robin";
  }
  return "unknown";
}

std::optional<LeaderRotation> ParseLeaderRotation(std::string_view name) {
  for (LeaderRotation r : {LeaderRotation::kReputation, LeaderRotation::kRoundRobin}) {
    if (LeaderRotationName(r) == name) return r;
  }
  return std::nullopt;
}

std::string SimResult::ReplayCommand() const {
  std::ostringstream s;
  s << "tadori-sim --seed " << seed << " --nodes " << nodes << " --byzantine " << byzantine
    << " --mix " << FaultMixName(mix);
  if (twins) s << " --twins";
  if (planted_bug != PlantedBug::kNone) s << " --planted-bug " << PlantedBugName(planted_bug);
  if (leader_rotation != LeaderRotation::kReputation) {
    s << " --leader-schedule " << LeaderRotationName(leader_rotation);
  }
  if (probation_cycles != 0) s << " --probation-cycles " << probation_cycles;
  if (!check_votes) s << " --no-vote-check";
  s << " --trace";
  return s.str();
}

namespace {

struct MixParams {
  uint32_t loss_per_mille = 0;
  uint32_t dup_per_mille = 0;
  uint32_t tail_per_mille = 0;  // share of messages with a long delay
  uint64_t tail_ms_max = 0;
  bool partitions = false;
  bool crashes = false;
  bool skew = false;
  uint32_t crash_after_persist_per_mille = 0;
  bool down_for_good = false;  // 1..f validators never start
  bool slow = false;           // 1..f validators with a large extra latency, for good
};

MixParams ParamsFor(FaultMix mix) {
  switch (mix) {
    case FaultMix::kCalm:
      return {};
    case FaultMix::kLossy:
      return {100, 50, 40, 2500, false, false, true, 0};
    case FaultMix::kPartitions:
      return {20, 10, 10, 1000, true, false, true, 0};
    case FaultMix::kCrashes:
      return {10, 10, 10, 1000, false, true, true, 40};
    case FaultMix::kChaos:
      return {80, 50, 30, 2500, true, true, true, 20};
    case FaultMix::kCrashed:
      return {10, 10, 10, 1000, false, false, true, 0, true, false};
    case FaultMix::kSlow:
      return {10, 10, 10, 1000, false, false, true, 0, false, true};
  }
  return {};
}

enum class Role : uint8_t { kHonest, kByzantine, kTwin };

struct Instance {
  ValidatorIndex id = 0;
  Role role = Role::kHonest;
  uint32_t behaviours = 0;
  std::unique_ptr<StubSigner> signer;
  std::unique_ptr<Engine> engine;
  bool alive = false;
  uint64_t epoch = 0;
  uint64_t timer_gen = 0;
  SafetyState persisted;
  std::vector<Block> committed;  // index == height; survives crashes (the node's store)
  std::vector<BlockId> committed_ids;
  std::map<BlockId, Block> pending;  // PersistBlock'ed, above the committed height
  int group = 0;                     // partition side
  uint64_t rate_ppm = 1'000'000;     // this node's timer clock rate
  uint64_t restarts = 0;
  bool down_for_good = false;     // crashed mix: never runs
  uint64_t extra_latency_ms = 0;  // slow mix: added to every message it sends or receives
};

class Store final : public Engine::CommittedBlocks {
 public:
  explicit Store(const std::vector<Block>& blocks) : blocks_(blocks) {}
  const Block* AtHeight(Height h) const override {
    return h < blocks_.size() ? &blocks_[h] : nullptr;
  }

 private:
  const std::vector<Block>& blocks_;
};

struct SimEvent {
  enum class Kind : uint8_t {
    kDeliver,
    kTimer,
    kPayloadReady,
    kPayloadChecked,
    kRestart,
    kHeal,
    kFaultTick,
    kGst,
    kStallMeasureEnd,
  };
  uint64_t time_ms = 0;
  uint64_t seq = 0;
  Kind kind = Kind::kDeliver;
  size_t target = 0;
  uint64_t epoch = 0;
  ValidatorIndex from = 0;
  Bytes bytes;
  Round round = 0;
  uint64_t timer_gen = 0;
  BlockId block_id;
  Hash digest;
  bool valid = false;
};

struct Later {
  bool operator()(const SimEvent& a, const SimEvent& b) const {
    return std::tie(a.time_ms, a.seq) > std::tie(b.time_ms, b.seq);
  }
};

class Simulation final : public ByzantineNetwork {
 public:
  Simulation(const SimOptions& options, std::ostream* trace);
  SimResult Run();

  // ByzantineNetwork
  void Transmit(size_t from_instance, ValidatorIndex to, Bytes bytes) override;
  const Signer& SignerOf(size_t instance) const override { return *instances_[instance].signer; }
  ValidatorIndex IdOf(size_t instance) const override { return instances_[instance].id; }
  const ValidatorSet& validators() const override { return validators_; }
  const BlockId& genesis_id() const override { return genesis_id_; }
  const Block* FindBlock(size_t instance, const BlockId& id) const override {
    const Instance& inst = instances_[instance];
    return inst.engine ? inst.engine->FindBlock(id) : nullptr;
  }
  std::optional<ValidatorIndex> LeaderAfter(size_t instance, const BlockId& anchor,
                                            Round round) const override {
    const Instance& inst = instances_[instance];
    return inst.engine ? inst.engine->LeaderAfter(anchor, round) : std::nullopt;
  }
  Bytes MakePayload(size_t instance, Round round, bool valid, Hash& digest) override;

 private:
  void Push(SimEvent e);
  void StartInstance(size_t i);
  void Crash(size_t i);
  void Step(size_t i, const Event& event);
  void Execute(size_t i, Actions actions);
  void Outgoing(size_t i, std::optional<ValidatorIndex> to, Bytes bytes);
  void Deliver(SimEvent& e);
  void RecordCommit(size_t i, const Commit& commit);
  void CheckHonestVote(size_t i, const Bytes& bytes);
  void FaultTick();
  void Gst();
  bool ValidPayload(const Bytes& payload, const Hash& digest) const;
  uint64_t SampleDelayMs();
  void Violation(std::string what);
  bool Honest(size_t i) const { return instances_[i].role == Role::kHonest; }
  // Honest and running after GST: the validators the liveness check is about.
  bool Counted(size_t i) const { return Honest(i) && !instances_[i].down_for_good; }
  bool HonestIdentity(ValidatorIndex v) const;
  // The schedule config of the engine that ships (probation_cycles as the options say).
  LeaderScheduleConfig ShippedScheduleConfig() const {
    LeaderScheduleConfig config;
    if (options_.probation_cycles != 0) config.probation_cycles = options_.probation_cycles;
    return config;
  }
  // The commit-stall bound (simulator.h).
  Round RoundFrontier() const;
  void AfterHonestStep(size_t i);
  void OnFrontierCommit();
  void EndStall(uint64_t end_ms);
  void EndStallMeasurement();
  void Trace(size_t i, const std::string& line);
  std::string Describe(const Bytes& bytes) const;

  SimOptions options_;
  std::ostream* trace_;
  Prng rng_;
  Prng payload_rng_;
  MixParams params_;
  FaultMix mix_;
  size_t n_ = 0;
  size_t byzantine_ = 0;
  ValidatorSet validators_;
  Hash payload_secret_;
  BlockId genesis_id_;
  Block genesis_;
  std::unique_ptr<StubVerifier> verifier_;
  std::vector<Instance> instances_;
  std::vector<std::vector<size_t>> by_identity_;
  std::vector<SimEvent> queue_;  // a heap ordered by Later
  uint64_t seq_ = 0;
  uint64_t now_ms_ = 0;
  bool after_gst_ = false;
  bool partitioned_ = false;
  uint64_t liveness_target_height_ = 0;
  uint64_t liveness_deadline_ms_ = 0;
  bool done_ = false;
  std::vector<BlockId> agreed_;  // the block every honest node committed at each height
  std::map<std::pair<ValidatorIndex, Round>, BlockId> honest_votes_;
  std::unique_ptr<ByzantineBehaviour> byzantine_logic_;
  // The commit-stall bound (simulator.h): whether it applies to this run, the shipped
  // schedule whose probation rotations excuse a stall, and the measurement's state.
  bool stall_bound_ = false;
  consensus::LeaderSchedule reference_schedule_;
  Round settle_round_ = 0;  // set at GST: the round frontier that ends settling
  bool measuring_ = false;  // settled, and the measurement has not ended
  bool stall_measured_ = false;
  uint64_t measure_end_ms_ = 0;
  uint64_t frontier_height_ = 0;  // highest height an honest validator committed
  uint64_t stall_start_ms_ = 0;
  Round stall_start_round_ = 0;
  SimResult result_;
};

Simulation::Simulation(const SimOptions& options, std::ostream* trace)
    : options_(options),
      trace_(trace),
      rng_(options.seed),
      payload_rng_(0),
      validators_(ValidatorSet::Equal(4)),
      reference_schedule_(ValidatorSet::Equal(4), LeaderScheduleConfig{}) {
  Prng setup = rng_.Fork();
  payload_rng_ = rng_.Fork();
  // Every derived choice is drawn whether or not an option overrides it, so that a run
  // with the options spelled out (the replay line) consumes the same random stream.
  size_t derived_nodes = setup.Range(4, 10);
  auto derived_mix = static_cast<FaultMix>(setup.Below(kSeedDerivedMixCount));
  uint64_t byzantine_draw = setup.Next();
  n_ = options.nodes != 0 ? options.nodes : derived_nodes;
  TADORI_CHECK(n_ >= 4 && n_ <= kValidatorCountMax);
  validators_ = ValidatorSet::Equal(n_);
  size_t f = (n_ - 1) / 3;
  mix_ = options.mix ? *options.mix : derived_mix;
  params_ = ParamsFor(mix_);
  if (options.twins) {
    byzantine_ = 0;
  } else if (options.byzantine >= 0) {
    byzantine_ = std::min<size_t>(static_cast<size_t>(options.byzantine), f);
  } else if (params_.down_for_good || params_.slow) {
    byzantine_ = 0;  // the crashed and slow validators are this mix's faults
  } else {
    byzantine_ = byzantine_draw % (f + 1);
  }
  Bytes secret = ToBytes("sim-payload-secret");
  PutUint64BE(secret, options.seed);
  payload_secret_ = Sha256(secret);
  Bytes tag = ToBytes("sim-chain");
  PutUint64BE(tag, options.seed);
  genesis_ = GenesisBlock(Sha256(tag));
  genesis_id_ = genesis_.ComputeId();
  verifier_ = std::make_unique<StubVerifier>(options.seed, n_);

  // Identities: Byzantine ones are a seeded random subset; with Twins, one identity gets a
  // second honest instance.
  std::vector<Role> roles(n_, Role::kHonest);
  for (size_t placed = 0; placed < byzantine_;) {
    size_t v = setup.Below(n_);
    if (roles[v] == Role::kHonest) {
      roles[v] = Role::kByzantine;
      ++placed;
    }
  }
  size_t twin_id = options.twins ? setup.Below(n_) : n_;
  for (size_t v = 0; v < n_; ++v) {
    size_t copies = v == twin_id ? 2 : 1;
    for (size_t c = 0; c < copies; ++c) {
      Instance inst;
      inst.id = static_cast<ValidatorIndex>(v);
      inst.role = v == twin_id ? Role::kTwin : roles[v];
      if (inst.role == Role::kByzantine) inst.behaviours = ChooseBehaviours(setup);
      inst.signer = std::make_unique<StubSigner>(options.seed, inst.id);
      inst.persisted = SafetyState::Initial(genesis_id_);
      inst.committed.push_back(genesis_);
      inst.committed_ids.push_back(genesis_id_);
      if (params_.skew) inst.rate_ppm = setup.Range(800'000, 1'250'000);
      instances_.push_back(std::move(inst));
    }
  }
  by_identity_.resize(n_);
  for (size_t i = 0; i < instances_.size(); ++i) by_identity_[instances_[i].id].push_back(i);
  // Crashed and slow validators: honest identities, as many as the f faulty leave room for
  // (f minus the Byzantine ones and a Twins pair), at least one when there is room. Drawn
  // after every other setup draw, so the five seed-derived mixes replay as before.
  if (params_.down_for_good || params_.slow) {
    const size_t room = f - std::min(f, byzantine_ + (options.twins ? 1 : 0));
    const size_t count = room == 0 ? 0 : setup.Range(1, room);
    std::vector<bool> taken(n_, false);
    for (size_t placed = 0; placed < count;) {
      const size_t v = setup.Below(n_);
      if (roles[v] != Role::kHonest || v == twin_id || taken[v]) continue;
      taken[v] = true;
      // Each way, so a slow validator's answer to a message is 3-6x the base round timeout
      // late: too late for a round it leads even after the timeout doubles once.
      const uint64_t extra = setup.Range(kRoundTimeoutMsBase * 3 / 2, kRoundTimeoutMsBase * 3);
      for (size_t i : by_identity_[v]) {
        instances_[i].down_for_good = params_.down_for_good;
        if (params_.slow) instances_[i].extra_latency_ms = extra;
      }
      ++placed;
    }
    (params_.down_for_good ? result_.crashed : result_.slow) = count;
  }
  reference_schedule_ = LeaderSchedule(validators_, ShippedScheduleConfig());
  stall_bound_ = (params_.down_for_good || params_.slow) && byzantine_ == 0 && !options.twins;
  agreed_.push_back(genesis_id_);
  byzantine_logic_ = std::make_unique<ByzantineBehaviour>(*this, rng_.Fork());

  result_.seed = options.seed;
  result_.nodes = n_;
  result_.byzantine = byzantine_;
  result_.twins = options.twins;
  result_.mix = mix_;
  result_.planted_bug = options.planted_bug;
  result_.leader_rotation = options.leader_rotation;
  result_.probation_cycles = options.probation_cycles;
  result_.check_votes = options.check_votes;
}

void Simulation::Push(SimEvent e) {
  e.seq = seq_++;
  queue_.push_back(std::move(e));
  std::push_heap(queue_.begin(), queue_.end(), Later{});
}

void Simulation::Trace(size_t i, const std::string& line) {
  if (trace_ == nullptr) return;
  *trace_ << "t=" << now_ms_ << " n" << i << "(v" << instances_[i].id << ") " << line << "\n";
}

void Simulation::Violation(std::string what) {
  if (trace_ != nullptr) *trace_ << "t=" << now_ms_ << " VIOLATION " << what << "\n";
  result_.violations.push_back("t=" + std::to_string(now_ms_) + "ms " + std::move(what));
  done_ = true;  // the first violation ends the run; the seed replays it
}

SimResult Simulation::Run() {
  for (size_t i = 0; i < instances_.size(); ++i) {
    if (instances_[i].down_for_good) {
      Trace(i, "down for good");
      continue;
    }
    if (instances_[i].extra_latency_ms != 0) {
      Trace(i, "slow: +" + std::to_string(instances_[i].extra_latency_ms) + "ms each way");
    }
    StartInstance(i);
  }
  Push(SimEvent{.time_ms = 250, .kind = SimEvent::Kind::kFaultTick});
  Push(SimEvent{.time_ms = options_.safety_phase_ms, .kind = SimEvent::Kind::kGst});
  liveness_deadline_ms_ = options_.safety_phase_ms + options_.liveness_phase_ms;
  while (!queue_.empty() && !done_) {
    std::pop_heap(queue_.begin(), queue_.end(), Later{});
    SimEvent e = std::move(queue_.back());
    queue_.pop_back();
    if (e.time_ms > liveness_deadline_ms_) break;
    now_ms_ = e.time_ms;
    switch (e.kind) {
      case SimEvent::Kind::kDeliver:
        Deliver(e);
        break;
      case SimEvent::Kind::kTimer: {
        Instance& inst = instances_[e.target];
        if (inst.alive && inst.epoch == e.epoch && inst.timer_gen == e.timer_gen) {
          Trace(e.target, "timer fired r=" + std::to_string(e.round));
          Step(e.target, TimerFired{e.round});
        }
        break;
      }
      case SimEvent::Kind::kPayloadReady:
        if (instances_[e.target].alive && instances_[e.target].epoch == e.epoch) {
          Step(e.target, PayloadReady{e.round, std::move(e.bytes), e.digest});
        }
        break;
      case SimEvent::Kind::kPayloadChecked:
        if (instances_[e.target].alive && instances_[e.target].epoch == e.epoch) {
          Step(e.target, PayloadChecked{e.block_id, e.valid});
        }
        break;
      case SimEvent::Kind::kRestart:
        if (!instances_[e.target].alive && instances_[e.target].epoch == e.epoch) {
          StartInstance(e.target);
        }
        break;
      case SimEvent::Kind::kHeal:
        if (trace_ != nullptr) *trace_ << "t=" << now_ms_ << " partition healed\n";
        for (Instance& inst : instances_) inst.group = 0;
        partitioned_ = false;
        break;
      case SimEvent::Kind::kFaultTick:
        FaultTick();
        break;
      case SimEvent::Kind::kGst:
        Gst();
        break;
      case SimEvent::Kind::kStallMeasureEnd:
        EndStallMeasurement();
        break;
    }
  }
  if (!done_ && stall_bound_ && !stall_measured_) {
    if (measuring_) {
      // The deadline came first: the stall still open counts up to it.
      EndStall(liveness_deadline_ms_);
    } else {
      Violation("liveness: the round frontier did not pass round " + std::to_string(settle_round_) +
                " (" + std::to_string(kStallSettleWindows) +
                " leader-schedule windows after GST) within " +
                std::to_string(options_.liveness_phase_ms) + "ms after GST");
    }
  }
  if (!done_) {
    for (size_t i = 0; i < instances_.size(); ++i) {
      if (Counted(i) && instances_[i].committed.size() - 1 < liveness_target_height_) {
        Violation("liveness: node " + std::to_string(i) + " at height " +
                  std::to_string(instances_[i].committed.size() - 1) + " did not reach " +
                  std::to_string(liveness_target_height_) + " within " +
                  std::to_string(options_.liveness_phase_ms) + "ms after GST");
        break;
      }
    }
  }
  result_.end_time_ms = now_ms_;
  result_.min_honest_height = UINT64_MAX;
  for (size_t i = 0; i < instances_.size(); ++i) {
    const Instance& inst = instances_[i];
    if (Counted(i)) {
      result_.min_honest_height =
          std::min<uint64_t>(result_.min_honest_height, inst.committed.size() - 1);
    }
    if (inst.engine) {
      result_.max_round = std::max(result_.max_round, inst.engine->current_round());
      result_.dropped_by_engines += inst.engine->drops_total();
    }
  }
  result_.stall_measured = stall_measured_;
  return std::move(result_);
}

void Simulation::StartInstance(size_t i) {
  Instance& inst = instances_[i];
  EngineConfig config;
  config.validators = validators_;
  config.self = inst.id;
  config.genesis_id = genesis_id_;
  config.round_timeout_ms_base = kRoundTimeoutMsBase;
  config.round_timeout_ms_max = 6400;
  config.round_timeout_doublings_max = 4;
  config.leader_schedule = ShippedScheduleConfig();
  if (options_.leader_rotation == LeaderRotation::kRoundRobin) {
    // Every rotation a probation rotation: plain round-robin over all validators.
    config.leader_schedule.probation_cycles = 1;
  }
  const PlantedBug bug = inst.role == Role::kHonest ? options_.planted_bug : PlantedBug::kNone;
  inst.engine = MakeEngine(config, *inst.signer, *verifier_, bug);
  inst.alive = true;
  Trace(i, "start: last_voted_round=" + std::to_string(inst.persisted.last_voted_round) +
               " committed_height=" + std::to_string(inst.committed.size() - 1));
  Started started{inst.persisted, inst.committed.back(), {}};
  // The committed blocks below the tip that the leader schedule reads, as a node's store
  // hands them over.
  const size_t keep = inst.engine->leader_schedule().history_blocks();
  const size_t tip = inst.committed.size() - 1;
  for (size_t h = tip - std::min(tip, keep); h < tip; ++h) {
    started.history.push_back(inst.committed[h]);
  }
  for (const auto& [id, block] : inst.pending) started.pending.push_back(block);
  Step(i, started);
}

void Simulation::Crash(size_t i) {
  Instance& inst = instances_[i];
  Trace(i, "CRASH");
  inst.alive = false;
  inst.engine.reset();
  ++inst.epoch;
  ++inst.restarts;
  uint64_t back = std::min(now_ms_ + rng_.Range(300, 4000), options_.safety_phase_ms);
  Push(SimEvent{
      .time_ms = back, .kind = SimEvent::Kind::kRestart, .target = i, .epoch = inst.epoch});
}

void Simulation::Step(size_t i, const Event& event) {
  Instance& inst = instances_[i];
  Actions actions = inst.engine->Step(event);
  if (Honest(i) && inst.engine->drops(DropReason::kConflictingCommit) > 0) {
    Violation("honest node " + std::to_string(i) +
              " saw a certified 2-chain that conflicts with its commits");
    return;
  }
  Execute(i, std::move(actions));
  if (Honest(i)) AfterHonestStep(i);
}

void Simulation::Execute(size_t i, Actions actions) {
  for (Action& action : actions) {
    Instance& inst = instances_[i];
    if (!inst.alive || done_) return;
    if (auto* send = std::get_if<Send>(&action)) {
      Outgoing(i, send->to, std::move(send->message));
    } else if (auto* bcast = std::get_if<Broadcast>(&action)) {
      Outgoing(i, std::nullopt, std::move(bcast->message));
    } else if (auto* persist = std::get_if<PersistSafety>(&action)) {
      inst.persisted = persist->safety;
      if (trace_ != nullptr) {
        Trace(i, "persist last_voted_round=" + std::to_string(persist->safety.last_voted_round));
      }
      if (!after_gst_ && inst.role != Role::kByzantine &&
          rng_.Chance(params_.crash_after_persist_per_mille)) {
        Trace(i, "crash between persist and send");
        Crash(i);
        return;
      }
    } else if (auto* keep = std::get_if<PersistBlock>(&action)) {
      inst.pending.emplace(keep->block.ComputeId(), keep->block);
    } else if (auto* commit = std::get_if<Commit>(&action)) {
      RecordCommit(i, *commit);
      Height committed = inst.committed.size() - 1;
      std::erase_if(inst.pending, [&](const auto& kv) { return kv.second.height <= committed; });
    } else if (auto* timer = std::get_if<SetTimer>(&action)) {
      uint64_t delay = timer->duration_ms * inst.rate_ppm / 1'000'000;
      if (params_.skew) delay += rng_.Range(0, 5);
      Push(SimEvent{.time_ms = now_ms_ + delay,
                    .kind = SimEvent::Kind::kTimer,
                    .target = i,
                    .epoch = inst.epoch,
                    .round = timer->round,
                    .timer_gen = ++inst.timer_gen});
    } else if (auto* fetch = std::get_if<Fetch>(&action)) {
      Trace(i, "fetch from " +
                   (fetch->every_peer ? std::string("all") : "v" + std::to_string(fetch->peer)) +
                   " target " + fetch->request.target.ShortHex());
      if (fetch->every_peer) {
        Outgoing(i, std::nullopt, EncodeMessage(fetch->request));
      } else {
        Transmit(i, fetch->peer, EncodeMessage(fetch->request));
      }
    } else if (auto* request = std::get_if<RequestPayload>(&action)) {
      bool valid =
          !(inst.role == Role::kByzantine && (inst.behaviours & kBadPayload) && rng_.Chance(500));
      SimEvent e{.time_ms = now_ms_,
                 .kind = SimEvent::Kind::kPayloadReady,
                 .target = i,
                 .epoch = inst.epoch,
                 .round = request->round};
      e.bytes = MakePayload(i, request->round, valid, e.digest);
      Push(std::move(e));
    } else if (auto* validate = std::get_if<ValidatePayload>(&action)) {
      bool valid =
          inst.role == Role::kByzantine || ValidPayload(validate->payload, validate->digest);
      Push(SimEvent{.time_ms = now_ms_ + rng_.Range(0, 2),
                    .kind = SimEvent::Kind::kPayloadChecked,
                    .target = i,
                    .epoch = inst.epoch,
                    .block_id = validate->block_id,
                    .valid = valid});
    }
  }
}

void Simulation::Outgoing(size_t i, std::optional<ValidatorIndex> to, Bytes bytes) {
  const Instance& inst = instances_[i];
  if (trace_ != nullptr) {
    Trace(i, (to ? "send to v" + std::to_string(*to) : std::string("broadcast")) + " " +
                 Describe(bytes));
  }
  if (inst.role == Role::kHonest && options_.check_votes) CheckHonestVote(i, bytes);
  if (inst.role == Role::kByzantine) {
    byzantine_logic_->Outgoing(i, inst.behaviours, to, std::move(bytes));
    return;
  }
  if (to) {
    Transmit(i, *to, std::move(bytes));
    return;
  }
  for (size_t v = 0; v < n_; ++v) {
    if (v != inst.id) Transmit(i, static_cast<ValidatorIndex>(v), bytes);
  }
}

void Simulation::Transmit(size_t from_instance, ValidatorIndex to, Bytes bytes) {
  if (to >= n_) return;
  const Instance& from = instances_[from_instance];
  for (size_t target : by_identity_[to]) {
    if (target == from_instance) continue;
    ++result_.messages;
    if (partitioned_ && instances_[target].group != from.group) continue;
    if (!after_gst_ && rng_.Chance(params_.loss_per_mille)) continue;
    int copies = rng_.Chance(params_.dup_per_mille) ? 2 : 1;
    for (int c = 0; c < copies; ++c) {
      const uint64_t delay =
          SampleDelayMs() + from.extra_latency_ms + instances_[target].extra_latency_ms;
      SimEvent e{.time_ms = now_ms_ + delay,
                 .kind = SimEvent::Kind::kDeliver,
                 .target = target,
                 .from = from.id};
      e.bytes = bytes;
      Push(std::move(e));
    }
  }
}

uint64_t Simulation::SampleDelayMs() {
  if (after_gst_) return rng_.Range(1, 40);
  if (rng_.Chance(params_.tail_per_mille)) {
    // Long tail: mostly a few hundred ms, occasionally up to tail_ms_max.
    uint64_t ms = rng_.Range(50, 400);
    if (rng_.Chance(250)) ms = rng_.Range(400, params_.tail_ms_max);
    return ms;
  }
  return mix_ == FaultMix::kCalm ? rng_.Range(1, 10) : rng_.Range(1, 30);
}

void Simulation::Deliver(SimEvent& e) {
  Instance& inst = instances_[e.target];
  if (!inst.alive) return;
  if (!e.bytes.empty() && e.bytes[0] == static_cast<uint8_t>(MessageKind::kSyncRequest)) {
    // The node, not the engine, serves sync requests: committed blocks from its store,
    // pending ones from the engine's tree.
    Result<Message> m = DecodeMessage(e.bytes);
    if (!m.ok()) return;
    SyncResponse r = inst.engine->ServeSync(std::get<SyncRequest>(*m), Store(inst.committed));
    Trace(e.target, "serve sync to v" + std::to_string(e.from) + ": " +
                        std::to_string(r.blocks.size()) + " blocks");
    Transmit(e.target, e.from, EncodeMessage(r));
    return;
  }
  if (trace_ != nullptr)
    Trace(e.target, "recv from v" + std::to_string(e.from) + " " + Describe(e.bytes));
  if (inst.role == Role::kByzantine) {
    byzantine_logic_->Incoming(e.target, inst.behaviours, e.bytes);
  }
  // Leader agreement: an honest validator proposes only in a round it leads on the chain
  // its block extends, and the schedule is a function of that chain, so another honest
  // validator must never refuse the proposal as not the leader's.
  const bool honest_proposal = Honest(e.target) && HonestIdentity(e.from) && !e.bytes.empty() &&
                               e.bytes[0] == static_cast<uint8_t>(MessageKind::kProposal);
  const uint64_t not_leader = inst.engine->drops(DropReason::kNotLeader);
  const size_t target = e.target;
  Step(e.target, MessageReceived{e.from, std::move(e.bytes)});
  if (honest_proposal && !done_ && instances_[target].alive &&
      instances_[target].engine->drops(DropReason::kNotLeader) > not_leader) {
    Violation("leader agreement: honest node " + std::to_string(target) +
              " refused a proposal of honest validator v" + std::to_string(e.from) +
              " as not the leader's");
  }
}

bool Simulation::HonestIdentity(ValidatorIndex v) const {
  for (size_t i : by_identity_[v]) {
    if (!Honest(i)) return false;
  }
  return true;
}

void Simulation::CheckHonestVote(size_t i, const Bytes& bytes) {
  if (bytes.empty() || bytes[0] != static_cast<uint8_t>(MessageKind::kVote)) return;
  Result<Message> m = DecodeMessage(bytes);
  if (!m.ok()) return;
  const Vote& v = std::get<Vote>(*m);
  auto [it, inserted] = honest_votes_.emplace(std::make_pair(v.voter, v.round), v.block_id);
  if (!inserted && it->second != v.block_id) {
    Violation("honest validator v" + std::to_string(v.voter) + " (node " + std::to_string(i) +
              ") voted for two blocks in round " + std::to_string(v.round));
  }
}

void Simulation::RecordCommit(size_t i, const Commit& commit) {
  Instance& inst = instances_[i];
  for (const Block& b : commit.blocks) {
    BlockId id = b.ComputeId();
    Trace(i, "COMMIT h=" + std::to_string(b.height) + " r=" + std::to_string(b.round) + " " +
                 id.ShortHex());
    if (inst.role != Role::kHonest) {
      inst.committed.push_back(b);
      inst.committed_ids.push_back(id);
      continue;
    }
    if (b.height != inst.committed.size() || b.parent_id() != inst.committed_ids.back()) {
      Violation("chain integrity: node " + std::to_string(i) + " committed height " +
                std::to_string(b.height) + " on top of height " +
                std::to_string(inst.committed.size() - 1) + " with a different parent");
      return;
    }
    if (!ValidPayload(b.payload, b.payload_digest)) {
      Violation("validity: node " + std::to_string(i) + " committed an invalid payload at " +
                std::to_string(b.height));
      return;
    }
    if (b.height < agreed_.size()) {
      if (agreed_[b.height] != id) {
        Violation("agreement: node " + std::to_string(i) + " committed " + id.ShortHex() +
                  " at height " + std::to_string(b.height) + " where another honest node " +
                  "committed " + agreed_[b.height].ShortHex());
        return;
      }
    } else {
      TADORI_CHECK(b.height == agreed_.size());
      agreed_.push_back(id);
    }
    inst.committed.push_back(b);
    inst.committed_ids.push_back(id);
  }
  if (inst.role == Role::kHonest && inst.committed.size() - 1 > frontier_height_) {
    frontier_height_ = inst.committed.size() - 1;
    OnFrontierCommit();
  }
  if (after_gst_ && !done_) {
    bool all = true;
    for (size_t j = 0; j < instances_.size(); ++j) {
      if (Counted(j) && instances_[j].committed.size() - 1 < liveness_target_height_) all = false;
    }
    // Liveness shown, and the stall bound measured where it applies: nothing more to learn.
    if (all && (!stall_bound_ || stall_measured_)) done_ = true;
  }
}

void Simulation::FaultTick() {
  if (after_gst_) return;
  if (params_.partitions && !partitioned_ && rng_.Chance(150)) {
    partitioned_ = true;
    bool isolate_one = rng_.Chance(400);
    size_t lone = rng_.Below(instances_.size());
    std::string sides;
    for (size_t i = 0; i < instances_.size(); ++i) {
      instances_[i].group = isolate_one ? (i == lone ? 1 : 0) : static_cast<int>(rng_.Below(2));
      sides += std::to_string(instances_[i].group);
    }
    if (trace_ != nullptr) *trace_ << "t=" << now_ms_ << " partition " << sides << "\n";
    Push(SimEvent{.time_ms = now_ms_ + rng_.Range(300, 5000), .kind = SimEvent::Kind::kHeal});
  }
  if (params_.crashes && rng_.Chance(120)) {
    size_t i = rng_.Below(instances_.size());
    if (instances_[i].alive && instances_[i].role != Role::kByzantine) Crash(i);
  }
  Push(SimEvent{.time_ms = now_ms_ + 250, .kind = SimEvent::Kind::kFaultTick});
}

void Simulation::Gst() {
  after_gst_ = true;
  partitioned_ = false;
  for (Instance& inst : instances_) inst.group = 0;
  if (trace_ != nullptr) *trace_ << "t=" << now_ms_ << " GST: network heals, crashed restart\n";
  for (size_t i = 0; i < instances_.size(); ++i) {
    if (!instances_[i].alive && !instances_[i].down_for_good) StartInstance(i);
  }
  uint64_t high = 0;
  for (size_t i = 0; i < instances_.size(); ++i) {
    if (Honest(i)) high = std::max<uint64_t>(high, instances_[i].committed.size() - 1);
  }
  liveness_target_height_ = high + kLivenessBlocks;
  if (stall_bound_) {
    settle_round_ = RoundFrontier() + kStallSettleWindows * reference_schedule_.window_rounds();
  }
}

Round Simulation::RoundFrontier() const {
  Round frontier = 0;
  for (size_t i = 0; i < instances_.size(); ++i) {
    const Instance& inst = instances_[i];
    if (Honest(i) && inst.alive) frontier = std::max(frontier, inst.engine->current_round());
  }
  return frontier;
}

void Simulation::AfterHonestStep(size_t i) {
  if (!stall_bound_ || !after_gst_ || measuring_ || stall_measured_ || done_) return;
  const Instance& inst = instances_[i];
  if (!inst.alive || inst.engine->current_round() < settle_round_) return;
  // Settled: measure from here.
  measuring_ = true;
  stall_start_ms_ = now_ms_;
  stall_start_round_ = RoundFrontier();
  measure_end_ms_ = now_ms_ + kStallMeasureMs;
  if (trace_ != nullptr) {
    *trace_ << "t=" << now_ms_ << " stall bound: settled at round " << stall_start_round_
            << ", measuring until t=" << measure_end_ms_ << "\n";
  }
  Push(SimEvent{.time_ms = measure_end_ms_, .kind = SimEvent::Kind::kStallMeasureEnd});
}

void Simulation::OnFrontierCommit() {
  if (!measuring_) return;
  EndStall(now_ms_);
  stall_start_ms_ = now_ms_;
  stall_start_round_ = RoundFrontier();
}

void Simulation::EndStall(uint64_t end_ms) {
  const uint64_t stall = end_ms - stall_start_ms_;
  result_.longest_stall_ms = std::max(result_.longest_stall_ms, stall);
  if (stall <= kStallBoundMs) return;
  // Excused if the rounds it spanned, or the round after them (whose leader the last one's
  // votes went to), touch a probation rotation of the shipped schedule.
  const Round last = RoundFrontier();
  const uint64_t n = validators_.size();
  for (Round rotation = stall_start_round_ / n; rotation <= (last + 1) / n; ++rotation) {
    if (reference_schedule_.InProbation(rotation * n)) {
      ++result_.excused_stalls;
      return;
    }
  }
  Violation("liveness: commit stall of " + std::to_string(stall) + "ms (rounds " +
            std::to_string(stall_start_round_) + ".." + std::to_string(last) +
            ", no probation rotation) after GST and settling; bound " +
            std::to_string(kStallBoundMs) + "ms (1.5x the base round timeout)");
}

void Simulation::EndStallMeasurement() {
  if (!measuring_) return;
  EndStall(now_ms_);
  measuring_ = false;
  stall_measured_ = true;
  if (done_) return;
  bool all = true;
  for (size_t j = 0; j < instances_.size(); ++j) {
    if (Counted(j) && instances_[j].committed.size() - 1 < liveness_target_height_) all = false;
  }
  if (all) done_ = true;
}

Bytes Simulation::MakePayload(size_t instance, Round round, bool valid, Hash& digest) {
  // "sim1" | proposer u32 | round u64 | nonce u64 | tag 8 (SHA-256 of secret || the rest)
  Bytes p = ToBytes("sim1");
  PutUint32BE(p, instances_[instance].id);
  PutUint64BE(p, round);
  PutUint64BE(p, payload_rng_.Next());
  Sha256Hasher h;
  Hash tag = h.Update(payload_secret_.view()).Update(p).Finish();
  p.insert(p.end(), tag.data(), tag.data() + 8);
  if (!valid) p.back() ^= 0x01;
  digest = Sha256(p);
  return p;
}

bool Simulation::ValidPayload(const Bytes& payload, const Hash& digest) const {
  constexpr size_t kSize = 4 + 4 + 8 + 8 + 8;
  if (payload.size() != kSize || Sha256(payload) != digest) return false;
  if (!std::equal(payload.begin(), payload.begin() + 4, "sim1")) return false;
  Sha256Hasher h;
  Hash tag = h.Update(payload_secret_.view()).Update(ByteView(payload).first(kSize - 8)).Finish();
  return std::equal(tag.data(), tag.data() + 8, payload.end() - 8);
}

std::string Simulation::Describe(const Bytes& bytes) const {
  Result<Message> m = DecodeMessage(bytes);
  if (!m.ok()) return "garbage(" + std::to_string(bytes.size()) + "B)";
  std::ostringstream s;
  if (const auto* p = std::get_if<Proposal>(&*m)) {
    s << "proposal r=" << p->block.round << " h=" << p->block.height
      << " id=" << p->block.ComputeId().ShortHex() << " qc=" << p->block.qc.round
      << (p->tc ? " tc=" + std::to_string(p->tc->round) : "");
  } else if (const auto* v = std::get_if<Vote>(&*m)) {
    s << "vote r=" << v->round << " id=" << v->block_id.ShortHex() << " by v" << v->voter;
  } else if (const auto* t = std::get_if<Timeout>(&*m)) {
    s << "timeout r=" << t->round << " hqc=" << t->high_qc.round << " by v" << t->sender;
  } else if (const auto* q = std::get_if<SyncRequest>(&*m)) {
    s << "sync-request " << q->target.ShortHex() << " above h=" << q->committed_height;
  } else if (const auto* r = std::get_if<SyncResponse>(&*m)) {
    s << "sync-response " << r->blocks.size() << " blocks";
  }
  return s.str();
}

}  // namespace

SimResult RunSimulation(const SimOptions& options, std::ostream* trace) {
  Simulation sim(options, trace);
  return sim.Run();
}

}  // namespace tadori::sim
