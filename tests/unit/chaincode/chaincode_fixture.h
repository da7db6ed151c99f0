// Shared setup for the chaincode tests: an in-memory state, a genesis with one organisation
// per role (farm = producer, packer = processor, distributor, carrier, retailer, city =
// municipality, audit = auditor, fda = regulator), each with one admin and one registered
// member, three registered products, and builders for payloads and EPCIS events that carry
// every FSMA 204 KDE (tests remove one to see the refusal).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "chaincode/chaincode.h"
#include "ledger/check.h"
#include "ledger/hash.h"
#include "ledger/keys.h"

namespace tadori {

inline void PrintTo(Code code, std::ostream* os) {
  *os << CodeName(code);
}

inline Code CodeOf(const v1::TxResult& result) {
  return static_cast<Code>(result.code());
}

// State held in an ordered map; a transaction's WriteSet is applied only when it succeeded.
class MemoryState : public StateReader {
 public:
  using Entries = std::map<std::string, std::string, std::less<>>;

  Result<std::optional<std::string>> Get(std::string_view key) const override {
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  void Apply(const WriteSet& writes) {
    for (const auto& [key, value] : writes) {
      if (value.has_value()) {
        entries_.insert_or_assign(key, *value);
      } else {
        entries_.erase(key);
      }
    }
  }
  const Entries& entries() const { return entries_; }

 private:
  Entries entries_;
};

inline PrivateKey NewKey() {
  Result<PrivateKey> key = PrivateKey::Generate(KeyType::kP256);
  TADORI_CHECK(key.ok());
  return std::move(key).value();
}

inline v1::Organization MakeOrg(const std::string& id, std::vector<std::string> roles,
                                const PrivateKey& admin) {
  v1::Organization org;
  org.set_id(id);
  org.set_name(id + " inc.");
  for (auto& role : roles) org.add_roles(role);
  org.add_admin_public_keys(admin.public_key().ToPem());
  return org;
}

// ---------------------------------------------------------------- registry payloads

inline v1::TransactionBody RegisterBody(const PublicKey& key, const std::string& name) {
  v1::TransactionBody body;
  body.mutable_register_member()->set_public_key(key.ToPem());
  body.mutable_register_member()->set_name(name);
  return body;
}
inline v1::TransactionBody RevokeBody(const KeyId& key_id) {
  v1::TransactionBody body;
  body.mutable_revoke_member()->set_key_id(key_id.ToBinaryString());
  return body;
}
inline v1::TransactionBody DeviceBody(const std::string& device_id, const PublicKey& key,
                                      std::vector<std::string> sensor_types = {"temperature"}) {
  v1::TransactionBody body;
  v1::RegisterDevice* device = body.mutable_register_device();
  device->set_device_id(device_id);
  device->set_public_key(key.ToPem());
  device->set_name("logger " + device_id);
  for (auto& type : sensor_types) device->add_sensor_types(type);
  return body;
}
inline v1::TransactionBody RevokeDeviceBody(const std::string& device_id) {
  v1::TransactionBody body;
  body.mutable_revoke_device()->set_device_id(device_id);
  return body;
}
inline v1::TransactionBody LocationBody(const std::string& gln) {
  v1::TransactionBody body;
  v1::RegisterLocation* location = body.mutable_register_location();
  location->set_gln(gln);
  location->set_name("site " + gln);
  location->set_address("1-1 Tenjin, Fukuoka");
  location->set_has_coordinates(true);
  location->set_latitude_micro(33'591'000);
  location->set_longitude_micro(130'398'000);
  return body;
}
inline v1::StorageRange Range(const std::string& type, int64_t min_milli, int64_t max_milli,
                              const std::string& unit = "CEL") {
  v1::StorageRange range;
  range.set_sensor_type(type);
  range.set_min_milli(min_milli);
  range.set_max_milli(max_milli);
  range.set_unit(unit);
  return range;
}
inline v1::TransactionBody ProductBody(const std::string& gtin, bool ftl,
                                       std::vector<v1::StorageRange> storage = {}) {
  v1::TransactionBody body;
  v1::RegisterProduct* product = body.mutable_register_product();
  product->set_gtin(gtin);
  product->set_description("product " + gtin);
  product->set_on_food_traceability_list(ftl);
  for (auto& range : storage) *product->add_storage() = range;
  return body;
}

// ---------------------------------------------------------------- EPCIS events

inline constexpr char kSpinach[] = "04912345000010";  // FTL leafy greens, kept 0-5 °C
inline constexpr char kMeal[] = "04912345000027";     // FTL ready meal
inline constexpr char kRice[] = "04912345000034";     // not on the FTL

inline v1::QuantityElement Qty(const std::string& lot, int64_t quantity_milli,
                               const std::string& product = kSpinach,
                               const std::string& unit = "KGM") {
  v1::QuantityElement element;
  element.set_lot_code(lot);
  element.set_product(product);
  element.set_quantity_milli(quantity_milli);
  element.set_unit(unit);
  return element;
}
inline v1::PartyRef Party(const std::string& type, const std::string& id) {
  v1::PartyRef party;
  party.set_type(type);
  party.set_id(id);
  return party;
}
inline std::string Gln(const std::string& org) {
  return "urn:epc:id:sgln:" + org + ".0";
}

inline v1::EpcisEvent BaseEvent(v1::EventType type, v1::EventAction action,
                                const std::string& biz_step) {
  v1::EpcisEvent event;
  event.set_type(type);
  event.set_action(action);
  event.set_biz_step(biz_step);
  event.set_event_time("2026-11-20T06:30:00+09:00");
  event.set_event_time_zone_offset("+09:00");
  v1::BizTransaction* doc = event.add_biz_transaction_list();
  doc->set_type("po");
  doc->set_id("PO-0001");
  return event;
}

// OBJECT ADD harvesting of one lot by `org`, with every harvesting KDE.
inline v1::EpcisEvent HarvestEvent(const std::string& lot, int64_t quantity_milli = 1000,
                                   const std::string& product = kSpinach,
                                   const std::string& org = "farm") {
  v1::EpcisEvent event = BaseEvent(v1::OBJECT_EVENT, v1::ADD, "harvesting");
  event.set_disposition("active");
  event.set_biz_location(Gln(org));
  *event.add_quantity_list() = Qty(lot, quantity_milli, product);
  event.mutable_ilmd()->set_harvest_date("2026-11-19");
  event.mutable_ilmd()->set_harvest_location(Gln(org) + " field 3");
  return event;
}

// OBJECT ADD commissioning (initial packing), with every initial packing KDE.
inline v1::EpcisEvent PackEvent(const std::string& lot, int64_t quantity_milli = 1000,
                                const std::string& product = kSpinach,
                                const std::string& org = "farm") {
  v1::EpcisEvent event = BaseEvent(v1::OBJECT_EVENT, v1::ADD, "commissioning");
  event.set_biz_location(Gln(org));
  *event.add_quantity_list() = Qty(lot, quantity_milli, product);
  v1::Ilmd* ilmd = event.mutable_ilmd();
  ilmd->set_harvest_date("2026-11-19");
  ilmd->set_harvest_location(Gln(org) + " field 3");
  ilmd->set_cooling_date("2026-11-19");
  ilmd->set_cooling_location(Gln(org));
  ilmd->set_packing_date("2026-11-20");
  ilmd->set_tlc_source(Gln(org));
  return event;
}

using LotQuantities = std::vector<std::pair<std::string, int64_t>>;

// OBJECT OBSERVE shipping from `from_org` to `to_org`, optionally through a carrier.
inline v1::EpcisEvent ShipEvent(const LotQuantities& lots, const std::string& from_org,
                                const std::string& to_org, const std::string& carrier = "",
                                const std::string& product = kSpinach) {
  v1::EpcisEvent event = BaseEvent(v1::OBJECT_EVENT, v1::OBSERVE, "shipping");
  event.set_disposition("in_transit");
  event.set_read_point(Gln(from_org));
  for (const auto& [lot, quantity] : lots) *event.add_quantity_list() = Qty(lot, quantity, product);
  *event.add_source_list() = Party("owning_party", from_org);
  *event.add_source_list() = Party("location", Gln(from_org));
  *event.add_destination_list() = Party("owning_party", to_org);
  *event.add_destination_list() = Party("location", Gln(to_org));
  if (!carrier.empty()) *event.add_destination_list() = Party("possessing_party", carrier);
  return event;
}

// OBJECT OBSERVE receiving by `to_org` of what `from_org` shipped.
inline v1::EpcisEvent ReceiveEvent(const LotQuantities& lots, const std::string& from_org,
                                   const std::string& to_org,
                                   const std::string& product = kSpinach) {
  v1::EpcisEvent event = BaseEvent(v1::OBJECT_EVENT, v1::OBSERVE, "receiving");
  event.set_disposition("in_progress");
  event.set_biz_location(Gln(to_org));
  for (const auto& [lot, quantity] : lots) *event.add_quantity_list() = Qty(lot, quantity, product);
  *event.add_source_list() = Party("owning_party", from_org);
  *event.add_source_list() = Party("location", Gln(from_org));
  *event.add_destination_list() = Party("owning_party", to_org);
  *event.add_destination_list() = Party("location", Gln(to_org));
  return event;
}

// TRANSFORMATION of inputs (of `in_product`) into outputs (of `out_product`) by `org`.
inline v1::EpcisEvent TransformEvent(const LotQuantities& inputs, const LotQuantities& outputs,
                                     const std::string& org = "packer",
                                     const std::string& in_product = kSpinach,
                                     const std::string& out_product = kMeal) {
  v1::EpcisEvent event =
      BaseEvent(v1::TRANSFORMATION_EVENT, v1::EVENT_ACTION_UNSPECIFIED, "transforming");
  event.set_biz_location(Gln(org));
  for (const auto& [lot, q] : inputs) *event.add_input_quantity_list() = Qty(lot, q, in_product);
  for (const auto& [lot, q] : outputs) *event.add_output_quantity_list() = Qty(lot, q, out_product);
  event.mutable_ilmd()->set_tlc_source(Gln(org));
  event.mutable_ilmd()->set_best_before_date("2026-11-25");
  return event;
}

// An OBJECT OBSERVE event that moves nothing (storing, inspecting, ...).
inline v1::EpcisEvent ObserveEvent(const std::string& lot, const std::string& biz_step = "storing",
                                   const std::string& product = kSpinach) {
  v1::EpcisEvent event = BaseEvent(v1::OBJECT_EVENT, v1::OBSERVE, biz_step);
  *event.add_quantity_list() = Qty(lot, 1, product);
  return event;
}

inline v1::TransactionBody EventBody(const v1::EpcisEvent& event) {
  v1::TransactionBody body;
  *body.mutable_record_event()->mutable_event() = event;
  return body;
}

// Shorthands the older tests use: create a lot by harvesting, ship all of it, receive it.
inline v1::TransactionBody CreateBody(const std::string& lot, int64_t quantity_milli = 1000) {
  return EventBody(HarvestEvent(lot, quantity_milli));
}
inline v1::TransactionBody ShipBody(const std::string& lot, const std::string& from_org,
                                    const std::string& to_org, int64_t quantity_milli = 1000) {
  return EventBody(ShipEvent({{lot, quantity_milli}}, from_org, to_org));
}
inline v1::TransactionBody ReceiveBody(const std::string& lot, const std::string& from_org,
                                       const std::string& to_org, int64_t quantity_milli = 1000) {
  return EventBody(ReceiveEvent({{lot, quantity_milli}}, from_org, to_org));
}

// ---------------------------------------------------------------- running transactions

// Block times start here, 2026-11-22T00:00:00Z, one second per block: after the events the
// builders above write (2026-11-20 JST), as the chain records events after they happen.
inline constexpr int64_t kBlockTimeBaseMs = 1'795'305'600'000;

// Runs transactions one per block height, as the executor would: each over a fresh
// StateView, keeping the writes and index entries only when the result is OK. The
// transaction index in the block is height % 4, so tests see it travel into EventRefs.
class Ledger {
 public:
  explicit Ledger(const v1::Genesis& genesis) {
    Result<WriteSet> writes = GenesisState(genesis);
    TADORI_CHECK(writes.ok());
    state_.Apply(*writes);
  }

