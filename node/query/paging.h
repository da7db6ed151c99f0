// What the Trace queries share: request checks, time ranges, opaque cursors and the bounded
// paged scan. Private to node/trace_*.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "chaincode/index_keys.h"
#include "ledger/status.h"
#include "ledger/store/store.h"
#include "tadori/v1/trace.pb.h"

namespace tadori::query {

// kQueryPageSizeDefault for 0, INVALID_ARGUMENT above kQueryPageSizeMax.
Result<uint32_t> PageSize(uint32_t requested);

// INVALID_ARGUMENT naming `field` when `value` is longer than `bytes_max`, or empty while
// `required`.
Status CheckId(std::string_view field, std::string_view value, size_t bytes_max, bool required);

// [from_ms, to_ms); an absent bound is unbounded.
struct TimeRange {
  std::optional<int64_t> from_ms;
  std::optional<int64_t> to_ms;
  bool Contains(int64_t time_ms) const;
  // The key range of an index whose keys are `prefix` EncodeTime(t) ...: {from, to}, where
  // an unbounded side is {prefix, ""} (ScanIndexRange's "no bound").
  std::pair<std::string, std::string> Keys(std::string_view prefix) const;
};
// Parses RFC 3339 bounds (empty = unbounded). INVALID_ARGUMENT naming the field for a bad
// time, or when from is after to.
Result<TimeRange> ParseTimeRange(std::string_view time_from, std::string_view time_to);

// A cursor names the last key a page covered: "1" followed by the key in lower hex.
std::string EncodeCursor(std::string_view key);
// The key a cursor names ("" for the empty cursor). INVALID_ARGUMENT unless it is one this
// query could have issued: the right form, and a key that starts with `prefix`.
Result<std::string> DecodeCursor(std::string_view cursor, std::string_view prefix);

// Reads entries in key order from `scan(after_exclusive, limit)` (after "" = from the
// start), offering each to `take`, which returns whether it joined the page. Stops when
// page_size entries joined, the scan is exhausted, or kQueryScanEntriesMax entries were
// read. Returns the next cursor key: "" when nothing is left, else the last key read.
using Scanner = std::function<Result<Store::Entries>(std::string_view after, size_t limit)>;
using Taker = std::function<Result<bool>(const std::string& key, const std::string& value)>;
Result<std::string> ScanPage(const Scanner& scan, std::string_view after, uint32_t page_size,
                             const Taker& take);

// A Scanner over index keys with `prefix` in [from_inclusive, to_exclusive) (to "" = none).
Scanner IndexRange(const Store::Snapshot& snapshot, std::string prefix, std::string from_inclusive,
                   std::string to_exclusive);

// The RecordedEvent an event index key ("le/", "et/", "eb/", "el/", "eo/") points at.
// DATA_LOSS when the key does not end in a position or the event is not stored.
Result<v1::RecordedEvent> LoadEvent(const Store::Snapshot& snapshot, std::string_view index_key);
// Whether the index holds `key` (a point read).
Result<bool> IndexHas(const Store::Snapshot& snapshot, std::string_view key);

// The lot at this height; NOT_FOUND "no lot <code>" when absent.
Result<v1::LotRecord> RequireLot(const Store::Snapshot& snapshot, std::string_view lot_code);

}  // namespace tadori::query
