// BftValidator with all its threads: four validators in one process, each link delivering
// frames to the receiver's OnFrame on a thread of its own (as the peer network's streams
// do, one per peer), transactions submitted from two threads at once (as gRPC handlers
// do), a validator that was down catching up through the others' sync servers, and frames
// arriving while a validator starts (the daemon's network is up first). `tools/sanitize
// thread` runs these under TSan, where any unguarded access among those threads is a
// reported race; any build checks that the threads together commit everything everywhere.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "chaincode/chaincode.h"
#include "consensus/codec.h"
#include "consensus/ledger_certificate.h"
#include "ledger/check.h"
#include "ledger/store/store.h"
#include "node/validator/admission.h"
#include "node/validator/bft_validator.h"
#include "node/validator/commit_feed.h"
#include "node/validator/mempool.h"
#include "node/validator/peer_transport.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

using Deliver = std::function<void(size_t from, v1::PeerFrame frame)>;

// One direction of one link: frames from `from`, handed to `deliver` in order on the lane's
// own thread. Best effort, as the transport promises: a full lane drops.
class Lane {
 public:
  Lane(size_t from, Deliver deliver) : from_(from), deliver_(std::move(deliver)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Lane() { Stop(); }
  Lane(const Lane&) = delete;
  Lane& operator=(const Lane&) = delete;

  void Push(const v1::PeerFrame& frame) {
    {
      std::lock_guard lock(mu_);
      if (stop_ || queue_.size() >= kFramesMax) return;
      queue_.push_back(frame);
    }
    cv_.notify_one();
  }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  static constexpr size_t kFramesMax = 10'000;

  void Run() {
    for (;;) {
      v1::PeerFrame frame;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        frame = std::move(queue_.front());
        queue_.pop_front();
      }
      deliver_(from_, std::move(frame));
    }
  }

  const size_t from_;
  const Deliver deliver_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<v1::PeerFrame> queue_;
  bool stop_ = false;
  std::thread thread_;
};

// Every validator linked to every other once it is up. A validator that is not up yet is
// as one whose daemon is down: frames to it are dropped and no one counts it connected.
class InProcessNetwork {
 public:
  explicit InProcessNetwork(const std::vector<Deliver>& receivers) : up_(receivers.size()) {
    const size_t n = receivers.size();
    lanes_.resize(n);
    for (size_t from = 0; from < n; ++from) {
      lanes_[from].resize(n);
      for (size_t to = 0; to < n; ++to) {
        if (to != from) lanes_[from][to] = std::make_unique<Lane>(from, receivers[to]);
      }
      transports_.push_back(std::make_unique<Transport>(*this, from));
    }
  }

  PeerTransport& transport(size_t self) { return *transports_[self]; }
  // The daemon's order: its peer network is up (frames arrive) before its validator starts.
  void BringUp(size_t i) { up_[i].store(true); }
  void Stop() {
    for (auto& row : lanes_) {
      for (auto& lane : row) {
        if (lane) lane->Stop();
      }
    }
  }

 private:
  class Transport final : public PeerTransport {
   public:
    Transport(InProcessNetwork& network, size_t self) : network_(network), self_(self) {}
    void Send(size_t to, const v1::PeerFrame& frame) override {
      if (to != self_ && to < network_.lanes_.size() && network_.up_[to].load()) {
        network_.lanes_[self_][to]->Push(frame);
      }
    }
    void Broadcast(const v1::PeerFrame& frame) override {
      for (size_t to = 0; to < network_.lanes_.size(); ++to) Send(to, frame);
    }
    std::vector<size_t> Connected() const override {
      std::vector<size_t> out;
      for (size_t i = 0; i < network_.lanes_.size(); ++i) {
        if (i != self_ && network_.up_[i].load()) out.push_back(i);
      }
      return out;
    }

   private:
    InProcessNetwork& network_;
    const size_t self_;
  };

  std::vector<std::atomic<bool>> up_;
  std::vector<std::vector<std::unique_ptr<Lane>>> lanes_;  // [from][to]
  std::vector<std::unique_ptr<Transport>> transports_;
};

