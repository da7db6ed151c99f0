// LevelDB key layout of the ledger store. Every key starts with one ASCII tag byte, so
// each kind of record is a contiguous key range; integers are big-endian so that
// LevelDB's bytewise order is numeric order.
//
//   key                                   value
//   'B' height:u64be                      serialized v1::Block, as received
//   'H' block_hash:32                     height:u64be
//   'R' height:u64be                      serialized v1::BlockResults
//   'Q' height:u64be                      result root of the block's results:32
//   'P' height:u64be block_id:32          a consensus block voted for, not yet committed
//   'T' tx_id:32                          height:u64be index:u32be   (tx locator)
//   'S' chaincode_key:bytes               chaincode value (absent = deleted)
//   'X' index_key:bytes                   index value (opaque; query indexes own both)
//   'M' "genesis"                         serialized v1::Genesis, as sealed
//   'M' "genesis-hash"                    SHA-256(genesis):32
//   'M' "head"                            height:u64be hash:32 result_root:32
//   'M' "safety"                          consensus safety state (opaque)
//
// Height 0 is the genesis: there is no 'B'/'R' record for it, and "head" names the
// genesis hash and the empty result root until block 1 commits.
#include "ledger/store/store_keys.h"

#include "ledger/bytes.h"
#include "ledger/check.h"

namespace tadori::store_keys {
namespace {

constexpr char kBlockTag = 'B';
constexpr char kHeightByHashTag = 'H';
constexpr char kResultsTag = 'R';
constexpr char kResultRootTag = 'Q';
constexpr char kPendingBlockTag = 'P';
constexpr char kTxLocatorTag = 'T';
constexpr char kStateTag = 'S';
constexpr char kIndexTag = 'X';
constexpr char kMetaTag = 'M';

constexpr size_t kHeightBytes = 8;
constexpr size_t kTxLocatorBytes = 8 + 4;
constexpr size_t kHeadBytes = 8 + Hash::kSize + Hash::kSize;

std::string Tagged(char tag, std::string_view rest) {
  std::string key(1, tag);
  key.append(rest);
  return key;
}

std::string Tagged(char tag, const Hash& hash) {
  return Tagged(tag, std::string_view(reinterpret_cast<const char*>(hash.data()), Hash::kSize));
}

}  // namespace

const std::vector<KeyKind>& KeyKinds() {
  static const std::vector<KeyKind> kinds = {
      {kBlockTag, "block by height"},
      {kHeightByHashTag, "height by block hash"},
      {kResultsTag, "execution results by height"},
      {kResultRootTag, "result root by height"},
      {kPendingBlockTag, "consensus block voted for, not yet committed"},
      {kTxLocatorTag, "transaction locator by id"},
      {kStateTag, "chaincode state"},
      {kIndexTag, "query index entries"},
      {kMetaTag, "metadata: genesis, genesis hash, head, safety state"},
  };
  return kinds;
}

std::string EncodeHeight(uint64_t height) {
  Bytes b;
  PutUint64BE(b, height);
  return ToString(b);
}

std::optional<uint64_t> DecodeHeight(std::string_view value) {
  if (value.size() != kHeightBytes) return std::nullopt;
  return GetUint64BE(reinterpret_cast<const uint8_t*>(value.data()));
}

std::string Block(uint64_t height) {
  return Tagged(kBlockTag, EncodeHeight(height));
}
std::string HeightByHash(const Hash& block_hash) {
  return Tagged(kHeightByHashTag, block_hash);
}
std::string Results(uint64_t height) {
  return Tagged(kResultsTag, EncodeHeight(height));
}
std::string ResultRoot(uint64_t height) {
  return Tagged(kResultRootTag, EncodeHeight(height));
}
std::string PendingBlock(uint64_t height, const Hash& block_id) {
  std::string key = Tagged(kPendingBlockTag, EncodeHeight(height));
  key.append(reinterpret_cast<const char*>(block_id.data()), Hash::kSize);
  return key;
}
std::string PendingBlockPrefix() {
  return std::string(1, kPendingBlockTag);
}
std::string TxLocator(const Hash& tx_id) {
  return Tagged(kTxLocatorTag, tx_id);
}
std::string State(std::string_view chaincode_key) {
  return Tagged(kStateTag, chaincode_key);
}
std::string Index(std::string_view index_key) {
  return Tagged(kIndexTag, index_key);
}
std::string IndexPrefix() {
  return std::string(1, kIndexTag);
}

std::string MetaGenesis() {
  return Tagged(kMetaTag, "genesis");
}
std::string MetaGenesisHash() {
  return Tagged(kMetaTag, "genesis-hash");
}
std::string MetaHead() {
  return Tagged(kMetaTag, "head");
}
std::string MetaSafety() {
  return Tagged(kMetaTag, "safety");
}

std::string EncodeTxLocator(uint64_t height, uint32_t index) {
  Bytes b;
  PutUint64BE(b, height);
  PutUint32BE(b, index);
  TADORI_CHECK(b.size() == kTxLocatorBytes);
  return ToString(b);
}

std::optional<TxLocatorValue> DecodeTxLocator(std::string_view value) {
  if (value.size() != kTxLocatorBytes) return std::nullopt;
  const auto* p = reinterpret_cast<const uint8_t*>(value.data());
  return TxLocatorValue{GetUint64BE(p), GetUint32BE(p + 8)};
}

std::string EncodeHead(const HeadValue& head) {
  Bytes b;
  PutUint64BE(b, head.height);
  b.insert(b.end(), head.hash.data(), head.hash.data() + Hash::kSize);
  b.insert(b.end(), head.result_root.data(), head.result_root.data() + Hash::kSize);
  TADORI_CHECK(b.size() == kHeadBytes);
  return ToString(b);
}

std::optional<HeadValue> DecodeHead(std::string_view value) {
  if (value.size() != kHeadBytes) return std::nullopt;
  const auto* p = reinterpret_cast<const uint8_t*>(value.data());
  HeadValue head{GetUint64BE(p), Hash(), Hash()};
  std::memcpy(head.hash.data(), p + 8, Hash::kSize);
  std::memcpy(head.result_root.data(), p + 8 + Hash::kSize, Hash::kSize);
  return head;
}

}  // namespace tadori::store_keys
