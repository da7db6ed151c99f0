// GetLot, LotHistory and QueryEvents over a real chain: remaining quantities, paging that
// returns every event exactly once, cursor checks and the event filters.
#include <algorithm>
#include <functional>
#include <set>

#include "ledger/bytes.h"
#include "node/query/trace_query.h"
#include "tests/unit/node/trace_chain.h"

namespace tadori {
namespace {

using testing::CodeOf;
using testing::Harvest;
using testing::kTomato;
using testing::Must;
using testing::TraceChain;

std::string RefKey(const v1::EventRef& ref) {
  return std::to_string(ref.height()) + "/" + std::to_string(ref.index());
}

// A farm harvests lots A and B; A then gets `observations` storing/inspecting events,
// alternating, one minute apart; A ships to the mill, which receives it.
class EventsTest : public ::testing::Test {
 protected:
  static constexpr int kObservations = 23;

  void SetUp() override {
    chain_.ExpectOk("farm", Harvest("farm", "A", 1'000'000, 0));
    chain_.ExpectOk("farm", Harvest("farm", "B", 1'000'000, 1));
    // Several transactions per block, so positions differ in index as well as height.
    for (int i = 0; i < kObservations; i += 3) {
      std::vector<std::pair<std::string, v1::TransactionBody>> block;
      for (int j = i; j < std::min(i + 3, kObservations); ++j) {
        block.emplace_back("farm", testing::Observe("farm", "A", kTomato, 1'000'000,
                                                    j % 2 == 0 ? "storing" : "inspecting", 10 + j));
      }
      for (const v1::TxResult& r : chain_.CommitBlock(block))
        EXPECT_EQ(r.code(), 0u) << r.message();
    }
    chain_.ExpectOk("farm", testing::Ship("farm", "A", kTomato, 400'000, "mill", "truck", 50));
    chain_.ExpectOk("mill", testing::Receive("mill", "A", kTomato, 400'000, "farm", 60));
  }

  // Every page of a query, following next_cursor; fails the test on an error.
  template <typename Request, typename Fn>
  std::vector<v1::RecordedEvent> AllPages(Request request, Fn query) {
    std::vector<v1::RecordedEvent> out;
    auto snap = chain_.Snapshot();
    for (int pages = 0; pages < 1000; ++pages) {
      v1::EventPage page = Must(query(*snap, request));
      EXPECT_EQ(page.read_at_height(), snap->Height());
      out.insert(out.end(), page.events().begin(), page.events().end());
      if (page.next_cursor().empty()) return out;
      request.set_cursor(page.next_cursor());
    }
    ADD_FAILURE() << "paging did not end";
    return out;
  }

  TraceChain chain_;
};

TEST_F(EventsTest, GetLotShowsRemainingQuantityAndHeight) {
  chain_.ExpectOk("mill", testing::Ship("mill", "A", kTomato, 100'000, "shop", "", 70));
  chain_.ExpectOk(
      "farm", testing::Transform("farm", {{"B", 250'000}}, kTomato, {{"C", 1'000}}, kTomato, 80));
  auto snap = chain_.Snapshot();
  v1::GetLotRequest req;
  req.set_lot_code("A");
  const v1::LotView a = Must(GetLot(*snap, req));
  EXPECT_EQ(a.lot().lot_code(), "A");
  EXPECT_EQ(a.remaining_quantity_milli(), 1'000'000);  // 600 farm + 300 mill + 100 in transit
  EXPECT_EQ(a.read_at_height(), chain_.store().Height());
  // The lot's product as registered, with its storage range (for pictures and alerts).
  ASSERT_TRUE(a.has_product());
  EXPECT_EQ(a.product().product().gtin(), kTomato);
  EXPECT_EQ(a.product().product().description(), "Tomatoes, round");
  EXPECT_EQ(a.product().org_id(), "farm");
  ASSERT_EQ(a.product().product().storage_size(), 1);
  EXPECT_EQ(a.product().product().storage(0).sensor_type(), "temperature");
  req.set_lot_code("B");
  EXPECT_EQ(Must(GetLot(*snap, req)).remaining_quantity_milli(), 750'000);
  req.set_lot_code("missing");
  EXPECT_EQ(CodeOf(GetLot(*snap, req)), Code::kNotFound);
  req.set_lot_code("");
  EXPECT_EQ(CodeOf(GetLot(*snap, req)), Code::kInvalidArgument);
}

TEST_F(EventsTest, LotHistoryPagesReturnEveryEventOnceInChainOrder) {
  const int expected = 1 + kObservations + 2;  // harvest, observations, ship, receive
  for (uint32_t page_size : {1u, 4u, 7u, 26u, 100u}) {
    v1::LotHistoryRequest req;
    req.set_lot_code("A");
    req.set_page_size(page_size);
    std::vector<v1::RecordedEvent> events = AllPages(req, LotHistory);
    ASSERT_EQ(static_cast<int>(events.size()), expected) << "page size " << page_size;
    std::set<std::string> refs;
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_TRUE(refs.insert(RefKey(events[i].ref())).second) << "repeated event";
      if (i > 0) {
        const auto& p = events[i - 1].ref();
        const auto& c = events[i].ref();
        EXPECT_TRUE(p.height() < c.height() || (p.height() == c.height() && p.index() < c.index()));
      }
    }
    EXPECT_EQ(events.front().event().biz_step(), "harvesting");
    EXPECT_EQ(events.front().cte(), "harvesting");
    EXPECT_EQ(events.back().event().biz_step(), "receiving");
    EXPECT_EQ(events.back().org_id(), "mill");
  }
  // A page exactly as long as the history says it is the last one.
  v1::LotHistoryRequest exact;
  exact.set_lot_code("A");
  exact.set_page_size(expected);
  auto snap = chain_.Snapshot();
  EXPECT_TRUE(Must(LotHistory(*snap, exact)).next_cursor().empty());
  exact.set_page_size(expected - 1);
  EXPECT_FALSE(Must(LotHistory(*snap, exact)).next_cursor().empty());
}

TEST_F(EventsTest, PageSizeDefaultsAndLimits) {
  auto snap = chain_.Snapshot();
  v1::LotHistoryRequest req;
  req.set_lot_code("A");
  req.set_page_size(0);
  EXPECT_EQ(Must(LotHistory(*snap, req)).events_size(), 1 + kObservations + 2);  // default 100
  req.set_page_size(1000);
  EXPECT_TRUE(LotHistory(*snap, req).ok());
  req.set_page_size(1001);
  EXPECT_EQ(CodeOf(LotHistory(*snap, req)), Code::kInvalidArgument);
  v1::EventQuery q;
  q.set_page_size(5000);
  EXPECT_EQ(CodeOf(QueryEvents(*snap, q)), Code::kInvalidArgument);
  req.set_page_size(10);
  req.set_lot_code("nope");
  EXPECT_EQ(CodeOf(LotHistory(*snap, req)), Code::kNotFound);
}

TEST_F(EventsTest, GarbageCursorsAreInvalidArgument) {
  auto snap = chain_.Snapshot();
  v1::LotHistoryRequest a;
  a.set_lot_code("A");
  a.set_page_size(2);
  const std::string good = Must(LotHistory(*snap, a)).next_cursor();
  ASSERT_FALSE(good.empty());
  v1::LotHistoryRequest b;
  b.set_lot_code("B");
  b.set_page_size(2);
  for (const std::string& bad : {std::string("zz"), std::string("1zz"), std::string("1abc"),
                                 std::string("2") + good.substr(1), std::string("1"),
                                 std::string(5000, '1'), good /* issued for lot A, used for B */}) {
    b.set_cursor(bad);
    EXPECT_EQ(CodeOf(LotHistory(*snap, b)), Code::kInvalidArgument) << bad;
  }
  v1::EventQuery q;
  q.set_biz_step("storing");
  q.set_cursor(good);  // a lot-history cursor is not a bizStep cursor
  EXPECT_EQ(CodeOf(QueryEvents(*snap, q)), Code::kInvalidArgument);
  v1::ReadingsQuery r;
  r.set_lot_code("A");
  r.set_cursor("1" + ToHex(AsBytes("rl/B")));
  EXPECT_EQ(CodeOf(GetReadings(*snap, r)), Code::kInvalidArgument);
  v1::PilotListRequest p;
  p.set_cursor("not hex");
  EXPECT_EQ(CodeOf(ListPilotReports(*snap, p)), Code::kInvalidArgument);
}

TEST_F(EventsTest, QueryFiltersMatchTheEventsTheyName) {
  v1::EventQuery everything;
  everything.set_page_size(5);
  const std::vector<v1::RecordedEvent> all = AllPages(everything, QueryEvents);
  ASSERT_EQ(static_cast<int>(all.size()),
            2 + kObservations + 2);  // harvests, observations, ship, receive
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LE(all[i - 1].event_time_ms(), all[i].event_time_ms()) << "time order";
  }
  const int64_t from_ms = testing::kBaseTimeMs + 15 * 60'000;
  const int64_t to_ms = testing::kBaseTimeMs + 55 * 60'000;
  struct Case {
    std::string name;
    v1::EventQuery query;
    std::function<bool(const v1::RecordedEvent&)> want;
  };
  auto in_time = [&](const v1::RecordedEvent& e) {
    return e.event_time_ms() >= from_ms && e.event_time_ms() < to_ms;
  };
  auto names_lot = [](const v1::RecordedEvent& e, const std::string& lot) {
    for (const auto& q : e.event().quantity_list()) {
      if (q.lot_code() == lot) return true;
    }
    return false;
  };
  std::vector<Case> cases;
  auto add = [&](std::string name, auto set, std::function<bool(const v1::RecordedEvent&)> want) {
    Case c{std::move(name), {}, std::move(want)};
    set(c.query);
    c.query.set_page_size(3);
    cases.push_back(std::move(c));
  };
  const std::string mill_gln = testing::Gln("mill");
  add(
      "time",
      [&](v1::EventQuery& q) {
        q.set_time_from(testing::Minute(15));
        q.set_time_to(testing::Minute(55));
      },
      in_time);
  add(
      "biz_step", [](v1::EventQuery& q) { q.set_biz_step("storing"); },
      [](const v1::RecordedEvent& e) { return e.event().biz_step() == "storing"; });
  add(
      "biz_step+time",
      [&](v1::EventQuery& q) {
        q.set_biz_step("inspecting");
        q.set_time_from(testing::Minute(15));
        q.set_time_to(testing::Minute(55));
      },
      [&](const v1::RecordedEvent& e) {
        return e.event().biz_step() == "inspecting" && in_time(e);
      });
  add(
      "location", [&](v1::EventQuery& q) { q.set_location(mill_gln); },
      [&](const v1::RecordedEvent& e) { return e.event().read_point() == mill_gln; });
  add(
      "org", [](v1::EventQuery& q) { q.set_org_id("mill"); },
      [](const v1::RecordedEvent& e) { return e.org_id() == "mill"; });
  add(
      "lot+biz_step",
      [](v1::EventQuery& q) {
        q.set_lot_code("A");
        q.set_biz_step("shipping");
      },
      [&](const v1::RecordedEvent& e) {
        return names_lot(e, "A") && e.event().biz_step() == "shipping";
      });
  add(
      "lot+org+time",
      [&](v1::EventQuery& q) {
        q.set_lot_code("A");
        q.set_org_id("farm");
        q.set_time_from(testing::Minute(15));
      },
      [&](const v1::RecordedEvent& e) {
        return names_lot(e, "A") && e.org_id() == "farm" && e.event_time_ms() >= from_ms;
      });
  add(
      "biz_step+location+org",
      [&](v1::EventQuery& q) {
        q.set_biz_step("receiving");
        q.set_location(mill_gln);
        q.set_org_id("mill");
      },
      [&](const v1::RecordedEvent& e) { return e.event().biz_step() == "receiving"; });
  add(
      "no match", [](v1::EventQuery& q) { q.set_org_id("shop"); },
      [](const v1::RecordedEvent&) { return false; });

  for (const Case& c : cases) {
    std::multiset<std::string> want;
    for (const v1::RecordedEvent& e : all) {
      if (c.want(e)) want.insert(RefKey(e.ref()));
    }
    std::multiset<std::string> got;
    for (const v1::RecordedEvent& e : AllPages(c.query, QueryEvents)) got.insert(RefKey(e.ref()));
    EXPECT_EQ(got, want) << c.name;
  }
}

TEST_F(EventsTest, BadTimesAreInvalidArgument) {
  auto snap = chain_.Snapshot();
  v1::EventQuery q;
  q.set_time_from("yesterday");
  EXPECT_EQ(CodeOf(QueryEvents(*snap, q)), Code::kInvalidArgument);
  q.set_time_from(testing::Minute(20));
  q.set_time_to(testing::Minute(10));
  EXPECT_EQ(CodeOf(QueryEvents(*snap, q)), Code::kInvalidArgument);
  q.set_time_to(testing::Minute(20));  // an empty range is valid and empty
  EXPECT_EQ(Must(QueryEvents(*snap, q)).events_size(), 0);
}

}  // namespace
}  // namespace tadori
