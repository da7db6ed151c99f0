// Comparison of two stores' chaincode state and query indexes, for `tadori verify`: a node's
// store against one rebuilt from the same blocks (node/validator/chain_replay.h). Blocks,
// results and tx locators are CheckChain's (chain_check.h); this covers what the blocks only
// imply, which a node serves queries from and executes against.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/status.h"
#include "ledger/store/store.h"

namespace tadori {

enum class KeySpace { kState, kIndex };
// How the stored key differs from the expected one.
enum class KeyDifferenceKind {
  kMissing,         // expected, absent from the stored store
  kExtra,           // in the stored store, not expected
  kDifferentValue,  // in both, with other bytes
};
std::string_view KeySpaceName(KeySpace space);               // "state key", "index entry"
std::string_view KeyDifferenceName(KeyDifferenceKind kind);  // "missing", "extra", ...

struct KeyDifference {
  KeySpace space = KeySpace::kState;
  KeyDifferenceKind kind = KeyDifferenceKind::kMissing;
  std::string key;                      // as chaincode wrote it (raw bytes, maybe binary)
  std::optional<std::string> stored;    // nullopt when missing
  std::optional<std::string> expected;  // nullopt when extra
};

struct StoreComparison {
  uint64_t state_keys = 0;     // state keys found equal, before any difference
  uint64_t index_entries = 0;  // index entries found equal, before any difference
  std::optional<KeyDifference> first_difference;  // nullopt when both hold the same
};

// Called every few thousand keys with the counts so far (for a progress line).
using CompareProgress = std::function<void(const StoreComparison&)>;

// Walks the whole chaincode state of both stores in key order, then their whole query
// indexes, and stops at the first key that differs (state first, then index). Each side is
// read through one snapshot. A difference is an answer, not an error: the error is the
// stores' own (INTERNAL for I/O, DATA_LOSS for corruption). Memory stays bounded (a page of
// each side at a time) however large the stores are.
Result<StoreComparison> CompareStateAndIndex(const Store& stored, const Store& expected,
                                             const CompareProgress& progress = {});

}  // namespace tadori
