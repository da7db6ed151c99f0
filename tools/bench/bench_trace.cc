// tadori-bench-trace: builds a 10-tier supply network through the real chaincode and store,
// then measures trace back / trace forward latency over it (a program that prints figures,
// never a test).
//
// The network: 40 organisations, 4 per tier (tier 1 producers, tiers 2-10 processors), one
// product per tier, all on the FSMA 204 Food Traceability List so every event carries and is
// checked for its key data elements. One "lineage" is 28 events: a tier-1 farm harvests two
// lots (1 event); then, for each tier 2..10, the previous holder ships both lots to a random
// organisation of the next tier (1), that organisation receives them (1) and transforms half
// of each, plus with probability 1/4 some of a lot left over from an earlier lineage (mixing
// lineages, as kitchens do), into two new lots (1). The stream of lineages is cut into blocks
// of --block-txs transactions, each signed by its organisation's admin (P-256), executed by
// node/executor (chaincode Execute) and committed with Store::CommitBlock with sync=false
// (unsynced, to keep a million events practical; a synced commit adds one fsync per block).
//
// Reported: events executed per second (execute + commit, signing excluded and shown apart),
// then p50/p99/max latency of TraceBack from --queries random tier-10 lots and TraceForward
// from random tier-1 lots, each on a fresh Store::Snapshot as the gRPC service does, at the
// default depth (10).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "chaincode/chaincode.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/rfc3339.h"
#include "ledger/store/store.h"
#include "ledger/transaction.h"
#include "node/query/trace_query.h"
#include "node/validator/executor.h"

namespace tadori {
namespace {

constexpr int kTiers = 10;
constexpr int kOrgsPerTier = 4;
constexpr int64_t kLotMilli = 1'000'000;
constexpr int64_t kMixMilli = 100'000;
constexpr int64_t kBaseTimeMs = 1'795'122'000'000;  // 2026-11-19T21:00:00Z
constexpr char kChainId[] = "bench-trace";

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string Gln(const std::string& org) {
  return "urn:epc:id:sgln:4912345." + org + ".0";
}

std::string Gtin(int tier) {
  return "0491234500" + std::to_string(1000 + tier);
}

struct Org {
  std::string id;
  PrivateKey admin;
  // Lots this org holds with what is left of them: candidates for mixing into later lineages.
  std::vector<std::pair<std::string, int64_t>> leftovers;
};

struct PendingTx {
  int org;  // index into the org table
  v1::TransactionBody body;
};

v1::QuantityElement Element(const std::string& lot, int tier, int64_t milli) {
  v1::QuantityElement e;
  e.set_lot_code(lot);
  e.set_product(Gtin(tier));
  e.set_quantity_milli(milli);
  e.set_unit("KGM");
  return e;
}

void AddParty(google::protobuf::RepeatedPtrField<v1::PartyRef>* list, const char* type,
              const std::string& id) {
  v1::PartyRef* p = list->Add();
  p->set_type(type);
  p->set_id(id);
}

// Generates the transaction stream of the network, one lineage at a time, keeping track of
// what every organisation holds so that every transaction is one the chaincode accepts.
class SupplyNetwork {
 public:
  explicit SupplyNetwork(uint64_t seed) : rng_(seed) {
    for (int tier = 1; tier <= kTiers; ++tier) {
      for (int i = 0; i < kOrgsPerTier; ++i) {
        std::string id = "t" + std::to_string(tier) + "-" + std::to_string(i);
        orgs_.push_back(Org{id, PrivateKey::Generate(KeyType::kP256).value(), {}});
      }
    }
  }