  v1::TxResult Run(const KeyId& signer, const v1::TransactionBody& body) {
    StateView view(state_);
    TxContext ctx;
    ctx.tx_id = Sha256(body.SerializeAsString() + std::to_string(height_));
    ctx.signer = signer;
    ctx.height = ++height_;
    ctx.index = static_cast<uint32_t>(height_ % 4);
    ctx.block_time_ms = kBlockTimeBaseMs + static_cast<int64_t>(height_) * 1000;
    last_ctx_ = ctx;
    v1::TxResult result = Execute(ctx, body, view);
    last_writes_ = view.writes();
    last_index_ = view.index_entries();
    if (result.code() == 0) {
      state_.Apply(view.writes());
      index_.insert(index_.end(), view.index_entries().begin(), view.index_entries().end());
    }
    return result;
  }

  const MemoryState& state() const { return state_; }
  uint64_t height() const { return height_; }
  const WriteSet& last_writes() const { return last_writes_; }
  const IndexEntries& last_index() const { return last_index_; }
  const IndexEntries& index() const { return index_; }
  const TxContext& last_ctx() const { return last_ctx_; }

 private:
  MemoryState state_;
  uint64_t height_ = 0;
  WriteSet last_writes_;
  IndexEntries last_index_;
  IndexEntries index_;
  TxContext last_ctx_;
};

class ChaincodeTest : public ::testing::Test {
 protected:
  ChaincodeTest() {
    struct OrgSpec {
      const char* id;
      std::vector<std::string> roles;
    };
    const OrgSpec specs[] = {
        {"farm", {"producer"}},   {"packer", {"processor"}},  {"distributor", {"distributor"}},
        {"carrier", {"carrier"}}, {"retailer", {"retailer"}}, {"city", {"municipality"}},
        {"audit", {"auditor"}},   {"fda", {"regulator"}},
    };
    for (const OrgSpec& spec : specs) {
      admins_.emplace(spec.id, NewKey());
      members_.emplace(spec.id, NewKey());
      *genesis_.add_organizations() = MakeOrg(spec.id, spec.roles, admins_.at(spec.id));
    }
    genesis_.set_chain_id("tadori-test");
  }

