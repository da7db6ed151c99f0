#include "chaincode/lot_book.h"

#include <algorithm>
#include <set>

#include "chaincode/chaincode_limits.h"
#include "chaincode/checks.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/check.h"

namespace tadori {

int64_t HeldQuantity(const v1::LotRecord& lot, std::string_view org_id) {
  for (const v1::Holding& holding : lot.holdings()) {
    if (holding.org_id() == org_id) return holding.quantity_milli();
  }
  return 0;
}

Status AddHolding(v1::LotRecord& lot, std::string_view org_id, int64_t quantity_milli) {
  TADORI_CHECK(quantity_milli > 0);
  for (v1::Holding& holding : *lot.mutable_holdings()) {
    if (holding.org_id() == org_id) {
      // Holdings never sum beyond the created quantity, an int64.
      TADORI_CHECK(holding.quantity_milli() <= lot.created_quantity_milli() - quantity_milli);
      holding.set_quantity_milli(holding.quantity_milli() + quantity_milli);
      return Status::Ok();
    }
  }
  if (static_cast<size_t>(lot.holdings_size()) >= kLotHoldingsMax) {
    return Status::ResourceExhausted("lot '" + lot.lot_code() + "' already has " +
                                     std::to_string(kLotHoldingsMax) + " holders");
  }
  // Kept in org id order so the record reads the same whatever order custody moved in.
  auto* holdings = lot.mutable_holdings();
  v1::Holding added;
  added.set_org_id(std::string(org_id));
  added.set_quantity_milli(quantity_milli);
  holdings->Add(std::move(added));
  for (int i = holdings->size() - 1; i > 0 && holdings->Get(i - 1).org_id() > org_id; --i) {
    holdings->SwapElements(i, i - 1);
  }
  return Status::Ok();
}

void TakeHolding(v1::LotRecord& lot, std::string_view org_id, int64_t quantity_milli) {
  TADORI_CHECK(quantity_milli > 0);
  auto* holdings = lot.mutable_holdings();
  for (int i = 0; i < holdings->size(); ++i) {
    v1::Holding& holding = *holdings->Mutable(i);
    if (holding.org_id() != org_id) continue;
    TADORI_CHECK(holding.quantity_milli() >= quantity_milli);
    holding.set_quantity_milli(holding.quantity_milli() - quantity_milli);
    if (holding.quantity_milli() == 0) holdings->erase(holdings->begin() + i);
    return;
  }
  TADORI_CHECK(false && "TakeHolding from an org that holds nothing");
}

bool CarriesLot(const v1::LotRecord& lot, std::string_view org_id) {
  return std::any_of(lot.in_transit().begin(), lot.in_transit().end(),
                     [org_id](const v1::InTransit& t) { return t.carrier_org() == org_id; });
}

Result<v1::LotRecord> ReadExistingLot(std::string_view action, const StateReader& state,
                                      std::string_view lot_code) {
  v1::LotRecord lot;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, LotStateKey(lot_code), lot));
  if (!found) {
    return Status::NotFound(Prefixed(action, "lot '" + std::string(lot_code) + "' does not exist"));
  }
  return lot;
}

namespace {

void CheckMassBalance(const v1::LotRecord& lot) {
  int64_t total = lot.consumed_quantity_milli();
  TADORI_CHECK(total >= 0);
  for (const v1::Holding& holding : lot.holdings()) {
    TADORI_CHECK(holding.quantity_milli() > 0);
    total += holding.quantity_milli();
  }
  for (const v1::InTransit& transit : lot.in_transit()) {
    TADORI_CHECK(transit.quantity_milli() > 0);
    total += transit.quantity_milli();
  }
  TADORI_CHECK(total == lot.created_quantity_milli());
}

}  // namespace

void WriteLot(StateView& view, const v1::LotRecord* before, const v1::LotRecord& after) {
  CheckMassBalance(after);
  std::set<std::string, std::less<>> orgs;
  if (before != nullptr) {
    TADORI_CHECK(before->lot_code() == after.lot_code());
    for (const v1::Holding& holding : before->holdings()) orgs.insert(holding.org_id());
  }
  for (const v1::Holding& holding : after.holdings()) orgs.insert(holding.org_id());
  for (const std::string& org : orgs) {
    const int64_t held = HeldQuantity(after, org);
    const std::string key = HeldStateKey(org, after.lot_code());
    if (held > 0) {
      view.Put(key, std::to_string(held));
    } else {
      view.Delete(key);
    }
  }
  view.Put(LotStateKey(after.lot_code()), EncodeRecord(after));
}

}  // namespace tadori
