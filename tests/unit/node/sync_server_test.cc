// SyncServer (node/validator/sync_server.h) over a real store of BFT-committed blocks with
// their ledger certificates, a transport that records frames and a clock moved by hand.
#include "node/validator/sync_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "consensus/bounds.h"
#include "consensus/codec.h"
#include "tests/unit/node/bft_chain.h"
#include "tests/unit/node/validator_fakes.h"

namespace tadori {
namespace {

using testing::BftChain;
using testing::ExpectStatus;
using testing::ManualClock;
using testing::RecordingTransport;

constexpr size_t kPeers = 4;
// The default budget: 50 requests per peer per second, so one every 20 ms.
constexpr int64_t kRequestCostMs = 1'000 / 50;

class SyncServerTest : public ::testing::Test {
 protected:
  // Three committed blocks, the second with two transactions.
  void SetUp() override {
    chain_.CommitNext();
    chain_.CommitNext({chain_.Tx("lot-a"), chain_.Tx("lot-b")});
    chain_.CommitNext();
    tip_height_ = 3;
  }

  void Start(SyncServerLimits limits = {}) {
    server_ = std::make_unique<SyncServer>(
        chain_.store(), kPeers, clock_, transport_,
        [this](const consensus::BlockId& target) {
          last_target_ = target;
          return std::make_pair(tip_height_, path_);
        },
        limits);
  }

  // An uncommitted block above the committed tip, with `payload_bytes` of payload (its
  // content is opaque to the server).
  consensus::Block PathBlock(uint64_t height, size_t payload_bytes = 100) const {
    consensus::Block b;
    b.round = height;
    b.height = height;
    b.proposer = static_cast<consensus::ValidatorIndex>(height % kPeers);
    b.payload = Bytes(payload_bytes, static_cast<uint8_t>(height));
    b.payload_digest = Sha256(b.payload);
    b.qc = chain_.tip_qc();
    return b;
  }

  static consensus::SyncRequest Request(uint64_t committed_height) {
    consensus::SyncRequest r;
    r.target = Sha256(AsBytes(std::string("some certified block")));
    r.committed_height = committed_height;
    return r;
  }

  // The sync response in frame `i` sent so far.
  consensus::SyncResponse ResponseAt(size_t i) const {
    EXPECT_LT(i, transport_.sent.size());
    if (i >= transport_.sent.size()) return {};
    Result<consensus::Message> m =
        consensus::DecodeMessage(AsBytes(transport_.sent[i].frame.consensus()));
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    if (!m.ok() || !std::holds_alternative<consensus::SyncResponse>(*m)) {
      ADD_FAILURE() << "frame " << i << " is not a sync response";
      return {};
    }
    return std::get<consensus::SyncResponse>(*m);
  }

  static std::vector<uint64_t> HeightsOf(const consensus::SyncResponse& r) {
    std::vector<uint64_t> heights;
    for (const consensus::Block& b : r.blocks) heights.push_back(b.height);
    return heights;
  }

  std::optional<int64_t> Serve() {
    Result<std::optional<int64_t>> next = server_->ServeDue();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    return next.ok() ? *next : std::nullopt;
  }

