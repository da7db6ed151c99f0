#include "tools/loadgen/in_flight_window.h"

#include "ledger/check.h"

namespace tadori::loadgen {

InFlightWindow::InFlightWindow(size_t capacity) : capacity_(capacity) {
  TADORI_CHECK(capacity >= 1);
}

uint64_t InFlightWindow::Send(size_t tx, int64_t sent_ns, bool resent) {
  TADORI_CHECK(!full());
  const uint64_t sequence = next_sequence_++;
  unanswered_.emplace(sequence, Entry{tx, sent_ns, resent});
  return sequence;
}

std::optional<InFlightWindow::Entry> InFlightWindow::Answer(uint64_t sequence) {
  auto it = unanswered_.find(sequence);
  if (it == unanswered_.end()) return std::nullopt;
  const Entry entry = it->second;
  unanswered_.erase(it);
  return entry;
}

std::optional<int64_t> InFlightWindow::OldestSentNs() const {
  if (unanswered_.empty()) return std::nullopt;
  return unanswered_.begin()->second.sent_ns;
}

std::vector<size_t> InFlightWindow::Restart() {
  std::vector<size_t> txs;
  txs.reserve(unanswered_.size());
  for (const auto& [sequence, entry] : unanswered_) txs.push_back(entry.tx);
  unanswered_.clear();
  next_sequence_ = 0;
  return txs;
}

}  // namespace tadori::loadgen
