#include "ledger/store/store_compare.h"

#include <memory>
#include <utility>

namespace tadori {
namespace {

// Keys read per scan: large enough that seeking a fresh iterator per page costs little, small
// enough that two pages of large index values stay a few megabytes.
constexpr size_t kPageKeys = 1024;

using Scan = std::function<Result<Store::Entries>(std::string_view start_after, size_t limit)>;

// One side of the walk: the entries of one key space of one snapshot, a page at a time.
class Cursor {
 public:
  explicit Cursor(Scan scan) : scan_(std::move(scan)) {}

  // Makes entry() valid unless the key space is used up (done()).
  Status Fill() {
    if (pos_ < page_.size() || exhausted_) return Status::Ok();
    std::string after = page_.empty() ? std::string() : std::move(page_.back().first);
    TADORI_ASSIGN_OR_RETURN(page_, scan_(after, kPageKeys));
    pos_ = 0;
    // A short page is the last one; so is an empty one.
    exhausted_ = page_.size() < kPageKeys;
    return Status::Ok();
  }
  bool done() const { return pos_ >= page_.size(); }
  const std::pair<std::string, std::string>& entry() const { return page_[pos_]; }
  void Next() { ++pos_; }

 private:
  Scan scan_;
  Store::Entries page_;
  size_t pos_ = 0;
  bool exhausted_ = false;
};

// Walks both cursors in key order; counts equal keys in `equal` until the first difference.
Result<std::optional<KeyDifference>> Walk(KeySpace space, Cursor& stored, Cursor& expected,
                                          uint64_t& equal, const std::function<void()>& tick) {
  for (;;) {
    TADORI_RETURN_IF_ERROR(stored.Fill());
    TADORI_RETURN_IF_ERROR(expected.Fill());
    if (stored.done() && expected.done()) return std::optional<KeyDifference>();
    KeyDifference diff;
    diff.space = space;
    if (expected.done() || (!stored.done() && stored.entry().first < expected.entry().first)) {
      diff.kind = KeyDifferenceKind::kExtra;
      diff.key = stored.entry().first;
      diff.stored = stored.entry().second;
      return std::optional<KeyDifference>(std::move(diff));
    }
    if (stored.done() || expected.entry().first < stored.entry().first) {
      diff.kind = KeyDifferenceKind::kMissing;
      diff.key = expected.entry().first;
      diff.expected = expected.entry().second;
      return std::optional<KeyDifference>(std::move(diff));
    }
    if (stored.entry().second != expected.entry().second) {
      diff.kind = KeyDifferenceKind::kDifferentValue;
      diff.key = stored.entry().first;
      diff.stored = stored.entry().second;
      diff.expected = expected.entry().second;
      return std::optional<KeyDifference>(std::move(diff));
    }
    stored.Next();
    expected.Next();
    if (++equal % kPageKeys == 0) tick();
  }
}

}  // namespace

std::string_view KeySpaceName(KeySpace space) {
  return space == KeySpace::kState ? "state key" : "index entry";
}

std::string_view KeyDifferenceName(KeyDifferenceKind kind) {
  switch (kind) {
    case KeyDifferenceKind::kMissing:
      return "missing";
    case KeyDifferenceKind::kExtra:
      return "extra";
    case KeyDifferenceKind::kDifferentValue:
      return "different value";
  }
  return "different";
}

Result<StoreComparison> CompareStateAndIndex(const Store& stored, const Store& expected,
                                             const CompareProgress& progress) {
  TADORI_ASSIGN_OR_RETURN(std::unique_ptr<Store::Snapshot> a, stored.NewSnapshot());
  TADORI_ASSIGN_OR_RETURN(std::unique_ptr<Store::Snapshot> b, expected.NewSnapshot());
  StoreComparison out;
  const std::function<void()> tick = [&] {
    if (progress) progress(out);
  };
  auto state_of = [](const Store::Snapshot& s) -> Scan {
    return [&s](std::string_view after, size_t limit) { return s.ScanState("", after, limit); };
  };
  auto index_of = [](const Store::Snapshot& s) -> Scan {
    return [&s](std::string_view after, size_t limit) { return s.ScanIndex("", after, limit); };
  };
  {
    Cursor stored_state(state_of(*a));
    Cursor expected_state(state_of(*b));
    TADORI_ASSIGN_OR_RETURN(out.first_difference, Walk(KeySpace::kState, stored_state,
                                                       expected_state, out.state_keys, tick));
  }
  if (!out.first_difference) {
    Cursor stored_index(index_of(*a));
    Cursor expected_index(index_of(*b));
    TADORI_ASSIGN_OR_RETURN(out.first_difference, Walk(KeySpace::kIndex, stored_index,
                                                       expected_index, out.index_entries, tick));
  }
  tick();
  return out;
}

}  // namespace tadori