// What tadorid holds for one validator, on a store in a temporary directory.
struct Node {
  Node(const testing::TestNetwork& net, size_t self, const BftValidatorOptions& options)
      : store(Store::Open(dir.path()).value()),
        admission(net.genesis.genesis.chain_id(), *store, mempool) {
    TADORI_CHECK(store->InitGenesis(net.genesis, GenesisState(net.genesis_message).value()).ok());
    validator = std::make_unique<BftValidator>(*store, mempool, feed, net.genesis, self,
                                               net.validator_keys[self], options);
  }

  // As LedgerService::Submit does without waiting: Admission, the mempool, then the relay.
  Result<Hash> Submit(const v1::SignedTransaction& tx) {
    TADORI_ASSIGN_OR_RETURN(DecodedTransaction admitted, admission.Check(tx));
    const Hash id = admitted.id;
    TADORI_RETURN_IF_ERROR(mempool.Add(std::move(admitted)));
    validator->OnAdmitted(tx);
    return id;
  }

  bool HasCommitted(const std::vector<Hash>& ids) const {
    for (const Hash& id : ids) {
      if (!store->FindTransaction(id).ok()) return false;
    }
    return true;
  }

  testing::TempDir dir;
  std::unique_ptr<Store> store;
  Mempool mempool;
  CommitFeed feed{0};
  Admission admission;
  std::unique_ptr<BftValidator> validator;  // declared last: goes before what it refers to
};

class BftValidatorThreadsTest : public ::testing::Test {
 protected:
  static constexpr size_t kValidators = 4;
  static constexpr size_t kSubmitters = 2;
  static constexpr size_t kTxsPerSubmitter = 15;
  // Generous: TSan slows these threads several times over; a healthy run takes seconds.
  static constexpr auto kCommitDeadline = std::chrono::seconds(90);

  BftValidatorThreadsTest() : net_(testing::MakeNetwork(kValidators, "bft-threads")) {
    BftValidatorOptions options;
    options.validator.round_timeout_ms = 500;
    std::vector<Deliver> receivers;
    for (size_t i = 0; i < kValidators; ++i) {
      nodes_.push_back(std::make_unique<Node>(net_, i, options));
      BftValidator* v = nodes_.back()->validator.get();
      receivers.push_back([v](size_t from, v1::PeerFrame f) { v->OnFrame(from, std::move(f)); });
    }
    network_ = std::make_unique<InProcessNetwork>(receivers);
  }

  // The daemon's order: the validators stop first (no more sends), then the links.
  ~BftValidatorThreadsTest() override {
    for (auto& node : nodes_) node->validator->Stop();
    network_->Stop();
  }

