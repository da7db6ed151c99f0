#include "tools/cli/data_dir_check.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

#include "consensus/ledger_certificate.h"
#include "ledger/genesis.h"
#include "ledger/store/store.h"
#include "node/validator/chain_replay.h"

namespace tadori::cli {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A fresh directory of our own for the rebuilt store, removed with everything in it when
// this goes away (after the scratch store closed: declare it first).
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> Make(const std::string& parent) {
    std::error_code ec;
    std::filesystem::path base =
        parent.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(parent);
    if (ec) return Status::Internal("no temporary folder for the rebuilt state: " + ec.message());
    std::string pattern = (base / "tadori-verify-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
      return Status::Internal("making a scratch directory in " + base.string() + ": " +
                              std::strerror(errno));
    }
    return std::unique_ptr<ScratchDir>(new ScratchDir(buf.data()));
  }
  ~ScratchDir() {
    std::error_code ignored;  // best effort: a leftover temp folder is all that can remain
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

Status Rebuild(const Store& store, const GenesisInfo& genesis, const DataDirCheckOptions& options,
               DataDirCheck& out) {
  TADORI_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDir> scratch,
                          ScratchDir::Make(options.scratch_parent));
  auto rebuilt = Store::Open(scratch->path() + "/db");
  if (!rebuilt.ok()) return rebuilt.status().WithContext("opening the scratch store");

  VerifyProgress at;
  at.phase = VerifyProgress::Phase::kReplaying;
  const Clock::time_point replay_start = Clock::now();
  Result<ReplayReport> replay =
      ReplayChain(store, genesis, **rebuilt, [&](const ReplayProgress& p) {
        at.blocks_done = p.blocks_done;
        at.blocks_total = p.blocks_total;
        at.txs_done = p.txs_done;
        if (options.progress) options.progress(at);
      });
  if (!replay.ok()) return replay.status();
  out.replay_seconds = SecondsSince(replay_start);
  out.blocks_replayed = replay->blocks;
  out.txs_replayed = replay->txs;

  at.phase = VerifyProgress::Phase::kComparing;
  const Clock::time_point compare_start = Clock::now();
  TADORI_ASSIGN_OR_RETURN(StoreComparison compared,
                          CompareStateAndIndex(store, **rebuilt, [&](const StoreComparison& c) {
                            at.state_keys = c.state_keys;
                            at.index_entries = c.index_entries;
                            if (options.progress) options.progress(at);
                          }));
  out.compare_seconds = SecondsSince(compare_start);
  if (compared.first_difference) {
    return Status::DataLoss(DescribeDifference(*compared.first_difference) + " (after " +
                            std::to_string(compared.state_keys) + " equal state keys and " +
                            std::to_string(compared.index_entries) + " equal index entries)");
  }
  out.rebuilt = true;
  out.state_keys = compared.state_keys;
  out.index_entries = compared.index_entries;
  return Status::Ok();
}

}  // namespace

std::string PrintableKey(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", byte);
    }
  }
  return out;
}

std::string DescribeDifference(const KeyDifference& difference) {
  std::string out = fmt::format("{} \"{}\": {}", KeySpaceName(difference.space),
                                PrintableKey(difference.key), KeyDifferenceName(difference.kind));
  switch (difference.kind) {
    case KeyDifferenceKind::kMissing:
      return out + " (the blocks imply it, the store lacks it)";
    case KeyDifferenceKind::kExtra:
      return out + " (in the store, not implied by the blocks)";
    case KeyDifferenceKind::kDifferentValue:
      return out + fmt::format(" (stored {} bytes, rebuilt from the blocks {} bytes)",
                               difference.stored ? difference.stored->size() : 0,
                               difference.expected ? difference.expected->size() : 0);
  }
  return out;
}

Result<DataDirCheck> CheckDataDir(const std::string& data_dir, const DataDirCheckOptions& options) {
  const std::string db = (std::filesystem::path(data_dir) / "db").string();
  auto store = Store::Open(db, /*create_if_missing=*/false);
  if (!store.ok()) return store.status().WithContext("opening " + db);
  TADORI_ASSIGN_OR_RETURN(std::optional<Bytes> genesis_bytes, (*store)->GenesisBytes());
  if (!genesis_bytes) return Status::NotFound(db + " holds no genesis");
  auto genesis = DecodeGenesis(*genesis_bytes);
  if (!genesis.ok()) return Status::DataLoss("stored genesis: " + genesis.status().message());
  const Store::Head head = (*store)->head();
  const Clock::time_point check_start = Clock::now();
  TADORI_ASSIGN_OR_RETURN(ChainCheckReport report,
                          CheckChain(**store, *genesis, consensus::VerifyBlockAgreement,
                                     [&](const ChainCheckReport& so_far, uint64_t height) {
                                       if (!options.progress) return;
                                       VerifyProgress at;
                                       at.blocks_done = so_far.blocks_checked;
                                       at.blocks_total = height;
                                       at.txs_done = so_far.txs_checked;
                                       options.progress(at);
                                     }));
  DataDirCheck out;
  out.check_seconds = SecondsSince(check_start);
  out.chain_id = genesis->genesis.chain_id();
  out.genesis_hash = genesis->hash;
  out.height = head.height;
  out.head_hash = head.hash;
  out.report = report;
  if (options.rebuild) {
    TADORI_RETURN_IF_ERROR(Rebuild(**store, *genesis, options, out));
  }
  return out;
}

}  // namespace tadori::cli
