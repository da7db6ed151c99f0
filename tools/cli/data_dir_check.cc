#include "tools/cli/data_dir_check.h"

#include <filesystem>

#include "consensus/ledger_certificate.h"
#include "ledger/genesis.h"
#include "ledger/store/store.h"

namespace tadori::cli {

Result<DataDirCheck> CheckDataDir(const std::string& data_dir) {
  const std::string db = (std::filesystem::path(data_dir) / "db").string();
  auto store = Store::Open(db, /*create_if_missing=*/false);
  if (!store.ok()) return store.status().WithContext("opening " + db);
  TADORI_ASSIGN_OR_RETURN(std::optional<Bytes> genesis_bytes, (*store)->GenesisBytes());
  if (!genesis_bytes) return Status::NotFound(db + " holds no genesis");
  auto genesis = DecodeGenesis(*genesis_bytes);
  if (!genesis.ok()) return Status::DataLoss("stored genesis: " + genesis.status().message());
  const Store::Head head = (*store)->head();
  TADORI_ASSIGN_OR_RETURN(ChainCheckReport report,
                          CheckChain(**store, *genesis, consensus::VerifyBlockAgreement));
  DataDirCheck out;
  out.chain_id = genesis->genesis.chain_id();
  out.genesis_hash = genesis->hash;
  out.height = head.height;
  out.head_hash = head.hash;
  out.report = report;
  return out;
}

}  // namespace tadori::cli
