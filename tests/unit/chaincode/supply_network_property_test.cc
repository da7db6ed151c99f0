// Property tests on random supply networks. A seeded generator drives six organisations
// through ~100 create / ship / receive / transform events per sequence (some of them invalid
// on purpose) while keeping its own model of who holds what. After every sequence:
//   - chaincode accepted exactly the transactions the model says are valid;
//   - mass balance: for every lot, created == held + in transit + consumed, and the holdings
//     and quantities in transit agree with the model, and "held/" keys mirror the holdings;
//   - trace back through LotRecord.parents returns exactly the ancestors the generator made;
//   - replaying the same transactions from genesis yields identical state and index entries.
// A failure prints the seed that replays it.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "chaincode/state_keys.h"
#include "chaincode_fixture.h"

namespace tadori {
namespace {

constexpr int kSequences = 200;
constexpr int kStepsPerSequence = 100;
const std::vector<std::string> kOrgs = {"farm",    "packer",   "distributor",
                                        "carrier", "retailer", "audit"};

struct ModelLot {
  int64_t created = 0;
  int64_t consumed = 0;
  std::map<std::string, int64_t> held;                                // org -> quantity
  std::map<std::pair<std::string, std::string>, int64_t> in_transit;  // (from, to) -> quantity
  std::vector<std::string> parents;
};

struct Step {
  std::string org;
  v1::TransactionBody body;
  bool valid = false;
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  std::vector<Step> Generate(int steps) {
    std::vector<Step> out;
    while (static_cast<int>(out.size()) < steps) {
      const uint64_t kind = Below(100);
      if (kind < 20 || lots_.empty()) {
        out.push_back(Create());
      } else if (kind < 50) {
        out.push_back(Ship());
      } else if (kind < 75) {
        out.push_back(Receive());
      } else if (kind < 90) {
        out.push_back(Transform());
      } else {
        out.push_back(Trespass());
      }
    }
    return out;
  }

  const std::map<std::string, ModelLot>& lots() const { return lots_; }

  std::set<std::string> Ancestors(const std::string& lot) const {
    std::set<std::string> seen;
    std::vector<std::string> stack = {lot};
    while (!stack.empty()) {
      const std::string next = stack.back();
      stack.pop_back();
      for (const std::string& parent : lots_.at(next).parents) {
        if (seen.insert(parent).second) stack.push_back(parent);
      }
    }
    return seen;
  }

 private:
  uint64_t Below(uint64_t n) { return rng_() % n; }
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  std::string NewCode() {
    std::string code = std::to_string(next_lot_++);
    code.insert(code.begin(), 'L');
    return code;
  }

  // Every (lot, org) with a positive holding, in map order.
  std::vector<std::pair<std::string, std::string>> Holdings() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [code, lot] : lots_) {
      for (const auto& [org, quantity] : lot.held) out.emplace_back(code, org);
    }
    return out;
  }

  Step Create() {
    const std::string org = kOrgs[Below(kOrgs.size())];
    const std::string code = NewCode();
    const int64_t quantity = Between(1, 1000) * 1000;
    Step step{org, {}, org == "farm" || org == "packer"};
    step.body = EventBody(org == "packer" ? PackEvent(code, quantity, kSpinach, "packer")
                                          : HarvestEvent(code, quantity, kSpinach, org));
    if (step.valid) {
      lots_[code].created = quantity;
      lots_[code].held[org] = quantity;
    }
    return step;
  }

  Step Ship() {
    auto holdings = Holdings();
    if (holdings.empty()) return Create();
    const auto [code, org] = holdings[Below(holdings.size())];
    ModelLot& lot = lots_[code];
    std::string to = kOrgs[Below(kOrgs.size())];
    const bool over = Below(10) == 0;
    const int64_t quantity = over ? lot.held[org] + Between(1, 50) : Between(1, lot.held[org]);
    const std::string carrier = Below(2) == 0 ? "carrier" : "";
    Step step{org, EventBody(ShipEvent({{code, quantity}}, org, to, carrier)), !over && to != org};
    if (step.valid) {
      if ((lot.held[org] -= quantity) == 0) lot.held.erase(org);
      lot.in_transit[{org, to}] += quantity;
    }
    return step;
  }

