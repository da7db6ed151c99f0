// RecallScope, GetReadings and the pilot report queries over a real chain.
#include <algorithm>
#include <set>
#include <tuple>

#include "chaincode/chaincode_limits.h"
#include "ledger/hash.h"
#include "node/query/trace_query.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

using testing::CodeOf;
using testing::Harvest;
using testing::kSauce;
using testing::kTomato;
using testing::Must;
using testing::TraceChain;

// ---------------------------------------------------------------- recalls

// farm harvests A and B; A: 400 to mill by truck (received), 100 to shop by truck (still in
// transit); mill makes sauce S from 100 of A and ships 30 of S to shop without a carrier.
class RecallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_.ExpectOk("farm", Harvest("farm", "A", 1'000'000, 0));
    chain_.ExpectOk("farm", Harvest("farm", "B", 1'000'000, 1));
    chain_.ExpectOk("farm", testing::Ship("farm", "A", kTomato, 400'000, "mill", "truck", 2));
    chain_.ExpectOk("mill", testing::Receive("mill", "A", kTomato, 400'000, "farm", 3));
    chain_.ExpectOk("farm", testing::Ship("farm", "A", kTomato, 100'000, "shop", "truck", 4));
    chain_.ExpectOk(
        "mill", testing::Transform("mill", {{"A", 100'000}}, kTomato, {{"S", 80'000}}, kSauce, 5));
    chain_.ExpectOk("mill", testing::Ship("mill", "S", kSauce, 30'000, "shop", "", 6));
  }

  v1::RecallScopeResponse Scope(const std::string& lot) {
    auto snap = chain_.Snapshot();
    v1::RecallScopeRequest req;
    req.set_lot_code(lot);
    return Must(RecallScope(*snap, req));
  }

  TraceChain chain_;
};

using Holder = std::tuple<std::string, std::string, int64_t, bool>;

std::set<Holder> Holders(const v1::RecallScopeResponse& r) {
  std::set<Holder> out;
  for (const v1::AffectedHolder& h : r.holders()) {
    out.emplace(h.org_id(), h.lot_code(), h.quantity_milli(), h.in_transit());
  }
  return out;
}

TEST_F(RecallTest, ScopeListsEveryAffectedLotAndItsHoldersNow) {
  chain_.ExpectOk("fda", testing::Recall("A", "Salmonella"));
  for (const char* asked : {"A", "S"}) {
    const v1::RecallScopeResponse r = Scope(asked);
    ASSERT_EQ(r.recalls_size(), 1) << asked;
    EXPECT_EQ(r.recalls(0).origin_lot(), "A");
    EXPECT_EQ(r.recalls(0).issued_by_org(), "fda");
    EXPECT_EQ(std::set<std::string>(r.affected_lots().begin(), r.affected_lots().end()),
              (std::set<std::string>{"A", "S"}));
    EXPECT_EQ(Holders(r), (std::set<Holder>{{"farm", "A", 500'000, false},
                                            {"mill", "A", 300'000, false},
                                            {"truck", "A", 100'000, true},
                                            {"mill", "S", 50'000, false},
                                            {"mill", "S", 30'000, true}}));
    EXPECT_EQ(std::vector<std::string>(r.organisations().begin(), r.organisations().end()),
              (std::vector<std::string>{"farm", "mill", "shop", "truck"}));
    EXPECT_EQ(r.read_at_height(), chain_.store().Height());
  }
}

TEST_F(RecallTest, ScopeFollowsOneRecallNotTheWholeNetwork) {
  chain_.ExpectOk("farm", testing::Recall("B", "label error"));
  const v1::RecallScopeResponse r = Scope("B");
  EXPECT_EQ(std::vector<std::string>(r.affected_lots().begin(), r.affected_lots().end()),
            std::vector<std::string>{"B"});
  EXPECT_EQ(Holders(r), (std::set<Holder>{{"farm", "B", 1'000'000, false}}));
  EXPECT_EQ(std::vector<std::string>(r.organisations().begin(), r.organisations().end()),
            std::vector<std::string>{"farm"});
}

TEST_F(RecallTest, UnrecalledOrUnknownLotsAreRefused) {
  auto snap = chain_.Snapshot();
  v1::RecallScopeRequest req;
  req.set_lot_code("A");
  EXPECT_EQ(CodeOf(RecallScope(*snap, req)), Code::kFailedPrecondition);
  req.set_lot_code("nope");
  EXPECT_EQ(CodeOf(RecallScope(*snap, req)), Code::kNotFound);
  req.set_lot_code("");
  EXPECT_EQ(CodeOf(RecallScope(*snap, req)), Code::kInvalidArgument);
}

TEST_F(RecallTest, ScopeSaysEachRecallIsCompleteAndHowManyLotsItFlagged) {
  chain_.ExpectOk("fda", testing::Recall("A", "Salmonella"));
  chain_.ExpectOk("farm", testing::Recall("A", "label error"));
  const v1::RecallScopeResponse r = Scope("S");
  ASSERT_EQ(r.recalls_size(), 2);
  ASSERT_EQ(r.records_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(r.records(i).recall_id(), r.recalls(i).recall_id());
    EXPECT_EQ(r.records(i).issued_by_org(), r.recalls(i).issued_by_org());
    EXPECT_TRUE(r.records(i).complete());
    EXPECT_EQ(r.records(i).lots_flagged(), 2u);  // A and S
  }
  EXPECT_FALSE(r.truncated());
}

// A recall too big for one transaction: A -> 40 middle lots -> 256 leaves each, so more than
// kRecallLotsMax lots descend from A. The scope says how far the recall has got.
TEST_F(RecallTest, ScopeOfAnIncompleteRecallSaysHowManyLotsItFlaggedSoFar) {
  constexpr size_t kMiddles = 40;
  std::vector<testing::Quantity> middles;
  for (size_t m = 0; m < kMiddles; ++m) middles.push_back({"M" + std::to_string(m), 1'000});
  chain_.ExpectOk("mill", testing::Transform("mill", {{"A", 1'000}}, kTomato, middles, kSauce, 7));
  for (const testing::Quantity& middle : middles) {
    std::vector<testing::Quantity> leaves;
    for (size_t i = 0; i < kEventQuantityElementsMax; ++i) {
      leaves.push_back({middle.lot + "-" + std::to_string(i), 1});
    }
    chain_.ExpectOk("mill",
                    testing::Transform("mill", {{middle.lot, 1}}, kSauce, leaves, kSauce, 8));
  }
  const size_t lots = 2 + kMiddles * (1 + kEventQuantityElementsMax);  // A, S, middles, leaves
  ASSERT_GT(lots, kRecallLotsMax);

  chain_.ExpectOk("fda", testing::Recall("A", "Salmonella"));
  v1::RecallScopeResponse r = Scope("A");
  ASSERT_EQ(r.records_size(), 1);
  const std::string recall_id = r.records(0).recall_id();
  EXPECT_FALSE(r.records(0).complete());
  EXPECT_EQ(r.records(0).lots_flagged(), kRecallLotsMax);
  EXPECT_TRUE(r.truncated());  // more than kTraceNodesMax lots to walk

  v1::TransactionBody next;
  next.mutable_continue_recall()->set_recall_id(recall_id);
  chain_.ExpectOk("fda", next);
  r = Scope("M39-255");  // the last lot reached, flagged by the continuation
  ASSERT_EQ(r.records_size(), 1);
  EXPECT_EQ(r.records(0).recall_id(), recall_id);
  EXPECT_TRUE(r.records(0).complete());
  EXPECT_EQ(r.records(0).lots_flagged(), lots);
}

TEST_F(RecallTest, TraceNodesShowRecallFlags) {
  chain_.ExpectOk("fda", testing::Recall("A", "Salmonella"));
  auto snap = chain_.Snapshot();
  v1::TraceRequest req;
  req.set_lot_code("S");
  const v1::TraceGraph g = Must(TraceBack(*snap, req));
  ASSERT_EQ(g.nodes_size(), 2);
  for (const v1::TraceNode& n : g.nodes()) {
    ASSERT_EQ(n.recalls_size(), 1) << n.lot_code();
    EXPECT_EQ(n.recalls(0).reason(), "Salmonella");
  }
}

// ---------------------------------------------------------------- readings

class ReadingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_.ExpectOk("farm", Harvest("farm", "A", 1'000'000, 0));
    chain_.ExpectOk("farm", Harvest("farm", "B", 1'000'000, 0));
    for (const char* id : {"d1", "d2"}) {
      devices_.emplace(id, PrivateKey::Generate(KeyType::kP256).value());
      v1::TransactionBody body;
      v1::RegisterDevice* d = body.mutable_register_device();
      d->set_device_id(id);
      d->set_public_key(devices_.at(id).public_key().ToPem());
      d->set_name(std::string("cold room sensor ") + id);
      d->add_sensor_types("temperature");
      chain_.ExpectOk("farm", body);
    }
    // d1: minutes 0..9 about A and B, one reading at 8 °C (an excursion) at minute 4.
    Submit("d1", 1, {"A", "B"}, 0, 10, 4);
    // d2: minutes 5..14 about A only, all in range.
    Submit("d2", 1, {"A"}, 5, 10, -1);
  }

  void Submit(const std::string& device, uint64_t sequence, std::vector<std::string> lots,
              int first_minute, int count, int hot_minute) {
    v1::ReadingBatch batch;
    batch.set_device_id(device);
    batch.set_sequence(sequence);
    for (const std::string& lot : lots) batch.add_lot_codes(lot);
    for (int m = first_minute; m < first_minute + count; ++m) {
      v1::SensorReading* r = batch.add_readings();
      r->set_time(testing::Minute(m));
      r->set_sensor_type("temperature");
      r->set_value_milli(m == hot_minute ? 8'000 : 3'000);
      r->set_unit("CEL");
    }
    const std::string bytes = batch.SerializeAsString();
    const std::string message = "TADORI-READINGS-V1" + Sha256(bytes).ToBinaryString();
    v1::TransactionBody body;
    body.mutable_submit_readings()->set_batch(bytes);
    body.mutable_submit_readings()->set_device_signature(
        ToString(devices_.at(device).Sign(AsBytes(message))));
    chain_.ExpectOk("farm", body);
  }

  std::vector<v1::RecordedReading> All(v1::ReadingsQuery q) {
    auto snap = chain_.Snapshot();
    std::vector<v1::RecordedReading> out;
    for (int pages = 0; pages < 100; ++pages) {
      v1::ReadingsPage page = Must(GetReadings(*snap, q));
      out.insert(out.end(), page.readings().begin(), page.readings().end());
      if (page.next_cursor().empty()) return out;
      q.set_cursor(page.next_cursor());
    }
    ADD_FAILURE() << "paging did not end";
    return out;
  }

  TraceChain chain_;
  std::map<std::string, PrivateKey> devices_;
};

TEST_F(ReadingsTest, ByLotByDeviceAndByTime) {
  v1::ReadingsQuery q;
  q.set_lot_code("A");
  q.set_page_size(3);
  std::vector<v1::RecordedReading> a = All(q);
  ASSERT_EQ(a.size(), 20u);
  EXPECT_TRUE(std::is_sorted(
      a.begin(), a.end(), [](const auto& x, const auto& y) { return x.time_ms() < y.time_ms(); }));
  std::set<std::pair<std::string, int64_t>> distinct;
  for (const auto& r : a) distinct.emplace(r.device_id(), r.time_ms());
  EXPECT_EQ(distinct.size(), 20u) << "each reading once";

  q.set_device_id("d2");
  EXPECT_EQ(All(q).size(), 10u);
  q.set_lot_code("B");
  EXPECT_EQ(All(q).size(), 0u);

  v1::ReadingsQuery dev;
  dev.set_device_id("d1");
  dev.set_time_from(testing::Minute(2));
  dev.set_time_to(testing::Minute(5));
  std::vector<v1::RecordedReading> d1 = All(dev);
  ASSERT_EQ(d1.size(), 3u);  // minutes 2, 3, 4 (d1's index has one entry per reading)
  EXPECT_EQ(d1[0].time_ms(), testing::kBaseTimeMs + 2 * 60'000);
  EXPECT_FALSE(d1[1].excursion());
  EXPECT_TRUE(d1[2].excursion());
  EXPECT_EQ(d1[2].reading().value_milli(), 8'000);
  EXPECT_GT(d1[2].attestation().height(), 0u);
}

TEST_F(ReadingsTest, ExcursionsReachTheLot) {
  auto snap = chain_.Snapshot();
  v1::GetLotRequest req;
  req.set_lot_code("B");
  const v1::LotView b = Must(GetLot(*snap, req));
  ASSERT_EQ(b.lot().excursions_size(), 1);
  EXPECT_EQ(b.lot().excursions(0).worst_value_milli(), 8'000);
  EXPECT_EQ(b.lot().excursions(0).device_id(), "d1");
}

TEST_F(ReadingsTest, RequestsAreChecked) {
  auto snap = chain_.Snapshot();
  v1::ReadingsQuery q;
  EXPECT_EQ(CodeOf(GetReadings(*snap, q)), Code::kInvalidArgument);  // neither lot nor device
  q.set_device_id("d9");
  EXPECT_EQ(CodeOf(GetReadings(*snap, q)), Code::kNotFound);
  q.set_device_id("");
  q.set_lot_code("Z");
  EXPECT_EQ(CodeOf(GetReadings(*snap, q)), Code::kNotFound);
  q.set_lot_code("A");
  q.set_time_to("not a time");
  EXPECT_EQ(CodeOf(GetReadings(*snap, q)), Code::kInvalidArgument);
}

// ---------------------------------------------------------------- pilot reports

class PilotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Submit("R1", "IoT service", "2017", "food", "Kyushu food traceability", 30'000'000);
    Submit("R2", "IoT service", "2018", "health", "Elderly watch", 12'000'000);
    Submit("R3", "Smart city", "2017", "food", "Market cold chain", 5'000'000);
    Submit("R4", "IoT service", "2017", "food", "Fishery landing", 8'000'000);
    v1::TransactionBody amend;
    *amend.mutable_amend_pilot_report()->mutable_report() = Report(
        "R1", "IoT service", "2017", "food", "Kyushu food traceability (revised)", 31'000'000);
    amend.mutable_amend_pilot_report()->set_reason("budget revised");
    chain_.ExpectOk("city", amend);
    v1::TransactionBody finding;
    finding.mutable_add_pilot_finding()->set_report_id("R1");
    finding.mutable_add_pilot_finding()->set_version(1);
    finding.mutable_add_pilot_finding()->set_severity("minor");
    finding.mutable_add_pilot_finding()->set_text("KPI baseline undocumented");
    chain_.ExpectOk("audit", finding);
  }

  static v1::PilotReport Report(const std::string& id, const std::string& program,
                                const std::string& year, const std::string& field,
                                const std::string& title, int64_t budget) {
    v1::PilotReport r;
    r.set_report_id(id);
    r.set_program(program);
    r.set_round("3");
    r.set_fiscal_year(year);
    r.set_municipality("Fukuoka");
    r.set_field(field);
    r.set_title(title);
    r.set_budget_jpy(budget);
    return r;
  }

  void Submit(const std::string& id, const std::string& program, const std::string& year,
              const std::string& field, const std::string& title, int64_t budget) {
    v1::TransactionBody body;
    *body.mutable_submit_pilot_report()->mutable_report() =
        Report(id, program, year, field, title, budget);
    chain_.ExpectOk("city", body);
  }

  std::vector<std::string> Ids(v1::PilotListRequest q) {
    auto snap = chain_.Snapshot();
    std::vector<std::string> ids;
    for (int pages = 0; pages < 100; ++pages) {
      v1::PilotListResponse page = Must(ListPilotReports(*snap, q));
      for (const auto& s : page.reports()) ids.push_back(s.report_id());
      if (page.next_cursor().empty()) return ids;
      q.set_cursor(page.next_cursor());
    }
    ADD_FAILURE() << "paging did not end";
    return ids;
  }

  TraceChain chain_;
};

TEST_F(PilotTest, ListFiltersAndPages) {
  using V = std::vector<std::string>;
  v1::PilotListRequest q;
  EXPECT_EQ(Ids(q), (V{"R1", "R2", "R3", "R4"}));
  q.set_page_size(1);
  EXPECT_EQ(Ids(q), (V{"R1", "R2", "R3", "R4"}));
  q.set_program("IoT service");
  EXPECT_EQ(Ids(q), (V{"R1", "R2", "R4"}));
  q.set_fiscal_year("2017");
  EXPECT_EQ(Ids(q), (V{"R1", "R4"}));
  q.set_field("health");
  EXPECT_EQ(Ids(q), V{});
  v1::PilotListRequest town;
  town.set_municipality("Sapporo");
  EXPECT_EQ(Ids(town), V{});
}

TEST_F(PilotTest, SummaryShowsTheLatestVersion) {
  auto snap = chain_.Snapshot();
  v1::PilotListRequest q;
  q.set_page_size(1);
  const v1::PilotListResponse first = Must(ListPilotReports(*snap, q));
  ASSERT_EQ(first.reports_size(), 1);
  const v1::PilotSummary& r1 = first.reports(0);
  EXPECT_EQ(r1.title(), "Kyushu food traceability (revised)");
  EXPECT_EQ(r1.budget_jpy(), 31'000'000);
  EXPECT_EQ(r1.versions(), 2u);
  EXPECT_EQ(r1.findings(), 1u);
  EXPECT_EQ(r1.org_id(), "city");
  EXPECT_EQ(first.read_at_height(), chain_.store().Height());
}

TEST_F(PilotTest, GetReportHasEveryVersionAndFinding) {
  auto snap = chain_.Snapshot();
  v1::PilotReportRequest req;
  req.set_report_id("R1");
  const v1::PilotRecord r = Must(GetPilotReport(*snap, req));
  ASSERT_EQ(r.versions_size(), 2);
  EXPECT_EQ(r.versions(0).report().budget_jpy(), 30'000'000);
  EXPECT_EQ(r.versions(1).reason(), "budget revised");
  ASSERT_EQ(r.findings_size(), 1);
  EXPECT_EQ(r.findings(0).auditor_org(), "audit");
  req.set_report_id("R9");
  EXPECT_EQ(CodeOf(GetPilotReport(*snap, req)), Code::kNotFound);
  req.set_report_id("");
  EXPECT_EQ(CodeOf(GetPilotReport(*snap, req)), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tadori
