// The LevelDB key layout is specified, with its grammar, at the top of
// ledger/store_keys.cc; every key this file reads or writes is built there.
#include "ledger/store/store.h"

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>

#include <filesystem>
#include <system_error>

#include "ledger/check.h"
#include "ledger/merkle.h"
#include "ledger/store/store_keys.h"
#include "ledger/utf8.h"

namespace tadori {
namespace {

// LevelDB's own status, mapped onto ours. `what` says which operation failed.
Status FromLevelDb(const leveldb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string m = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(std::move(m));
  if (s.IsCorruption()) return Status::DataLoss(std::move(m));
  return Status::Internal(std::move(m));
}

leveldb::Slice AsSlice(const std::string& s) {
  return leveldb::Slice(s.data(), s.size());
}

Hash HashOf(const std::string& value) {
  return Hash::FromBytes(AsBytes(value)).value();
}

leveldb::ReadOptions CheckedRead(const leveldb::Snapshot* snapshot = nullptr) {
  leveldb::ReadOptions options;
  options.verify_checksums = true;
  options.snapshot = snapshot;
  return options;
}

Result<std::optional<std::string>> ReadRaw(leveldb::DB& db, const leveldb::ReadOptions& options,
                                           const std::string& key) {
  std::string value;
  leveldb::Status s = db.Get(options, AsSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromLevelDb(s, "reading");
  return std::optional<std::string>(std::move(value));
}

// What one scan covers, in raw (tag-prefixed) LevelDB keys: every key starting with `match`,
// from `seek` on (skipping `seek` itself when `skip_seek`), below `end` unless it is empty.
// Returned keys lose their one tag byte.
struct RawRange {
  std::string match;
  std::string seek;
  bool skip_seek = false;
  std::string end;
};

Result<Store::Entries> ScanRaw(leveldb::DB& db, const leveldb::ReadOptions& options,
                               const RawRange& range, size_t limit) {
  constexpr size_t kTagBytes = 1;
  Store::Entries out;
  if (limit == 0) return out;
  std::unique_ptr<leveldb::Iterator> it(db.NewIterator(options));
  for (it->Seek(AsSlice(range.seek)); it->Valid() && out.size() < limit; it->Next()) {
    const leveldb::Slice key = it->key();
    if (!key.starts_with(AsSlice(range.match))) break;
    if (!range.end.empty() && key.compare(AsSlice(range.end)) >= 0) break;
    if (range.skip_seek && key == AsSlice(range.seek)) continue;
    TADORI_CHECK(key.size() >= kTagBytes);
    out.emplace_back(std::string(key.data() + kTagBytes, key.size() - kTagBytes),
                     it->value().ToString());
  }
  TADORI_RETURN_IF_ERROR(FromLevelDb(it->status(), "scanning"));
  return out;
}

// The range of keys with `prefix` strictly after `start_after` (or from the prefix's first
// key when start_after is empty or sorts before it); `tagged` maps a key to its raw form.
template <typename Tagged>
RawRange AfterRange(std::string_view prefix, std::string_view start_after, Tagged tagged) {
  RawRange range;
  range.match = tagged(prefix);
  range.seek = range.match;
  if (!start_after.empty() && start_after >= prefix) {
    range.seek = tagged(start_after);
    range.skip_seek = true;
  }
  return range;
}

// The bytes stored for a block's results, or INTERNAL when they would not read back. A proto3
// string that is not valid UTF-8 serializes (protobuf only logs it) but never parses again,
// so storing one would make GetResults DATA_LOSS on this block for good. Chaincode never
// returns such a message (chaincode/chaincode.cc); one here is a bug in this node's
// execution, not the block's fault. The parse-back covers any string field added later.
Result<std::string> EncodeResults(uint64_t height, const v1::BlockResults& results) {
  for (int i = 0; i < results.results_size(); ++i) {
    if (!IsValidUtf8(results.results(i).message())) {
      return Status::Internal("block " + std::to_string(height) + " result " + std::to_string(i) +
                              " message is not valid UTF-8: results that would not parse back "
                              "are never stored (a bug in this node's execution)");
    }
  }
  std::string bytes = results.SerializeAsString();
  v1::BlockResults read_back;
  if (!read_back.ParseFromString(bytes)) {
    return Status::Internal("results of block " + std::to_string(height) +
                            " would not parse back: they are never stored (a bug in this node)");
  }
  return bytes;
}

}  // namespace

class Store::StateAdapter : public StateReader {
 public:
  explicit StateAdapter(const Store& store) : store_(store) {}
  Result<std::optional<std::string>> Get(std::string_view key) const override {
    return store_.GetRaw(store_keys::State(key));
  }

