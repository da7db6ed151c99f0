#include "node/query/paging.h"

#include <algorithm>

#include "chaincode/chaincode.h"
#include "ledger/bytes.h"
#include "ledger/check.h"
#include "ledger/limits.h"
#include "ledger/rfc3339.h"

namespace tadori::query {
namespace {

// Cursor form version: a later layout change gets a new digit, and old cursors are refused
// rather than misread.
constexpr char kCursorVersion = '1';

}  // namespace

Result<uint32_t> PageSize(uint32_t requested) {
  if (requested == 0) return kQueryPageSizeDefault;
  if (requested > kQueryPageSizeMax) {
    return Status::InvalidArgument("page_size is at most " + std::to_string(kQueryPageSizeMax) +
                                   ", got " + std::to_string(requested));
  }
  return requested;
}

Status CheckId(std::string_view field, std::string_view value, size_t bytes_max, bool required) {
  if (required && value.empty())
    return Status::InvalidArgument(std::string(field) + " is required");
  if (value.size() > bytes_max) {
    return Status::InvalidArgument(std::string(field) + " is longer than " +
                                   std::to_string(bytes_max) + " bytes");
  }
  return Status::Ok();
}

bool TimeRange::Contains(int64_t time_ms) const {
  return (!from_ms || time_ms >= *from_ms) && (!to_ms || time_ms < *to_ms);
}

std::pair<std::string, std::string> TimeRange::Keys(std::string_view prefix) const {
  std::string from(prefix);
  if (from_ms) from += index_keys::EncodeTime(*from_ms);
  std::string to;
  if (to_ms) to = std::string(prefix) + index_keys::EncodeTime(*to_ms);
  return {from, to};
}

Result<TimeRange> ParseTimeRange(std::string_view time_from, std::string_view time_to) {
  TimeRange range;
  if (!time_from.empty()) {
    Result<int64_t> ms = ParseRfc3339Ms(time_from);
    if (!ms.ok()) return ms.status().WithContext("time_from");
    range.from_ms = *ms;
  }
  if (!time_to.empty()) {
    Result<int64_t> ms = ParseRfc3339Ms(time_to);
    if (!ms.ok()) return ms.status().WithContext("time_to");
    range.to_ms = *ms;
  }
  if (range.from_ms && range.to_ms && *range.from_ms > *range.to_ms) {
    return Status::InvalidArgument("time_from is after time_to");
  }
  return range;
}

std::string EncodeCursor(std::string_view key) {
  TADORI_CHECK(!key.empty());
  std::string cursor;
  cursor.push_back(kCursorVersion);
  cursor.append(ToHex(AsBytes(key)));
  return cursor;
}

Result<std::string> DecodeCursor(std::string_view cursor, std::string_view prefix) {
  if (cursor.empty()) return std::string();
  const Status invalid = Status::InvalidArgument("cursor was not issued by this query");
  if (cursor.size() > kQueryCursorBytesMax || cursor[0] != kCursorVersion) return invalid;
  Result<Bytes> key = FromHex(cursor.substr(1));
  if (!key.ok() || key->empty()) return invalid;
  std::string text = ToString(*key);
  if (!std::string_view(text).starts_with(prefix) || text.size() == prefix.size()) return invalid;
  return text;
}

Result<std::string> ScanPage(const Scanner& scan, std::string_view after, uint32_t page_size,
                             const Taker& take) {
  TADORI_CHECK(page_size > 0 && page_size <= kQueryPageSizeMax);
  std::string last(after);
  size_t taken = 0;
  size_t read = 0;
  for (;;) {
    // One more entry than the page still needs, so a full page knows whether more follow.
    const size_t want = std::min<size_t>(page_size - taken + 1, kQueryScanEntriesMax - read);
    TADORI_ASSIGN_OR_RETURN(Store::Entries batch, scan(last, want));
    TADORI_CHECK(batch.size() <= want);
    for (const auto& [key, value] : batch) {
      if (taken == page_size) return last;  // `key` lies beyond the page
      TADORI_CHECK(key > last);
      ++read;
      last = key;
      TADORI_ASSIGN_OR_RETURN(bool joined, take(key, value));
      if (joined) ++taken;
    }
    if (batch.size() < want) return std::string();
    if (read >= kQueryScanEntriesMax) return last;
  }
}

Scanner IndexRange(const Store::Snapshot& snapshot, std::string prefix, std::string from_inclusive,
                   std::string to_exclusive) {
  return [&snapshot, prefix = std::move(prefix), from = std::move(from_inclusive),
          to = std::move(to_exclusive)](std::string_view after,
                                        size_t limit) -> Result<Store::Entries> {
    std::string start = from;
    if (!after.empty()) {
      // The key right after `after` in bytewise order is `after` + '\0'.
      std::string next(after);
      next.push_back('\0');
      start = std::max(start, next);
    }
    return snapshot.ScanIndexRange(prefix, start, to, limit);
  };
}

Result<v1::RecordedEvent> LoadEvent(const Store::Snapshot& snapshot, std::string_view index_key) {
  Result<index_keys::Position> pos = index_keys::PositionFromKey(index_key);
  if (!pos.ok()) return Status::DataLoss("event index: " + pos.status().message());
  const std::string key = index_keys::Event(*pos);
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> bytes, snapshot.GetIndex(key));
  const std::string where =
      "event at height " + std::to_string(pos->height) + " index " + std::to_string(pos->index);
  if (!bytes) return Status::DataLoss("an index names the " + where + ", which is not stored");
  v1::RecordedEvent event;
  if (!event.ParseFromString(*bytes)) return Status::DataLoss("the " + where + " does not parse");
  return event;
}

Result<bool> IndexHas(const Store::Snapshot& snapshot, std::string_view key) {
  TADORI_ASSIGN_OR_RETURN(std::optional<std::string> value, snapshot.GetIndex(key));
  return value.has_value();
}

Result<v1::LotRecord> RequireLot(const Store::Snapshot& snapshot, std::string_view lot_code) {
  TADORI_ASSIGN_OR_RETURN(std::optional<v1::LotRecord> lot, FindLot(snapshot, lot_code));
  if (!lot) return Status::NotFound("no lot " + std::string(lot_code));
  return std::move(*lot);
}

}  // namespace tadori::query
