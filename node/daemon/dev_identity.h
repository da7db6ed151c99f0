// The identity of a `tadorid --dev` chain: its genesis and the keys that act in it.
//
// On the first start in a data directory it creates, each mode 0600:
//   admin.key      PKCS#8 PEM, admin of org "dev" (producer, processor, distributor, retailer)
//   keys/<org>.key PKCS#8 PEM, admin of each org of the Kyushu story (see dev_identity.cc):
//                  kyushu-farm (producer), hakata-wholesale (distributor), kyushu-coldchain
//                  (carrier), fukuoka-deli (processor), tenjin-bistro (retailer),
//                  kyushu-iot-council (municipality), kyushu-audit (auditor),
//                  fukuoka-food-safety (regulator)
//   validator.key  PKCS#8 PEM, the single validator's consensus key
// and genesis.json (the consortium in protobuf JSON, for people and tools). Later starts
// take the genesis from the store, whose bytes are the ones its hash was computed over,
// and the validator key from validator.key.
#pragma once

#include <string>

#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/store/store.h"

namespace tadori {

struct DevIdentity {
  GenesisInfo genesis;
  PrivateKey validator_key;
};

inline constexpr char kDevChainId[] = "tadori-dev";

Result<DevIdentity> LoadOrCreateDevIdentity(const std::string& data_dir, const Store& store);

}  // namespace tadori
