// The read policy (node/query/read_policy.h) through the services that ask it: a small story
// committed by the real chaincode, then each method called as callers of every kind. Every
// rule is shown refusing the wrong caller and admitting the right one.
//
// Story: farm harvests A and C (C is unrelated); ships part of A to mill (carried by truck),
// mill receives it and makes B (sauce) from it; farm ships another part of A to shop, which
// receives it (a competitor's branch of A). fda (regulator) and audit (auditor) read all.
#include "node/query/read_policy.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/api/caller.h"
#include "node/api/ledger_service.h"
#include "node/api/trace_service.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

using grpc::StatusCode;
using testing::kSauce;
using testing::kTomato;

class ReadPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_.ExpectOk("farm", testing::Harvest("farm", "A", 1'000'000, 0));
    chain_.ExpectOk("farm", testing::Harvest("farm", "C", 500'000, 1));
    chain_.ExpectOk("farm", testing::Ship("farm", "A", kTomato, 400'000, "mill", "truck", 10));
    chain_.ExpectOk("mill", testing::Receive("mill", "A", kTomato, 400'000, "farm", 20));
    chain_.ExpectOk("mill", testing::Transform("mill", {{"A", 400'000}}, kTomato, {{"B", 300'000}},
                                               kSauce, 30));
    chain_.ExpectOk("farm", testing::Ship("farm", "A", kTomato, 200'000, "shop", "", 40));
    chain_.ExpectOk("shop", testing::Receive("shop", "A", kTomato, 200'000, "farm", 50));
    v1::TransactionBody device;
    device.mutable_register_device()->set_device_id("d1");
    device.mutable_register_device()->set_public_key(
        PrivateKey::Generate(KeyType::kP256)->public_key().ToPem());
    device.mutable_register_device()->add_sensor_types("temperature");
    chain_.ExpectOk("farm", device);

    policy_ = std::make_shared<const ReadPolicy>(chain_.genesis().genesis);
    audit_ = std::make_shared<ReadAudit>(*policy_);
    ClientAccess access;
    access.identify = [this](grpc::ServerContextBase*) -> Result<ApiCaller> {
      std::lock_guard lock(caller_mu_);  // also read on gRPC's threads (LedgerStub)
      return caller_;
    };
    access.policy = policy_;
    access.audit = audit_;
    trace_ = std::make_unique<TraceService>(chain_.store(), access);
    feed_ = std::make_unique<CommitFeed>(chain_.store().Height());
    ledger_ = std::make_unique<LedgerService>(LedgerServiceContext{
        .store = chain_.store(),
        .mempool = mempool_,
        .feed = *feed_,
        .genesis = chain_.genesis(),
        .mode = "dev",
        .on_admitted = {},
        .fill_status = {},
        .access = access,
    });
  }
  void TearDown() override {
    feed_->Shutdown();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  void SetCaller(const ApiCaller& caller) {
    std::lock_guard lock(caller_mu_);
    caller_ = caller;
  }
  // The Ledger service over in-process gRPC: Submit and the streams run on the callback API,
  // which only a server can call.
  v1::Ledger::Stub& LedgerStub() {
    if (!server_) {
      grpc::ServerBuilder builder;
      int port = 0;
      builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
      builder.RegisterService(ledger_.get());
      server_ = builder.BuildAndStart();
      EXPECT_NE(port, 0);
      stub_ = v1::Ledger::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                      grpc::InsecureChannelCredentials()));
    }
    return *stub_;
  }
  grpc::Status Submit(const ApiCaller& caller, const v1::SubmitRequest& request) {
    SetCaller(caller);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::SubmitResponse response;
    return LedgerStub().Submit(&ctx, request, &response);
  }
  // WatchTransactions of `ids` as `caller`: the first `answers` statuses, then the stream's.
  struct Watched {
    std::map<std::string, v1::TxStatus> by_id;
    grpc::Status status;
  };
  Watched Watch(const ApiCaller& caller, const std::vector<std::string>& ids, size_t answers,
                const std::function<void()>& after_write = {}) {
    SetCaller(caller);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto stream = LedgerStub().WatchTransactions(&ctx);
    v1::WatchTransactionsRequest request;
    for (const std::string& id : ids) request.add_tx_ids(id);
    request.set_wait_timeout_ms(30'000);
    Watched out;
    if (stream->Write(request)) {
      if (after_write) after_write();
      v1::TxStatus status;
      while (out.by_id.size() < answers && stream->Read(&status))
        out.by_id[status.tx_id()] = status;
      stream->WritesDone();
      while (stream->Read(&status)) out.by_id[status.tx_id()] = status;
    }
    out.status = stream->Finish();
    return out;
  }

  ApiCaller Member(const std::string& org) const {
    ApiCaller c;
    c.kind = ApiCaller::Kind::kMember;
    c.org_id = org;
    c.roles = policy_->RolesOf(org);
    c.member_key = chain_.admin(org).public_key().id();
    return c;
  }
  static ApiCaller Node(ApiCaller::Kind kind, const std::string& org, const std::string& id) {
    ApiCaller c;
    c.kind = kind;
    c.org_id = org;
    c.node_id = id;
    return c;
  }

  StatusCode GetLot(const ApiCaller& caller, const std::string& lot) {
    SetCaller(caller);
    grpc::ServerContext ctx;
    v1::GetLotRequest req;
    req.set_lot_code(lot);
    v1::LotView view;
    grpc::Status s = trace_->GetLot(&ctx, &req, &view);
    // A refused read returns nothing at all.
    if (!s.ok()) {
      EXPECT_FALSE(view.has_lot()) << lot;
    }
    last_message_ = s.error_message();
    return s.error_code();
  }
  StatusCode Trace(const ApiCaller& caller, ClientMethod method, const std::string& lot) {
    SetCaller(caller);
    grpc::ServerContext ctx;
    v1::TraceRequest req;
    req.set_lot_code(lot);
    v1::TraceGraph graph;
    grpc::Status s = method == ClientMethod::kTraceBack ? trace_->TraceBack(&ctx, &req, &graph)
                                                        : trace_->TraceForward(&ctx, &req, &graph);
    if (!s.ok()) {
      EXPECT_EQ(graph.nodes_size(), 0);
    }
    last_graph_ = graph;
    last_message_ = s.error_message();
    return s.error_code();
  }
  StatusCode History(const ApiCaller& caller, const std::string& lot) {
    SetCaller(caller);
    grpc::ServerContext ctx;
    v1::LotHistoryRequest req;
    req.set_lot_code(lot);
    v1::EventPage page;
    grpc::Status s = trace_->LotHistory(&ctx, &req, &page);
    if (!s.ok()) {
      EXPECT_EQ(page.events_size(), 0);
    }
    return s.error_code();
  }
  StatusCode Recall(const ApiCaller& caller, const std::string& lot) {
    SetCaller(caller);
    grpc::ServerContext ctx;
    v1::RecallScopeRequest req;
    req.set_lot_code(lot);
    v1::RecallScopeResponse scope;
    grpc::Status s = trace_->RecallScope(&ctx, &req, &scope);
    if (!s.ok()) {
      EXPECT_EQ(scope.holders_size(), 0);
    }
    return s.error_code();
  }
  StatusCode Events(const ApiCaller& caller, const std::string& lot, const std::string& org) {
    SetCaller(caller);
    grpc::ServerContext ctx;
    v1::EventQuery req;
    req.set_lot_code(lot);
    req.set_org_id(org);
    v1::EventPage page;
    grpc::Status s = trace_->QueryEvents(&ctx, &req, &page);
    if (!s.ok()) {
      EXPECT_EQ(page.events_size(), 0);
    }
    last_message_ = s.error_message();
    return s.error_code();
  }
  StatusCode Readings(const ApiCaller& caller, const std::string& lot, const std::string& device) {
    SetCaller(caller);
    grpc::ServerContext ctx;
    v1::ReadingsQuery req;
    req.set_lot_code(lot);
    req.set_device_id(device);
    v1::ReadingsPage page;
    return trace_->GetReadings(&ctx, &req, &page).error_code();
  }
  StatusCode Pilots(const ApiCaller& caller) {
    SetCaller(caller);
    grpc::ServerContext ctx;
    v1::PilotListRequest req;
    v1::PilotListResponse resp;
    return trace_->ListPilotReports(&ctx, &req, &resp).error_code();
  }
  StatusCode Block(const ApiCaller& caller, uint64_t height) {
    SetCaller(caller);
    grpc::ServerContext ctx;
    v1::GetBlockRequest req;
    req.set_height(height);
    v1::GetBlockResponse resp;
    grpc::Status s = ledger_->GetBlock(&ctx, &req, &resp);
    if (!s.ok()) {
      EXPECT_FALSE(resp.has_block());
    }
    return s.error_code();
  }
  StatusCode Transaction(const ApiCaller& caller, const std::string& tx_id) {
    SetCaller(caller);
    grpc::ServerContext ctx;
    v1::GetTransactionRequest req;
    req.set_tx_id(tx_id);
    v1::GetTransactionResponse resp;
    grpc::Status s = ledger_->GetTransaction(&ctx, &req, &resp);
    if (!s.ok()) {
      EXPECT_FALSE(resp.has_tx());
    }
    return s.error_code();
  }
  // The id of the first transaction of block `height`.
  std::string TxIdAt(uint64_t height) {
    v1::Block block = testing::Must(chain_.store().GetBlock(height));
    return Sha256(AsBytes(block.txs(0).body())).ToBinaryString();
  }

  testing::TraceChain chain_;
  Mempool mempool_;
  std::unique_ptr<CommitFeed> feed_;
  std::shared_ptr<const ReadPolicy> policy_;
  std::shared_ptr<ReadAudit> audit_;
  std::unique_ptr<TraceService> trace_;
  std::unique_ptr<LedgerService> ledger_;
  std::mutex caller_mu_;
  ApiCaller caller_;  // guarded by caller_mu_ (SetCaller)
  std::string last_message_;
  v1::TraceGraph last_graph_;
  std::unique_ptr<grpc::Server> server_;  // LedgerStub; stopped before ledger_ goes
  std::unique_ptr<v1::Ledger::Stub> stub_;
};

constexpr StatusCode kOk = StatusCode::OK;
constexpr StatusCode kDenied = StatusCode::PERMISSION_DENIED;
constexpr StatusCode kNoCertificate = StatusCode::UNAUTHENTICATED;

TEST_F(ReadPolicyTest, AMemberReadsLotsItsOrganisationReachedAndNothingUnrelated) {
  EXPECT_EQ(GetLot(Member("farm"), "A"), kOk);
  EXPECT_EQ(GetLot(Member("farm"), "C"), kOk);
  EXPECT_EQ(GetLot(Member("farm"), "B"), kOk);  // made from the farm's lot A
  EXPECT_EQ(GetLot(Member("mill"), "A"), kOk);  // received it
  EXPECT_EQ(GetLot(Member("mill"), "B"), kOk);  // made it
  EXPECT_EQ(GetLot(Member("mill"), "C"), kDenied);
  EXPECT_NE(last_message_.find("member"), std::string::npos) << last_message_;
  EXPECT_NE(last_message_.find("\"C\""), std::string::npos) << last_message_;
  EXPECT_EQ(GetLot(Member("shop"), "A"), kOk);
  EXPECT_EQ(GetLot(Member("shop"), "B"), kDenied);  // the mill's branch of A
  EXPECT_EQ(GetLot(Member("shop"), "C"), kDenied);
  EXPECT_EQ(GetLot(Member("truck"), "A"), kDenied);  // carried, never held
  EXPECT_EQ(GetLot(Member("city"), "A"), kDenied);
  EXPECT_EQ(History(Member("mill"), "A"), kOk);
  EXPECT_EQ(History(Member("shop"), "B"), kDenied);
  // What the query itself refuses keeps its code.
  EXPECT_EQ(GetLot(Member("mill"), "no-such-lot"), StatusCode::NOT_FOUND);
}

TEST_F(ReadPolicyTest, TheReceiverTracesBackToTheFarmAndTheFarmTracesForward) {
  ASSERT_EQ(Trace(Member("mill"), ClientMethod::kTraceBack, "B"), kOk);
  ASSERT_EQ(last_graph_.nodes_size(), 2);
  EXPECT_EQ(last_graph_.nodes(1).lot_code(), "A");
  EXPECT_EQ(last_graph_.nodes(1).creator_org(), "farm");
  ASSERT_EQ(Trace(Member("farm"), ClientMethod::kTraceForward, "A"), kOk);
  ASSERT_EQ(last_graph_.nodes_size(), 2);
  EXPECT_EQ(last_graph_.nodes(1).lot_code(), "B");
  // The farm may not trace the mill's product back (it could hold other suppliers' lots).
  EXPECT_EQ(Trace(Member("farm"), ClientMethod::kTraceBack, "B"), kDenied);
  // Receiving A does not open its other branches: neither the mill nor the shop trace A
  // forward (the farm made it, they did not).
  EXPECT_EQ(Trace(Member("mill"), ClientMethod::kTraceForward, "A"), kDenied);
  EXPECT_EQ(Trace(Member("shop"), ClientMethod::kTraceForward, "A"), kDenied);
  EXPECT_EQ(Trace(Member("shop"), ClientMethod::kTraceBack, "A"), kOk);
  EXPECT_EQ(Trace(Member("shop"), ClientMethod::kTraceBack, "B"), kDenied);
  EXPECT_EQ(Trace(Member("mill"), ClientMethod::kTraceForward, "B"), kOk);
  EXPECT_EQ(Trace(Member("mill"), ClientMethod::kTraceBack, "C"), kDenied);
}

TEST_F(ReadPolicyTest, RecallScopeIsForThoseWhoHeldALotItCameFrom) {
  chain_.ExpectOk("fda", testing::Recall("A", "listeria"));
  EXPECT_EQ(Recall(Member("shop"), "A"), kOk);
  EXPECT_EQ(Recall(Member("farm"), "A"), kOk);
  EXPECT_EQ(Recall(Member("mill"), "B"), kOk);
  EXPECT_EQ(Recall(Member("shop"), "B"), kOk);  // B came from A, which the shop holds
  EXPECT_EQ(Recall(Member("truck"), "A"), kDenied);
  EXPECT_EQ(Recall(Member("mill"), "C"), kDenied);  // refused before "not recalled"
  EXPECT_EQ(Recall(Member("farm"), "C"), StatusCode::FAILED_PRECONDITION);
}

TEST_F(ReadPolicyTest, EventsNeedALotTheMemberMayReadOrItsOwnOrganisation) {
  EXPECT_EQ(Events(Member("mill"), "", "mill"), kOk);
  EXPECT_EQ(Events(Member("mill"), "", "farm"), kDenied);
  EXPECT_EQ(Events(Member("mill"), "A", ""), kOk);
  EXPECT_EQ(Events(Member("mill"), "C", ""), kDenied);
  EXPECT_EQ(Events(Member("mill"), "C", "mill"), kOk);  // filters AND: only mill's events
  EXPECT_EQ(Events(Member("mill"), "", ""), kDenied);
  EXPECT_NE(last_message_.find("org_id = \"mill\""), std::string::npos) << last_message_;
  EXPECT_EQ(Events(Member("fda"), "", ""), kOk);
}

TEST_F(ReadPolicyTest, ReadingsByDeviceAreForTheDevicesOrganisation) {
  EXPECT_EQ(Readings(Member("farm"), "", "d1"), kOk);
  EXPECT_EQ(Readings(Member("mill"), "", "d1"), kDenied);
  EXPECT_EQ(Readings(Member("mill"), "", "no-such-device"), kDenied);
  EXPECT_EQ(Readings(Member("mill"), "A", ""), kOk);
  EXPECT_EQ(Readings(Member("shop"), "B", ""), kDenied);
  EXPECT_EQ(Readings(Member("audit"), "", "d1"), kOk);
}

TEST_F(ReadPolicyTest, TransactionsAreForTheSignersOrganisation) {
  const std::string harvest = TxIdAt(3);  // blocks 1-2 register the products
  EXPECT_EQ(Transaction(Member("farm"), harvest), kOk);
  EXPECT_EQ(Transaction(Member("mill"), harvest), kDenied);
  EXPECT_EQ(Transaction(Member("fda"), harvest), kOk);
  EXPECT_EQ(Transaction(Node(ApiCaller::Kind::kValidator, "farm", "v0"), harvest), kOk);
  EXPECT_EQ(Transaction(ApiCaller::Anonymous(), harvest), kNoCertificate);
}

TEST_F(ReadPolicyTest, APendingTransactionIsNotConfirmedToMembers) {
  // A transaction waiting in the mempool: a member learns nothing more than of an unknown id
  // (whose it is cannot be checked before it commits); readers of everything see it pending.
  v1::TransactionBody body;
  body.set_chain_id(testing::kChainId);
  const Bytes nonce = NewNonce();
  body.set_nonce(std::string(nonce.begin(), nonce.end()));
  body.set_valid_until_height(1'000);
  body.mutable_register_product()->set_gtin("04912345000116");
  body.mutable_register_product()->set_description("pending product");
  auto tx = DecodeTransaction(SignTransaction(body, chain_.admin("farm")));
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  const std::string id = tx->id.ToBinaryString();
  ASSERT_TRUE(mempool_.Add(*tx).ok());
  auto message = [&](const ApiCaller& caller) {
    SetCaller(caller);
    grpc::ServerContext ctx;
    v1::GetTransactionRequest req;
    req.set_tx_id(id);
    v1::GetTransactionResponse resp;
    grpc::Status s = ledger_->GetTransaction(&ctx, &req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    return s.error_message();
  };
  EXPECT_EQ(message(Member("mill")).find("pending"), std::string::npos);
  EXPECT_NE(message(Member("fda")).find("pending"), std::string::npos);
  EXPECT_NE(message(Node(ApiCaller::Kind::kValidator, "farm", "v0")).find("pending"),
            std::string::npos);
}

TEST_F(ReadPolicyTest, BlocksAreForValidatorsObserversAndBlockRoles) {
  EXPECT_EQ(Block(Member("farm"), 1), kDenied);
  EXPECT_EQ(Block(Member("fda"), 1), kOk);
  EXPECT_EQ(Block(Member("audit"), 1), kOk);
  EXPECT_EQ(Block(Node(ApiCaller::Kind::kValidator, "farm", "v0"), 1), kOk);
  EXPECT_EQ(Block(Node(ApiCaller::Kind::kObserver, "audit", "obs"), 1), kOk);
  EXPECT_EQ(Block(ApiCaller::Open(), 1), kOk);
  EXPECT_EQ(Block(ApiCaller::Anonymous(), 1), kNoCertificate);
  EXPECT_TRUE(policy_->CheckCall(Member("fda"), ClientMethod::kStreamBlocks).ok());
  EXPECT_EQ(policy_->CheckCall(Member("shop"), ClientMethod::kStreamBlocks).code(),
            Code::kPermissionDenied);
}

TEST_F(ReadPolicyTest, ReadAllRolesValidatorsObserversAndOpenReadEverything) {
  for (const ApiCaller& caller :
       {Member("fda"), Member("audit"), Node(ApiCaller::Kind::kValidator, "farm", "v0"),
        Node(ApiCaller::Kind::kObserver, "farm", "obs"), ApiCaller::Open()}) {
    EXPECT_EQ(GetLot(caller, "C"), kOk) << caller.Describe();
    EXPECT_EQ(Trace(caller, ClientMethod::kTraceForward, "A"), kOk) << caller.Describe();
    EXPECT_EQ(Trace(caller, ClientMethod::kTraceBack, "B"), kOk) << caller.Describe();
    EXPECT_EQ(Events(caller, "", ""), kOk) << caller.Describe();
  }
}

TEST_F(ReadPolicyTest, AnonymousCallersGetStatusOnly) {
  SetCaller(ApiCaller::Anonymous());
  grpc::ServerContext ctx;
  v1::StatusRequest req;
  v1::StatusResponse status;
  ASSERT_TRUE(ledger_->Status(&ctx, &req, &status).ok());
  EXPECT_EQ(status.client_access(), "policy");
  EXPECT_EQ(GetLot(ApiCaller::Anonymous(), "A"), kNoCertificate);
  EXPECT_NE(last_message_.find("only Status"), std::string::npos) << last_message_;
  EXPECT_EQ(Pilots(ApiCaller::Anonymous()), kNoCertificate);
  v1::SubmitRequest submit;
  EXPECT_EQ(Submit(ApiCaller::Anonymous(), submit).error_code(), kNoCertificate);
  // An identified member passes the gate and reaches admission (which wants a transaction).
  EXPECT_EQ(Submit(Member("farm"), submit).error_code(), StatusCode::INVALID_ARGUMENT);
  // The streams have the gates of Submit and GetTransaction.
  EXPECT_EQ(Watch(ApiCaller::Anonymous(), {TxIdAt(3)}, 1).status.error_code(), kNoCertificate);
  SetCaller(ApiCaller::Anonymous());
  grpc::ClientContext stream_ctx;
  auto stream = LedgerStub().SubmitStream(&stream_ctx);
  v1::SubmitStreamResponse answer;
  EXPECT_FALSE(stream->Read(&answer));
  EXPECT_EQ(stream->Finish().error_code(), kNoCertificate);
}

TEST_F(ReadPolicyTest, WatchTransactionsReadsAsGetTransaction) {
  const std::string harvest = TxIdAt(3);  // farm's
  const std::string unknown = Sha256(AsBytes(std::string("never sent"))).ToBinaryString();
  const std::string unknown_message = "no transaction " + Hash::FromBytes(AsBytes(unknown))->Hex();
  const std::string harvest_unknown = "no transaction " + Hash::FromBytes(AsBytes(harvest))->Hex();
  for (const ApiCaller& reader : {Member("farm"), Member("fda")}) {
    Watched w = Watch(reader, {harvest, unknown}, 2);
    ASSERT_TRUE(w.status.ok()) << w.status.error_message();
    EXPECT_EQ(w.by_id[harvest].code(), 0u) << reader.Describe();
    EXPECT_EQ(w.by_id[harvest].height(), 3u);
    EXPECT_EQ(w.by_id[harvest].index(), 0u);
    EXPECT_EQ(w.by_id[unknown].code(), static_cast<uint32_t>(Code::kNotFound));
  }
  // A member who may not read it hears exactly what an unknown id gets.
  Watched mill = Watch(Member("mill"), {harvest, unknown}, 2);
  ASSERT_TRUE(mill.status.ok()) << mill.status.error_message();
  EXPECT_EQ(mill.by_id[harvest].code(), static_cast<uint32_t>(Code::kNotFound));
  EXPECT_EQ(mill.by_id[harvest].message(), harvest_unknown);
  EXPECT_EQ(mill.by_id[unknown].message(), unknown_message);
  EXPECT_EQ(mill.by_id[harvest].height(), 0u);
  EXPECT_FALSE(mill.by_id[harvest].has_result());
}

TEST_F(ReadPolicyTest, WatchTransactionsWaitsForPendingOnlyForThoseWhoReadAll) {
  v1::TransactionBody body;
  body.set_chain_id(testing::kChainId);
  const Bytes nonce = NewNonce();
  body.set_nonce(std::string(nonce.begin(), nonce.end()));
  body.set_valid_until_height(1'000);
  body.mutable_register_product()->set_gtin("04912345000116");
  body.mutable_register_product()->set_description("pending product");
  auto tx = DecodeTransaction(SignTransaction(body, chain_.admin("farm")));
  ASSERT_TRUE(tx.ok()) << tx.status().ToString();
  const std::string id = tx->id.ToBinaryString();
  ASSERT_TRUE(mempool_.Add(*tx).ok());
  // A member, even the signer's, learns nothing of a pending transaction (as GetTransaction).
  Watched farm = Watch(Member("farm"), {id}, 1);
  ASSERT_TRUE(farm.status.ok()) << farm.status.error_message();
  EXPECT_EQ(farm.by_id[id].code(), static_cast<uint32_t>(Code::kNotFound));
  EXPECT_EQ(farm.by_id[id].message(), "no transaction " + tx->id.Hex());
  // A regulator waits for it and hears its commit.
  const uint64_t height = chain_.store().Height() + 1;
  Watched fda = Watch(Member("fda"), {id}, 1, [&] {
    // Answered once the watch subscribed: poll the feed, then publish the commit.
    for (int i = 0; i < 2000 && feed_->subscriptions() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(feed_->subscriptions(), 1u);
    v1::TxResult result;
    result.set_code(0);
    result.set_message("registered");
    feed_->Publish(height, {tx->id}, {result});
  });
  ASSERT_TRUE(fda.status.ok()) << fda.status.error_message();
  EXPECT_EQ(fda.by_id[id].code(), 0u);
  EXPECT_EQ(fda.by_id[id].height(), height);
  EXPECT_EQ(fda.by_id[id].result().message(), "registered");
  EXPECT_EQ(feed_->subscriptions(), 0u);
  EXPECT_EQ(ledger_->txs_watched(), 0u);
}

TEST_F(ReadPolicyTest, PilotReportsAreForEveryIdentifiedCaller) {
  EXPECT_EQ(Pilots(Member("city")), kOk);
  EXPECT_EQ(Pilots(Member("shop")), kOk);
  EXPECT_EQ(Pilots(Node(ApiCaller::Kind::kObserver, "farm", "obs")), kOk);
}

TEST_F(ReadPolicyTest, ReadAllRoleReadsAreAuditedOthersAreNot) {
  EXPECT_EQ(audit_->count("fda", ClientMethod::kGetLot), 0u);
  EXPECT_EQ(GetLot(Member("fda"), "C"), kOk);
  EXPECT_EQ(GetLot(Member("fda"), "A"), kOk);
  EXPECT_EQ(Trace(Member("audit"), ClientMethod::kTraceBack, "B"), kOk);
  EXPECT_EQ(GetLot(Member("mill"), "A"), kOk);
  EXPECT_EQ(audit_->count("fda", ClientMethod::kGetLot), 2u);
  EXPECT_EQ(audit_->count("audit", ClientMethod::kTraceBack), 1u);
  EXPECT_EQ(audit_->count("mill", ClientMethod::kGetLot), 0u);
  EXPECT_EQ(policy_->AuditedOrgs(), (std::vector<std::string>{"audit", "fda"}));
}

TEST_F(ReadPolicyTest, TheGenesisPolicyIsData) {
  // Only regulators read everything and blocks: the auditor becomes an ordinary member.
  v1::Genesis genesis = chain_.genesis().genesis;
  genesis.mutable_read_policy()->add_read_all_roles("regulator");
  genesis.mutable_read_policy()->add_block_roles("regulator");
  const ReadPolicy narrow(genesis);
  auto snapshot = chain_.Snapshot();
  EXPECT_EQ(narrow.CheckLot(Member("audit"), ClientMethod::kGetLot, *snapshot, "C").code(),
            Code::kPermissionDenied);
  EXPECT_TRUE(narrow.CheckLot(Member("fda"), ClientMethod::kGetLot, *snapshot, "C").ok());
  EXPECT_EQ(narrow.CheckCall(Member("audit"), ClientMethod::kGetBlock).code(),
            Code::kPermissionDenied);
  EXPECT_FALSE(narrow.Audited(Member("audit")));
  EXPECT_TRUE(narrow.Audited(Member("fda")));
}

TEST(OpenClientApiTest, StatusSaysTheApiIsOpen) {
  testing::TraceChain chain;
  Mempool mempool;
  CommitFeed feed(chain.store().Height());
  LedgerService ledger(LedgerServiceContext{
      .store = chain.store(),
      .mempool = mempool,
      .feed = feed,
      .genesis = chain.genesis(),
      .mode = "dev",
      .on_admitted = {},
      .fill_status = {},
  });
  grpc::ServerContext ctx;
  v1::StatusRequest req;
  v1::StatusResponse status;
  ASSERT_TRUE(ledger.Status(&ctx, &req, &status).ok());
  EXPECT_EQ(status.client_access(), "open (no client TLS)");
  feed.Shutdown();
}

}  // namespace
}  // namespace tadori
