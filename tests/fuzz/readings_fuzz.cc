// libFuzzer target: untrusted bytes through chaincode Execute against an in-memory state that
// holds a small supply chain (a producer, a carrier with a registered Ed25519 device, a lot in
// transit on the carrier's truck). The first byte picks how the rest is used:
//   0  a ReadingBatch, signed here with the device key so the fuzzer gets past the signature
//   1  a SubmitReadings payload as is
//   2  an EpcisEvent, recorded by the producer
//   3  an EpcisEvent, recorded by the carrier
//   4+ a whole TransactionBody, signed by the producer
// Execute must never crash, and must answer every input with a result; an accepted payload
// must leave every lot mass-balanced (WriteLot also checks that before it writes).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include <google/protobuf/stubs/logging.h>

#include "chaincode/chaincode.h"
#include "ledger/check.h"
#include "ledger/hash.h"
#include "ledger/keys.h"

namespace {

using namespace tadori;

class MemoryState : public StateReader {
 public:
  Result<std::optional<std::string>> Get(std::string_view key) const override {
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  void Apply(const WriteSet& writes) {
    for (const auto& [key, value] : writes) {
      if (value) {
        entries_.insert_or_assign(key, *value);
      } else {
        entries_.erase(key);
      }
    }
  }

 private:
  std::map<std::string, std::string, std::less<>> entries_;
};

PrivateKey KeyFromSeed(KeyType type, uint8_t seed) {
  Bytes raw(32, seed);
  Result<PrivateKey> key = PrivateKey::FromRaw(type, raw);
  TADORI_CHECK(key.ok());
  return std::move(key).value();
}

struct World {
  PrivateKey farm = KeyFromSeed(KeyType::kP256, 1);
  PrivateKey carrier = KeyFromSeed(KeyType::kP256, 2);
  PrivateKey device = KeyFromSeed(KeyType::kEd25519, 3);
  MemoryState state;
  uint64_t height = 0;

  World() {
    // Invalid UTF-8 in proto3 strings is an expected, refused input; keep the log quiet.
    google::protobuf::SetLogHandler(nullptr);
    v1::Genesis genesis;
    genesis.set_chain_id("fuzz");
    AddOrg(genesis, "farm", "producer", &farm);
    AddOrg(genesis, "carrier", "carrier", &carrier);
    AddOrg(genesis, "shop", "retailer", nullptr);
    Result<WriteSet> writes = GenesisState(genesis);
    TADORI_CHECK(writes.ok());
    state.Apply(*writes);

    v1::TransactionBody body;
    v1::RegisterProduct* product = body.mutable_register_product();
    product->set_gtin("04912345000010");
    product->set_description("spinach");
    product->set_on_food_traceability_list(false);
    v1::StorageRange* range = product->add_storage();
    range->set_sensor_type("temperature");
    range->set_min_milli(0);
    range->set_max_milli(5000);
    range->set_unit("CEL");
    MustRun(farm, body);

    body.Clear();
    v1::RegisterDevice* dev = body.mutable_register_device();
    dev->set_device_id("truck-1");
    dev->set_public_key(device.public_key().ToPem());
    dev->add_sensor_types("temperature");
    dev->add_sensor_types("humidity");
    MustRun(carrier, body);

    body.Clear();
    v1::EpcisEvent* event = body.mutable_record_event()->mutable_event();
    event->set_type(v1::OBJECT_EVENT);
    event->set_action(v1::ADD);
    event->set_biz_step("harvesting");
    event->set_event_time("2026-11-20T06:30:00+09:00");
    event->set_event_time_zone_offset("+09:00");
    for (const char* lot : {"LOT-1", "LOT-2"}) {
      v1::QuantityElement* q = event->add_quantity_list();
      q->set_lot_code(lot);
      q->set_product("04912345000010");
      q->set_quantity_milli(1000);
      q->set_unit("KGM");
    }
    MustRun(farm, body);

    event->set_action(v1::OBSERVE);
    event->set_biz_step("shipping");
    event->mutable_quantity_list()->RemoveLast();
    v1::PartyRef* to = event->add_destination_list();
    to->set_type("owning_party");
    to->set_id("shop");
    v1::PartyRef* by = event->add_destination_list();
    by->set_type("possessing_party");
    by->set_id("carrier");
    MustRun(farm, body);
  }

  v1::TxResult Run(const PrivateKey& signer, const v1::TransactionBody& body, StateView& view) {
    TxContext ctx;
    ctx.tx_id = Sha256(body.SerializeAsString());
    ctx.signer = signer.public_key().id();
    ctx.height = height + 1;
    ctx.index = 0;
    ctx.block_time_ms = 1'795'305'600'000;  // 2026-11-22Z: after the seed events' times
    return Execute(ctx, body, view);
  }

  // Setup transactions must succeed; their writes become the base state of every input.
  void MustRun(const PrivateKey& signer, const v1::TransactionBody& body) {
    StateView view(state);
    v1::TxResult result = Run(signer, body, view);
    TADORI_CHECK(result.code() == 0);
    state.Apply(view.writes());
    ++height;
  }

  static void AddOrg(v1::Genesis& genesis, const char* id, const char* role,
                     const PrivateKey* admin) {
    v1::Organization* org = genesis.add_organizations();
    org->set_id(id);
    org->add_roles(role);
    if (admin != nullptr) org->add_admin_public_keys(admin->public_key().ToPem());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  v1::TransactionBody body;
  const PrivateKey* signer = &world->carrier;
  switch (mode) {
    case 0: {
      std::string message = "TADORI-READINGS-V1";
      message += Sha256(bytes).ToBinaryString();
      body.mutable_submit_readings()->set_batch(bytes);
      body.mutable_submit_readings()->set_device_signature(
          ToString(world->device.Sign(AsBytes(message))));
      break;
    }
    case 1:
      if (!body.mutable_submit_readings()->ParseFromString(bytes)) return 0;
      break;
    case 2:
    case 3:
      if (!body.mutable_record_event()->mutable_event()->ParseFromString(bytes)) return 0;
      if (mode == 2) signer = &world->farm;
      break;
    default:
      if (!body.ParseFromString(bytes)) return 0;
      signer = &world->farm;
      break;
  }
  StateView view(world->state);
  v1::TxResult result = world->Run(*signer, body, view);
  // Nothing the input does is a local failure: the in-memory store never fails.
  TADORI_CHECK(!IsLocalFailure(result));
  if (result.code() == 0) {
    for (const char* code : {"LOT-1", "LOT-2"}) {
      Result<std::optional<v1::LotRecord>> lot = FindLot(view, code);
      TADORI_CHECK(lot.ok() && lot->has_value());
      Result<int64_t> remaining = RemainingQuantity(**lot);
      TADORI_CHECK(remaining.ok());
      TADORI_CHECK(*remaining + (*lot)->consumed_quantity_milli() ==
                   (*lot)->created_quantity_milli());
    }
  }
  return 0;
}
