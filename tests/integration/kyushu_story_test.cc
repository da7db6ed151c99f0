// The quickstart's Kyushu story through a real `tadorid --dev`, real gRPC (Ledger + Trace)
// and the sample data the quickstart loads (tools/data/kyushu, tools/data/pilots):
// farm -> wholesaler on a cold-chain truck whose logger attests an excursion -> 中食
// ready-meal maker -> restaurant; a regulator's recall; municipal pilot reports with an
// amendment and an auditor's finding.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "ledger/hash.h"
#include "tests/integration/ledger_calls.h"
#include "tests/integration/node_process.h"

namespace tadori::testing {
namespace {

constexpr char kFarmLot[] = "KF-SPN-261120-P1";
constexpr char kHarvestLot[] = "KF-SPN-261120-H1";
constexpr char kDressingLot[] = "FD-GOMA-261121-01";
constexpr char kMealLot[] = "FD-BENTO-261121-A";
constexpr char kDevice[] = "urn:dev:kyushu-coldchain:truck-7:temp-1";
constexpr char kKyushuReport[] = "mic-iot-service-h29-r3-04";

// What a device signs: "TADORI-READINGS-V1" || SHA-256(batch), written out here rather than
// taken from tools/client so that the test checks the protocol, not one implementation.
std::string DeviceSignature(const std::string& batch, const PrivateKey& device) {
  std::string message = "TADORI-READINGS-V1" + Sha256(batch).ToBinaryString();
  const Bytes sig = device.Sign(AsBytes(message));
  return std::string(sig.begin(), sig.end());
}

class KyushuStory : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_.path() + "/node", FreeLoopbackPort());
    ASSERT_TRUE(node_->Start()) << "tadorid did not start";
    ledger_ = node_->Stub();
    trace_ = node_->TraceStub();
    for (const char* org :
         {"kyushu-farm", "hakata-wholesale", "kyushu-coldchain", "fukuoka-deli", "tenjin-bistro",
          "kyushu-iot-council", "kyushu-audit", "fukuoka-food-safety"}) {
      keys_.emplace(org, LoadKey(node_->data_dir() + "/keys/" + org + ".key"));
    }
  }
  void TearDown() override {
    if (node_) {
      EXPECT_EQ(node_->Stop(), 0);
    }
  }

  const PrivateKey& Key(const std::string& org) { return keys_.at(org); }

  // Every payload must commit with OK.
  void CommitAllOk(const std::vector<v1::TransactionBody>& payloads, const std::string& org,
                   const std::string& what) {
    for (size_t i = 0; i < payloads.size(); ++i) {
      const v1::SubmitResponse r = Commit(*ledger_, payloads[i], Key(org));
      ASSERT_EQ(ResultCode(r), grpc::StatusCode::OK)
          << what << " payload " << i << " as " << org << ": " << r.result().message();
    }
  }
  void LoadFile(const std::string& name, const std::string& org) {
    CommitAllOk(PayloadsFromFile(SampleDataDir() / "kyushu" / name), org, name);
  }

  void RegisterTruckDevice(const PrivateKey& device) {
    v1::TransactionBody p;
    v1::RegisterDevice* d = p.mutable_register_device();
    d->set_device_id(kDevice);
    d->set_public_key(device.public_key().ToPem());
    d->set_name("truck 7 temperature logger");
    d->add_sensor_types("temperature");
    CommitAllOk({p}, "kyushu-coldchain", "register device");
  }

  v1::TransactionBody SignedReadings(const PrivateKey& device) {
    const auto batch = FromJson<v1::ReadingBatch>(
        ReadText(SampleDataDir() / "kyushu" / "11-truck-readings-batch.json"));
    v1::TransactionBody p;
    p.mutable_submit_readings()->set_batch(batch.SerializeAsString());
    p.mutable_submit_readings()->set_device_signature(
        DeviceSignature(p.submit_readings().batch(), device));
    return p;
  }

  void LoadPilots() {
    CommitAllOk(PayloadsFromFile(SampleDataDir() / "pilots" / "h29-iot-service-round3.json"),
                "kyushu-iot-council", "round 3 pilots");
    v1::TransactionBody amend;
    *amend.mutable_amend_pilot_report()->mutable_report() =
        FromJson<v1::PilotReport>(ReadText(SampleDataDir() / "pilots" / "kyushu-amendment.json"));
    amend.mutable_amend_pilot_report()->set_reason("FY-end actuals (sample)");
    CommitAllOk({amend}, "kyushu-iot-council", "amendment");
    LoadFile("20-audit-finding.json", "kyushu-audit");
  }

  // The whole story, in the order the quickstart loads it.
  void LoadStory() {
    LoadFile("01-farm-setup.json", "kyushu-farm");
    LoadFile("02-wholesale-setup.json", "hakata-wholesale");
    LoadFile("03-deli-setup.json", "fukuoka-deli");
    LoadFile("04-bistro-setup.json", "tenjin-bistro");
    auto device = PrivateKey::Generate(KeyType::kP256);
    ASSERT_TRUE(device.ok());
    RegisterTruckDevice(*device);
    LoadFile("10-farm-harvest-pack-ship.json", "kyushu-farm");
    // While the truck carries the lot, the coldchain org submits what its logger signed.
    CommitAllOk({SignedReadings(*device)}, "kyushu-coldchain", "truck readings");
    LoadFile("12-wholesale-receive-ship.json", "hakata-wholesale");
    LoadFile("13-deli-receive-make-ship.json", "fukuoka-deli");
    LoadFile("14-bistro-receive.json", "tenjin-bistro");
    LoadFile("15-regulator-recall.json", "fukuoka-food-safety");
    LoadPilots();
  }

  v1::LotView Lot(const std::string& code) {
    grpc::ClientContext ctx;
    v1::GetLotRequest req;
    req.set_lot_code(code);
    v1::LotView view;
    const grpc::Status s = trace_->GetLot(&ctx, req, &view);
    EXPECT_TRUE(s.ok()) << code << ": " << s.error_message();
    return view;
  }

  v1::TraceGraph Trace(const std::string& code, bool forward) {
    grpc::ClientContext ctx;
    v1::TraceRequest req;
    req.set_lot_code(code);
    v1::TraceGraph graph;
    const grpc::Status s =
        forward ? trace_->TraceForward(&ctx, req, &graph) : trace_->TraceBack(&ctx, req, &graph);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return graph;
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<v1::Ledger::Stub> ledger_;
  std::unique_ptr<v1::Trace::Stub> trace_;
  std::map<std::string, PrivateKey> keys_;
};

