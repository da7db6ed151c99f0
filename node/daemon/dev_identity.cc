#include "node/daemon/dev_identity.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <vector>

#include "ledger/files.h"
#include "ledger/limits.h"
#include "ledger/wall_clock.h"

namespace tadori {

namespace fs = std::filesystem;

namespace {

struct DevOrg {
  const char* id;
  const char* name;
  const char* key_file;  // relative to the data directory
  std::vector<std::string> roles;
};

// "dev" is what newcomers and tadori-loadgen sign with. The others are the cast of the
// quickstart story, modelled on the Kyushu pilot of the seed (ブロックチェーン技術を利用した
// 中食・外食の食材トレーサビリティ社会実装, 九州圏内): a farm, a wholesaler, a cold-chain
// carrier, a ready-meal (中食) maker, a restaurant (外食), the municipal IoT council that files
// pilot reports, an auditor and the food-safety regulator.
const std::vector<DevOrg>& DevOrgs() {
  static const std::vector<DevOrg> orgs = {
      {"dev",
       "Dev Organisation",
       "admin.key",
       {"producer", "processor", "distributor", "retailer"}},
      {"kyushu-farm", "Kyushu Farm (九州ファーム)", "keys/kyushu-farm.key", {"producer"}},
      {"hakata-wholesale",
       "Hakata Wholesale (博多青果卸)",
       "keys/hakata-wholesale.key",
       {"distributor"}},
      {"kyushu-coldchain",
       "Kyushu Cold Chain (九州コールドチェーン)",
       "keys/kyushu-coldchain.key",
       {"carrier"}},
      {"fukuoka-deli", "Fukuoka Deli (福岡デリ, 中食)", "keys/fukuoka-deli.key", {"processor"}},
      {"tenjin-bistro",
       "Tenjin Bistro (天神ビストロ, 外食)",
       "keys/tenjin-bistro.key",
       {"retailer"}},
      {"kyushu-iot-council",
       "Kyushu IoT Council (九州地域IoT推進協議会)",
       "keys/kyushu-iot-council.key",
       {"municipality"}},
      {"kyushu-audit", "Kyushu Audit (九州監査法人)", "keys/kyushu-audit.key", {"auditor"}},
      {"fukuoka-food-safety",
       "Fukuoka Food Safety Office (福岡市食品衛生課)",
       "keys/fukuoka-food-safety.key",
       {"regulator"}},
  };
  return orgs;
}

Result<PrivateKey> LoadKey(const fs::path& path) {
  TADORI_ASSIGN_OR_RETURN(std::string pem, ReadFileToString(path.string(), kPemBytesMax));
  auto key = PrivateKey::FromPem(pem);
  if (!key.ok()) return key.status().WithContext("loading " + path.string());
  return key;
}

Result<PrivateKey> CreateKey(const fs::path& path) {
  TADORI_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::Generate(KeyType::kP256));
  TADORI_RETURN_IF_ERROR(WritePrivateFile(path.string(), key.ToPem()));
  return key;
}

Result<DevIdentity> CreateDevIdentity(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir / "keys", ec);
  if (ec) return Status::Internal("creating " + (dir / "keys").string() + ": " + ec.message());
  v1::Genesis genesis;
  genesis.set_chain_id(kDevChainId);
  genesis.set_genesis_time_ms(WallClockMs());
  for (const DevOrg& org : DevOrgs()) {
    TADORI_ASSIGN_OR_RETURN(PrivateKey admin, CreateKey(dir / org.key_file));
    v1::Organization* o = genesis.add_organizations();
    o->set_id(org.id);
    o->set_name(org.name);
    for (const auto& role : org.roles) o->add_roles(role);
    o->add_admin_public_keys(admin.public_key().ToPem());
  }
  TADORI_ASSIGN_OR_RETURN(PrivateKey validator_key, CreateKey(dir / "validator.key"));
  v1::Validator* v = genesis.add_validators();
  v->set_id("dev-validator");
  v->set_org_id("dev");
  v->set_consensus_public_key(validator_key.public_key().ToPem());
  v->set_weight(1);
  TADORI_ASSIGN_OR_RETURN(GenesisInfo info, SealGenesis(genesis));
  std::ofstream out(dir / "genesis.json");
  out << GenesisToJson(info.genesis) << "\n";
  if (!out) return Status::Internal("writing " + (dir / "genesis.json").string());
  return DevIdentity{std::move(info), std::move(validator_key)};
}

}  // namespace

Result<DevIdentity> LoadOrCreateDevIdentity(const std::string& data_dir, const Store& store) {
  const fs::path dir(data_dir);
  TADORI_ASSIGN_OR_RETURN(std::optional<Bytes> stored, store.GenesisBytes());
  if (!stored) {
    if (fs::exists(dir / "validator.key")) {
      return Status::FailedPrecondition(data_dir +
                                        " has keys but no chain; move it aside or pick another "
                                        "--data-dir");
    }
    return CreateDevIdentity(dir);
  }
  auto genesis = DecodeGenesis(*stored);
  if (!genesis.ok()) return genesis.status().WithContext("decoding the stored genesis");
  TADORI_ASSIGN_OR_RETURN(PrivateKey validator_key, LoadKey(dir / "validator.key"));
  if (!genesis->validators.IndexOf(validator_key.public_key().id())) {
    return Status::FailedPrecondition("validator.key is not a validator of genesis.json");
  }
  return DevIdentity{std::move(*genesis), std::move(validator_key)};
}

}  // namespace tadori
