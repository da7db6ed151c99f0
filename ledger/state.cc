#include "ledger/state.h"

namespace tadori {

Result<std::optional<std::string>> StateView::Get(std::string_view key) const {
  auto it = writes_.find(key);
  if (it != writes_.end()) return it->second;
  return base_.Get(key);
}

void StateView::Put(std::string_view key, std::string value) {
  writes_.insert_or_assign(std::string(key), std::optional<std::string>(std::move(value)));
}

void StateView::Delete(std::string_view key) {
  writes_.insert_or_assign(std::string(key), std::optional<std::string>());
}

void StateView::AddIndex(std::string key, std::string value) {
  index_.emplace_back(std::move(key), std::move(value));
}

void StateView::Absorb(const StateView& other) {
  for (const auto& [k, v] : other.writes_) writes_.insert_or_assign(k, v);
  index_.insert(index_.end(), other.index_.begin(), other.index_.end());
}

}  // namespace tadori
