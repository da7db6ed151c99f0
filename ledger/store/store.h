// Store: one node's blocks, results, chaincode state, query indexes and consensus safety
// state in one LevelDB database. The only code that knows the LevelDB key layout
// (ledger/store_keys.cc documents it).
//
// Durability: a committed block, its results, its state writes, its index entries, its tx
// locators and the new head go in one atomic WriteBatch, so after a crash the database
// holds either all of a block or none of it. Everything read back is checked against
// what it claims to be (a block's height and hash against its key, fixed-size values
// against their size); a mismatch is DATA_LOSS, never served.
//
// Errors: LevelDB I/O failures are INTERNAL with LevelDB's message; corruption found by
// LevelDB or by the checks above is DATA_LOSS.
//
// Thread-safety: every method may be called from any thread. Const methods run
// concurrently with each other and with writers; CommitBlock and InitGenesis are
// serialized internally (one committer at a time); PutSafetyState may run beside them. Height(),
// HeadHash() and HeadResultRoot() are read together under one lock (use Head() for a consistent
// triple).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/block.h"
#include "ledger/bytes.h"
#include "ledger/genesis.h"
#include "ledger/hash.h"
#include "ledger/state.h"
#include "ledger/status.h"
#include "tadori/v1/types.pb.h"

namespace leveldb {
class Cache;
class DB;
class Env;
class FilterPolicy;
class Snapshot;
}  // namespace leveldb

namespace tadori {

class Store {
 public:
  // Opens the database in `dir`, creating the directory and the database when
  // create_if_missing. NOT_FOUND when it does not exist and !create_if_missing;
  // UNAVAILABLE "data directory in use" when another process (or another Store in this
  // process) holds it; DATA_LOSS when LevelDB finds corruption or the head record is
  // malformed; INTERNAL for other I/O failures. `env` (default: the real file system) lets
  // the whole-validator simulator keep its stores in memory; it must outlive the store.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, bool create_if_missing = true,
                                             leveldb::Env* env = nullptr);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // First start: stores the genesis bytes, their hash, the genesis chaincode state and a
  // head at height 0 in one synced batch. Later starts: OK without writing when the stored
  // genesis hash equals genesis.hash, FAILED_PRECONDITION when it differs.
  Status InitGenesis(const GenesisInfo& genesis, const WriteSet& genesis_state);
  // The sealed genesis bytes, nullopt before InitGenesis.
  Result<std::optional<Bytes>> GenesisBytes() const;

  struct Head {
    uint64_t height = 0;
    Hash hash;         // genesis hash at height 0 (zero before InitGenesis)
    Hash result_root;  // ResultRoot of the head block's results; empty-tree root at 0
  };
  Head head() const;
  uint64_t Height() const { return head().height; }
  Hash HeadHash() const { return head().hash; }
  Hash HeadResultRoot() const { return head().result_root; }

  // Commits block Height()+1 atomically with: its results, tx locators (height, index) for
  // every tx id, every state write (nullopt deletes), the index entries (opaque key/value
  // pairs kept under a private prefix, read back with ScanIndex) and the new head.
  // FAILED_PRECONDITION, writing nothing, before InitGenesis, or unless block height ==
  // Height()+1, prev_hash == HeadHash() and prev_result_root == ResultRootAt(result_height)
  // (a node whose own execution differs from what the chain agreed must stop here);
  // INVALID_ARGUMENT, writing nothing, when the results do not match the transactions
  // one to one; INTERNAL, writing nothing, when a result message is not valid UTF-8 (stored,
  // it would never parse back: a bug in the caller's execution). `sync` is LevelDB's
  // WriteOptions.sync. On an I/O error nothing is committed in memory either (the head stays
  // where it was).
  Status CommitBlock(const DecodedBlock& block, const v1::BlockResults& results,
                     const WriteSet& writes,
                     const std::vector<std::pair<std::string, std::string>>& index_entries = {},
                     bool sync = true);

  // NOT_FOUND above Height() or at 0; DATA_LOSS when the stored block does not parse or
  // names another height.
  Result<v1::Block> GetBlock(uint64_t height) const;
  // NOT_FOUND for an unknown hash (including the genesis hash: use Height 0 yourself);
  // DATA_LOSS when the block at that height does not hash to `hash`.
  Result<uint64_t> HeightOfHash(const Hash& hash) const;
  // NOT_FOUND above Height() or at 0; DATA_LOSS when it does not parse.
  Result<v1::BlockResults> GetResults(uint64_t height) const;
  // ResultRoot of block `height`'s results (the empty-tree root at 0); NOT_FOUND above
  // Height(); DATA_LOSS when the record is missing or malformed.
  Result<Hash> ResultRootAt(uint64_t height) const;

  struct TxLocation {
    uint64_t height = 0;
    uint32_t index = 0;
  };
  // NOT_FOUND for a transaction that never committed; DATA_LOSS for a malformed locator.
  Result<TxLocation> FindTransaction(const Hash& id) const;