  void SetUp() override {
    ledger_ = std::make_unique<Ledger>(genesis_);
    RegisterMembers(*ledger_);
    RegisterProducts(*ledger_);
  }

  // Each org admin registers the org's member key through Execute.
  void RegisterMembers(Ledger& ledger) {
    for (const auto& [org, key] : members_) {
      ExpectOk(ledger.Run(Id(admins_.at(org)), RegisterBody(key.public_key(), org + " member")));
    }
  }
  void RegisterProducts(Ledger& ledger) {
    ExpectOk(ledger.Run(Id(member("farm")),
                        ProductBody(kSpinach, true, {Range("temperature", 0, 5000)})));
    ExpectOk(ledger.Run(Id(member("packer")),
                        ProductBody(kMeal, true, {Range("temperature", 0, 10000)})));
    ExpectOk(ledger.Run(Id(member("farm")), ProductBody(kRice, false)));
  }

  static void ExpectOk(const v1::TxResult& result) {
    EXPECT_EQ(CodeOf(result), Code::kOk) << result.message();
  }
  static void ExpectRefused(const v1::TxResult& result, Code code, const std::string& needle) {
    EXPECT_EQ(CodeOf(result), code) << result.message();
    EXPECT_NE(result.message().find(needle), std::string::npos)
        << "'" << result.message() << "' does not mention '" << needle << "'";
  }
  static KeyId Id(const PrivateKey& key) { return key.public_key().id(); }