 private:
  const Store& store_;
};

// Queries are point reads (a lot, an event by position) scattered over the whole database: a
// Bloom filter per table lets a read skip the levels that do not hold its key, and a block
// cache larger than LevelDB's 8 MiB default keeps recently traced lots in memory.
constexpr int kBloomBitsPerKey = 10;
constexpr size_t kBlockCacheBytes = 64 * 1024 * 1024;

Store::ReadTuning::ReadTuning()
    : filter(leveldb::NewBloomFilterPolicy(kBloomBitsPerKey)),
      block_cache(leveldb::NewLRUCache(kBlockCacheBytes)) {}
Store::ReadTuning::~ReadTuning() = default;
Store::ReadTuning::ReadTuning(ReadTuning&&) noexcept = default;

Store::Store(ReadTuning tuning, std::unique_ptr<leveldb::DB> db)
    : tuning_(std::move(tuning)),
      db_(std::move(db)),
      state_(std::make_unique<StateAdapter>(*this)) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, bool create_if_missing,
                                           leveldb::Env* env) {
  if (env != nullptr) {
    if (!create_if_missing && !env->FileExists(dir + "/CURRENT")) {
      return Status::NotFound("no database in data directory " + dir);
    }
  } else if (create_if_missing) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::Internal("creating data directory " + dir + ": " + ec.message());
  } else if (!std::filesystem::exists(dir + "/CURRENT")) {
    return Status::NotFound("no database in data directory " + dir);
  }
  ReadTuning tuning;
  leveldb::Options options;
  if (env != nullptr) options.env = env;
  options.create_if_missing = create_if_missing;
  options.filter_policy = tuning.filter.get();
  options.block_cache = tuning.block_cache.get();
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, dir, &raw);
  if (!s.ok()) {
    // LevelDB reports a held LOCK file as an I/O error naming the lock.
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Status::Unavailable("data directory in use: " + dir + " (" + s.ToString() + ")");
    }
    return FromLevelDb(s, "opening " + dir);
  }
  std::unique_ptr<Store> store(new Store(std::move(tuning), std::unique_ptr<leveldb::DB>(raw)));
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> head, store->GetRaw(store_keys::MetaHead()));
  if (head) {
    std::optional<store_keys::HeadValue> decoded = store_keys::DecodeHead(*head);
    if (!decoded) return Status::DataLoss("head record in " + dir + " is malformed");
    store->head_ = Head{decoded->height, decoded->hash, decoded->result_root};
  }
  return store;
}

Result<std::optional<std::string>> Store::GetRaw(const std::string& key) const {
  return ReadRaw(*db_, CheckedRead(), key);
}

Store::Head Store::head() const {
  std::lock_guard<std::mutex> lock(head_mu_);
  return head_;
}

Status Store::InitGenesis(const GenesisInfo& genesis, const WriteSet& genesis_state) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> stored, GetRaw(store_keys::MetaGenesisHash()));
  if (stored) {
    if (stored->size() != Hash::kSize) return Status::DataLoss("stored genesis hash malformed");
    if (HashOf(*stored) != genesis.hash) {
      return Status::FailedPrecondition("data directory holds genesis " +
                                        HashOf(*stored).ShortHex() + ", not " +
                                        genesis.hash.ShortHex());
    }
    return Status::Ok();
  }
  TADORI_CHECK(Sha256(genesis.bytes) == genesis.hash);
  const Head head{0, genesis.hash, MerkleRoot({})};
  leveldb::WriteBatch batch;
  batch.Put(store_keys::MetaGenesis(), ToString(genesis.bytes));
  batch.Put(store_keys::MetaGenesisHash(), genesis.hash.ToBinaryString());
  for (const auto& [key, value] : genesis_state) {
    if (value) batch.Put(store_keys::State(key), *value);
  }
  batch.Put(store_keys::MetaHead(),
            store_keys::EncodeHead({head.height, head.hash, head.result_root}));
  leveldb::WriteOptions options;
  options.sync = true;
  TADORI_RETURN_IF_ERROR(FromLevelDb(db_->Write(options, &batch), "writing genesis"));
  std::lock_guard<std::mutex> lock(head_mu_);
  head_ = head;
  return Status::Ok();
}