  // Committed chaincode state. Each Get is consistent on its own; a reader running while a
  // block commits may see some keys before and others after it.
  const StateReader& state() const;

  using Entries = std::vector<std::pair<std::string, std::string>>;

  // Index entries whose keys start with `prefix`, in bytewise key order, at most `limit`.
  Result<Entries> ScanIndex(std::string_view prefix, size_t limit) const;
  // The same, starting after `start_after` (exclusive; from the first key with `prefix` when
  // empty or when it sorts before `prefix`). Paging: pass the last key of the previous page.
  Result<Entries> ScanIndex(std::string_view prefix, std::string_view start_after,
                            size_t limit) const;

  // A consistent read view of the whole database at one height; see Snapshot below.
  // DATA_LOSS when the head record read through the snapshot is malformed, INTERNAL on I/O.
  class Snapshot;
  Result<std::unique_ptr<Snapshot>> NewSnapshot() const;

  // Consensus safety state, written with sync=true (it must be durable before a vote
  // leaves the node). nullopt before the first Put.
  Status PutSafetyState(ByteView bytes);
  Result<std::optional<Bytes>> GetSafetyState() const;

  // Consensus blocks this validator voted for that have not committed yet (opaque bytes,
  // keyed by height and block id), so that a restarted validator still holds them.
  // Written with sync=false: the PersistSafety that precedes every vote is synced, and
  // LevelDB's log is sequential, so that sync makes this write durable too.
  Status PutPendingBlock(uint64_t height, const Hash& block_id, ByteView bytes);
  Result<std::vector<Bytes>> PendingBlocks() const;  // ascending height, at most 4096
  // Drops the pending blocks at heights <= height (they committed, or lost to a fork).
  Status ErasePendingBlocksThrough(uint64_t height);

 private:
  class StateAdapter;
  // What LevelDB reads through; they outlive db_ (declared before it, destroyed after it).
  struct ReadTuning {
    std::unique_ptr<const leveldb::FilterPolicy> filter;
    std::unique_ptr<leveldb::Cache> block_cache;
    ReadTuning();
    ~ReadTuning();
    ReadTuning(ReadTuning&&) noexcept;
  };
  Store(ReadTuning tuning, std::unique_ptr<leveldb::DB> db);
  Result<std::optional<std::string>> GetRaw(const std::string& key) const;

  friend class Snapshot;
  ReadTuning tuning_;
  std::unique_ptr<leveldb::DB> db_;
  std::unique_ptr<StateAdapter> state_;
  std::mutex write_mu_;         // one head writer at a time (CommitBlock, InitGenesis)
  mutable std::mutex head_mu_;  // guards head_
  Head head_;
};

// Store::Snapshot: every read sees the database exactly as it was when NewSnapshot ran (a
// LevelDB snapshot): state, index entries and the head height agree with each other, however
// many blocks commit meanwhile. This is what lets a query answer "read at height H" honestly.
//
// It implements StateReader over chaincode state, so chaincode lookups (FindLot, ...) run on
// it. Scans take an explicit `limit` and never return more entries. Errors are those of the
// Store (INTERNAL for I/O, DATA_LOSS for corruption).
//
// Ownership: the Snapshot must be destroyed before the Store that made it. Thread-safety:
// const methods may run concurrently from any thread.
class Store::Snapshot : public StateReader {
 public:
  ~Snapshot() override;
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // The head height this snapshot reads at (0 before the first block or before genesis).
  uint64_t Height() const { return height_; }

  // Chaincode state (StateReader).
  Result<std::optional<std::string>> Get(std::string_view key) const override;
  // One index entry's value, nullopt when absent.
  Result<std::optional<std::string>> GetIndex(std::string_view key) const;

  // Index entries with `prefix`, after `start_after` (see Store::ScanIndex), at most `limit`.
  Result<Entries> ScanIndex(std::string_view prefix, std::string_view start_after,
                            size_t limit) const;
  // Index entries with `prefix` and from_inclusive <= key < to_exclusive (no upper bound when
  // to_exclusive is empty), in key order, at most `limit`.
  Result<Entries> ScanIndexRange(std::string_view prefix, std::string_view from_inclusive,
                                 std::string_view to_exclusive, size_t limit) const;
  // Chaincode state entries whose keys start with `prefix`, after `start_after` (same rule as
  // ScanIndex), at most `limit`; keys are chaincode keys ("pilot/..."), values as stored.
  Result<Entries> ScanState(std::string_view prefix, std::string_view start_after,
                            size_t limit) const;

 private:
  friend class Store;
  Snapshot(const Store& store, const leveldb::Snapshot* snapshot, uint64_t height);

  const Store& store_;
  const leveldb::Snapshot* snapshot_;  // released by the destructor
  uint64_t height_;
};

// The draft of the block that extends `head`: height + 1 (the round equals the height outside
// BFT consensus), linked to the head's hash and result root (result_height = head height). The
// caller adds the timestamp and the transactions.
BlockDraft DraftOnHead(const Store::Head& head, std::string chain_id, const KeyId& proposer);

}  // namespace tadori