  v1::Genesis Genesis(const PrivateKey& validator) const {
    v1::Genesis g;
    g.set_chain_id(kChainId);
    g.set_genesis_time_ms(kBaseTimeMs);
    for (size_t i = 0; i < orgs_.size(); ++i) {
      v1::Organization* org = g.add_organizations();
      org->set_id(orgs_[i].id);
      org->set_name(orgs_[i].id);
      org->add_roles(i < kOrgsPerTier ? "producer" : "processor");
      org->add_admin_public_keys(orgs_[i].admin.public_key().ToPem());
    }
    v1::Validator* v = g.add_validators();
    v->set_id("v0");
    v->set_org_id(orgs_[0].id);
    v->set_consensus_public_key(validator.public_key().ToPem());
    v->set_address("127.0.0.1:7000");
    return g;
  }

  // One product per tier, registered by the tier's first organisation.
  std::vector<PendingTx> Products() const {
    std::vector<PendingTx> out;
    for (int tier = 1; tier <= kTiers; ++tier) {
      v1::TransactionBody body;
      v1::RegisterProduct* p = body.mutable_register_product();
      p->set_gtin(Gtin(tier));
      p->set_description("tier " + std::to_string(tier) + " product");
      p->set_on_food_traceability_list(true);
      v1::StorageRange* cold = p->add_storage();
      cold->set_sensor_type("temperature");
      cold->set_min_milli(0);
      cold->set_max_milli(5'000);
      cold->set_unit("CEL");
      out.push_back({(tier - 1) * kOrgsPerTier, std::move(body)});
    }
    return out;
  }

  // Appends one lineage (28 events) to `out`.
  void Lineage(std::vector<PendingTx>& out) {
    const uint64_t n = lineages_++;
    int holder = PickOrg(1);
    std::vector<std::string> lots = {"L" + std::to_string(n) + "-1a",
                                     "L" + std::to_string(n) + "-1b"};
    out.push_back({holder, Harvest(holder, lots)});
    first_tier_lots_.insert(first_tier_lots_.end(), lots.begin(), lots.end());
    for (int tier = 2; tier <= kTiers; ++tier) {
      const int next = PickOrg(tier);
      out.push_back({holder, Ship(holder, next, lots, tier - 1)});
      out.push_back({next, Receive(next, holder, lots, tier - 1)});
      std::vector<std::string> outputs = {
          "L" + std::to_string(n) + "-" + std::to_string(tier) + "a",
          "L" + std::to_string(n) + "-" + std::to_string(tier) + "b"};
      out.push_back({next, Transform(next, lots, tier, outputs)});
      holder = next;
      lots = std::move(outputs);
    }
    last_tier_lots_.insert(last_tier_lots_.end(), lots.begin(), lots.end());
  }

  static constexpr uint64_t kEventsPerLineage = 1 + 3 * (kTiers - 1);

  const Org& org(int i) const { return orgs_[i]; }
  const std::vector<std::string>& first_tier_lots() const { return first_tier_lots_; }
  const std::vector<std::string>& last_tier_lots() const { return last_tier_lots_; }
  // The time of the latest event generated so far (each event is a second after the last).
  int64_t LatestEventTimeMs() const { return kBaseTimeMs + static_cast<int64_t>(clock_) * 1000; }
  std::mt19937_64& rng() { return rng_; }

 private:
  int PickOrg(int tier) {
    return (tier - 1) * kOrgsPerTier + static_cast<int>(rng_() % kOrgsPerTier);
  }

  v1::EpcisEvent Base(v1::EventType type, v1::EventAction action, const char* biz_step,
                      const std::string& org) {
    v1::EpcisEvent e;
    e.set_type(type);
    e.set_action(action);
    e.set_biz_step(biz_step);
    e.set_event_time(FormatRfc3339Ms(kBaseTimeMs + static_cast<int64_t>(clock_++) * 1000, 9 * 60));
    e.set_event_time_zone_offset("+09:00");
    e.set_read_point(Gln(org));
    e.set_biz_location(Gln(org));
    v1::BizTransaction* doc = e.add_biz_transaction_list();
    doc->set_type("desadv");
    doc->set_id("DOC-" + std::to_string(clock_));
    return e;
  }

  static v1::TransactionBody Wrap(v1::EpcisEvent e) {
    v1::TransactionBody body;
    *body.mutable_record_event()->mutable_event() = std::move(e);
    return body;
  }

  v1::TransactionBody Harvest(int org, const std::vector<std::string>& lots) {
    v1::EpcisEvent e = Base(v1::OBJECT_EVENT, v1::ADD, "harvesting", orgs_[org].id);
    for (const std::string& lot : lots) *e.add_quantity_list() = Element(lot, 1, kLotMilli);
    e.mutable_ilmd()->set_harvest_date("2026-11-19");
    e.mutable_ilmd()->set_harvest_location(Gln(orgs_[org].id));
    return Wrap(std::move(e));
  }

  v1::TransactionBody Ship(int from, int to, const std::vector<std::string>& lots, int tier) {
    v1::EpcisEvent e = Base(v1::OBJECT_EVENT, v1::OBSERVE, "shipping", orgs_[from].id);
    for (const std::string& lot : lots) *e.add_quantity_list() = Element(lot, tier, kLotMilli);
    AddParty(e.mutable_source_list(), "owning_party", orgs_[from].id);
    AddParty(e.mutable_source_list(), "location", Gln(orgs_[from].id));
    AddParty(e.mutable_destination_list(), "owning_party", orgs_[to].id);
    AddParty(e.mutable_destination_list(), "location", Gln(orgs_[to].id));
    return Wrap(std::move(e));
  }

  v1::TransactionBody Receive(int to, int from, const std::vector<std::string>& lots, int tier) {
    v1::EpcisEvent e = Base(v1::OBJECT_EVENT, v1::OBSERVE, "receiving", orgs_[to].id);
    for (const std::string& lot : lots) *e.add_quantity_list() = Element(lot, tier, kLotMilli);
    AddParty(e.mutable_source_list(), "owning_party", orgs_[from].id);
    AddParty(e.mutable_source_list(), "location", Gln(orgs_[from].id));
    AddParty(e.mutable_destination_list(), "owning_party", orgs_[to].id);
    AddParty(e.mutable_destination_list(), "location", Gln(orgs_[to].id));
    return Wrap(std::move(e));
  }

  // `org` (of `tier`) turns half of each received lot, and maybe some of a leftover from an
  // earlier lineage, into `outputs`.
  v1::TransactionBody Transform(int org, const std::vector<std::string>& inputs, int tier,
                                const std::vector<std::string>& outputs) {
    v1::EpcisEvent e =
        Base(v1::TRANSFORMATION_EVENT, v1::EVENT_ACTION_UNSPECIFIED, "transforming", orgs_[org].id);
    for (const std::string& lot : inputs) {
      *e.add_input_quantity_list() = Element(lot, tier - 1, kLotMilli / 2);
    }
    auto& leftovers = orgs_[org].leftovers;
    if (!leftovers.empty() && rng_() % 4 == 0) {
      const size_t pick = rng_() % leftovers.size();
      auto& [lot, left] = leftovers[pick];
      *e.add_input_quantity_list() = Element(lot, tier - 1, kMixMilli);
      left -= kMixMilli;
      if (left < kMixMilli) {
        leftovers[pick] = std::move(leftovers.back());
        leftovers.pop_back();
      }
    }
    for (const std::string& lot : inputs) leftovers.emplace_back(lot, kLotMilli / 2);
    for (const std::string& lot : outputs)
      *e.add_output_quantity_list() = Element(lot, tier, kLotMilli);
    e.mutable_ilmd()->set_tlc_source(Gln(orgs_[org].id));
    return Wrap(std::move(e));
  }

  std::mt19937_64 rng_;
  std::vector<Org> orgs_;
  uint64_t lineages_ = 0;
  uint64_t clock_ = 0;
  std::vector<std::string> first_tier_lots_;
  std::vector<std::string> last_tier_lots_;
};

struct Timings {
  Clock::duration sign{};
  Clock::duration execute{};
  Clock::duration commit{};
};

// Signs, executes and commits one block of `txs`; every transaction must be accepted.
void CommitBlock(Store& store, const SupplyNetwork& net, const PrivateKey& validator,
                 std::vector<PendingTx>& txs, Timings& t) {
  const auto t0 = Clock::now();
  const Store::Head head = store.head();
  BlockDraft draft = DraftOnHead(head, kChainId, validator.public_key().id());
  // After every event it carries: chaincode refuses events later than their block's time.
  draft.timestamp_ms = net.LatestEventTimeMs() + static_cast<int64_t>(draft.height) * 100;
  for (PendingTx& tx : txs) {
    tx.body.set_chain_id(kChainId);
    tx.body.set_nonce(ToString(NewNonce()));
    tx.body.set_valid_until_height(draft.height + 100);
    tx.body.set_created_at_ms(draft.timestamp_ms);
    draft.txs.push_back(DecodeTransaction(SignTransaction(tx.body, net.org(tx.org).admin)).value());
  }
  DecodedBlock block = BuildBlock(draft);
  SignBlock(block, validator);
  const auto t1 = Clock::now();
  Result<ExecutedBlock> executed =
      ExecuteBlock(store.state(), draft.height, draft.timestamp_ms, block.txs);
  TADORI_CHECK(executed.ok());
  for (int i = 0; i < executed->results.results_size(); ++i) {
    const v1::TxResult& r = executed->results.results(i);
    if (r.code() != 0) {
      std::fprintf(stderr, "block %llu tx %d refused: %s\n",
                   static_cast<unsigned long long>(draft.height), i, r.message().c_str());
      std::exit(1);
    }
  }
  const auto t2 = Clock::now();
  Status s = store.CommitBlock(block, executed->results, executed->writes, executed->index,
                               /*sync=*/false);
  TADORI_CHECK(s.ok());
  const auto t3 = Clock::now();
  t.sign += t1 - t0;
  t.execute += t2 - t1;
  t.commit += t3 - t2;
  txs.clear();
}

// Executes (without committing) the first transactions of the stream as one small block and
// checks that the executor hands back a bounded number of index entries per transaction: an
// executor that duplicated entries across the transactions of a block would exhaust memory
// on a full block, so the bench stops here with a message instead.
bool ProbeExecutor(const Store& store, const SupplyNetwork& net,
                   const std::vector<PendingTx>& txs) {
  constexpr size_t kProbeTxs = 8;
  constexpr size_t kIndexEntriesPerEventMax = 16;  // an event of two lots writes about 9
  std::vector<DecodedTransaction> decoded;
  for (size_t i = 0; i < kProbeTxs && i < txs.size(); ++i) {
    v1::TransactionBody body = txs[i].body;
    body.set_chain_id(kChainId);
    body.set_nonce(ToString(NewNonce()));
    body.set_valid_until_height(store.Height() + 100);
    decoded.push_back(DecodeTransaction(SignTransaction(body, net.org(txs[i].org).admin)).value());
  }
  Result<ExecutedBlock> executed =
      ExecuteBlock(store.state(), store.Height() + 1, net.LatestEventTimeMs(), decoded);
  TADORI_CHECK(executed.ok());
  if (executed->index.size() > decoded.size() * kIndexEntriesPerEventMax) {
    std::fprintf(stderr,
                 "executor returned %zu index entries for %zu transactions: entries are being "
                 "duplicated across a block (node/executor.cc must build each transaction's "
                 "view over the block view, not copy it); not running\n",
                 executed->index.size(), decoded.size());
    return false;
  }
  return true;
}

struct Latency {
  std::vector<double> ms;      // wall clock
  std::vector<double> cpu_ms;  // this thread's CPU time: the same work without waiting for
                               // a core, which on a shared machine is most of the tail
  size_t nodes = 0;
  size_t truncated = 0;
};

double ThreadCpuMs() {
  timespec ts{};
  TADORI_CHECK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void Print(const char* name, Latency& l) {
  const size_t n = l.ms.size();
  if (n == 0) return;
  std::sort(l.ms.begin(), l.ms.end());
  std::sort(l.cpu_ms.begin(), l.cpu_ms.end());
  auto p = [n](const std::vector<double>& v, size_t pct) {
    return v[std::min(n - 1, n * pct / 100)];
  };
  std::printf("  %-14s %6zu queries  wall p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", name, n,
              p(l.ms, 50), p(l.ms, 99), l.ms.back());
  std::printf(
      "  %-14s %6s          cpu  p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms  "
      "avg %.1f nodes, %zu truncated\n",
      "", "", p(l.cpu_ms, 50), p(l.cpu_ms, 99), l.cpu_ms.back(),
      static_cast<double>(l.nodes) / static_cast<double>(n), l.truncated);
}

template <typename Query>
Latency Measure(const Store& store, const std::vector<std::string>& lots, size_t queries,
                std::mt19937_64& rng, Query query) {
  Latency l;
  for (size_t q = 0; q < queries && !lots.empty(); ++q) {
    v1::TraceRequest req;
    req.set_lot_code(lots[rng() % lots.size()]);
    const double cpu_start = ThreadCpuMs();
    const auto start = Clock::now();
    auto snapshot = store.NewSnapshot();
    TADORI_CHECK(snapshot.ok());
    Result<v1::TraceGraph> graph = query(**snapshot, req);
    const auto end = Clock::now();
    const double cpu_end = ThreadCpuMs();
    TADORI_CHECK(graph.ok());
    l.ms.push_back(Seconds(end - start) * 1000);
    l.cpu_ms.push_back(cpu_end - cpu_start);
    l.nodes += graph->nodes_size();
    if (graph->truncated()) ++l.truncated;
  }
  return l;
}

// Measures the traces on a network an earlier run left in `dir` (--keep): the generator is
// replayed without executing anything, to learn the lot codes of the first and last tiers.
int QueryExisting(uint64_t events_target, size_t queries, uint64_t seed, const std::string& dir) {
  SupplyNetwork net(seed);
  std::vector<PendingTx> scratch;
  uint64_t events = 0;
  while (events < events_target) {
    net.Lineage(scratch);
    scratch.clear();
    events += SupplyNetwork::kEventsPerLineage;
  }
  std::unique_ptr<Store> store = Store::Open(dir, /*create_if_missing=*/false).value();
  std::mt19937_64 rng(seed + 1);
  Latency back = Measure(*store, net.last_tier_lots(), queries, rng, TraceBack);
  Latency fwd = Measure(*store, net.first_tier_lots(), queries, rng, TraceForward);
  std::printf("trace latency at %llu events, height %llu (existing data in %s):\n",
              static_cast<unsigned long long>(events),
              static_cast<unsigned long long>(store->Height()), dir.c_str());
  Print("trace back", back);
  Print("trace forward", fwd);
  return 0;
}

int Run(uint64_t events_target, size_t block_txs, size_t queries, uint64_t seed,
        const std::string& dir, bool keep) {
  std::filesystem::remove_all(dir);
  SupplyNetwork net(seed);
  const PrivateKey validator = PrivateKey::Generate(KeyType::kP256).value();
  const v1::Genesis g = net.Genesis(validator);
  const GenesisInfo genesis = SealGenesis(g).value();
  std::unique_ptr<Store> store = Store::Open(dir).value();
  TADORI_CHECK(store->InitGenesis(genesis, GenesisState(g).value()).ok());

  Timings t;
  std::vector<PendingTx> pending = net.Products();
  CommitBlock(*store, net, validator, pending, t);
  t = Timings{};

  std::printf(
      "tadori-bench-trace: %d tiers x %d orgs, %llu events target, %zu tx/block, "
      "unsynced commits, data in %s\n",
      kTiers, kOrgsPerTier, static_cast<unsigned long long>(events_target), block_txs, dir.c_str());
  uint64_t events = 0;
  uint64_t next_report = events_target / 10;
  {
    std::vector<PendingTx> first;
    SupplyNetwork replica(seed);  // same stream, so the probe does not consume `net`'s state
    replica.Lineage(first);
    if (!ProbeExecutor(*store, net, first)) {
      store.reset();
      std::filesystem::remove_all(dir);
      return 1;
    }
  }
  const auto start = Clock::now();
  while (events < events_target) {
    net.Lineage(pending);
    events += SupplyNetwork::kEventsPerLineage;
    if (pending.size() >= block_txs || events >= events_target) {
      // Full blocks; a lineage may span two blocks (its transactions stay in order).
      while (pending.size() >= block_txs || (events >= events_target && !pending.empty())) {
        const size_t take = std::min(block_txs, pending.size());
        std::vector<PendingTx> block(std::make_move_iterator(pending.begin()),
                                     std::make_move_iterator(pending.begin() + take));
        pending.erase(pending.begin(), pending.begin() + take);
        CommitBlock(*store, net, validator, block, t);
      }
    }
    if (events >= next_report && next_report > 0) {
      std::printf("  %9llu events, height %llu, %.0f s\n", static_cast<unsigned long long>(events),
                  static_cast<unsigned long long>(store->Height()), Seconds(Clock::now() - start));
      std::fflush(stdout);
      next_report += events_target / 10;
    }
  }
  const double wall = Seconds(Clock::now() - start);
  const double exec = Seconds(t.execute);
  const double commit = Seconds(t.commit);
  std::printf("built %llu events (%zu lots) in %llu blocks, %.1f s wall\n",
              static_cast<unsigned long long>(events), net.first_tier_lots().size() * kTiers,
              static_cast<unsigned long long>(store->Height()), wall);
  std::printf("  execute+commit %.1f s: %.0f events/s  (execute %.1f s, commit %.1f s)\n",
              exec + commit, events / (exec + commit), exec, commit);
  std::printf("  build+sign     %.1f s (client side, not in the figure above)\n", Seconds(t.sign));

  std::mt19937_64 rng(seed + 1);
  Latency back = Measure(*store, net.last_tier_lots(), queries, rng, TraceBack);
  Latency fwd = Measure(*store, net.first_tier_lots(), queries, rng, TraceForward);
  std::printf("trace latency at %llu events (fresh snapshot per query, depth 10):\n",
              static_cast<unsigned long long>(events));
  Print("trace back", back);
  Print("trace forward", fwd);
  std::printf("  bar: trace back p99 < 5 ms at 1M events (IBM Food Trust mango trace: 2.2 s)\n");
  store.reset();
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace tadori

int main(int argc, char** argv) {
  uint64_t events = 1'000'000;
  size_t block_txs = 1000;
  size_t queries = 1000;
  uint64_t seed = 1;
  std::string dir = "/tmp/tadori-bench-trace-" + std::to_string(::getpid());
  bool keep = false;
  bool existing = false;
  CLI::App app{
      "tadori-bench-trace: a 10-tier supply network through chaincode and store, "
      "then trace latency"};
  app.add_option("--events", events, "events to record")->check(CLI::Range(28, 100'000'000));
  app.add_option("--block-txs", block_txs, "transactions per block")->check(CLI::Range(1, 10'000));
  app.add_option("--queries", queries, "trace queries of each direction");
  app.add_option("--seed", seed, "network and sampling seed");
  app.add_option("--dir", dir, "data directory (removed first)");
  app.add_flag("--keep", keep, "keep the data directory");
  app.add_flag("--existing", existing,
               "only measure traces on the network a --keep run with the same --events, "
               "--seed and --dir left");
  CLI11_PARSE(app, argc, argv);
  if (existing) return tadori::QueryExisting(events, queries, seed, dir);
  return tadori::Run(events, block_txs, queries, seed, dir, keep);
}
