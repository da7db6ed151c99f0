// End-to-end tests against a real `tadorid --dev` process: real gRPC, real LevelDB.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/store/chain_check.h"
#include "ledger/store/store.h"
#include "ledger/transaction.h"
#include "node/daemon/dev_identity.h"
#include "tests/integration/ledger_calls.h"
#include "tests/integration/node_process.h"

namespace tadori::testing {
namespace {

constexpr char kGtin[] = "00614141000012";

// A harvesting event creating lot `code`, as a signed-ready body valid until `valid_until`.
v1::TransactionBody HarvestBody(const std::string& code, uint64_t valid_until) {
  return DevBody(HarvestPayload(code, kGtin), valid_until);
}

Result<GenesisInfo> StoredGenesis(const Store& store) {
  TADORI_ASSIGN_OR_RETURN(auto bytes, store.GenesisBytes());
  if (!bytes) return Status::NotFound("no genesis");
  return DecodeGenesis(*bytes);
}

// The crash test of the foundation issue: 2,000 signed transactions (EPCIS harvesting
// events), SIGKILL mid-burst, restart, every acknowledged commit is still there, and the
// chain re-verifies.
TEST(DevNode, KillNineMidBurstLosesNothingAcknowledged) {
  TempDir dir;
  const std::string data = dir.path() + "/node";
  NodeProcess node(data, FreeLoopbackPort());
  ASSERT_TRUE(node.Start()) << "tadorid did not start; see " << data << ".log";
  PrivateKey admin = LoadKey(data + "/admin.key");
  {
    auto stub = node.Stub();
    ASSERT_EQ(ResultCode(Commit(*stub, ProductPayload(kGtin), admin)), grpc::StatusCode::OK);
  }

  constexpr int kTxCount = 2000;
  constexpr int kClients = 32;
  constexpr int kKillAfterAcks = 600;
  std::vector<v1::SignedTransaction> txs;
  std::vector<Hash> ids;
  for (int i = 0; i < kTxCount; ++i) {
    txs.push_back(SignTransaction(HarvestBody("LOT-" + std::to_string(i), 5000), admin));
    ids.push_back(Sha256(AsBytes(txs.back().body())));
  }

  std::mutex mu;
  std::map<Hash, uint64_t> acked;  // id -> committed height as acknowledged
  std::atomic<int> next{0};
  std::atomic<int> ack_count{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      auto stub = node.Stub();
      for (int i = next++; i < kTxCount; i = next++) {
        v1::SubmitResponse resp;
        grpc::Status s = Submit(*stub, txs[i], /*wait=*/true, &resp);
        if (!s.ok()) return;  // the node died under us
        if (resp.committed()) {
          std::lock_guard lock(mu);
          acked[ids[i]] = resp.height();
          ++ack_count;
        }
      }
    });
  }
  while (ack_count < kKillAfterAcks && next < kTxCount) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  node.Kill();
  for (auto& t : clients) t.join();
  ASSERT_GE(acked.size(), static_cast<size_t>(kKillAfterAcks));

  ASSERT_TRUE(node.Start()) << "restart failed; see " << data << ".log";
  auto stub = node.Stub();
  uint64_t max_acked_height = 0;
  for (const auto& [id, height] : acked) {
    grpc::ClientContext ctx;
    v1::GetTransactionRequest req;
    req.set_tx_id(id.ToBinaryString());
    v1::GetTransactionResponse resp;
    grpc::Status s = stub->GetTransaction(&ctx, req, &resp);
    ASSERT_TRUE(s.ok()) << id.Hex() << ": " << s.error_message();
    EXPECT_EQ(resp.height(), height);
    EXPECT_EQ(resp.result().code(), 0u) << resp.result().message();
    max_acked_height = std::max(max_acked_height, height);
  }
  EXPECT_GE(Height(*stub), max_acked_height);

  // Resubmitting everything: each is either committed now or already committed earlier.
  std::atomic<int> committed_now{0}, already{0};
  next = 0;
  clients.clear();
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      auto client = node.Stub();
      for (int i = next++; i < kTxCount; i = next++) {
        v1::SubmitResponse resp;
        grpc::Status s = Submit(*client, txs[i], /*wait=*/true, &resp);
        if (s.ok()) {
          EXPECT_TRUE(resp.committed());
          EXPECT_EQ(resp.result().code(), 0u) << resp.result().message();
          ++committed_now;
        } else {
          EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << s.error_message();
          ++already;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(committed_now + already, kTxCount);
  EXPECT_GE(already.load(), static_cast<int>(acked.size()));
  const uint64_t final_height = Height(*stub);
  ASSERT_EQ(node.Stop(), 0);

  auto store = Store::Open(data + "/db", /*create_if_missing=*/false);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Height(), final_height);
  auto genesis = StoredGenesis(**store);
  ASSERT_TRUE(genesis.ok());
  auto report = CheckChain(**store, *genesis);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->blocks_checked, final_height);
  EXPECT_EQ(report->txs_checked, static_cast<uint64_t>(kTxCount) + 1);  // + the product
}