std::map<std::string, v1::TraceNode> ByLot(const v1::TraceGraph& graph) {
  std::map<std::string, v1::TraceNode> out;
  for (const auto& n : graph.nodes()) out[n.lot_code()] = n;
  return out;
}

std::set<std::pair<std::string, std::string>> Edges(const v1::TraceGraph& graph) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& e : graph.edges()) out.insert({e.from_lot(), e.to_lot()});
  return out;
}

TEST_F(KyushuStory, TraceRecallReadingsAndPilotReportsThroughTheNode) {
  ASSERT_NO_FATAL_FAILURE(LoadStory());

  // Trace back from the ready meal: its two inputs, the excursion on the spinach only, the
  // recall on the meal and the spinach but not on the deli's own dressing.
  const v1::TraceGraph back = Trace(kMealLot, /*forward=*/false);
  auto nodes = ByLot(back);
  ASSERT_EQ(nodes.size(), 3u) << back.DebugString();
  EXPECT_EQ(nodes[kMealLot].depth(), 0u);
  EXPECT_EQ(nodes[kFarmLot].depth(), 1u);
  EXPECT_EQ(nodes[kDressingLot].depth(), 1u);
  EXPECT_EQ(nodes.count(kHarvestLot), 0u);
  EXPECT_EQ(Edges(back), (std::set<std::pair<std::string, std::string>>{{kFarmLot, kMealLot},
                                                                        {kDressingLot, kMealLot}}));
  ASSERT_EQ(nodes[kFarmLot].excursions_size(), 1);
  const v1::Excursion& excursion = nodes[kFarmLot].excursions(0);
  EXPECT_EQ(excursion.device_id(), kDevice);
  EXPECT_EQ(excursion.sensor_type(), "temperature");
  EXPECT_EQ(excursion.worst_value_milli(), 8'600);
  EXPECT_EQ(excursion.reading_count(), 2u);
  EXPECT_EQ(excursion.range_max_milli(), 5'000);
  EXPECT_EQ(nodes[kMealLot].excursions_size(), 0);
  EXPECT_EQ(nodes[kDressingLot].excursions_size(), 0);
  EXPECT_GE(nodes[kMealLot].recalls_size(), 1);
  EXPECT_GE(nodes[kFarmLot].recalls_size(), 1);
  EXPECT_EQ(nodes[kDressingLot].recalls_size(), 0);
  EXPECT_EQ(nodes[kMealLot].recalls(0).origin_lot(), kFarmLot);
  EXPECT_EQ(nodes[kMealLot].recalls(0).issued_by_org(), "fukuoka-food-safety");
  EXPECT_EQ(nodes[kFarmLot].creator_org(), "kyushu-farm");
  const auto& path = nodes[kFarmLot].custody_orgs();
  EXPECT_EQ(std::vector<std::string>(path.begin(), path.end()),
            (std::vector<std::string>{"kyushu-farm", "hakata-wholesale", "fukuoka-deli"}));

  // Trace forward from the farm lot reaches the meal, with flags on both.
  const v1::TraceGraph forward = Trace(kFarmLot, /*forward=*/true);
  auto down = ByLot(forward);
  EXPECT_EQ(down.size(), 2u) << forward.DebugString();
  EXPECT_EQ(down.count(kMealLot), 1u);
  EXPECT_EQ(down[kFarmLot].excursions_size(), 1);

  // The lot itself: 500 kg packed, 60 kg made into meals, the rest where the story left it.
  const v1::LotView farm = Lot(kFarmLot);
  EXPECT_EQ(farm.lot().created_quantity_milli(), 500'000);
  EXPECT_EQ(farm.lot().consumed_quantity_milli(), 60'000);
  EXPECT_EQ(farm.remaining_quantity_milli(), 440'000);
  std::map<std::string, int64_t> held;
  for (const auto& h : farm.lot().holdings()) held[h.org_id()] = h.quantity_milli();
  EXPECT_EQ(held, (std::map<std::string, int64_t>{{"hakata-wholesale", 400'000},
                                                  {"fukuoka-deli", 40'000}}));
  EXPECT_EQ(Lot(kHarvestLot).lot().recalls_size(), 0);  // not upstream of the recall

  // The recall scope names exactly the organisations holding affected lots now.
  grpc::ClientContext scope_ctx;
  v1::RecallScopeRequest scope_req;
  scope_req.set_lot_code(kFarmLot);
  v1::RecallScopeResponse scope;
  ASSERT_TRUE(trace_->RecallScope(&scope_ctx, scope_req, &scope).ok());
  EXPECT_EQ(std::vector<std::string>(scope.organisations().begin(), scope.organisations().end()),
            (std::vector<std::string>{"fukuoka-deli", "hakata-wholesale", "tenjin-bistro"}));
  std::set<std::string> affected(scope.affected_lots().begin(), scope.affected_lots().end());
  EXPECT_EQ(affected, (std::set<std::string>{kFarmLot, kMealLot}));
  int64_t meals_at_bistro = 0;
  for (const auto& h : scope.holders()) {
    if (h.org_id() == "tenjin-bistro" && h.lot_code() == kMealLot) {
      meals_at_bistro += h.quantity_milli();
    }
  }
  EXPECT_EQ(meals_at_bistro, 40'000);

  // The truck's readings: six attested, two of them outside 0..5 °C.
  grpc::ClientContext readings_ctx;
  v1::ReadingsQuery readings_req;
  readings_req.set_lot_code(kFarmLot);
  v1::ReadingsPage readings;
  ASSERT_TRUE(trace_->GetReadings(&readings_ctx, readings_req, &readings).ok());
  EXPECT_EQ(readings.readings_size(), 6);
  EXPECT_EQ(std::count_if(readings.readings().begin(), readings.readings().end(),
                          [](const auto& r) { return r.excursion(); }),
            2);

  // Events: three shipments in the whole story; the farm lot's own history in chain order.
  grpc::ClientContext events_ctx;
  v1::EventQuery shipping;
  shipping.set_biz_step("shipping");
  v1::EventPage shipments;
  ASSERT_TRUE(trace_->QueryEvents(&events_ctx, shipping, &shipments).ok());
  EXPECT_EQ(shipments.events_size(), 3);
  grpc::ClientContext lot_events_ctx;
  v1::EventQuery of_lot;
  of_lot.set_lot_code(kFarmLot);
  v1::EventPage history;
  ASSERT_TRUE(trace_->QueryEvents(&lot_events_ctx, of_lot, &history).ok());
  std::vector<std::string> steps;
  for (const auto& e : history.events()) steps.push_back(e.event().biz_step());
  EXPECT_EQ(steps, (std::vector<std::string>{"commissioning", "shipping", "receiving", "shipping",
                                             "receiving", "transforming"}));

  // Pilot reports: nine filed for H29, the Kyushu one amended once, one finding on v2.
  grpc::ClientContext list_ctx;
  v1::PilotListRequest list_req;
  list_req.set_fiscal_year("H29");
  v1::PilotListResponse list;
  ASSERT_TRUE(trace_->ListPilotReports(&list_ctx, list_req, &list).ok());
  EXPECT_EQ(list.reports_size(), 9);
  grpc::ClientContext pilot_ctx;
  v1::PilotReportRequest pilot_req;
  pilot_req.set_report_id(kKyushuReport);
  v1::PilotRecord pilot;
  ASSERT_TRUE(trace_->GetPilotReport(&pilot_ctx, pilot_req, &pilot).ok());
  EXPECT_EQ(pilot.org_id(), "kyushu-iot-council");
  ASSERT_EQ(pilot.versions_size(), 2);
  EXPECT_EQ(pilot.versions(0).report().kpis(0).has_actual(), false);
  EXPECT_EQ(pilot.versions(1).report().kpis(0).has_actual(), true);
  EXPECT_FALSE(pilot.versions(1).reason().empty());
  ASSERT_EQ(pilot.findings_size(), 1);
  EXPECT_EQ(pilot.findings(0).version(), 2u);
  EXPECT_EQ(pilot.findings(0).severity(), "minor");
  EXPECT_EQ(pilot.findings(0).auditor_org(), "kyushu-audit");
}

TEST_F(KyushuStory, RefusalsAlongTheStoryAreRecordedAndChangeNothing) {
  ASSERT_NO_FATAL_FAILURE(LoadStory());
  const auto receive = PayloadsFromFile(SampleDataDir() / "kyushu" / "14-bistro-receive.json");
  // Receiving twice: nothing is in transit to the bistro any more.
  EXPECT_NE(ResultCode(Commit(*ledger_, receive[0], Key("tenjin-bistro"))), grpc::StatusCode::OK);
  // A recalled lot cannot go into a new ready meal.
  auto make = PayloadsFromFile(SampleDataDir() / "kyushu" / "13-deli-receive-make-ship.json");
  v1::EpcisEvent* again = make[2].mutable_record_event()->mutable_event();
  again->mutable_output_quantity_list(0)->set_lot_code("FD-BENTO-261121-B");
  again->mutable_input_quantity_list(0)->set_quantity_milli(10'000);  // the deli holds 40 kg
  again->mutable_input_quantity_list(1)->set_quantity_milli(1'000);
  EXPECT_EQ(ResultCode(Commit(*ledger_, make[2], Key("fukuoka-deli"))),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Only a regulator or the lot's creator recalls; only a municipality files reports; a
  // finding must name an existing version.
  v1::TransactionBody recall;
  recall.mutable_issue_recall()->set_lot_code(kMealLot);
  recall.mutable_issue_recall()->set_reason("not yours to recall");
  EXPECT_EQ(ResultCode(Commit(*ledger_, recall, Key("tenjin-bistro"))),
            grpc::StatusCode::PERMISSION_DENIED);
  auto pilots = PayloadsFromFile(SampleDataDir() / "pilots" / "2017-other-programs.json");
  EXPECT_EQ(ResultCode(Commit(*ledger_, pilots[0], Key("tenjin-bistro"))),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::TransactionBody finding;
  finding.mutable_add_pilot_finding()->set_report_id(kKyushuReport);
  finding.mutable_add_pilot_finding()->set_version(3);
  finding.mutable_add_pilot_finding()->set_severity("info");
  finding.mutable_add_pilot_finding()->set_text("no such version");
  EXPECT_EQ(ResultCode(Commit(*ledger_, finding, Key("kyushu-audit"))),
            grpc::StatusCode::NOT_FOUND);

  const v1::LotView meal = Lot(kMealLot);
  EXPECT_EQ(meal.remaining_quantity_milli(), 400'000);
  EXPECT_EQ(Lot(kFarmLot).lot().children_size(), 1);
}

}  // namespace
}  // namespace tadori::testing
