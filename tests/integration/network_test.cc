// A 4-validator BFT network of real tadorid processes on 127.0.0.1: real mutual TLS, real
// LevelDB, real kill -9. Each test builds its own consortium on free ports.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "consensus/codec.h"
#include "consensus/ledger_certificate.h"
#include "ledger/block.h"
#include "ledger/files.h"
#include "node/net/peer_network.h"
#include "tests/integration/cluster.h"
#include "tools/cli/render.h"
#include "tools/client/transaction_builder.h"
#include "tools/loadgen/workload.h"

namespace tadori::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Polls `condition` every 100 ms until it holds or `timeout_ms` passes.
template <typename F>
bool Eventually(F condition, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

grpc::Status SubmitRequest(v1::Ledger::Stub& stub, const v1::SubmitRequest& request,
                           v1::SubmitResponse* response) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return stub.Submit(&ctx, request, response);
}

// Registers the load generator's product (signed by the farm, a producer) and returns
// `count` pre-signed harvesting events that each create a new lot.
loadgen::Workload Harvests(Cluster& cluster, uint64_t count, bool wait_for_commit) {
  auto stub = cluster.node(0).Stub();
  const PrivateKey farm = cluster.AdminKey(0);
  auto product = client::PrepareTransaction(*stub, loadgen::LoadgenProductPayload(), farm);
  EXPECT_TRUE(product.ok());
  v1::SubmitRequest req;
  *req.mutable_tx() = *product;
  req.set_wait_for_commit(true);
  v1::SubmitResponse resp;
  grpc::Status s = SubmitRequest(*stub, req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.result().code(), 0u) << resp.result().message();
  auto head = client::FetchChainHead(*stub);
  EXPECT_TRUE(head.ok());
  loadgen::Workload w = loadgen::PresignHarvests(*head, farm, count, "net-",
                                                 loadgen::kLoadgenProductGtin, 1'000, 20'000);
  for (v1::SubmitRequest& r : w.requests) r.set_wait_for_commit(wait_for_commit);
  return w;
}

// Sends requests [from, to) of `w`, request i to node targets[i % targets.size()], from
// `threads` threads. Returns the indices whose Submit succeeded (committed when waiting).
std::vector<size_t> SubmitAll(Cluster& cluster, const loadgen::Workload& w, size_t from, size_t to,
                              const std::vector<size_t>& targets, size_t threads,
                              const std::atomic<bool>* stop = nullptr) {
  std::mutex mu;
  std::vector<size_t> accepted;
  std::atomic<size_t> next{from};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::vector<std::unique_ptr<v1::Ledger::Stub>> stubs;
      for (size_t target : targets) stubs.push_back(cluster.node(target).Stub());
      for (;;) {
        if (stop != nullptr && stop->load()) return;
        const size_t i = next.fetch_add(1);
        if (i >= to) return;
        v1::SubmitResponse resp;
        const size_t which = (i + t) % targets.size();
        grpc::Status s = SubmitRequest(*stubs[which], w.requests[i], &resp);
        if (s.ok() && (!w.requests[i].wait_for_commit() || resp.committed())) {
          std::lock_guard lock(mu);
          accepted.push_back(i);
        }
      }
    });
  }
  for (std::thread& th : pool) th.join();
  return accepted;
}

Result<v1::GetBlockResponse> BlockAt(Cluster& cluster, size_t node, uint64_t height) {
  auto stub = cluster.node(node).Stub();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::GetBlockRequest req;
  req.set_height(height);
  v1::GetBlockResponse resp;
  grpc::Status s = stub->GetBlock(&ctx, req, &resp);
  if (!s.ok()) return Status::Unavailable(s.error_message());
  return resp;
}

// Every node in `which` holds the same block at every height 1..height, each with a
// certificate that verifies against the genesis.
void ExpectSameChain(Cluster& cluster, const std::vector<size_t>& which, uint64_t height) {
  for (uint64_t h = 1; h <= height; ++h) {
    std::string first_hash;
    for (size_t n : which) {
      auto block = BlockAt(cluster, n, h);
      ASSERT_TRUE(block.ok()) << "node " << n << " height " << h << ": "
                              << block.status().ToString();
      if (first_hash.empty()) {
        first_hash = block->hash();
        auto decoded = DecodeBlock(block->block());
        ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
        Status agreed = consensus::VerifyLedgerCertificate(*decoded, cluster.genesis());
        ASSERT_TRUE(agreed.ok()) << "height " << h << ": " << agreed.ToString();
      } else {
        ASSERT_EQ(block->hash(), first_hash) << "node " << n << " differs at height " << h;
      }
    }
  }
}