  BftChain chain_;
  ManualClock clock_;
  RecordingTransport transport_;
  uint64_t tip_height_ = 0;
  std::vector<consensus::Block> path_;
  consensus::BlockId last_target_;
  std::unique_ptr<SyncServer> server_;
};

TEST_F(SyncServerTest, AnswersCommittedBlocksAboveRequestThenUncommittedPath) {
  path_ = {PathBlock(4), PathBlock(5)};
  Start();
  ASSERT_TRUE(server_->Enqueue(2, Request(1)));
  EXPECT_EQ(Serve(), std::nullopt);  // nothing left queued
  EXPECT_EQ(last_target_, Request(1).target);
  ASSERT_EQ(transport_.Recipients(), std::vector<size_t>{2});
  const consensus::SyncResponse r = ResponseAt(0);
  EXPECT_EQ(HeightsOf(r), (std::vector<uint64_t>{2, 3, 4, 5}));
  // The committed blocks come back exactly as they were certified: payload, parent QC and
  // all, so their ids are the ones the QCs sign.
  ASSERT_EQ(r.blocks.size(), 4u);
  EXPECT_EQ(r.blocks[0], chain_.committed()[1]);
  EXPECT_EQ(r.blocks[1], chain_.committed()[2]);
  EXPECT_EQ(r.blocks[2], path_[0]);
  EXPECT_EQ(r.blocks[3], path_[1]);
  EXPECT_EQ(server_->served(), 1u);
  EXPECT_EQ(server_->dropped(), 0u);
}

TEST_F(SyncServerTest, AnswersOnlyPathAboveRequestersCommittedHeight) {
  path_ = {PathBlock(4), PathBlock(5)};
  Start();
  ASSERT_TRUE(server_->Enqueue(1, Request(4)));
  Serve();
  EXPECT_EQ(HeightsOf(ResponseAt(0)), (std::vector<uint64_t>{5}));
}

TEST_F(SyncServerTest, AnswerHoldsAtMostSyncBlocksMaxFromPath) {
  for (uint64_t h = 4; h < 4 + consensus::kSyncBlocksMax + 5; ++h) path_.push_back(PathBlock(h));
  Start();
  ASSERT_TRUE(server_->Enqueue(0, Request(0)));
  Serve();
  const consensus::SyncResponse r = ResponseAt(0);
  ASSERT_EQ(r.blocks.size(), consensus::kSyncBlocksMax);
  EXPECT_EQ(r.blocks.front().height, 1u);
  EXPECT_EQ(r.blocks.back().height, consensus::kSyncBlocksMax);
}

TEST_F(SyncServerTest, AnswerHoldsAtMostSyncBlocksMaxFromStore) {
  while (chain_.store().Height() < consensus::kSyncBlocksMax + 2) chain_.CommitNext();
  tip_height_ = chain_.store().Height();
  path_ = {PathBlock(tip_height_ + 1)};
  Start();
  ASSERT_TRUE(server_->Enqueue(0, Request(1)));
  Serve();
  const consensus::SyncResponse r = ResponseAt(0);
  ASSERT_EQ(r.blocks.size(), consensus::kSyncBlocksMax);
  EXPECT_EQ(r.blocks.front(), chain_.committed()[1]);
  EXPECT_EQ(r.blocks.back(), chain_.committed()[consensus::kSyncBlocksMax]);
}

TEST_F(SyncServerTest, AnswerHoldsAtMostSyncResponseBytesMax) {
  // Three blocks of 6 MiB: two fit in kSyncResponseBytesMax (2 x 8 MiB + 64 KiB), three not.
  const size_t big = 6 * 1024 * 1024;
  path_ = {PathBlock(4, big), PathBlock(5, big), PathBlock(6, big)};
  Start();
  ASSERT_TRUE(server_->Enqueue(0, Request(3)));
  Serve();
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_LE(transport_.sent[0].frame.consensus().size(), consensus::kMessageBytesMax);
  EXPECT_EQ(HeightsOf(ResponseAt(0)), (std::vector<uint64_t>{4, 5}));
}

TEST_F(SyncServerTest, QueueBoundDropsExtraRequestsAndCountsThem) {
  SyncServerLimits limits;
  limits.queued_per_peer_max = 2;
  Start(limits);
  EXPECT_TRUE(server_->Enqueue(1, Request(0)));
  EXPECT_TRUE(server_->Enqueue(1, Request(1)));
  EXPECT_FALSE(server_->Enqueue(1, Request(2)));
  EXPECT_EQ(server_->dropped(), 1u);
  EXPECT_TRUE(server_->Enqueue(2, Request(2)));        // another peer's queue is its own
  EXPECT_FALSE(server_->Enqueue(kPeers, Request(0)));  // no such validator
  EXPECT_EQ(server_->dropped(), 2u);

  EXPECT_EQ(Serve(), kRequestCostMs);
  clock_.Advance(kRequestCostMs);
  EXPECT_EQ(Serve(), std::nullopt);
  EXPECT_EQ(transport_.Recipients(), (std::vector<size_t>{1, 2, 1}));
  // Peer 1's two kept requests, in order; the third was dropped.
  EXPECT_EQ(HeightsOf(ResponseAt(0)), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(HeightsOf(ResponseAt(2)), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(server_->served(), 3u);
  EXPECT_EQ(server_->dropped(), 2u);
}

TEST_F(SyncServerTest, RequestBudgetDelaysPeerWhileAnotherIsServed) {
  Start();
  ASSERT_TRUE(server_->Enqueue(1, Request(0)));
  ASSERT_TRUE(server_->Enqueue(1, Request(2)));
  ASSERT_TRUE(server_->Enqueue(3, Request(1)));
  EXPECT_EQ(Serve(), kRequestCostMs);
  EXPECT_EQ(transport_.Recipients(), (std::vector<size_t>{1, 3}));

  clock_.Advance(kRequestCostMs - 1);
  EXPECT_EQ(Serve(), kRequestCostMs);  // still not due
  EXPECT_EQ(transport_.sent.size(), 2u);

  clock_.Advance(1);
  EXPECT_EQ(Serve(), std::nullopt);
  EXPECT_EQ(transport_.Recipients(), (std::vector<size_t>{1, 3, 1}));
  EXPECT_EQ(HeightsOf(ResponseAt(2)), (std::vector<uint64_t>{3}));
}

TEST_F(SyncServerTest, ByteBudgetDelaysPeerByItsResponseSize) {
  SyncServerLimits limits;
  limits.bytes_per_peer_per_second = 1'000;  // so a response of N bytes costs N ms
  Start(limits);
  ASSERT_TRUE(server_->Enqueue(0, Request(0)));
  ASSERT_TRUE(server_->Enqueue(0, Request(0)));
  const std::optional<int64_t> next = Serve();
  ASSERT_EQ(transport_.sent.size(), 1u);
  const int64_t size = static_cast<int64_t>(transport_.sent[0].frame.consensus().size());
  ASSERT_GT(size, kRequestCostMs);
  EXPECT_EQ(next, size);
  clock_.Advance(size - 1);
  EXPECT_EQ(Serve(), size);
  EXPECT_EQ(transport_.sent.size(), 1u);
  clock_.Advance(1);
  EXPECT_EQ(Serve(), std::nullopt);
  EXPECT_EQ(transport_.sent.size(), 2u);
}

// Serving takes longer than a peer's budget (a slow disk), and a flooding peer refills its
// queue as fast as it is served: another peer's one request must still go out next, not
// after the flood.
TEST_F(SyncServerTest, FloodingPeerCannotStarveAnotherWhenServingIsSlow) {
  Start();
  int refills = 20;
  transport_.on_send = [&](size_t to) {
    clock_.Advance(5 * kRequestCostMs);
    if (to == 0 && refills > 0) {
      --refills;
      EXPECT_TRUE(server_->Enqueue(0, Request(0)));
    }
  };
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(server_->Enqueue(0, Request(0)));
  ASSERT_TRUE(server_->Enqueue(3, Request(0)));
  Result<std::optional<int64_t>> next = server_->ServeDue();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  const std::vector<size_t> order = transport_.Recipients();
  ASSERT_GE(order.size(), 2u);
  EXPECT_EQ(order[0], 0u);
  EXPECT_EQ(order[1], 3u) << "peer 3 waited behind "
                          << std::find(order.begin(), order.end(), 3u) - order.begin()
                          << " of the flooding peer's frames";
  EXPECT_EQ(std::count(order.begin(), order.end(), 3u), 1);
  EXPECT_EQ(order.size(), 4u + 20u + 1u);  // every request was served in the end
}

TEST_F(SyncServerTest, StoreReadFailureIsReturnedNotSwallowed) {
  tip_height_ = 5;  // the engine says 5 are committed; the store holds 3
  Start();
  ASSERT_TRUE(server_->Enqueue(1, Request(2)));
  Result<std::optional<int64_t>> next = server_->ServeDue();
  ASSERT_FALSE(next.ok());
  ExpectStatus(next.status(), Code::kNotFound, "serving sync: block 4");
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_EQ(server_->served(), 0u);
}

TEST_F(SyncServerTest, StoredBlockWithoutCertificateIsDataLoss) {
  DecodedBlock signed_only = chain_.NextLedgerBlock();
  SignBlock(signed_only, chain_.net().validator_keys[0]);
  chain_.CommitLedgerBlock(signed_only);
  tip_height_ = 4;
  Start();
  ASSERT_TRUE(server_->Enqueue(1, Request(2)));
  Result<std::optional<int64_t>> next = server_->ServeDue();
  ASSERT_FALSE(next.ok());
  ExpectStatus(next.status(), Code::kDataLoss,
               "serving sync: stored block 4 has no usable certificate");
  EXPECT_TRUE(transport_.sent.empty());
}

}  // namespace
}  // namespace tadori