class DevNodeRequests : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_.path() + "/node", FreeLoopbackPort());
    ASSERT_TRUE(node_->Start());
    stub_ = node_->Stub();
    trace_ = node_->TraceStub();
    admin_ = LoadKey(node_->data_dir() + "/admin.key");
    wholesale_ = LoadKey(node_->data_dir() + "/keys/hakata-wholesale.key");
    ASSERT_EQ(ResultCode(CommitOk(DevBody(ProductPayload(kGtin), 100), *admin_)),
              grpc::StatusCode::OK);
  }
  void TearDown() override {
    if (node_) {
      EXPECT_EQ(node_->Stop(), 0);
    }
  }

  v1::SubmitResponse CommitOk(const v1::TransactionBody& body, const PrivateKey& key) {
    v1::SubmitResponse resp;
    grpc::Status s = Submit(*stub_, SignTransaction(body, key), true, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(resp.committed());
    return resp;
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<v1::Ledger::Stub> stub_;
  std::unique_ptr<v1::Trace::Stub> trace_;
  std::optional<PrivateKey> admin_, wholesale_;
};

TEST_F(DevNodeRequests, BadRequestsGetSpecificCodesAndChangeNothing) {
  CommitOk(HarvestBody("L-OK", 100), *admin_);
  const uint64_t height = Height(*stub_);

  v1::SubmitResponse resp;
  v1::SignedTransaction garbage;
  garbage.set_body("not a protobuf \xff\xff");
  garbage.set_signer_key_id(std::string(32, 'k'));
  garbage.set_signature(std::string(64, 's'));
  EXPECT_EQ(Submit(*stub_, garbage, false, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::TransactionBody wrong_chain = HarvestBody("L-X", 100);
  wrong_chain.set_chain_id("other-chain");
  EXPECT_EQ(Submit(*stub_, SignTransaction(wrong_chain, *admin_), false, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::TransactionBody expired = HarvestBody("L-Y", height);  // valid_until == head
  EXPECT_EQ(Submit(*stub_, SignTransaction(expired, *admin_), false, &resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  auto stranger = PrivateKey::Generate(KeyType::kP256);
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(Submit(*stub_, SignTransaction(HarvestBody("L-Z", 100), *stranger), false, &resp)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  v1::SignedTransaction forged = SignTransaction(HarvestBody("L-F", 100), *admin_);
  std::string sig = forged.signature();
  sig[5] ^= 0x01;
  forged.set_signature(sig);
  EXPECT_EQ(Submit(*stub_, forged, false, &resp).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  v1::SignedTransaction once = SignTransaction(HarvestBody("L-ONCE", 100), *admin_);
  ASSERT_TRUE(Submit(*stub_, once, true, &resp).ok());
  EXPECT_EQ(Submit(*stub_, once, true, &resp).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  grpc::ClientContext ctx;
  v1::GetTransactionRequest missing;
  missing.set_tx_id(std::string(32, '\x01'));
  v1::GetTransactionResponse tx_resp;
  EXPECT_EQ(stub_->GetTransaction(&ctx, missing, &tx_resp).error_code(),
            grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext ctx2;
  v1::GetBlockRequest far;
  far.set_height(1'000'000);
  v1::GetBlockResponse block_resp;
  EXPECT_EQ(stub_->GetBlock(&ctx2, far, &block_resp).error_code(), grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext ctx3;
  v1::GetBlockRequest bad_hash;
  bad_hash.set_hash("short");
  EXPECT_EQ(stub_->GetBlock(&ctx3, bad_hash, &block_resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Only the one good transaction after `height` committed; the first lot is intact.
  grpc::ClientContext ctx4;
  v1::GetLotRequest lot_req;
  lot_req.set_lot_code("L-OK");
  v1::LotView lot;
  ASSERT_TRUE(trace_->GetLot(&ctx4, lot_req, &lot).ok());
  EXPECT_EQ(lot.lot().created_quantity_milli(), 5'000'000);
  EXPECT_EQ(lot.remaining_quantity_milli(), 5'000'000);
  grpc::ClientContext ctx5;
  lot_req.set_lot_code("L-X");
  EXPECT_EQ(trace_->GetLot(&ctx5, lot_req, &lot).error_code(), grpc::StatusCode::NOT_FOUND);
}

// An OBJECT OBSERVE event with `biz_step` of 2 t of lot L-SHIP from `from` to `to`.
v1::TransactionBody CustodyEvent(const std::string& biz_step, const std::string& from = "dev",
                                 const std::string& to = "hakata-wholesale") {
  v1::TransactionBody p;
  v1::EpcisEvent* e = p.mutable_record_event()->mutable_event();
  e->set_type(v1::OBJECT_EVENT);
  e->set_event_time("2026-11-20T11:00:00+09:00");
  e->set_event_time_zone_offset("+09:00");
  e->set_action(v1::OBSERVE);
  e->set_biz_step(biz_step);
  v1::QuantityElement* q = e->add_quantity_list();
  q->set_lot_code("L-SHIP");
  q->set_product(kGtin);
  q->set_quantity_milli(2'000'000);
  q->set_unit("KGM");
  for (auto* list : {e->mutable_source_list(), e->mutable_destination_list()}) {
    const bool source = list == e->mutable_source_list();
    v1::PartyRef* party = list->Add();
    party->set_type("owning_party");
    party->set_id(source ? from : to);
    v1::PartyRef* where = list->Add();
    where->set_type("location");
    where->set_id(source ? "urn:epc:id:sgln:0614141.00001.0" : "urn:epc:id:sgln:4569952.20001.0");
  }
  v1::BizTransaction* doc = e->add_biz_transaction_list();
  doc->set_type("desadv");
  doc->set_id("ASN-1");
  return p;
}

TEST_F(DevNodeRequests, ShipAndReceiveBetweenOrganisationsWithCustodyChecks) {
  CommitOk(HarvestBody("L-SHIP", 100), *admin_);

  // The wholesaler does not hold the lot: committed, but refused by chaincode.
  v1::SubmitResponse refused = CommitOk(
      DevBody(CustodyEvent("shipping", "hakata-wholesale", "tenjin-bistro"), 100), *wholesale_);
  EXPECT_EQ(ResultCode(refused), grpc::StatusCode::PERMISSION_DENIED) << refused.result().message();
  v1::SubmitResponse shipped = CommitOk(DevBody(CustodyEvent("shipping"), 100), *admin_);
  EXPECT_EQ(ResultCode(shipped), grpc::StatusCode::OK) << shipped.result().message();

  // Only the named destination receives.
  v1::SubmitResponse wrong = CommitOk(DevBody(CustodyEvent("receiving"), 100), *admin_);
  EXPECT_NE(ResultCode(wrong), grpc::StatusCode::OK);
  v1::SubmitResponse received = CommitOk(DevBody(CustodyEvent("receiving"), 100), *wholesale_);
  EXPECT_EQ(ResultCode(received), grpc::StatusCode::OK) << received.result().message();

  grpc::ClientContext ctx;
  v1::GetLotRequest req;
  req.set_lot_code("L-SHIP");
  v1::LotView lot;
  ASSERT_TRUE(trace_->GetLot(&ctx, req, &lot).ok());
  EXPECT_EQ(lot.lot().in_transit_size(), 0);
  std::map<std::string, int64_t> held;
  for (const auto& h : lot.lot().holdings()) held[h.org_id()] = h.quantity_milli();
  EXPECT_EQ(held["dev"], 3'000'000);
  EXPECT_EQ(held["hakata-wholesale"], 2'000'000);
  EXPECT_EQ(lot.remaining_quantity_milli(), 5'000'000);
}

TEST_F(DevNodeRequests, RestartContinuesAtSameHeightAndStreamsEveryBlock) {
  for (int i = 0; i < 3; ++i) CommitOk(HarvestBody("L-R" + std::to_string(i), 100), *admin_);
  const uint64_t height = Height(*stub_);
  ASSERT_GE(height, 1u);
  ASSERT_EQ(node_->Stop(), 0);
  ASSERT_TRUE(node_->Start());
  stub_ = node_->Stub();
  EXPECT_EQ(Height(*stub_), height);
  CommitOk(HarvestBody("L-AFTER", 200), *admin_);
  const uint64_t after = Height(*stub_);
  EXPECT_EQ(after, height + 1);

  grpc::ClientContext ctx;
  v1::StreamBlocksRequest req;
  req.set_from_height(1);
  auto reader = stub_->StreamBlocks(&ctx, req);
  v1::GetBlockResponse block;
  std::string prev_hash;
  for (uint64_t h = 1; h <= after; ++h) {
    ASSERT_TRUE(reader->Read(&block));
    EXPECT_EQ(block.header().height(), h);
    if (h > 1) {
      EXPECT_EQ(block.header().prev_hash(), prev_hash);
    }
    prev_hash = block.hash();
  }
  ctx.TryCancel();
}

}  // namespace
}  // namespace tadori::testing