  Step Receive() {
    std::vector<std::tuple<std::string, std::string, std::string>> shipments;
    for (const auto& [code, lot] : lots_) {
      for (const auto& [route, quantity] : lot.in_transit) {
        shipments.emplace_back(code, route.first, route.second);
      }
    }
    if (shipments.empty()) return Ship();
    const auto [code, from, to] = shipments[Below(shipments.size())];
    ModelLot& lot = lots_[code];
    const int64_t pending = lot.in_transit[{from, to}];
    const bool over = Below(10) == 0;
    const int64_t quantity = over ? pending + 1 : Between(1, pending);
    Step step{to, EventBody(ReceiveEvent({{code, quantity}}, from, to)), !over};
    if (step.valid) {
      if ((lot.in_transit[{from, to}] -= quantity) == 0) lot.in_transit.erase({from, to});
      lot.held[to] += quantity;
    }
    return step;
  }

  Step Transform() {
    auto holdings = Holdings();
    if (holdings.empty()) return Create();
    const std::string org = holdings[Below(holdings.size())].second;
    LotQuantities inputs;
    for (const auto& [code, holder] : holdings) {
      if (holder == org && inputs.size() < 3 && (inputs.empty() || Below(2) == 0)) {
        inputs.emplace_back(code, Between(1, lots_[code].held[org]));
      }
    }
    const bool over = Below(10) == 0;
    if (over) inputs[0].second = lots_[inputs[0].first].held[org] + 1;
    LotQuantities outputs;
    const int output_count = static_cast<int>(Between(1, 2));
    for (int i = 0; i < output_count; ++i) outputs.emplace_back(NewCode(), Between(1, 500) * 1000);
    Step step{org, EventBody(TransformEvent(inputs, outputs, org, kSpinach, kSpinach)), !over};
    if (step.valid) {
      for (const auto& [code, quantity] : inputs) {
        ModelLot& lot = lots_[code];
        if ((lot.held[org] -= quantity) == 0) lot.held.erase(org);
        lot.consumed += quantity;
      }
      for (const auto& [code, quantity] : outputs) {
        ModelLot& lot = lots_[code];
        lot.created = quantity;
        lot.held[org] = quantity;
        for (const auto& input : inputs) lot.parents.push_back(input.first);
      }
    }
    return step;
  }

  // An org that holds none of a lot tries to ship or transform it.
  Step Trespass() {
    auto holdings = Holdings();
    if (holdings.empty()) return Create();
    const std::string code = holdings[Below(holdings.size())].first;
    std::string org;
    for (const std::string& candidate : kOrgs) {
      if (!lots_[code].held.contains(candidate)) org = candidate;
    }
    if (org.empty()) return Create();
    if (Below(2) == 0) {
      return Step{org, EventBody(ShipEvent({{code, 1}}, org, "retailer")), false};
    }
    return Step{org,
                EventBody(TransformEvent({{code, 1}}, {{NewCode(), 1}}, org, kSpinach, kSpinach)),
                false};
  }

  std::mt19937_64 rng_;
  std::map<std::string, ModelLot> lots_;
  int next_lot_ = 0;
};

class SupplyNetworkPropertyTest : public ChaincodeTest {
 protected:
  std::unique_ptr<Ledger> Fresh() {
    auto ledger = std::make_unique<Ledger>(genesis_);
    RegisterMembers(*ledger);
    RegisterProducts(*ledger);
    return ledger;
  }

  // Runs the steps, checking each outcome against the model's prediction.
  void RunSteps(Ledger& ledger, const std::vector<Step>& steps, uint64_t seed) {
    for (size_t i = 0; i < steps.size(); ++i) {
      v1::TxResult result = ledger.Run(Id(member(steps[i].org)), steps[i].body);
      ASSERT_EQ(result.code() == 0, steps[i].valid)
          << "seed " << seed << " step " << i << " by " << steps[i].org << ": " << result.message();
    }
  }

