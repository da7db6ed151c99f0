// Who may read what, end to end: the quickstart's Kyushu story on a network of 8
// organisations (farm, wholesaler, deli and bistro run validators; the cold chain, the IoT
// council, the auditor and the regulator are members; the auditor runs an observer node),
// each caller presenting the client certificate `tadori network new` wrote for its
// organisation.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cluster.h"
#include "tests/integration/ledger_calls.h"
#include "tools/client/transaction_builder.h"
#include "tools/loadgen/workload.h"

namespace tadori::testing {
namespace {

constexpr char kFarmLot[] = "KF-SPN-261120-P1";
constexpr char kMealLot[] = "FD-BENTO-261121-A";
constexpr char kUnrelatedLot[] = "KF-TOM-261122-H9";
constexpr char kUnrelatedGtin[] = "04912345000093";

constexpr size_t kFarm = 0;
constexpr size_t kWholesale = 1;
constexpr size_t kDeli = 2;
constexpr size_t kBistro = 3;
constexpr size_t kColdChain = 4;
constexpr size_t kAudit = 6;
constexpr size_t kRegulator = 7;

class ReadPolicy : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.StartAll()) << "the validators did not start";
    LoadStory();
  }

  // Signs `payload` with organisation `org`'s admin key and commits it through validator 0.
  void CommitOk(const v1::TransactionBody& payload, size_t org, const std::string& what) {
    auto stub = cluster_.node(0).Stub();
    auto tx = client::PrepareTransaction(*stub, payload, cluster_.AdminKey(org));
    ASSERT_TRUE(tx.ok()) << what << ": " << tx.status().ToString();
    v1::SubmitResponse resp;
    const grpc::Status s = Submit(*stub, *tx, true, &resp);
    ASSERT_TRUE(s.ok()) << what << ": " << s.error_message();
    ASSERT_TRUE(resp.committed()) << what;
    ASSERT_EQ(resp.result().code(), 0u) << what << ": " << resp.result().message();
  }

  void LoadFile(const std::string& name, size_t org) {
    const auto payloads = PayloadsFromFile(SampleDataDir() / "kyushu" / name);
    for (size_t i = 0; i < payloads.size(); ++i) {
      CommitOk(payloads[i], org, name + " payload " + std::to_string(i));
    }
  }

  // The story's custody chain (no device readings: readings are not what this test is about)
  // and one lot of the farm's that never left it.
  void LoadStory() {
    LoadFile("01-farm-setup.json", kFarm);
    LoadFile("02-wholesale-setup.json", kWholesale);
    LoadFile("03-deli-setup.json", kDeli);
    LoadFile("04-bistro-setup.json", kBistro);
    LoadFile("10-farm-harvest-pack-ship.json", kFarm);
    LoadFile("12-wholesale-receive-ship.json", kWholesale);
    LoadFile("13-deli-receive-make-ship.json", kDeli);
    LoadFile("14-bistro-receive.json", kBistro);
    CommitOk(ProductPayload(kUnrelatedGtin), kFarm, "unrelated product");
    CommitOk(HarvestPayload(kUnrelatedLot, kUnrelatedGtin), kFarm, "unrelated harvest");
  }

  grpc::Status GetLot(const ClientTls& who, const std::string& lot, NodeProcess* at = nullptr) {
    v1::LotView view;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetLotRequest req;
    req.set_lot_code(lot);
    return (at ? *at : cluster_.node(0)).TraceStub(who)->GetLot(&ctx, req, &view);
  }

  grpc::Status Trace(const ClientTls& who, const std::string& lot, bool forward,
                     std::set<std::string>* lots = nullptr) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::TraceRequest req;
    req.set_lot_code(lot);
    v1::TraceGraph graph;
    auto stub = cluster_.node(0).TraceStub(who);
    const grpc::Status s =
        forward ? stub->TraceForward(&ctx, req, &graph) : stub->TraceBack(&ctx, req, &graph);
    if (lots != nullptr) {
      for (const v1::TraceNode& n : graph.nodes()) lots->insert(n.lot_code());
    }
    return s;
  }

  grpc::Status GetBlock(const ClientTls& who, uint64_t height, NodeProcess* at = nullptr,
                        v1::GetBlockResponse* out = nullptr) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetBlockRequest req;
    req.set_height(height);
    v1::GetBlockResponse resp;
    return (at ? *at : cluster_.node(0)).Stub(who)->GetBlock(&ctx, req, out ? out : &resp);
  }

  static v1::StatusResponse StatusOf(NodeProcess& node) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::StatusResponse resp;
    const grpc::Status s = node.Stub()->Status(&ctx, {}, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  Cluster cluster_{8, 4, 1};
};