Result<std::optional<Bytes>> Store::GenesisBytes() const {
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> bytes, GetRaw(store_keys::MetaGenesis()));
  if (!bytes) return std::optional<Bytes>();
  return std::optional<Bytes>(ToBytes(*bytes));
}

Status Store::CommitBlock(const DecodedBlock& block, const v1::BlockResults& results,
                          const WriteSet& writes,
                          const std::vector<std::pair<std::string, std::string>>& index_entries,
                          bool sync) {
  std::lock_guard<std::mutex> write_lock(write_mu_);
  const Head parent = head();
  const v1::BlockHeader& h = block.header;
  if (parent.hash.IsZero()) return Status::FailedPrecondition("store has no genesis yet");
  if (h.height() != parent.height + 1) {
    return Status::FailedPrecondition("block height " + std::to_string(h.height()) +
                                      " does not follow head " + std::to_string(parent.height));
  }
  if (HashOf(h.prev_hash()) != parent.hash) {
    return Status::FailedPrecondition("block " + std::to_string(h.height()) +
                                      " prev_hash is not the head " + parent.hash.ShortHex());
  }
  if (h.result_height() > parent.height) {
    return Status::FailedPrecondition("block " + std::to_string(h.height()) + " result_height " +
                                      std::to_string(h.result_height()) + " is above the head");
  }
  TADORI_ASSIGN_OR_RETURN(Hash agreed_root, h.result_height() == parent.height
                                                ? Result<Hash>(parent.result_root)
                                                : ResultRootAt(h.result_height()));
  if (HashOf(h.prev_result_root()) != agreed_root) {
    return Status::FailedPrecondition("block " + std::to_string(h.height()) + " prev_result_root " +
                                      HashOf(h.prev_result_root()).ShortHex() +
                                      " is not this node's result root " + agreed_root.ShortHex() +
                                      " of block " + std::to_string(h.result_height()) +
                                      ": this node's execution diverged from the chain's");
  }
  if (static_cast<size_t>(results.results_size()) != block.txs.size()) {
    return Status::InvalidArgument("block " + std::to_string(h.height()) + " has " +
                                   std::to_string(block.txs.size()) + " transactions but " +
                                   std::to_string(results.results_size()) + " results");
  }
  TADORI_CHECK(Sha256(AsBytes(block.block.header())) == block.hash);
  TADORI_CHECK(static_cast<size_t>(block.block.txs_size()) == block.txs.size());
  TADORI_ASSIGN_OR_RETURN(std::string results_bytes, EncodeResults(h.height(), results));

  leveldb::WriteBatch batch;
  batch.Put(store_keys::Block(h.height()), block.block.SerializeAsString());
  batch.Put(store_keys::HeightByHash(block.hash), store_keys::EncodeHeight(h.height()));
  batch.Put(store_keys::Results(h.height()), results_bytes);
  std::vector<Hash> ids;
  ids.reserve(block.txs.size());
  for (size_t i = 0; i < block.txs.size(); ++i) {
    ids.push_back(block.txs[i].id);
    batch.Put(store_keys::TxLocator(block.txs[i].id),
              store_keys::EncodeTxLocator(h.height(), static_cast<uint32_t>(i)));
  }
  for (const auto& [key, value] : writes) {
    if (value) {
      batch.Put(store_keys::State(key), *value);
    } else {
      batch.Delete(store_keys::State(key));
    }
  }
  for (const auto& [key, value] : index_entries) batch.Put(store_keys::Index(key), value);
  const std::vector<v1::TxResult> result_list(results.results().begin(), results.results().end());
  const Head next{h.height(), block.hash, ResultRoot(ids, result_list)};
  batch.Put(store_keys::MetaHead(),
            store_keys::EncodeHead({next.height, next.hash, next.result_root}));
  batch.Put(store_keys::ResultRoot(next.height), next.result_root.ToBinaryString());

  leveldb::WriteOptions options;
  options.sync = sync;
  TADORI_RETURN_IF_ERROR(
      FromLevelDb(db_->Write(options, &batch), "committing block " + std::to_string(h.height())));
  std::lock_guard<std::mutex> lock(head_mu_);
  head_ = next;
  return Status::Ok();
}