  const PrivateKey& member(const std::string& org) const { return members_.at(org); }
  const PrivateKey& admin(const std::string& org) const { return admins_.at(org); }

  v1::TxResult Run(const PrivateKey& signer, const v1::TransactionBody& body) {
    return ledger_->Run(Id(signer), body);
  }
  v1::TxResult RunAs(const std::string& org, const v1::TransactionBody& body) {
    return Run(member(org), body);
  }
  v1::TxResult RecordAs(const std::string& org, const v1::EpcisEvent& event) {
    return Run(member(org), EventBody(event));
  }
  v1::LotRecord Lot(const std::string& code) {
    Result<std::optional<v1::LotRecord>> lot = FindLot(ledger_->state(), code);
    TADORI_CHECK(lot.ok() && lot->has_value());
    return **lot;
  }
  bool LotExists(const std::string& code) {
    Result<std::optional<v1::LotRecord>> lot = FindLot(ledger_->state(), code);
    TADORI_CHECK(lot.ok());
    return lot->has_value();
  }
  int64_t Held(const std::string& code, const std::string& org) {
    const v1::LotRecord lot = Lot(code);
    for (const v1::Holding& holding : lot.holdings()) {
      if (holding.org_id() == org) return holding.quantity_milli();
    }
    return 0;
  }
  v1::MemberRecord Member(const PrivateKey& key) {
    Result<std::optional<v1::MemberRecord>> record = FindMember(ledger_->state(), Id(key));
    TADORI_CHECK(record.ok() && record->has_value());
    return **record;
  }

  v1::Genesis genesis_;
  std::map<std::string, PrivateKey> admins_;
  std::map<std::string, PrivateKey> members_;
  PrivateKey outsider_ = NewKey();  // never registered
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace tadori