TEST_F(ReadPolicy, TheBistroTracesItsMealBackToTheFarmButSeesNoUnrelatedLot) {
  const ClientTls bistro = cluster_.MemberTls(kBistro);
  std::set<std::string> lots;
  const grpc::Status back = Trace(bistro, kMealLot, false, &lots);
  ASSERT_TRUE(back.ok()) << back.error_message();
  EXPECT_TRUE(lots.count(kFarmLot)) << "the trace back from the meal reaches the farm's lot";

  // Upstream lots of its meal are readable one by one ...
  EXPECT_TRUE(GetLot(bistro, kFarmLot).ok());
  // ... but not where else they went, nor the farm's lots that never reached the bistro.
  EXPECT_EQ(Trace(bistro, kFarmLot, true).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status unrelated = GetLot(bistro, kUnrelatedLot);
  EXPECT_EQ(unrelated.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(unrelated.error_message(), "") << "a refusal says why";
  EXPECT_EQ(Trace(bistro, kUnrelatedLot, false).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Full blocks would carry every organisation's data.
  EXPECT_EQ(GetBlock(bistro, 1).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReadPolicy, TheFarmSeesItsLotsForwardTraceAndItsOwnLots) {
  const ClientTls farm = cluster_.MemberTls(kFarm);
  std::set<std::string> lots;
  const grpc::Status forward = Trace(farm, kFarmLot, true, &lots);
  ASSERT_TRUE(forward.ok()) << forward.error_message();
  EXPECT_TRUE(lots.count(kMealLot)) << "the farm's lot went into the deli's meal";
  EXPECT_TRUE(GetLot(farm, kUnrelatedLot).ok());
  // A member that never held anything of this chain reads none of it.
  const ClientTls coldchain = cluster_.MemberTls(kColdChain);
  EXPECT_EQ(GetLot(coldchain, kFarmLot).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Trace(coldchain, kMealLot, false).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReadPolicy, TheRegulatorAndTheAuditorSeeEverything) {
  for (size_t org : {kRegulator, kAudit}) {
    const ClientTls who = cluster_.MemberTls(org);
    EXPECT_TRUE(GetLot(who, kUnrelatedLot).ok()) << org;
    EXPECT_TRUE(Trace(who, kFarmLot, true).ok()) << org;
    EXPECT_TRUE(Trace(who, kMealLot, false).ok()) << org;
    EXPECT_TRUE(GetBlock(who, 1).ok()) << org;
  }
}

TEST_F(ReadPolicy, ACallerWithoutACertificateGetsOnlyStatus) {
  const ClientTls anonymous = cluster_.AnonymousTls();
  {
    grpc::ClientContext ctx;
    v1::StatusResponse resp;
    const grpc::Status s = cluster_.node(0).Stub(anonymous)->Status(&ctx, {}, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_GT(resp.height(), 0u);
  }
  const grpc::Status lot = GetLot(anonymous, kFarmLot);
  EXPECT_TRUE(lot.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
              lot.error_code() == grpc::StatusCode::UNAUTHENTICATED)
      << lot.error_code() << " " << lot.error_message();
  EXPECT_FALSE(GetBlock(anonymous, 1).ok());
  // Nor may it submit, even a transaction signed by a member's key.
  auto stub = cluster_.node(0).Stub(anonymous);
  auto tx = client::PrepareTransaction(*cluster_.node(0).Stub(), ProductPayload("04912345000109"),
                                       cluster_.AdminKey(kFarm));
  ASSERT_TRUE(tx.ok());
  v1::SubmitResponse resp;
  EXPECT_FALSE(Submit(*stub, *tx, false, &resp).ok());
}

TEST_F(ReadPolicy, AnObserverFollowsUnderLoadVerifiesAnswersAndIsNeverInAQuorum) {
  ASSERT_TRUE(cluster_.StartObserver(0)) << "the observer did not start";
  NodeProcess& observer = cluster_.observer(0);
  EXPECT_EQ(StatusOf(observer).mode(), "observer");

  // Load: 240 harvests from 8 threads through the validators while the observer follows.
  auto stub = cluster_.node(0).Stub();
  CommitOk(loadgen::LoadgenProductPayload(), kFarm, "loadgen product");
  auto head = client::FetchChainHead(*stub);
  ASSERT_TRUE(head.ok());
  const loadgen::Workload load = loadgen::PresignHarvests(
      *head, cluster_.AdminKey(kFarm), 240, "obs-", loadgen::kLoadgenProductGtin, 1'000, 20'000);
  std::atomic<size_t> next{0};
  std::atomic<size_t> committed{0};
  std::vector<std::thread> clients;
  for (size_t t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      auto to = cluster_.node(t % 4).Stub();
      for (size_t i = next++; i < load.requests.size(); i = next++) {
        v1::SubmitRequest req = load.requests[i];
        req.set_wait_for_commit(true);
        v1::SubmitResponse resp;
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        if (to->Submit(&ctx, req, &resp).ok() && resp.committed()) ++committed;
      }
    });
  }
  for (std::thread& c : clients) c.join();
  EXPECT_EQ(committed.load(), load.requests.size());

  // It catches up to one block behind the validators (its last block's proof is the child;
  // transactions keep blocks coming, as an idle network makes none).
  const uint64_t target = cluster_.Height(0);
  {
    Traffic traffic(cluster_, {0, 1, 2, 3});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (StatusOf(observer).height() + 1 < target &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_GE(StatusOf(observer).height() + 1, target);

  // It holds the validators' blocks, byte for byte, having re-executed them (same result root).
  for (uint64_t h : {uint64_t{1}, target / 2, target - 1}) {
    v1::GetBlockResponse mine, theirs;
    ASSERT_TRUE(GetBlock(observer.tls(), h, &observer, &mine).ok()) << h;
    ASSERT_TRUE(GetBlock(cluster_.node(0).tls(), h, nullptr, &theirs).ok()) << h;
    EXPECT_EQ(mine.hash(), theirs.hash()) << "height " << h;
    EXPECT_EQ(mine.header().SerializeAsString(), theirs.header().SerializeAsString());
  }

  // It answers queries under the same policy.
  EXPECT_TRUE(GetLot(cluster_.MemberTls(kRegulator), kUnrelatedLot, &observer).ok());
  EXPECT_EQ(GetLot(cluster_.MemberTls(kBistro), kUnrelatedLot, &observer).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetBlock(cluster_.MemberTls(kBistro), 1, &observer).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Never in a quorum: with two of four validators down, the two left and the observer
  // commit nothing (a quorum of 4 is 3 validators).
  cluster_.Kill(2);
  cluster_.Kill(3);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  // One of the two may have committed a block the other learns of only from its timeouts (a
  // QC that went into no proposal): the higher of the two is what was committed before.
  const uint64_t stalled = std::max(cluster_.Height(0), cluster_.Height(1));
  {
    Traffic traffic(cluster_, {0, 1});  // work they cannot commit
    std::this_thread::sleep_for(std::chrono::seconds(3));
    EXPECT_GT(traffic.submitted(), 0u);
  }
  EXPECT_LE(cluster_.Height(0), stalled);
  EXPECT_LE(cluster_.Height(1), stalled);
  // A validator back makes a quorum again, and the observer follows on.
  ASSERT_TRUE(cluster_.Start(2));
  Traffic traffic(cluster_, {0, 1, 2});
  ASSERT_TRUE(cluster_.WaitForHeight({0, 1, 2}, stalled + 3, 30'000));
  const auto resumed = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (StatusOf(observer).height() < stalled + 1 && std::chrono::steady_clock::now() < resumed) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(StatusOf(observer).height(), stalled + 1);
}

}  // namespace
}  // namespace tadori::testing