Result<v1::Block> Store::GetBlock(uint64_t height) const {
  if (height == 0 || height > Height()) {
    return Status::NotFound("no block at height " + std::to_string(height));
  }
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> bytes, GetRaw(store_keys::Block(height)));
  if (!bytes) return Status::DataLoss("block " + std::to_string(height) + " is missing");
  v1::Block block;
  v1::BlockHeader header;
  if (!block.ParseFromString(*bytes) || !header.ParseFromString(block.header())) {
    return Status::DataLoss("block " + std::to_string(height) + " does not parse");
  }
  if (header.height() != height) {
    return Status::DataLoss("block stored at height " + std::to_string(height) + " names height " +
                            std::to_string(header.height()));
  }
  return block;
}

Result<uint64_t> Store::HeightOfHash(const Hash& hash) const {
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> value, GetRaw(store_keys::HeightByHash(hash)));
  if (!value) return Status::NotFound("no block with hash " + hash.ShortHex());
  std::optional<uint64_t> height = store_keys::DecodeHeight(*value);
  if (!height) return Status::DataLoss("height of block " + hash.ShortHex() + " malformed");
  TADORI_ASSIGN_OR_RETURN(v1::Block block, GetBlock(*height));
  if (Sha256(AsBytes(block.header())) != hash) {
    return Status::DataLoss("block at height " + std::to_string(*height) + " does not hash to " +
                            hash.ShortHex());
  }
  return *height;
}

Result<v1::BlockResults> Store::GetResults(uint64_t height) const {
  if (height == 0 || height > Height()) {
    return Status::NotFound("no results at height " + std::to_string(height));
  }
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> bytes, GetRaw(store_keys::Results(height)));
  if (!bytes) return Status::DataLoss("results of block " + std::to_string(height) + " missing");
  v1::BlockResults results;
  if (!results.ParseFromString(*bytes)) {
    return Status::DataLoss("results of block " + std::to_string(height) + " do not parse");
  }
  return results;
}

Result<Store::TxLocation> Store::FindTransaction(const Hash& id) const {
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> value, GetRaw(store_keys::TxLocator(id)));
  if (!value) return Status::NotFound("no committed transaction " + id.ShortHex());
  std::optional<store_keys::TxLocatorValue> loc = store_keys::DecodeTxLocator(*value);
  if (!loc || loc->height == 0 || loc->height > Height()) {
    return Status::DataLoss("locator of transaction " + id.ShortHex() + " is malformed");
  }
  return TxLocation{loc->height, loc->index};
}

const StateReader& Store::state() const {
  return *state_;
}

Result<Store::Entries> Store::ScanIndex(std::string_view prefix, size_t limit) const {
  return ScanIndex(prefix, std::string_view(), limit);
}

Result<Store::Entries> Store::ScanIndex(std::string_view prefix, std::string_view start_after,
                                        size_t limit) const {
  return ScanRaw(*db_, CheckedRead(), AfterRange(prefix, start_after, store_keys::Index), limit);
}

Result<std::unique_ptr<Store::Snapshot>> Store::NewSnapshot() const {
  const leveldb::Snapshot* snapshot = db_->GetSnapshot();
  // The head is read through the snapshot itself, so the height agrees with every other
  // read; the in-memory head_ may already be ahead of it.
  Result<std::optional<std::string>> head =
      ReadRaw(*db_, CheckedRead(snapshot), store_keys::MetaHead());
  uint64_t height = 0;
  Status failure;
  if (!head.ok()) {
    failure = head.status();
  } else if (head->has_value()) {
    std::optional<store_keys::HeadValue> decoded = store_keys::DecodeHead(**head);
    if (decoded) {
      height = decoded->height;
    } else {
      failure = Status::DataLoss("head record is malformed");
    }
  }
  if (!failure.ok()) {
    db_->ReleaseSnapshot(snapshot);
    return failure;
  }
  return std::unique_ptr<Snapshot>(new Snapshot(*this, snapshot, height));
}

Store::Snapshot::Snapshot(const Store& store, const leveldb::Snapshot* snapshot, uint64_t height)
    : store_(store), snapshot_(snapshot), height_(height) {
  TADORI_CHECK(snapshot_ != nullptr);
}

Store::Snapshot::~Snapshot() {
  store_.db_->ReleaseSnapshot(snapshot_);
}

Result<std::optional<std::string>> Store::Snapshot::Get(std::string_view key) const {
  return ReadRaw(*store_.db_, CheckedRead(snapshot_), store_keys::State(key));
}

Result<std::optional<std::string>> Store::Snapshot::GetIndex(std::string_view key) const {
  return ReadRaw(*store_.db_, CheckedRead(snapshot_), store_keys::Index(key));
}

