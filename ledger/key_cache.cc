// KeyCache: a mutex-guarded LRU of parsed public keys keyed by their DER bytes.
// Parsing happens outside the lock, so one slow parse never stalls lookups of other keys;
// two threads missing on the same key both parse it and the second insert is dropped.
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "ledger/check.h"
#include "ledger/keys.h"

namespace tadori {

struct KeyCache::State {
  explicit State(size_t cap) : capacity(cap) {}

  using Entry = std::pair<std::string, PublicKey>;  // DER bytes, parsed key
  const size_t capacity;
  mutable std::mutex mu;
  std::list<Entry> lru;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index;
  uint64_t hits = 0;
  uint64_t misses = 0;
};

KeyCache::KeyCache(size_t capacity) : state_(std::make_unique<State>(capacity)) {
  TADORI_CHECK(capacity > 0);
}

KeyCache::~KeyCache() = default;

Result<PublicKey> KeyCache::FromDer(ByteView spki_der) {
  std::string der(spki_der.begin(), spki_der.end());
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->index.find(der);
    if (it != state_->index.end()) {
      state_->lru.splice(state_->lru.begin(), state_->lru, it->second);
      ++state_->hits;
      return it->second->second;
    }
    ++state_->misses;
  }
  TADORI_ASSIGN_OR_RETURN(PublicKey key, PublicKey::FromDer(spki_der));
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->index.count(der) != 0) return key;  // another thread inserted it meanwhile
  state_->lru.emplace_front(der, key);
  state_->index.emplace(std::move(der), state_->lru.begin());
  while (state_->lru.size() > state_->capacity) {
    state_->index.erase(state_->lru.back().first);
    state_->lru.pop_back();
  }
  TADORI_CHECK(state_->index.size() == state_->lru.size());
  return key;
}

Result<PublicKey> KeyCache::FromPem(std::string_view pem) {
  TADORI_ASSIGN_OR_RETURN(PemBlock block, DecodePem(pem));
  if (block.label != "PUBLIC KEY") {
    return Status::InvalidArgument("expected a PEM \"PUBLIC KEY\" block, got \"" + block.label +
                                   "\"");
  }
  return FromDer(block.der);
}

size_t KeyCache::size() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->lru.size();
}

uint64_t KeyCache::hits() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->hits;
}

uint64_t KeyCache::misses() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->misses;
}

}  // namespace tadori
