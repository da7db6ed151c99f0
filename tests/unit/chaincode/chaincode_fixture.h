// Shared setup for the chaincode tests: an in-memory state, a three-organisation genesis
// (farm = producer, distributor, retailer) with one admin and one registered member each,
// and helpers that build payloads and run them the way the executor does.
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

// Payload builders.
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
inline v1::TransactionBody CreateBody(const std::string& lot_code, int64_t quantity_milli = 1000,
                                      const std::string& product = "spinach",
                                      const std::string& unit = "kg") {
  v1::TransactionBody body;
  v1::CreateLot* lot = body.mutable_create_lot();
  lot->set_lot_code(lot_code);
  lot->set_product(product);
  lot->set_quantity_milli(quantity_milli);
  lot->set_unit(unit);
  lot->set_location("urn:gln:4912345000019");
  return body;
}
inline v1::TransactionBody ShipBody(const std::string& lot_code, const std::string& to_org) {
  v1::TransactionBody body;
  body.mutable_ship_lot()->set_lot_code(lot_code);
  body.mutable_ship_lot()->set_to_org(to_org);
  return body;
}
inline v1::TransactionBody ReceiveBody(const std::string& lot_code) {
  v1::TransactionBody body;
  body.mutable_receive_lot()->set_lot_code(lot_code);
  return body;
}

// Runs transactions one per block height, as the executor would: each over a fresh
// StateView, keeping the writes only when the result is OK.
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
    ctx.tx_id = Sha256(body.SerializeAsString());
    ctx.signer = signer;
    ctx.height = ++height_;
    ctx.block_time_ms = 1'700'000'000'000 + static_cast<int64_t>(height_) * 1000;
    v1::TxResult result = Execute(ctx, body, view);
    last_writes_ = view.writes();
    if (result.code() == 0) state_.Apply(view.writes());
    return result;
  }

  const MemoryState& state() const { return state_; }
  uint64_t height() const { return height_; }
  const WriteSet& last_writes() const { return last_writes_; }

 private:
  MemoryState state_;
  uint64_t height_ = 0;
  WriteSet last_writes_;
};

class ChaincodeTest : public ::testing::Test {
 protected:
  ChaincodeTest()
      : farm_admin_(NewKey()),
        farm_member_(NewKey()),
        dist_admin_(NewKey()),
        dist_member_(NewKey()),
        retail_admin_(NewKey()),
        retail_member_(NewKey()),
        outsider_(NewKey()) {
    *genesis_.add_organizations() = MakeOrg("farm", {"producer"}, farm_admin_);
    *genesis_.add_organizations() = MakeOrg("distributor", {"distributor"}, dist_admin_);
    *genesis_.add_organizations() = MakeOrg("retailer", {"retailer"}, retail_admin_);
    genesis_.set_chain_id("tadori-test");
  }

  void SetUp() override {
    ledger_ = std::make_unique<Ledger>(genesis_);
    RegisterMembers(*ledger_);
  }

  // Each org admin registers the org's member key through Execute.
  void RegisterMembers(Ledger& ledger) {
    ExpectOk(ledger.Run(Id(farm_admin_), RegisterBody(farm_member_.public_key(), "harvest")));
    ExpectOk(ledger.Run(Id(dist_admin_), RegisterBody(dist_member_.public_key(), "dock 1")));
    ExpectOk(ledger.Run(Id(retail_admin_), RegisterBody(retail_member_.public_key(), "store")));
  }

  static void ExpectOk(const v1::TxResult& result) {
    EXPECT_EQ(CodeOf(result), Code::kOk) << result.message();
  }
  static KeyId Id(const PrivateKey& key) { return key.public_key().id(); }

  v1::TxResult Run(const PrivateKey& signer, const v1::TransactionBody& body) {
    return ledger_->Run(Id(signer), body);
  }
  v1::LotRecord Lot(const std::string& code) {
    Result<std::optional<v1::LotRecord>> lot = FindLot(ledger_->state(), code);
    TADORI_CHECK(lot.ok() && lot->has_value());
    return **lot;
  }
  v1::MemberRecord Member(const PrivateKey& key) {
    Result<std::optional<v1::MemberRecord>> member = FindMember(ledger_->state(), Id(key));
    TADORI_CHECK(member.ok() && member->has_value());
    return **member;
  }

  v1::Genesis genesis_;
  PrivateKey farm_admin_, farm_member_;
  PrivateKey dist_admin_, dist_member_;
  PrivateKey retail_admin_, retail_member_;
  PrivateKey outsider_;  // never registered
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace tadori
