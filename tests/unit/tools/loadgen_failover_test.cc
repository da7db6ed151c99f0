// tadori-loadgen's clients against fake nodes, one of them down: each client moves on to the
// next node with the same signed transaction, the report counts the retries, and only what a
// node said committed OK is acknowledged.
#include <gtest/gtest.h>

#include <set>

#include "tests/unit/tools/fake_ledger_node.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/run.h"
#include "tools/loadgen/workload.h"

namespace tadori::loadgen {
namespace {

using testing::AddressNobodyListensOn;
using testing::FakeLedgerNode;
using testing::FakeNetwork;
using Mode = FakeLedgerNode::Mode;

constexpr client::FailoverPolicy kQuick{
    .attempts_max = 4, .backoff_first_ms = 0, .backoff_max_ms = 0};

Workload Harvests(uint64_t count) {
  static const PrivateKey key = std::move(*PrivateKey::Generate(KeyType::kEd25519));
  return PresignHarvests(client::ChainHead{testing::kFakeChainId, 1}, key, count, "fo-",
                         kLoadgenProductGtin, 10, 2'000);
}

TEST(LoadgenFailoverTest, AClientMovesOnToTheNextNodeWithTheSameTransactions) {
  FakeNetwork network;
  FakeLedgerNode live(network, Mode::kAnswers);
  const std::vector<std::string> nodes = {AddressNobodyListensOn(), live.address()};
  Workload w = Harvests(6);
  std::vector<TxRecord> records;
  // One client, so that it is certainly the one starting at the dead node.
  const RunTiming timing = RunClients(nodes, 1, Pacer(0), kQuick, w, records);

  ASSERT_EQ(records.size(), 6u);
  for (const TxRecord& r : records) {
    EXPECT_EQ(r.fate, Fate::kCommitted);
    EXPECT_EQ(r.node, 1u);
    EXPECT_TRUE(r.acknowledged());
  }
  // Every transaction reached the live node once, as the bytes that were signed.
  std::set<std::string> sent;
  for (const std::string& bytes : live.submits()) sent.insert(bytes);
  ASSERT_EQ(sent.size(), 6u);
  for (const v1::SubmitRequest& request : w.requests) {
    EXPECT_EQ(sent.count(request.SerializeAsString()), 1u);
  }
  EXPECT_EQ(AcknowledgedIds(w, records), w.ids);

  // The client started at the dead node: one retry, one failover, then it stays on node 1.
  const Tally t = MakeTally(records, timing, false);
  EXPECT_EQ(t.committed_ok, 6u);
  EXPECT_EQ(t.retries, 1u);
  EXPECT_EQ(t.failovers, 1u);
  EXPECT_EQ(t.already_there, 0u);
  RunInfo info;
  info.nodes = nodes;
  info.attempts_max = kQuick.attempts_max;
  info.acked_out = "acked.txt";
  const std::string text = RenderReport(t, info);
  EXPECT_NE(text.find("retries              1  (1 to another node; 0 found already there; at "
                      "most 4 attempts per submission)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("acknowledged ids     6 written to acked.txt\n"), std::string::npos) << text;
  const nlohmann::json j = ReportJson(t, info);
  EXPECT_EQ(j.at("retries"), 1);
  EXPECT_EQ(j.at("failovers"), 1);
  EXPECT_EQ(j.at("attemptsMax"), 4);
  EXPECT_EQ(j.at("committedOk"), 6);
}

TEST(LoadgenFailoverTest, ATransactionANodeTookBeforeDyingIsAcknowledgedOnce) {
  FakeNetwork network;
  FakeLedgerNode takes_and_dies(network, Mode::kTakesAndDies);
  FakeLedgerNode live(network, Mode::kAnswers);
  Workload w = Harvests(3);
  std::vector<TxRecord> records;
  const RunTiming timing =
      RunClients({takes_and_dies.address(), live.address()}, 1, Pacer(0), kQuick, w, records);
  // The first went to the dying node, which passed it on; the retry found it there.
  EXPECT_TRUE(records[0].already_there);
  EXPECT_EQ(records[0].attempts, 2u);
  EXPECT_EQ(records[0].fate, Fate::kCommitted);
  EXPECT_EQ(records[1].attempts, 1u);
  const Tally t = MakeTally(records, timing, false);
  EXPECT_EQ(t.committed_ok, 3u);
  EXPECT_EQ(t.already_there, 1u);
  EXPECT_EQ(network.txs.size(), 3u);  // three transactions committed, none twice
  EXPECT_EQ(takes_and_dies.submits().size(), 1u);
}

TEST(LoadgenFailoverTest, NothingIsAcknowledgedWhenNoNodeAnswers) {
  FakeNetwork network;
  FakeLedgerNode down(network, Mode::kUnavailable);
  Workload w = Harvests(2);
  std::vector<TxRecord> records;
  ErrorExamples examples;
  const RunTiming timing = RunClients({AddressNobodyListensOn(), down.address()}, 1, Pacer(0),
                                      kQuick, w, records, &examples);
  for (const TxRecord& r : records) {
    EXPECT_EQ(r.fate, Fate::kPending);  // UNAVAILABLE: to be settled, not acknowledged
    EXPECT_EQ(r.rpc_code, Code::kUnavailable);
    EXPECT_EQ(r.attempts, 4u);
    EXPECT_FALSE(r.acknowledged());
  }
  EXPECT_TRUE(AcknowledgedIds(w, records).empty());
  EXPECT_EQ(down.submits().size(), 4u);  // two attempts of each transaction reached it
  // What the report shows next to "UNAVAILABLE 2": the message naming the nodes tried.
  ASSERT_EQ(examples.size(), 1u);
  const std::string& message = examples.at("UNAVAILABLE");
  EXPECT_NE(message.find("no node answered in 4 attempts ("), std::string::npos) << message;
  EXPECT_NE(message.find(down.address() + ": UNAVAILABLE: fake node going away"), std::string::npos)
      << message;
  RunInfo info;
  info.error_examples = examples;
  const std::string text = RenderReport(MakeTally(records, timing, false), info);
  EXPECT_NE(text.find("  first UNAVAILABLE      no node answered in 4 attempts ("),
            std::string::npos)
      << text;
}

TEST(LoadgenSigningTest, ALongRunSignsAChunkAtATimeAgainstTheHeadOfTheMoment) {
  FakeNetwork network;
  FakeLedgerNode live(network, Mode::kAnswers);
  static const PrivateKey key = std::move(*PrivateKey::Generate(KeyType::kEd25519));
  const HarvestPlan plan{&key, "roll-", kLoadgenProductGtin, 10, 2'000};
  const size_t count = 2 * kSignChunkTxs + 500;
  Workload w = UnsignedWorkload(count);
  SignHarvests(w, 0, 10, plan, client::ChainHead{testing::kFakeChainId, 1});
  // Each chunk is signed against a head 100 blocks on from the last: the chain moving on.
  std::vector<std::pair<size_t, size_t>> chunks;
  uint64_t height = 1;
  const SigningAhead ahead{
      [&](Workload& work, size_t from, size_t to) {
        chunks.emplace_back(from, to);
        height += 100;
        SignHarvests(work, from, to, plan, client::ChainHead{testing::kFakeChainId, height});
      },
      10};
  std::vector<TxRecord> records;
  RunClients({live.address()}, 4, Pacer(0), kQuick, w, records, nullptr, &ahead);

  const std::vector<std::pair<size_t, size_t>> expected = {
      {10, 10 + kSignChunkTxs},
      {10 + kSignChunkTxs, 10 + 2 * kSignChunkTxs},
      {10 + 2 * kSignChunkTxs, count}};
  EXPECT_EQ(chunks, expected);
  EXPECT_EQ(w.valid_until[0], 1u + 10);
  EXPECT_EQ(w.valid_until[10], 101u + 10);
  EXPECT_EQ(w.valid_until[10 + kSignChunkTxs], 201u + 10);
  EXPECT_EQ(w.valid_until[count - 1], 301u + 10);
  size_t committed = 0;
  for (const TxRecord& r : records) committed += r.acknowledged() ? 1 : 0;
  EXPECT_EQ(committed, count);
  EXPECT_EQ(network.txs.size(), count);
  EXPECT_EQ(std::set<Hash>(w.ids.begin(), w.ids.end()).size(), count);
}

}  // namespace
}  // namespace tadori::loadgen
