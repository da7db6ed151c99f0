// Chaincode state: an ordered map from string keys to byte-string values.
//
// Chaincode chooses its keys ("lot/<code>", "member/<key id hex>"); ledger/store maps them
// into its private LevelDB layout. Reads go through a StateReader; a transaction's writes
// collect in a StateView, which the executor either keeps (the transaction succeeded) or
// drops (it was refused), so a refused transaction changes nothing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/status.h"

namespace tadori {

// Ordered, so iterating a write set into a batch is deterministic. nullopt = delete.
using WriteSet = std::map<std::string, std::optional<std::string>, std::less<>>;

// Query index entries a transaction adds (key, value), in the order it added them. They are
// written in the same batch as the block (ledger/store keeps them under a private prefix)
// and are never read by chaincode, only by queries.
using IndexEntries = std::vector<std::pair<std::string, std::string>>;

class StateReader {
 public:
  virtual ~StateReader() = default;
  // The value, nullopt when the key is absent, or an error when the store failed.
  virtual Result<std::optional<std::string>> Get(std::string_view key) const = 0;
};

// Reads see this view's own writes first, then `base`. Not thread-safe.
class StateView : public StateReader {
 public:
  explicit StateView(const StateReader& base) : base_(base) {}
  // A view is never copied: `StateView child(parent)` must layer a new view over `parent`,
  // and an implicit copy would instead duplicate the parent's writes and index entries.
  // To layer a view over another, pass it as a StateReader (see Over()).
  StateView(const StateView&) = delete;
  StateView& operator=(const StateView&) = delete;

  // A reader over this view, for layering a child view on it:
  //   StateView tx_view(block_view.Over());
  const StateReader& Over() const { return *this; }

  Result<std::optional<std::string>> Get(std::string_view key) const override;
  void Put(std::string_view key, std::string value);
  void Delete(std::string_view key);

  // Adds a query index entry; kept or dropped together with this view's writes.
  void AddIndex(std::string key, std::string value);

  const WriteSet& writes() const { return writes_; }
  const IndexEntries& index_entries() const { return index_; }
  // Takes `other`'s writes over this view's (later writes win) and appends its index entries.
  void Absorb(const StateView& other);

 private:
  const StateReader& base_;
  WriteSet writes_;
  IndexEntries index_;
};

// A StateReader over nothing: every key is absent. For genesis and tests.
class EmptyState : public StateReader {
 public:
  Result<std::optional<std::string>> Get(std::string_view) const override {
    return std::optional<std::string>();
  }
};

}  // namespace tadori
