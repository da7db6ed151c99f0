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

#include "ledger/status.h"

namespace tadori {

// Ordered, so iterating a write set into a batch is deterministic. nullopt = delete.
using WriteSet = std::map<std::string, std::optional<std::string>, std::less<>>;

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

  Result<std::optional<std::string>> Get(std::string_view key) const override;
  void Put(std::string_view key, std::string value);
  void Delete(std::string_view key);

  const WriteSet& writes() const { return writes_; }
  // Moves `other`'s writes over this view's (later writes win).
  void Absorb(WriteSet other);

 private:
  const StateReader& base_;
  WriteSet writes_;
};

// A StateReader over nothing: every key is absent. For genesis and tests.
class EmptyState : public StateReader {
 public:
  Result<std::optional<std::string>> Get(std::string_view) const override {
    return std::optional<std::string>();
  }
};

}  // namespace tadori