Result<Store::Entries> Store::Snapshot::ScanIndex(std::string_view prefix,
                                                  std::string_view start_after,
                                                  size_t limit) const {
  return ScanRaw(*store_.db_, CheckedRead(snapshot_),
                 AfterRange(prefix, start_after, store_keys::Index), limit);
}

Result<Store::Entries> Store::Snapshot::ScanIndexRange(std::string_view prefix,
                                                       std::string_view from_inclusive,
                                                       std::string_view to_exclusive,
                                                       size_t limit) const {
  RawRange range;
  range.match = store_keys::Index(prefix);
  range.seek = from_inclusive < prefix ? range.match : store_keys::Index(from_inclusive);
  if (!to_exclusive.empty()) range.end = store_keys::Index(to_exclusive);
  return ScanRaw(*store_.db_, CheckedRead(snapshot_), range, limit);
}

Result<Store::Entries> Store::Snapshot::ScanState(std::string_view prefix,
                                                  std::string_view start_after,
                                                  size_t limit) const {
  return ScanRaw(*store_.db_, CheckedRead(snapshot_),
                 AfterRange(prefix, start_after, store_keys::State), limit);
}

Status Store::PutSafetyState(ByteView bytes) {
  // No write_mu_: this record is independent of the head, and a vote must not wait behind
  // a large block commit more than LevelDB's own write queue makes it.
  leveldb::WriteOptions options;
  options.sync = true;
  return FromLevelDb(db_->Put(options, store_keys::MetaSafety(), ToString(bytes)),
                     "writing safety state");
}

Result<std::optional<Bytes>> Store::GetSafetyState() const {
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> bytes, GetRaw(store_keys::MetaSafety()));
  if (!bytes) return std::optional<Bytes>();
  return std::optional<Bytes>(ToBytes(*bytes));
}

Result<Hash> Store::ResultRootAt(uint64_t height) const {
  if (height == 0) return MerkleRoot({});
  if (height > Height()) return Status::NotFound("no block at height " + std::to_string(height));
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> value, GetRaw(store_keys::ResultRoot(height)));
  if (!value || value->size() != Hash::kSize) {
    return Status::DataLoss("result root of block " + std::to_string(height) +
                            " is missing or malformed");
  }
  return Hash::FromBytes(AsBytes(*value)).value();
}

Status Store::PutPendingBlock(uint64_t height, const Hash& block_id, ByteView bytes) {
  leveldb::WriteOptions options;
  options.sync = false;
  return FromLevelDb(db_->Put(options, store_keys::PendingBlock(height, block_id), ToString(bytes)),
                     "writing pending block");
}

Result<std::vector<Bytes>> Store::PendingBlocks() const {
  constexpr size_t kPendingBlocksMax = 4096;
  const std::string prefix = store_keys::PendingBlockPrefix();
  TADORI_ASSIGN_OR_RETURN(
      Entries entries,
      ScanRaw(*db_, CheckedRead(), RawRange{prefix, prefix, false, ""}, kPendingBlocksMax));
  std::vector<Bytes> out;
  out.reserve(entries.size());
  for (auto& [key, value] : entries) out.push_back(ToBytes(value));
  return out;
}

Status Store::ErasePendingBlocksThrough(uint64_t height) {
  const std::string prefix = store_keys::PendingBlockPrefix();
  // Heights above `height` sort after this key; UINT64_MAX has no such key, so no bound.
  const std::string end =
      height == UINT64_MAX ? std::string() : store_keys::PendingBlock(height + 1, Hash());
  leveldb::WriteBatch batch;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(CheckedRead()));
  for (it->Seek(AsSlice(prefix)); it->Valid(); it->Next()) {
    if (!it->key().starts_with(AsSlice(prefix))) break;
    if (!end.empty() && it->key().compare(AsSlice(end)) >= 0) break;
    batch.Delete(it->key());
  }
  TADORI_RETURN_IF_ERROR(FromLevelDb(it->status(), "scanning pending blocks"));
  return FromLevelDb(db_->Write(leveldb::WriteOptions(), &batch), "erasing pending blocks");
}

BlockDraft DraftOnHead(const Store::Head& head, std::string chain_id, const KeyId& proposer) {
  BlockDraft draft;
  draft.chain_id = std::move(chain_id);
  draft.height = head.height + 1;
  draft.round = draft.height;
  draft.prev_hash = head.hash;
  draft.prev_result_root = head.result_root;
  draft.result_height = head.height;
  draft.proposer = proposer;
  return draft;
}

}  // namespace tadori