bool Committed(Cluster& cluster, size_t node, const Hash& id) {
  auto stub = cluster.node(node).Stub();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetTransactionRequest req;
  req.set_tx_id(id.ToBinaryString());
  v1::GetTransactionResponse resp;
  return stub->GetTransaction(&ctx, req, &resp).ok();
}

TEST(NetworkTest, FourValidatorsCommitTenThousandTransactionsAndAgree) {
  Cluster cluster(4);
  ASSERT_TRUE(cluster.StartAll());
  constexpr size_t kCount = 10'000;
  loadgen::Workload w = Harvests(cluster, kCount, /*wait_for_commit=*/false);
  std::vector<size_t> accepted = SubmitAll(cluster, w, 0, kCount, {0, 1, 2, 3}, 8);
  ASSERT_EQ(accepted.size(), kCount);
  // All of them commit: the last of each node's share is enough to wait on, then check all.
  ASSERT_TRUE(Eventually(
      [&] {
        for (size_t i = kCount - 8; i < kCount; ++i) {
          if (!Committed(cluster, 0, w.ids[i])) return false;
        }
        return true;
      },
      120'000));
  size_t committed = 0;
  for (size_t i = 0; i < kCount; ++i) committed += Committed(cluster, i % 4, w.ids[i]) ? 1 : 0;
  EXPECT_EQ(committed, kCount);
  const uint64_t height = cluster.Height(0);
  ASSERT_TRUE(cluster.WaitForHeightWithTraffic({0, 1, 2, 3}, height, 30'000));
  ExpectSameChain(cluster, {0, 1, 2, 3}, height);
}

TEST(NetworkTest, KilledValidatorCatchesUpAndNothingAcknowledgedIsLost) {
  Cluster cluster(4);
  ASSERT_TRUE(cluster.StartAll());
  constexpr size_t kCount = 3'000;
  loadgen::Workload w = Harvests(cluster, kCount, /*wait_for_commit=*/true);
  std::atomic<bool> stop{false};
  std::vector<size_t> acknowledged;
  std::thread load([&] { acknowledged = SubmitAll(cluster, w, 0, kCount, {0, 1, 2}, 16, &stop); });
  ASSERT_TRUE(Eventually([&] { return cluster.Height(0) >= 5; }, 30'000));
  cluster.Kill(3);
  const uint64_t at_kill = cluster.Height(0);
  // The three others keep committing without it.
  EXPECT_TRUE(cluster.WaitForHeightWithTraffic({0, 1, 2}, at_kill + 10, 30'000));
  ASSERT_TRUE(cluster.Start(3));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  stop = true;
  load.join();
  ASSERT_FALSE(acknowledged.empty());
  const uint64_t height = cluster.Height(0);
  ASSERT_TRUE(cluster.WaitForHeightWithTraffic({0, 1, 2, 3}, height, 60'000));
  ExpectSameChain(cluster, {0, 3}, height);
  for (size_t i : acknowledged) {
    ASSERT_TRUE(Committed(cluster, 3, w.ids[i])) << "acknowledged tx " << i << " missing";
  }
}

TEST(NetworkTest, TwoOfFourStoppedHaltsAndRestartResumes) {
  Cluster cluster(4);
  ASSERT_TRUE(cluster.StartAll());
  loadgen::Workload w = Harvests(cluster, 2, /*wait_for_commit=*/false);
  EXPECT_EQ(cluster.Stop(2), 0);
  EXPECT_EQ(cluster.Stop(3), 0);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const uint64_t before = std::max(cluster.Height(0), cluster.Height(1));
  ASSERT_EQ(SubmitAll(cluster, w, 0, 1, {0}, 1).size(), 1u);
  // The transaction is work: the two left may still announce what the chain had certified
  // before the stop (an idle network leaves the last commit known to one validator), at most
  // one block; then nothing moves.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const uint64_t halted0 = cluster.Height(0);
  const uint64_t halted1 = cluster.Height(1);
  EXPECT_LE(std::max(halted0, halted1), before + 1);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(cluster.Height(0), halted0);
  EXPECT_EQ(cluster.Height(1), halted1);
  const uint64_t halted = std::max(halted0, halted1);
  EXPECT_FALSE(Committed(cluster, 0, w.ids[0]));
  ASSERT_TRUE(cluster.Start(2));
  ASSERT_TRUE(cluster.Start(3));
  EXPECT_TRUE(Eventually([&] { return Committed(cluster, 0, w.ids[0]); }, 60'000));
  EXPECT_TRUE(cluster.WaitForHeightWithTraffic({0, 1, 2, 3}, halted + 1, 30'000));
}

std::optional<v1::StatusResponse> StatusOf(Cluster& cluster, size_t node) {
  auto stub = cluster.node(node).Stub();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::StatusResponse status;
  if (!stub->Status(&ctx, v1::StatusRequest(), &status).ok()) return std::nullopt;
  return status;
}

// Leader reputation: a validator stopped for good stops being given rounds once the chain
// shows it absent for a window of rounds (2n = 8), and the status of every other validator
// names it, with the reason, as `tadori status` prints it. A validator restarted from its
// store then follows the same schedule as the other two: none of the three commits without
// it (the fourth is down), so the chain moving on shows they agree on every leader.
TEST(NetworkTest, StoppedValidatorIsSkippedAsLeaderAndStatusSaysWhy) {
  Cluster cluster(4);
  ASSERT_TRUE(cluster.StartAll());
  ASSERT_TRUE(cluster.WaitForHeightWithTraffic({0, 1, 2, 3}, 2, 30'000));
  EXPECT_EQ(cluster.Stop(3), 0);
  const v1::Validator& stopped = cluster.genesis().genesis.validators(3);
  auto skips_only_the_stopped_one = [&](size_t node) {
    std::optional<v1::StatusResponse> s = StatusOf(cluster, node);
    return s && s->has_leader_schedule() && s->leader_schedule().skipped_size() == 1 &&
           s->leader_schedule().skipped(0).validator_id() == stopped.id();
  };
  {
    // Rounds advance only with work: transactions until the chain shows it absent.
    Traffic traffic(cluster, {0, 1, 2});
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_TRUE(Eventually([&] { return skips_only_the_stopped_one(i); }, 30'000))
          << "node " << i;
    }
  }

  std::optional<v1::StatusResponse> status = StatusOf(cluster, 1);
  ASSERT_TRUE(status.has_value());
  const v1::LeaderScheduleStatus& schedule = status->leader_schedule();
  EXPECT_EQ(schedule.window_last_round() - schedule.window_first_round() + 1, 8u);
  ASSERT_EQ(schedule.skipped_size(), 1);
  EXPECT_LT(schedule.skipped(0).last_seen_round(), schedule.window_first_round());
  const std::string window = std::to_string(schedule.window_first_round()) + ".." +
                             std::to_string(schedule.window_last_round());
  const std::string text = cli::RenderStatus(*status);
  EXPECT_NE(text.find("leader schedule: skips " + stopped.id() + " (org " + stopped.org_id() +
                      "): no proposal or QC signature in rounds " + window),
            std::string::npos)
      << text;

  EXPECT_EQ(cluster.Stop(0), 0);
  ASSERT_TRUE(cluster.Start(0));
  const uint64_t height = cluster.Height(1);
  EXPECT_TRUE(cluster.WaitForHeightWithTraffic({0, 1, 2}, height + 3, 30'000));
  EXPECT_TRUE(Eventually([&] { return skips_only_the_stopped_one(0); }, 10'000));
}

TEST(NetworkTest, WipedValidatorResyncsVerifiedBlocks) {
  Cluster cluster(4);
  ASSERT_TRUE(cluster.StartAll());
  constexpr size_t kCount = 1'000;
  loadgen::Workload w = Harvests(cluster, kCount, /*wait_for_commit=*/true);
  ASSERT_EQ(SubmitAll(cluster, w, 0, kCount, {0, 1, 2, 3}, 16).size(), kCount);
  EXPECT_EQ(cluster.Stop(2), 0);
  cluster.Wipe(2);
  ASSERT_TRUE(cluster.Start(2));
  // No traffic: the network is idle, and the wiped validator still learns where the chain
  // is (each peer sends a reconnecting validator its last proposal). The last block one
  // leader committed may be known to it alone (its QC went into no proposal): the lower of
  // two validators' heights is what every validator commits.
  const uint64_t height = std::min(cluster.Height(0), cluster.Height(1));
  ASSERT_GT(height, 2u);
  ASSERT_TRUE(cluster.WaitForHeight({2}, height, 60'000));
  ExpectSameChain(cluster, {0, 2}, height);
  for (size_t i = 0; i < kCount; i += 97) EXPECT_TRUE(Committed(cluster, 2, w.ids[i]));
}

// An in-process peer: the transport of validator `self` of `genesis`, with a certificate
// and key from `dir` (node.crt / node.key), listening on `listen`.
Result<std::unique_ptr<PeerNetwork>> FakePeer(const GenesisInfo& genesis, size_t self,
                                              const std::string& dir, const std::string& listen,
                                              std::map<size_t, std::string> dial,
                                              PeerNetwork::FrameHandler on_frame = {}) {
  PeerNetworkOptions options;
  options.genesis = &genesis;
  options.self = self;
  options.listen_address = listen;
  TADORI_ASSIGN_OR_RETURN(options.tls_certificate_pem, ReadFileToString(dir + "/node.crt", 65536));
  TADORI_ASSIGN_OR_RETURN(options.tls_private_key_pem, ReadFileToString(dir + "/node.key", 65536));
  options.dial_addresses = std::move(dial);
  if (!on_frame) on_frame = [](size_t, v1::PeerFrame) {};
  return PeerNetwork::Start(std::move(options), std::move(on_frame));
}

TEST(NetworkTest, CertificateFromCaOutsideGenesisIsRefused) {
  Cluster cluster(4);
  ASSERT_TRUE(cluster.StartAll());
  // Another consortium with the same organisation and validator names but its own CAs. The
  // impostor trusts the real CAs of the other organisations (so it accepts their servers)
  // and its own CA for kyushu-farm, whose validator it claims to be.
  Cluster impostor(4);
  v1::Genesis mixed = cluster.genesis().genesis;
  mixed.mutable_organizations(0)->set_ca_certificate(
      impostor.genesis().genesis.organizations(0).ca_certificate());
  auto impostor_view = SealGenesis(mixed);
  ASSERT_TRUE(impostor_view.ok()) << impostor_view.status().ToString();
  std::map<size_t, std::string> dial;
  for (size_t i = 1; i < 4; ++i) dial[i] = cluster.layout().validators[i].peer_address;
  auto fake = FakePeer(*impostor_view, 0, impostor.ValidatorDir(0), "127.0.0.1:0", dial);
  ASSERT_TRUE(fake.ok()) << fake.status().ToString();
  const std::string refused = "tadori_peer_refusals_total{reason=\"bad_certificate\"}";
  EXPECT_TRUE(Eventually([&] { return cluster.Metric(1, refused) > 0; }, 20'000));
  EXPECT_EQ((*fake)->connected_count(), 0u);
  // The real network is unaffected.
  const uint64_t h = cluster.Height(1);
  EXPECT_TRUE(cluster.WaitForHeightWithTraffic({0, 1, 2, 3}, h + 2, 20'000));
}

TEST(NetworkTest, PeerWithDifferentGenesisIsRefused) {
  Cluster cluster(4);
  ASSERT_TRUE(cluster.StartAll());
  EXPECT_EQ(cluster.Stop(3), 0);
  // Validator 3's own certificate and key, but a genesis that differs in one field.
  v1::Genesis other = cluster.genesis().genesis;
  other.set_genesis_time_ms(other.genesis_time_ms() + 1);
  auto sealed = SealGenesis(other);
  ASSERT_TRUE(sealed.ok());
  auto fake = FakePeer(*sealed, 3, cluster.ValidatorDir(3),
                       cluster.layout().validators[3].peer_address, {});
  ASSERT_TRUE(fake.ok()) << fake.status().ToString();
  const std::string refused = "tadori_peer_refusals_total{reason=\"genesis_mismatch\"}";
  EXPECT_TRUE(Eventually([&] { return cluster.Metric(0, refused) > 0; }, 20'000));
  EXPECT_TRUE(
      Eventually([&] { return (*fake)->refused(PeerRefusal::kGenesisMismatch) > 0; }, 20'000));
  EXPECT_EQ((*fake)->connected_count(), 0u);
}

TEST(NetworkTest, VotesWithBadSignaturesAreIgnoredAndCounted) {
  Cluster cluster(4);
  ASSERT_TRUE(cluster.StartAll());
  EXPECT_EQ(cluster.Stop(3), 0);
  // A Byzantine validator 3: its real identity, sending votes it did not sign properly.
  std::map<size_t, std::string> none;
  auto fake = FakePeer(cluster.genesis(), 3, cluster.ValidatorDir(3),
                       cluster.layout().validators[3].peer_address, none);
  ASSERT_TRUE(fake.ok()) << fake.status().ToString();
  ASSERT_TRUE(Eventually([&] { return (*fake)->connected_count() == 3; }, 20'000));
  const std::string counted = "tadori_rejected_messages_total{reason=\"bad_signature\"}";
  std::mt19937_64 rng(7);
  auto bad_signatures = [&] {
    int64_t total = 0;
    for (size_t i = 0; i < 3; ++i) total += std::max<int64_t>(0, cluster.Metric(i, counted));
    return total;
  };
  const int64_t before = bad_signatures();
  ASSERT_TRUE(Eventually(
      [&] {
        auto stub = cluster.node(0).Stub();
        grpc::ClientContext ctx;
        v1::StatusResponse status;
        if (!stub->Status(&ctx, v1::StatusRequest(), &status).ok()) return false;
        for (uint64_t r = status.round(); r < status.round() + 8; ++r) {
          consensus::Vote vote;
          vote.round = r;
          vote.voter = 3;
          for (size_t b = 0; b < Hash::kSize; ++b)
            vote.block_id.data()[b] = static_cast<uint8_t>(rng());
          vote.signature.resize(kSignatureBytes);
          for (uint8_t& b : vote.signature) b = static_cast<uint8_t>(rng());
          const Bytes bytes = consensus::EncodeMessage(vote);
          v1::PeerFrame frame;
          frame.set_consensus(std::string(bytes.begin(), bytes.end()));
          (*fake)->Broadcast(frame);
        }
        return bad_signatures() > before;
      },
      20'000));
  // The three honest validators are a quorum and keep committing.
  const uint64_t h = cluster.Height(0);
  EXPECT_TRUE(cluster.WaitForHeightWithTraffic({0, 1, 2}, h + 3, 20'000));
}

// An idle network makes no blocks and no rounds: once the blocks that carry transactions
// are committed, every validator stays at its height and in its round over several round
// timeouts (1 s each). A transaction then commits at once, with no timer to wait out.
TEST(NetworkTest, IdleNetworkStopsAtAHeightAndStaysThere) {
  Cluster cluster(4);
  ASSERT_TRUE(cluster.StartAll());
  loadgen::Workload w = Harvests(cluster, 1, /*wait_for_commit=*/true);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the last certificates go round
  std::vector<v1::StatusResponse> before;
  for (size_t i = 0; i < 4; ++i) {
    std::optional<v1::StatusResponse> s = StatusOf(cluster, i);
    ASSERT_TRUE(s.has_value());
    before.push_back(*s);
  }
  std::this_thread::sleep_for(std::chrono::seconds(5));
  for (size_t i = 0; i < 4; ++i) {
    std::optional<v1::StatusResponse> s = StatusOf(cluster, i);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->height(), before[i].height()) << "node " << i;
    EXPECT_EQ(s->round(), before[i].round()) << "node " << i;
  }
  const auto start = Clock::now();
  ASSERT_EQ(SubmitAll(cluster, w, 0, 1, {1}, 1).size(), 1u);
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  EXPECT_LT(took, 900) << "a transaction on an idle network waited for a round timeout";
}

// The leader of the round an idle network stopped in is down. A transaction then makes every
// validator's round timer run again, from its arrival: the round times out and the next
// leader carries it. The last QC's former is the one round ahead (it holds a QC no proposal
// carried), and it leads that round: killing it costs the most.
TEST(NetworkTest, TransactionOnIdleNetworkWithCrashedLeaderCommitsAfterATimeout) {
  Cluster cluster(4);
  ASSERT_TRUE(cluster.StartAll());
  loadgen::Workload w = Harvests(cluster, 1, /*wait_for_commit=*/true);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  size_t ahead = 0;
  uint64_t round = 0;
  for (size_t i = 0; i < 4; ++i) {
    std::optional<v1::StatusResponse> s = StatusOf(cluster, i);
    ASSERT_TRUE(s.has_value());
    if (s->round() > round) {
      round = s->round();
      ahead = i;
    }
  }
  cluster.Kill(ahead);
  std::vector<size_t> others;
  for (size_t i = 0; i < 4; ++i) {
    if (i != ahead) others.push_back(i);
  }
  const auto start = Clock::now();
  ASSERT_EQ(SubmitAll(cluster, w, 0, 1, {others[0]}, 1).size(), 1u);
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  // A timeout of the base (1 s) in the round the others are in, then one doubled in the
  // dead validator's round, and the blocks: well within 10 s.
  EXPECT_LT(took, 10'000);
  for (size_t i : others) {
    EXPECT_TRUE(Eventually([&] { return Committed(cluster, i, w.ids[0]); }, 5'000)) << "node " << i;
  }
}

}  // namespace
}  // namespace tadori::testing
