// A real chain for the Trace query tests: a Store in a temporary directory, a genesis with
// one organisation per supply-chain role, and transactions signed by the organisations'
// admins, executed by the chaincode (node/executor.h) and committed block by block with
// Store::CommitBlock, exactly as the node does. Payload builders cover the EPCIS events,
// recalls, device readings and pilot reports the queries read.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chaincode/chaincode.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/genesis.h"
#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/rfc3339.h"
#include "ledger/store/store.h"
#include "ledger/transaction.h"
#include "node/validator/executor.h"
#include "tests/support/temp_dir.h"

namespace tadori::testing {

inline constexpr char kChainId[] = "trace-test";
// 2026-11-20T06:00:00+09:00: event times are this plus whole minutes.
inline constexpr int64_t kBaseTimeMs = 1'795'122'000'000;
// Blocks are a day later (plus one second a block): chaincode refuses events later than their
// block's time (plus kEventTimeSkewMs), and the events of these tests span hours.
inline constexpr int64_t kBlockTimeBaseMs = kBaseTimeMs + 24 * 3'600'000;
inline constexpr int32_t kJst = 9 * 60;
inline constexpr char kTomato[] = "04912345000017";  // GTIN-style ids
inline constexpr char kSauce[] = "04912345000024";

inline std::string Minute(int64_t minute) {
  return FormatRfc3339Ms(kBaseTimeMs + minute * 60'000, kJst);
}

inline std::string Gln(const std::string& org) {
  return "urn:epc:id:sgln:4912345." + org + ".0";
}

struct Quantity {
  std::string lot;
  int64_t milli;
};

inline v1::QuantityElement Element(const std::string& lot, const std::string& product,
                                   int64_t milli) {
  v1::QuantityElement e;
  e.set_lot_code(lot);
  e.set_product(product);
  e.set_quantity_milli(milli);
  e.set_unit("KGM");
  return e;
}

inline v1::EpcisEvent BaseEvent(v1::EventType type, v1::EventAction action,
                                const std::string& biz_step, int64_t minute,
                                const std::string& gln) {
  v1::EpcisEvent e;
  e.set_type(type);
  e.set_action(action);
  e.set_biz_step(biz_step);
  e.set_event_time(Minute(minute));
  e.set_event_time_zone_offset("+09:00");
  e.set_read_point(gln);
  e.set_biz_location(gln);
  return e;
}

inline v1::TransactionBody EventBody(v1::EpcisEvent event) {
  v1::TransactionBody body;
  *body.mutable_record_event()->mutable_event() = std::move(event);
  return body;
}

// OBJECT ADD harvesting of `lot` (tomatoes) at `org`'s location.
inline v1::TransactionBody Harvest(const std::string& org, const std::string& lot, int64_t milli,
                                   int64_t minute) {
  v1::EpcisEvent e = BaseEvent(v1::OBJECT_EVENT, v1::ADD, "harvesting", minute, Gln(org));
  *e.add_quantity_list() = Element(lot, kTomato, milli);
  e.mutable_ilmd()->set_harvest_date("2026-11-19");
  e.mutable_ilmd()->set_harvest_location(Gln(org));
  return EventBody(std::move(e));
}

inline v1::TransactionBody Ship(const std::string& from, const std::string& lot,
                                const std::string& product, int64_t milli, const std::string& to,
                                const std::string& carrier, int64_t minute) {
  v1::EpcisEvent e = BaseEvent(v1::OBJECT_EVENT, v1::OBSERVE, "shipping", minute, Gln(from));
  e.set_disposition("in_transit");
  *e.add_quantity_list() = Element(lot, product, milli);
  v1::PartyRef* src = e.add_source_list();
  src->set_type("owning_party");
  src->set_id(from);
  v1::PartyRef* dst = e.add_destination_list();
  dst->set_type("owning_party");
  dst->set_id(to);
  v1::PartyRef* where = e.add_destination_list();
  where->set_type("location");
  where->set_id(Gln(to));
  if (!carrier.empty()) {
    v1::PartyRef* by = e.add_destination_list();
    by->set_type("possessing_party");
    by->set_id(carrier);
  }
  v1::BizTransaction* bol = e.add_biz_transaction_list();
  bol->set_type("bol");
  bol->set_id("BOL-" + lot + "-" + std::to_string(minute));
  return EventBody(std::move(e));
}

inline v1::TransactionBody Receive(const std::string& to, const std::string& lot,
                                   const std::string& product, int64_t milli,
                                   const std::string& from, int64_t minute) {
  v1::EpcisEvent e = BaseEvent(v1::OBJECT_EVENT, v1::OBSERVE, "receiving", minute, Gln(to));
  e.set_disposition("in_progress");
  *e.add_quantity_list() = Element(lot, product, milli);
  v1::PartyRef* src = e.add_source_list();
  src->set_type("owning_party");
  src->set_id(from);
  v1::PartyRef* dst = e.add_destination_list();
  dst->set_type("owning_party");
  dst->set_id(to);
  return EventBody(std::move(e));
}

// An OBJECT OBSERVE event (storing, inspecting, ...) on a lot the org holds or carries.
inline v1::TransactionBody Observe(const std::string& org, const std::string& lot,
                                   const std::string& product, int64_t milli,
                                   const std::string& biz_step, int64_t minute) {
  v1::EpcisEvent e = BaseEvent(v1::OBJECT_EVENT, v1::OBSERVE, biz_step, minute, Gln(org));
  *e.add_quantity_list() = Element(lot, product, milli);
  return EventBody(std::move(e));
}

// A TRANSFORMATION consuming `inputs` (of `input_product`) into `outputs` (of
// `output_product`).
inline v1::TransactionBody Transform(const std::string& org, const std::vector<Quantity>& inputs,
                                     const std::string& input_product,
                                     const std::vector<Quantity>& outputs,
                                     const std::string& output_product, int64_t minute) {
  v1::EpcisEvent e = BaseEvent(v1::TRANSFORMATION_EVENT, v1::EVENT_ACTION_UNSPECIFIED,
                               "transforming", minute, Gln(org));
  for (const Quantity& q : inputs)
    *e.add_input_quantity_list() = Element(q.lot, input_product, q.milli);
  for (const Quantity& q : outputs) {
    *e.add_output_quantity_list() = Element(q.lot, output_product, q.milli);
  }
  e.mutable_ilmd()->set_tlc_source(Gln(org));
  return EventBody(std::move(e));
}

inline v1::TransactionBody RegisterProduct(const std::string& gtin, const std::string& what) {
  v1::TransactionBody body;
  v1::RegisterProduct* p = body.mutable_register_product();
  p->set_gtin(gtin);
  p->set_description(what);
  v1::StorageRange* cold = p->add_storage();
  cold->set_sensor_type("temperature");
  cold->set_min_milli(0);
  cold->set_max_milli(5'000);
  cold->set_unit("CEL");
  return body;
}

inline v1::TransactionBody Recall(const std::string& lot, const std::string& reason) {
  v1::TransactionBody body;
  body.mutable_issue_recall()->set_lot_code(lot);
  body.mutable_issue_recall()->set_reason(reason);
  return body;
}

class TraceChain {
 public:
  // Organisations: farm (producer), mill (processor), truck (carrier), shop (retailer),
  // fda (regulator), city (municipality), audit (auditor). Products: tomatoes (farm) and
  // sauce (mill), both kept at 0-5 °C.
  // `edit_genesis`, when given, changes the genesis before it is sealed (CA certificates, a
  // read policy).
  explicit TraceChain(const std::function<void(v1::Genesis&)>& edit_genesis = {})
      : validator_(NewKey()) {
    v1::Genesis g;
    g.set_chain_id(kChainId);
    g.set_genesis_time_ms(kBaseTimeMs);
    const std::vector<std::pair<std::string, std::string>> orgs = {
        {"farm", "producer"}, {"mill", "processor"},    {"truck", "carrier"}, {"shop", "retailer"},
        {"fda", "regulator"}, {"city", "municipality"}, {"audit", "auditor"}};
    for (const auto& [id, role] : orgs) {
      admins_.emplace(id, NewKey());
      v1::Organization* org = g.add_organizations();
      org->set_id(id);
      org->set_name(id + " inc.");
      org->add_roles(role);
      org->add_admin_public_keys(admins_.at(id).public_key().ToPem());
    }
    v1::Validator* v = g.add_validators();
    v->set_id("v0");
    v->set_org_id("farm");
    v->set_consensus_public_key(validator_.public_key().ToPem());
    v->set_address("127.0.0.1:7000");
    if (edit_genesis) edit_genesis(g);
    genesis_ = std::make_unique<GenesisInfo>(SealGenesis(g).value());
    store_ = Store::Open(dir_.path()).value();
    TADORI_CHECK(store_->InitGenesis(*genesis_, GenesisState(g).value()).ok());
    ExpectOk("farm", RegisterProduct(kTomato, "Tomatoes, round"));
    ExpectOk("mill", RegisterProduct(kSauce, "Tomato sauce"));
  }
  ~TraceChain() {
    store_.reset();  // close LevelDB before dir_ removes its files
  }
  TraceChain(const TraceChain&) = delete;
  TraceChain& operator=(const TraceChain&) = delete;

  Store& store() { return *store_; }
  const GenesisInfo& genesis() const { return *genesis_; }
  const PrivateKey& admin(const std::string& org) const { return admins_.at(org); }

  // Signs each (org, body) with that org's admin, executes them as one block and commits
  // it. Returns the results, one per transaction.
  std::vector<v1::TxResult> CommitBlock(
      const std::vector<std::pair<std::string, v1::TransactionBody>>& txs) {
    const Store::Head head = store_->head();
    BlockDraft draft = DraftOnHead(head, kChainId, validator_.public_key().id());
    draft.timestamp_ms = kBlockTimeBaseMs + static_cast<int64_t>(draft.height) * 1000;
    for (const auto& [org, payload] : txs) {
      v1::TransactionBody body = payload;
      body.set_chain_id(kChainId);
      body.set_nonce(ToString(NewNonce()));
      body.set_valid_until_height(draft.height + 100);
      body.set_created_at_ms(draft.timestamp_ms);
      draft.txs.push_back(DecodeTransaction(SignTransaction(body, admins_.at(org))).value());
    }
    DecodedBlock block = BuildBlock(draft);
    SignBlock(block, validator_);
    Result<ExecutedBlock> executed =
        ExecuteBlock(store_->state(), draft.height, draft.timestamp_ms, block.txs);
    TADORI_CHECK(executed.ok());
    Status s = store_->CommitBlock(block, executed->results, executed->writes, executed->index,
                                   /*sync=*/false);
    TADORI_CHECK(s.ok());
    return {executed->results.results().begin(), executed->results.results().end()};
  }

  v1::TxResult Run(const std::string& org, const v1::TransactionBody& body) {
    return CommitBlock({{org, body}}).at(0);
  }
  // Runs one transaction in its own block and expects it to be accepted.
  void ExpectOk(const std::string& org, const v1::TransactionBody& body) {
    v1::TxResult r = Run(org, body);
    EXPECT_EQ(r.code(), 0u) << org << ": " << r.message();
  }

  std::unique_ptr<Store::Snapshot> Snapshot() const { return store_->NewSnapshot().value(); }

 private:
  static PrivateKey NewKey() { return PrivateKey::Generate(KeyType::kP256).value(); }

  TempDir dir_;
  PrivateKey validator_;
  std::map<std::string, PrivateKey> admins_;
  std::unique_ptr<GenesisInfo> genesis_;
  std::unique_ptr<Store> store_;
};

// The value of a Result that must have succeeded (the test stops otherwise).
template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) std::abort();
  return std::move(r).value();
}

template <typename T>
Code CodeOf(const Result<T>& r) {
  return r.status().code();
}

}  // namespace tadori::testing