  void CheckMassBalance(const Ledger& ledger, const Generator& model, uint64_t seed) {
    std::map<std::string, std::string> held_keys;  // from "held/" keys
    for (const auto& [key, value] : ledger.state().entries()) {
      if (key.starts_with("held/")) held_keys[key] = value;
    }
    size_t holdings = 0;
    for (const auto& [code, expected] : model.lots()) {
      Result<std::optional<v1::LotRecord>> found = FindLot(ledger.state(), code);
      ASSERT_TRUE(found.ok() && found->has_value()) << "seed " << seed << " lot " << code;
      const v1::LotRecord& lot = **found;
      Result<int64_t> remaining = RemainingQuantity(lot);
      ASSERT_TRUE(remaining.ok());
      EXPECT_EQ(lot.created_quantity_milli(), *remaining + lot.consumed_quantity_milli())
          << "seed " << seed << " lot " << code;
      EXPECT_EQ(lot.created_quantity_milli(), expected.created);
      EXPECT_EQ(lot.consumed_quantity_milli(), expected.consumed);
      std::map<std::string, int64_t> held;
      for (const v1::Holding& h : lot.holdings()) {
        held[h.org_id()] = h.quantity_milli();
        auto it = held_keys.find(HeldStateKey(h.org_id(), code));
        ASSERT_NE(it, held_keys.end()) << "seed " << seed << " lot " << code;
        EXPECT_EQ(it->second, std::to_string(h.quantity_milli()));
        ++holdings;
      }
      EXPECT_EQ(held, expected.held) << "seed " << seed << " lot " << code;
      std::map<std::pair<std::string, std::string>, int64_t> transit;
      for (const v1::InTransit& t : lot.in_transit()) {
        transit[{t.from_org(), t.to_org()}] += t.quantity_milli();
      }
      EXPECT_EQ(transit, expected.in_transit) << "seed " << seed << " lot " << code;
    }
    EXPECT_EQ(held_keys.size(), holdings) << "seed " << seed << ": stale held/ keys";
  }

  void CheckTraceBack(const Ledger& ledger, const Generator& model, uint64_t seed) {
    for (const auto& [code, expected] : model.lots()) {
      std::set<std::string> ancestors;
      std::vector<std::string> stack = {code};
      while (!stack.empty()) {
        Result<std::optional<v1::LotRecord>> lot = FindLot(ledger.state(), stack.back());
        stack.pop_back();
        ASSERT_TRUE(lot.ok() && lot->has_value());
        for (const std::string& parent : (*lot)->parents()) {
          if (ancestors.insert(parent).second) stack.push_back(parent);
        }
      }
      EXPECT_EQ(ancestors, model.Ancestors(code)) << "seed " << seed << " lot " << code;
    }
  }
};

TEST_F(SupplyNetworkPropertyTest, MassBalanceTraceBackAndReplayHold) {
  size_t accepted = 0;
  size_t transformations = 0;
  for (uint64_t seed = 1; seed <= kSequences; ++seed) {
    Generator generator(seed);
    const std::vector<Step> steps = generator.Generate(kStepsPerSequence);
    std::unique_ptr<Ledger> ledger = Fresh();
    RunSteps(*ledger, steps, seed);
    if (HasFatalFailure()) return;
    CheckMassBalance(*ledger, generator, seed);
    CheckTraceBack(*ledger, generator, seed);
    if (HasFailure()) return;
    for (const Step& step : steps) {
      accepted += step.valid;
      transformations +=
          step.valid && step.body.record_event().event().type() == v1::TRANSFORMATION_EVENT;
    }

    std::unique_ptr<Ledger> replay = Fresh();
    RunSteps(*replay, steps, seed);
    ASSERT_EQ(replay->state().entries(), ledger->state().entries()) << "seed " << seed;
    ASSERT_EQ(replay->index(), ledger->index()) << "seed " << seed;
  }
  // The generator must actually exercise the rules, not just refuse everything.
  EXPECT_GT(accepted, static_cast<size_t>(kSequences * kStepsPerSequence) / 2);
  EXPECT_GT(transformations, static_cast<size_t>(kSequences));
}

}  // namespace
}  // namespace tadori