  void Start(size_t i) {
    network_->BringUp(i);
    Status started = nodes_[i]->validator->Start(network_->transport(i));
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  // kSubmitters threads submit kTxsPerSubmitter transactions each to validator `to`, at
  // once; returns their ids.
  std::vector<Hash> SubmitConcurrently(size_t to, const std::string& tag) {
    std::vector<std::vector<Hash>> ids(kSubmitters);
    std::vector<std::string> errors(kSubmitters);
    std::vector<std::thread> submitters;
    Node& node = *nodes_[to];
    for (size_t s = 0; s < kSubmitters; ++s) {
      submitters.emplace_back([&, s] {
        for (size_t k = 0; k < kTxsPerSubmitter; ++k) {
          const std::string lot = tag + "-" + std::to_string(s) + "-" + std::to_string(k);
          const v1::SignedTransaction tx =
              SignTransaction(testing::CreateLotBody(net_.genesis.genesis.chain_id(),
                                                     node.store->Height() + 100, lot),
                              net_.admin);
          Result<Hash> id = node.Submit(tx);
          if (!id.ok()) {
            errors[s] = lot + ": " + id.status().ToString();
            return;
          }
          ids[s].push_back(*id);
        }
      });
    }
    for (std::thread& t : submitters) t.join();
    std::vector<Hash> all;
    for (size_t s = 0; s < kSubmitters; ++s) {
      EXPECT_EQ(errors[s], "");
      all.insert(all.end(), ids[s].begin(), ids[s].end());
    }
    return all;
  }

  // Waits until each of `which` has committed every id; false at the deadline.
  bool AwaitCommitted(const std::vector<size_t>& which, const std::vector<Hash>& ids) {
    const auto deadline = std::chrono::steady_clock::now() + kCommitDeadline;
    while (std::chrono::steady_clock::now() < deadline) {
      bool all = true;
      for (size_t i : which) all = all && nodes_[i]->HasCommitted(ids);
      if (all) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::string Heights() const {
    std::string out;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const BftValidator::Stats s = nodes_[i]->validator->stats();
      out += " v" + std::to_string(i) + ": height " + std::to_string(nodes_[i]->store->Height()) +
             " round " + std::to_string(s.core.round) + " syncing " +
             std::to_string(s.core.syncing) + " gossip admitted " +
             std::to_string(s.gossip_admitted) + " sync served " + std::to_string(s.sync_served) +
             " failure " + nodes_[i]->validator->failure().ToString() + ";";
    }
    return out;
  }

  testing::TestNetwork net_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::unique_ptr<InProcessNetwork> network_;
};

TEST_F(BftValidatorThreadsTest, CommitsOnEveryValidatorIncludingOneThatStartsLate) {
  // Three of four are a quorum: they commit while the fourth is down.
  for (size_t i = 0; i < 3; ++i) ASSERT_NO_FATAL_FAILURE(Start(i));
  const std::vector<Hash> early = SubmitConcurrently(0, "early");
  ASSERT_EQ(early.size(), kSubmitters * kTxsPerSubmitter);
  ASSERT_TRUE(AwaitCommitted({0, 1, 2}, early)) << Heights();

  // The late one catches up through the others' sync servers, and takes part from then on.
  ASSERT_NO_FATAL_FAILURE(Start(3));
  const std::vector<Hash> late = SubmitConcurrently(1, "late");
  ASSERT_EQ(late.size(), kSubmitters * kTxsPerSubmitter);
  EXPECT_TRUE(AwaitCommitted({0, 1, 2, 3}, late)) << Heights();
  EXPECT_TRUE(AwaitCommitted({3}, early)) << Heights();

  for (size_t i = 0; i < kValidators; ++i) {
    EXPECT_TRUE(nodes_[i]->validator->failure().ok())
        << "v" << i << ": " << nodes_[i]->validator->failure().ToString();
  }
  // The transactions reached the others by relay (their own Admission), not by submission,
  // and the late one fetched the blocks it missed from the others' sync servers.
  EXPECT_GT(nodes_[2]->validator->stats().gossip_admitted, 0u) << Heights();
  uint64_t served = 0;
  for (size_t i = 0; i < 3; ++i) served += nodes_[i]->validator->stats().sync_served;
  EXPECT_GT(served, 0u) << Heights();
}

// The daemon starts its peer network before its validator, so frames reach OnFrame while
// Start runs. Sync requests that arrive before the sync server exists are dropped (the peer
// asks again); from then on they are served. Under TSan, OnFrame's look at the sync server
// must not race with Start creating it.
TEST_F(BftValidatorThreadsTest, SyncRequestsArrivingWhileItStartsAreServedOnceStarted) {
  consensus::SyncRequest request;
  request.target = consensus::ConsensusGenesis(net_.genesis).ComputeId();
  const Bytes encoded = consensus::EncodeMessage(request);
  v1::PeerFrame frame;
  frame.set_consensus(std::string(encoded.begin(), encoded.end()));

  // Relaxed on purpose: the sender must not synchronise with this thread, as a network
  // thread does not synchronise with the daemon's main thread.
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> sent{0};
  BftValidator& validator = *nodes_[0]->validator;
  std::thread sender([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      validator.OnFrame(1, frame);
      sent.fetch_add(1, std::memory_order_relaxed);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  while (sent.load(std::memory_order_relaxed) < 10) std::this_thread::yield();
  Start(0);  // on failure, carries on to stop the sender

  const auto deadline = std::chrono::steady_clock::now() + kCommitDeadline;
  while (validator.stats().sync_served == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop.store(true, std::memory_order_relaxed);
  sender.join();
  EXPECT_GT(validator.stats().sync_served, 0u) << Heights();
  EXPECT_TRUE(validator.failure().ok()) << validator.failure().ToString();
}

}  // namespace
}  // namespace tadori
