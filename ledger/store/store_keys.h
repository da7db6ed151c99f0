// The LevelDB key layout of ledger/store. Private to the store (and to the store's own
// tests, which use it to reach under the store and alter bytes on disk); no other module
// may include this header. The grammar is documented in store_keys.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/hash.h"

namespace tadori::store_keys {

std::string Block(uint64_t height);
std::string HeightByHash(const Hash& block_hash);
std::string Results(uint64_t height);
std::string ResultRoot(uint64_t height);
std::string PendingBlock(uint64_t height, const Hash& block_id);
std::string PendingBlockPrefix();
std::string TxLocator(const Hash& tx_id);
std::string State(std::string_view chaincode_key);
std::string Index(std::string_view index_key);
// The prefix every index key starts with; Index("") == IndexPrefix().
std::string IndexPrefix();

// Every kind of key, by tag, with what it holds: the one list that docs/ARCHITECTURE.md's
// storage table is checked against (tests/unit/ledger/storage_layout_test.cc). A new kind
// of key gets its tag here first.
struct KeyKind {
  char tag;
  std::string_view holds;
};
const std::vector<KeyKind>& KeyKinds();

std::string MetaGenesis();
std::string MetaGenesisHash();
std::string MetaHead();
std::string MetaSafety();

// Values the store encodes by hand.
std::string EncodeHeight(uint64_t height);
std::optional<uint64_t> DecodeHeight(std::string_view value);
std::string EncodeTxLocator(uint64_t height, uint32_t index);
struct TxLocatorValue {
  uint64_t height;
  uint32_t index;
};
std::optional<TxLocatorValue> DecodeTxLocator(std::string_view value);
struct HeadValue {
  uint64_t height;
  Hash hash;
  Hash result_root;
};
std::string EncodeHead(const HeadValue& head);
std::optional<HeadValue> DecodeHead(std::string_view value);

}  // namespace tadori::store_keys
