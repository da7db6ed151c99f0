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

void StateView::Absorb(WriteSet other) {
  for (auto& [k, v] : other) writes_.insert_or_assign(k, std::move(v));
}

}  // namespace tadori
