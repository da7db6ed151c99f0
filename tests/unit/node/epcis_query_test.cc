// QueryEpcis and FindEpcisEvent (node/query/epcis_query.h) on a real chain, directly and
// through the Trace service with the read policy: documents carry the block times, page and
// merge back into the whole answer, and the wrong caller is refused with the rule.
//
// Story: farm harvests A (tomatoes) and stores it, ships part of it to mill (carried by
// truck), mill receives it; farm captures lot CAP of a GS1 product from an EPCIS document.
#include "node/query/epcis_query.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ledger/epcis/capture.h"
#include "ledger/epcis/query_document.h"
#include "ledger/limits.h"
#include "node/api/caller.h"
#include "node/api/trace_service.h"
#include "node/query/trace_query.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

using testing::kTomato;
using testing::Must;

constexpr char kGs1Gtin[] = "04569951000010";  // a valid GTIN-14, which capture maps to
constexpr char kContext[] = "[\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\"]";
constexpr char kCapturedId[] = "urn:uuid:6f1c2a40-2fa1-41d2-883f-0016d3cca427";

std::string CapturedHarvest() {
  return std::string("{\"type\":\"ObjectEvent\",\"eventTime\":\"") + testing::Minute(1) +
         "\",\"eventTimeZoneOffset\":\"+09:00\",\"eventID\":\"" + kCapturedId +
         "\",\"action\":\"ADD\",\"bizStep\":\"urn:tadori:bizstep:harvesting\","
         "\"disposition\":\"active\",\"quantityList\":[{\"epcClass\":"
         "\"https://id.gs1.org/01/04569951000010/10/CAP\",\"quantity\":12.5,\"uom\":\"KGM\"}],"
         "\"readPoint\":{\"id\":\"urn:epc:id:sgln:4569951.10001.0\"},"
         "\"bizLocation\":{\"id\":\"urn:epc:id:sgln:4569951.10001.0\"},"
         "\"ilmd\":{\"tadori:harvestDate\":\"2026-11-20\"},"
         "\"@context\":{\"tadori\":\"urn:tadori:ilmd:\"}}";
}

class EpcisQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chain_.ExpectOk("farm", testing::Harvest("farm", "A", 1'000'000, 0));
    chain_.ExpectOk("farm", testing::Observe("farm", "A", kTomato, 1'000'000, "storing", 5));
    chain_.ExpectOk("farm", testing::Ship("farm", "A", kTomato, 400'000, "mill", "truck", 10));
    chain_.ExpectOk("mill", testing::Receive("mill", "A", kTomato, 400'000, "farm", 20));
    chain_.ExpectOk("farm", testing::RegisterProduct(kGs1Gtin, "Spinach"));
    v1::TransactionBody capture;
    capture.mutable_capture_epcis_event()->set_context_json(kContext);
    capture.mutable_capture_epcis_event()->set_event_json(CapturedHarvest());
    const v1::TxResult captured = chain_.Run("farm", capture);
    capture_ok_ = captured.code() == 0;
    capture_message_ = captured.message();

    policy_ = std::make_shared<const ReadPolicy>(chain_.genesis().genesis);
    ClientAccess access;
    access.identify = [this](grpc::ServerContextBase*) -> Result<ApiCaller> { return caller_; };
    access.policy = policy_;
    guarded_ = std::make_unique<TraceService>(chain_.store(), access);
  }

  // Block times as the chain in trace_chain.h stamps them.
  static int64_t BlockTime(uint64_t height) {
    return testing::kBlockTimeBaseMs + static_cast<int64_t>(height) * 1000;
  }
  BlockTimeReader Blocks() {
    return [this](uint64_t height) -> Result<int64_t> {
      ++block_reads_;
      if (height == 0 || height > chain_.store().Height()) return Status::NotFound("no block");
      return BlockTime(height);
    };
  }

  ApiCaller Member(const std::string& org) const {
    ApiCaller c;
    c.kind = ApiCaller::Kind::kMember;
    c.org_id = org;
    c.roles = policy_->RolesOf(org);
    c.member_key = chain_.admin(org).public_key().id();
    return c;
  }

  grpc::Status Find(const ApiCaller& caller, const v1::FindEpcisEventRequest& request,
                    v1::RecordedEvent& out) {
    caller_ = caller;
    grpc::ServerContext ctx;
    return guarded_->FindEpcisEvent(&ctx, &request, &out);
  }
  grpc::Status Query(const ApiCaller& caller, const v1::EpcisQuery& request,
                     v1::EpcisQueryPage& out) {
    caller_ = caller;
    grpc::ServerContext ctx;
    return guarded_->QueryEpcis(&ctx, &request, &out);
  }

  testing::TraceChain chain_;
  bool capture_ok_ = false;
  std::string capture_message_;
  int block_reads_ = 0;
  std::shared_ptr<const ReadPolicy> policy_;
  ApiCaller caller_;
  std::unique_ptr<TraceService> guarded_;
};

TEST_F(EpcisQueryTest, ALotsHistoryIsOneDocumentWithBlockTimes) {
  auto snap = chain_.Snapshot();
  v1::EpcisQuery q;
  q.set_lot_code("A");
  const v1::EpcisQueryPage page = Must(QueryEpcis(*snap, Blocks(), q));
  EXPECT_EQ(page.event_count(), 4u);
  EXPECT_TRUE(page.next_cursor().empty());
  EXPECT_EQ(page.read_at_height(), snap->Height());

  const epcis::QueryDocumentParts parts = Must(epcis::ReadQueryDocument(page.document()));
  EXPECT_EQ(parts.creation_date, epcis::RecordTimeText(BlockTime(snap->Height())));
  ASSERT_EQ(parts.events.size(), 4u);
  // The history's events in chain order, each with the time of its own block (heights 3..6:
  // two product registrations come first).
  const v1::EventPage history = Must(QueryEvents(*snap, EventQueryOf(q)));
  ASSERT_EQ(history.events_size(), 4);
  for (int i = 0; i < 4; ++i) {
    const v1::RecordedEvent& e = history.events(i);
    EXPECT_EQ(parts.events[static_cast<size_t>(i)].json,
              epcis::ExportEvent(e, BlockTime(e.ref().height())).json);
    EXPECT_NE(parts.events[static_cast<size_t>(i)].json.find(
                  "\"recordTime\":\"" + epcis::RecordTimeText(BlockTime(e.ref().height())) + "\""),
              std::string::npos);
  }
  // Each height's time is read once per page (four events, one read height).
  EXPECT_EQ(block_reads_, 5);
  // Deterministic: the same query at the same height gives the same bytes.
  EXPECT_EQ(Must(QueryEpcis(*snap, Blocks(), q)).document(), page.document());
}

TEST_F(EpcisQueryTest, PagesMergeIntoTheWholeAnswer) {
  auto snap = chain_.Snapshot();
  v1::EpcisQuery q;
  q.set_lot_code("A");
  const std::string whole = Must(QueryEpcis(*snap, Blocks(), q)).document();
  q.set_page_size(1);
  std::vector<std::string> pages;
  for (int guard = 0; guard < 10; ++guard) {
    v1::EpcisQueryPage page = Must(QueryEpcis(*snap, Blocks(), q));
    EXPECT_EQ(page.event_count(), 1u);
    pages.push_back(page.document());
    if (page.next_cursor().empty()) break;
    q.set_cursor(page.next_cursor());
  }
  ASSERT_EQ(pages.size(), 4u);
  const std::string created = Must(epcis::ReadQueryDocument(whole)).creation_date;
  EXPECT_EQ(Must(epcis::MergeQueryDocuments(created, pages)), whole);
}

TEST_F(EpcisQueryTest, TimeStepAndOrgSelectEvents) {
  auto snap = chain_.Snapshot();
  v1::EpcisQuery q;
  q.set_time_from(testing::Minute(0));
  q.set_time_to(testing::Minute(15));
  q.set_biz_step("shipping");
  v1::EpcisQueryPage page = Must(QueryEpcis(*snap, Blocks(), q));
  ASSERT_EQ(page.event_count(), 1u);
  EXPECT_NE(page.document().find("\"bizStep\":\"shipping\""), std::string::npos);
  q.clear_biz_step();
  q.set_org_id("mill");
  EXPECT_EQ(Must(QueryEpcis(*snap, Blocks(), q)).event_count(), 0u);  // mill received at 20
  q.set_time_to(testing::Minute(30));
  EXPECT_EQ(Must(QueryEpcis(*snap, Blocks(), q)).event_count(), 1u);
}

TEST_F(EpcisQueryTest, MalformedAndUnknownSelectionsAreRefused) {
  auto snap = chain_.Snapshot();
  v1::EpcisQuery q;
  q.set_lot_code("NOPE");
  EXPECT_EQ(testing::CodeOf(QueryEpcis(*snap, Blocks(), q)), Code::kNotFound);
  q.set_lot_code("A");
  q.set_page_size(kQueryPageSizeMax + 1);
  EXPECT_EQ(testing::CodeOf(QueryEpcis(*snap, Blocks(), q)), Code::kInvalidArgument);
  q.set_page_size(0);
  q.set_cursor("not a cursor");
  EXPECT_EQ(testing::CodeOf(QueryEpcis(*snap, Blocks(), q)), Code::kInvalidArgument);
  // A block that cannot be read fails the page, never writes a wrong time.
  q.clear_cursor();
  const BlockTimeReader broken = [](uint64_t) -> Result<int64_t> {
    return Status::DataLoss("block gone");
  };
  EXPECT_EQ(testing::CodeOf(QueryEpcis(*snap, broken, q)), Code::kDataLoss);
}

TEST_F(EpcisQueryTest, CapturedEventsAreFoundByIdAndHashAndExportedAsKept) {
  ASSERT_TRUE(capture_ok_) << capture_message_;
  auto snap = chain_.Snapshot();
  v1::FindEpcisEventRequest by_id;
  by_id.set_event_id(kCapturedId);
  const v1::RecordedEvent found = Must(FindEpcisEvent(*snap, by_id));
  EXPECT_EQ(found.captured().event_id(), kCapturedId);
  EXPECT_EQ(found.event().quantity_list(0).lot_code(), "CAP");
  v1::FindEpcisEventRequest by_hash;
  by_hash.set_event_hash(found.captured().event_hash());
  EXPECT_EQ(Must(FindEpcisEvent(*snap, by_hash)).ref().height(), found.ref().height());

  v1::FindEpcisEventRequest unknown;
  unknown.set_event_id("urn:uuid:00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(testing::CodeOf(FindEpcisEvent(*snap, unknown)), Code::kNotFound);
  v1::FindEpcisEventRequest both = by_id;
  both.set_event_hash(found.captured().event_hash());
  EXPECT_EQ(testing::CodeOf(FindEpcisEvent(*snap, both)), Code::kInvalidArgument);
  EXPECT_EQ(testing::CodeOf(FindEpcisEvent(*snap, v1::FindEpcisEventRequest())),
            Code::kInvalidArgument);

  // The lot's export re-emits the event as captured, which checks back in to the same model.
  v1::EpcisQuery q;
  q.set_lot_code("CAP");
  const v1::EpcisQueryPage page = Must(QueryEpcis(*snap, Blocks(), q));
  ASSERT_EQ(page.event_count(), 1u);
  EXPECT_NE(page.document().find("\"tadori:harvestDate\":\"2026-11-20\""), std::string::npos);
  const epcis::CheckedDocument checked = epcis::CheckDocument(page.document());
  for (const epcis::Problem& p : checked.problems) ADD_FAILURE() << p.pointer << ": " << p.message;
  ASSERT_EQ(checked.events.size(), 1u);
  EXPECT_EQ(checked.events[0].model.SerializeAsString(), found.event().SerializeAsString());
}

TEST_F(EpcisQueryTest, FindingAnEventFollowsItsOrganisationAndLots) {
  ASSERT_TRUE(capture_ok_) << capture_message_;
  v1::FindEpcisEventRequest req;
  req.set_event_id(kCapturedId);
  v1::RecordedEvent out;
  // The recording organisation, and read-all roles (regulator, auditor), may.
  EXPECT_TRUE(Find(Member("farm"), req, out).ok());
  EXPECT_EQ(out.captured().event_id(), kCapturedId);
  EXPECT_TRUE(Find(Member("fda"), req, out).ok());
  EXPECT_TRUE(Find(Member("audit"), req, out).ok());
  // Nobody else held CAP: refused, naming the rule, with nothing returned.
  for (const std::string org : {"mill", "shop", "truck"}) {
    v1::RecordedEvent refused;
    const grpc::Status s = Find(Member(org), req, refused);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << org;
    EXPECT_NE(s.error_message().find("events its organisation recorded"), std::string::npos)
        << s.error_message();
    EXPECT_FALSE(refused.has_captured());
  }
  // Anonymous callers are stopped at the door; unknown events keep NOT_FOUND.
  EXPECT_EQ(Find(ApiCaller::Anonymous(), req, out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  v1::FindEpcisEventRequest unknown;
  unknown.set_event_id("urn:uuid:00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(Find(Member("shop"), unknown, out).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(EpcisQueryTest, EventsOfALotAreReadByThoseWhoMayReadTheLot) {
  // A native event has no eventID to find; the lot rule itself, on mill's receiving of A.
  auto snap = chain_.Snapshot();
  v1::EventQuery receiving;
  receiving.set_lot_code("A");
  receiving.set_org_id("mill");
  const v1::EventPage page = Must(QueryEvents(*snap, receiving));
  ASSERT_EQ(page.events_size(), 1);
  const v1::RecordedEvent& e = page.events(0);
  EXPECT_TRUE(policy_->CheckEpcisEvent(Member("mill"), *snap, e).ok());  // recorded it
  EXPECT_TRUE(policy_->CheckEpcisEvent(Member("farm"), *snap, e).ok());  // made lot A
  const Status shop = policy_->CheckEpcisEvent(Member("shop"), *snap, e);
  EXPECT_EQ(shop.code(), Code::kPermissionDenied);
  EXPECT_NE(shop.message().find("member"), std::string::npos);
}

TEST_F(EpcisQueryTest, QueryEpcisIsReadAsQueryEventsIs) {
  v1::EpcisQuery by_lot;
  by_lot.set_lot_code("A");
  v1::EpcisQueryPage out;
  EXPECT_TRUE(Query(Member("mill"), by_lot, out).ok());  // mill held A
  EXPECT_EQ(out.event_count(), 4u);
  v1::EpcisQueryPage refused;
  grpc::Status s = Query(Member("shop"), by_lot, refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(refused.document().empty());

  v1::EpcisQuery by_time;
  by_time.set_time_from(testing::Minute(0));
  by_time.set_time_to(testing::Minute(100));
  s = Query(Member("shop"), by_time, refused);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("org_id"), std::string::npos) << s.error_message();
  by_time.set_org_id("shop");
  EXPECT_TRUE(Query(Member("shop"), by_time, out).ok());
  EXPECT_EQ(out.event_count(), 0u);
  by_time.clear_org_id();
  EXPECT_TRUE(Query(Member("fda"), by_time, out).ok());
  EXPECT_EQ(out.event_count(), capture_ok_ ? 5u : 4u);
  // The service reads block times from the store: the document's recordTimes are the blocks'.
  EXPECT_NE(out.document().find("\"recordTime\":\"" + epcis::RecordTimeText(BlockTime(3)) + "\""),
            std::string::npos)
      << out.document();
}

}  // namespace
}  // namespace tadori
