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

#include <memory>
#include <string>

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
    access.identify = [this](grpc::ServerContext*) -> Result<ApiCaller> { return caller_; };
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
  void TearDown() override { feed_->Shutdown(); }

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
    caller_ = caller;
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
    caller_ = caller;
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
    caller_ = caller;
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
    caller_ = caller;
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
    caller_ = caller;
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
    caller_ = caller;
    grpc::ServerContext ctx;
    v1::ReadingsQuery req;
    req.set_lot_code(lot);
    req.set_device_id(device);
    v1::ReadingsPage page;
    return trace_->GetReadings(&ctx, &req, &page).error_code();
  }
  StatusCode Pilots(const ApiCaller& caller) {
    caller_ = caller;
    grpc::ServerContext ctx;
    v1::PilotListRequest req;
    v1::PilotListResponse resp;
    return trace_->ListPilotReports(&ctx, &req, &resp).error_code();
  }
  StatusCode Block(const ApiCaller& caller, uint64_t height) {
    caller_ = caller;
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
    caller_ = caller;
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
  ApiCaller caller_;
  std::string last_message_;
  v1::TraceGraph last_graph_;
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
    caller_ = caller;
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
  caller_ = ApiCaller::Anonymous();
  grpc::ServerContext ctx;
  v1::StatusRequest req;
  v1::StatusResponse status;
  ASSERT_TRUE(ledger_->Status(&ctx, &req, &status).ok());
  EXPECT_EQ(status.client_access(), "policy");
  EXPECT_EQ(GetLot(ApiCaller::Anonymous(), "A"), kNoCertificate);
  EXPECT_NE(last_message_.find("only Status"), std::string::npos) << last_message_;
  EXPECT_EQ(Pilots(ApiCaller::Anonymous()), kNoCertificate);
  grpc::ServerContext submit_ctx;
  v1::SubmitRequest submit;
  v1::SubmitResponse submitted;
  EXPECT_EQ(ledger_->Submit(&submit_ctx, &submit, &submitted).error_code(), kNoCertificate);
  // An identified member passes the gate and reaches admission (which wants a transaction).
  caller_ = Member("farm");
  grpc::ServerContext member_ctx;
  EXPECT_EQ(ledger_->Submit(&member_ctx, &submit, &submitted).error_code(),
            StatusCode::INVALID_ARGUMENT);
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
