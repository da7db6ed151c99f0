// A client given several nodes: reads and submissions move on to the next node when one cannot
// be reached, resend the same signed bytes, take ALREADY_EXISTS on a retry as accepted, stop
// at the attempt bound and then name every node tried. Against in-process fake nodes.
#include "tools/client/failover.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "ledger/transaction.h"
#include "tests/unit/tools/fake_ledger_node.h"
#include "tools/client/submit.h"

namespace tadori::client {
namespace {

using testing::AddressNobodyListensOn;
using testing::FakeLedgerNode;
using testing::FakeNetwork;
using Mode = FakeLedgerNode::Mode;

// No waiting between attempts: the tests are about where calls go, not when.
constexpr FailoverPolicy kQuick{.attempts_max = 0, .backoff_first_ms = 0, .backoff_max_ms = 0};

v1::SubmitRequest SignedRequest(bool wait_for_commit) {
  static const PrivateKey key = std::move(*PrivateKey::Generate(KeyType::kEd25519));
  v1::TransactionBody body;
  body.mutable_register_location()->set_gln("urn:epc:id:sgln:0490000.00000.1");
  body.mutable_register_location()->set_name("failover test");
  body.set_chain_id(testing::kFakeChainId);
  const Bytes nonce = NewNonce();
  body.set_nonce(std::string(nonce.begin(), nonce.end()));
  body.set_valid_until_height(100);
  v1::SubmitRequest request;
  *request.mutable_tx() = SignTransaction(body, key);
  request.set_wait_for_commit(wait_for_commit);
  request.set_wait_timeout_ms(2'000);
  return request;
}

Hash IdOf(const v1::SubmitRequest& request) {
  return Sha256(AsBytes(request.tx().body()));
}

TEST(FailoverTest, ReadMovesToTheSecondNodeWhenTheFirstIsNotListening) {
  FakeNetwork network;
  FakeLedgerNode live(network, Mode::kAnswers);
  const std::string dead = AddressNobodyListensOn();
  NodeSet nodes({dead, live.address()}, kQuick);
  Result<ChainHead> head = FetchChainHead(nodes);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->chain_id, testing::kFakeChainId);
  EXPECT_EQ(nodes.current(), 1u);
  EXPECT_EQ(nodes.retries(), 1u);
  EXPECT_EQ(nodes.failovers(), 1u);
  // The node that answered stays current: the next read goes straight to it.
  ASSERT_TRUE(FetchChainHead(nodes).ok());
  EXPECT_EQ(nodes.retries(), 1u);
  EXPECT_EQ(live.calls(), 2);
}

TEST(FailoverTest, ReadMovesOnWhenANodeAnswersUnavailable) {
  FakeNetwork network;
  FakeLedgerNode down(network, Mode::kUnavailable);
  FakeLedgerNode live(network, Mode::kAnswers);
  NodeSet nodes({down.address(), live.address()}, kQuick);
  ASSERT_TRUE(FetchChainHead(nodes).ok());
  EXPECT_EQ(down.calls(), 1);
  EXPECT_EQ(live.calls(), 1);
  EXPECT_EQ(nodes.current(), 1u);
}

TEST(FailoverTest, SubmitResendsTheSameSignedBytesToTheNextNode) {
  FakeNetwork network;
  FakeLedgerNode down(network, Mode::kUnavailable);
  FakeLedgerNode live(network, Mode::kAnswers);
  NodeSet nodes({down.address(), live.address()}, kQuick);
  const v1::SubmitRequest request = SignedRequest(/*wait_for_commit=*/true);
  const SubmitAnswer answer = SubmitTransaction(nodes, request);
  ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
  EXPECT_EQ(answer.attempts, 2);
  EXPECT_FALSE(answer.already_there);
  EXPECT_TRUE(answer.response.committed());
  EXPECT_EQ(answer.response.tx_id(), IdOf(request).ToBinaryString());
  // Byte for byte the request the caller signed, at both nodes: never signed again.
  ASSERT_EQ(down.submits().size(), 1u);
  ASSERT_EQ(live.submits().size(), 1u);
  EXPECT_EQ(down.submits()[0], request.SerializeAsString());
  EXPECT_EQ(live.submits()[0], request.SerializeAsString());
  EXPECT_EQ(network.txs.size(), 1u);  // one transaction, not two
}

TEST(FailoverTest, AlreadyPendingOnRetryIsAcceptedAndItsCommitLookedUp) {
  FakeNetwork network;
  FakeLedgerNode takes_and_dies(network, Mode::kTakesAndDies);
  takes_and_dies.set_polls_until_commit(2);
  FakeLedgerNode live(network, Mode::kAnswers);
  NodeSet nodes({takes_and_dies.address(), live.address()}, kQuick);
  const v1::SubmitRequest request = SignedRequest(/*wait_for_commit=*/true);
  const SubmitAnswer answer = SubmitTransaction(nodes, request);
  ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
  EXPECT_EQ(answer.attempts, 2);
  EXPECT_TRUE(answer.already_there);
  EXPECT_TRUE(answer.response.committed());
  EXPECT_EQ(answer.response.tx_id(), IdOf(request).ToBinaryString());
  EXPECT_EQ(answer.response.height(), network.txs.at(IdOf(request)).height);
  // Submit, ALREADY_EXISTS, then GetTransaction until found: two "pending", then found.
  EXPECT_EQ(live.submits().size(), 1u);
  EXPECT_EQ(live.calls(), 1 + 3);
}

TEST(FailoverTest, AlreadyCommittedOnRetryWithoutWaitingIsAccepted) {
  FakeNetwork network;
  FakeLedgerNode down(network, Mode::kUnavailable);
  FakeLedgerNode live(network, Mode::kAnswers);
  const v1::SubmitRequest request = SignedRequest(/*wait_for_commit=*/false);
  network.CommitLocked(IdOf(request));  // an earlier attempt got through and committed
  NodeSet nodes({down.address(), live.address()}, kQuick);
  const SubmitAnswer answer = SubmitTransaction(nodes, request);
  ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
  EXPECT_TRUE(answer.already_there);
  EXPECT_FALSE(answer.response.committed());  // not waiting: accepted is all it says
  EXPECT_EQ(answer.response.tx_id(), IdOf(request).ToBinaryString());
}

TEST(FailoverTest, AlreadyExistsOnTheFirstAttemptStaysAnError) {
  FakeNetwork network;
  FakeLedgerNode live(network, Mode::kAnswers);
  const v1::SubmitRequest request = SignedRequest(/*wait_for_commit=*/true);
  network.CommitLocked(IdOf(request));
  NodeSet nodes({live.address()}, kQuick);
  const SubmitAnswer answer = SubmitTransaction(nodes, request);
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(answer.status.error_message().find("already committed at height"), std::string::npos);
  EXPECT_EQ(answer.attempts, 1);
  EXPECT_FALSE(answer.already_there);
}

TEST(FailoverTest, ARefusalIsTheAnswerAndDoesNotMoveOn) {
  FakeNetwork network;
  FakeLedgerNode refuses(network, Mode::kRefuses);
  FakeLedgerNode live(network, Mode::kAnswers);
  NodeSet nodes({refuses.address(), live.address()}, kQuick);
  const SubmitAnswer answer = SubmitTransaction(nodes, SignedRequest(true));
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(answer.status.error_message(), "fake refusal");
  EXPECT_EQ(answer.attempts, 1);
  EXPECT_EQ(live.calls(), 0);
  EXPECT_EQ(nodes.failovers(), 0u);
}

TEST(FailoverTest, StopsAtTheAttemptBoundAndNamesEveryNodeTried) {
  FakeNetwork network;
  FakeLedgerNode down(network, Mode::kUnavailable);
  const std::string dead = AddressNobodyListensOn();
  FailoverPolicy policy = kQuick;
  policy.attempts_max = 3;
  NodeSet nodes({dead, down.address()}, policy);
  const SubmitAnswer answer = SubmitTransaction(nodes, SignedRequest(true));
  EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(answer.attempts, 3);
  EXPECT_EQ(down.calls(), 1);  // dead, down, dead
  const std::string& m = answer.status.error_message();
  EXPECT_NE(m.find("no node answered in 3 attempts"), std::string::npos) << m;
  EXPECT_NE(m.find(dead + ": UNAVAILABLE: "), std::string::npos) << m;
  EXPECT_NE(m.find(down.address() + ": UNAVAILABLE: fake node going away"), std::string::npos) << m;
  EXPECT_EQ(nodes.retries(), 2u);
}

TEST(FailoverTest, ANodeWhoseConnectionNeverComesUpIsPassedWithoutSending) {
  FakeNetwork network;
  testing::SilentListener hung;
  FakeLedgerNode live(network, Mode::kAnswers);
  FailoverPolicy policy = kQuick;
  policy.connect_timeout_ms = 300;
  NodeSet nodes({hung.address(), live.address()}, policy);
  const auto start = std::chrono::steady_clock::now();
  const SubmitAnswer answer = SubmitTransaction(nodes, SignedRequest(true));
  ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
  EXPECT_EQ(answer.attempts, 2);
  EXPECT_EQ(nodes.current(), 1u);
  // The connect timeout, not the Submit deadline (the commit wait plus slack), bounded it.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2'000));

  NodeSet only_hung({hung.address()}, FailoverPolicy{.attempts_max = 1, .connect_timeout_ms = 300});
  Result<ChainHead> head = FetchChainHead(only_hung);
  EXPECT_EQ(head.status().code(), Code::kUnavailable);
  EXPECT_EQ(head.status().message(), "no node answered in 1 attempt (" + hung.address() +
                                         ": UNAVAILABLE: no connection within 300 ms; the "
                                         "request was not sent)");
}

TEST(FailoverTest, ANodeThatComesBackIsReachedAtOnce) {
  FakeNetwork network;
  auto node = std::make_unique<FakeLedgerNode>(network, Mode::kAnswers);
  const int port = node->port();
  NodeSet nodes({node->address()}, FailoverPolicy{.attempts_max = 1});
  ASSERT_TRUE(FetchChainHead(nodes).ok());
  node.reset();  // the node goes away for a while; clients keep trying
  const auto down_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1'500);
  while (std::chrono::steady_clock::now() < down_until) {
    EXPECT_EQ(FetchChainHead(nodes).status().code(), Code::kUnavailable);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  node = std::make_unique<FakeLedgerNode>(network, Mode::kAnswers, port);
  // One attempt, at once: not left to a connection that is still backing off from the
  // failures while the node was away.
  Result<ChainHead> head = FetchChainHead(nodes);
  EXPECT_TRUE(head.ok()) << head.status().ToString();
}

TEST(FailoverTest, DefaultBoundIsTwoAttemptsPerNode) {
  EXPECT_EQ(NodeSet({"127.0.0.1:1"}).attempts_max(), 2);
  EXPECT_EQ(NodeSet({"a:1", "b:2", "c:3", "d:4"}).attempts_max(), 8);
  EXPECT_EQ(NodeSet({"a:1", "b:2"}, FailoverPolicy{.attempts_max = 5}).attempts_max(), 5);
}

TEST(FailoverTest, OneNodeThatIsDownFailsAfterItsAttemptsNamingIt) {
  const std::string dead = AddressNobodyListensOn();
  FailoverPolicy policy = kQuick;
  NodeSet nodes({dead}, policy);
  Result<ChainHead> head = FetchChainHead(nodes);
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().code(), Code::kUnavailable);
  EXPECT_NE(head.status().message().find("no node answered in 2 attempts (" + dead + ": "),
            std::string::npos)
      << head.status().message();
  EXPECT_EQ(nodes.failovers(), 0u);  // one node: retried, not moved
  EXPECT_EQ(nodes.retries(), 1u);
}

TEST(FailoverTest, BackoffBetweenAttemptsIsBounded) {
  const std::string dead = AddressNobodyListensOn();
  const FailoverPolicy policy{.attempts_max = 4, .backoff_first_ms = 20, .backoff_max_ms = 40};
  NodeSet nodes({dead}, policy);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(FetchChainHead(nodes).ok());
  const auto took = std::chrono::steady_clock::now() - start;
  // 20 + 40 + 40 ms of backoff; refused connections take next to nothing.
  EXPECT_GE(took, std::chrono::milliseconds(100));
  EXPECT_LT(took, std::chrono::milliseconds(2'000));
}

TEST(FailoverTest, FirstReachableNodeSkipsNodesThatAreDown) {
  FakeNetwork network;
  FakeLedgerNode live(network, Mode::kAnswers);
  const std::string dead = AddressNobodyListensOn();
  EXPECT_EQ(FirstReachableNode({dead, live.address()}, 2'000), 1u);
  EXPECT_EQ(FirstReachableNode({live.address(), dead}, 2'000), 0u);
  EXPECT_EQ(FirstReachableNode({dead}, 2'000), 0u);
}

}  // namespace
}  // namespace tadori::client
