// tadori.v1.Trace over real gRPC (in-process server on a loopback port): answers arrive, and
// refusals arrive as the gRPC status with the query's code and message.
#include <grpcpp/grpcpp.h>

#include "node/api/trace_service.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

class TraceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_.ExpectOk("farm", testing::Harvest("farm", "A", 1'000'000, 0));
    chain_.ExpectOk("farm", testing::Transform("farm", {{"A", 1'000}}, testing::kTomato,
                                               {{"B", 1'000}}, testing::kTomato, 1));
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port_, 0);
    stub_ = v1::Trace::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                                   grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  testing::TraceChain chain_;
  TraceService service_{chain_.store()};
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Trace::Stub> stub_;
};

TEST_F(TraceServiceTest, AnswersCarryTheHeightTheyWereReadAt) {
  grpc::ClientContext ctx;
  v1::TraceRequest req;
  req.set_lot_code("B");
  v1::TraceGraph graph;
  grpc::Status s = stub_->TraceBack(&ctx, req, &graph);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(graph.nodes_size(), 2);
  EXPECT_EQ(graph.nodes(1).lot_code(), "A");
  EXPECT_EQ(graph.read_at_height(), chain_.store().Height());
}

TEST_F(TraceServiceTest, RefusalsKeepTheirCodeAndMessage) {
  {
    grpc::ClientContext ctx;
    v1::GetLotRequest req;
    req.set_lot_code("Z");
    v1::LotView view;
    grpc::Status s = stub_->GetLot(&ctx, req, &view);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(s.error_message(), "no lot Z");
  }
  {
    grpc::ClientContext ctx;
    v1::EventQuery req;
    req.set_page_size(1001);
    v1::EventPage page;
    grpc::Status s = stub_->QueryEvents(&ctx, req, &page);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(s.error_message().find("page_size"), std::string::npos);
  }
  {
    grpc::ClientContext ctx;
    v1::RecallScopeRequest req;
    req.set_lot_code("A");
    v1::RecallScopeResponse scope;
    EXPECT_EQ(stub_->RecallScope(&ctx, req, &scope).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }
}

}  // namespace
}  // namespace tadori
