// A place among at most `max` waiters of one kind: how the Ledger service caps what waits
// (transactions waiting for their commit, watched ids, StreamBlocks calls). CallPlace holds
// one for the length of a synchronous call; TakePlace and GivePlace serve the callback API's
// reactors, whose waits end on other threads.
#pragma once

#include <atomic>
#include <cstddef>

namespace tadori {

// Takes a place unless `max` are in use; false when full.
inline bool TakePlace(std::atomic<size_t>& in_use, size_t max) {
  size_t now = in_use.load();
  do {
    if (now >= max) return false;
  } while (!in_use.compare_exchange_weak(now, now + 1));
  return true;
}
inline void GivePlace(std::atomic<size_t>& in_use) {
  in_use--;
}

class CallPlace {
 public:
  CallPlace(std::atomic<size_t>& in_use, size_t max)
      : in_use_(in_use), held_(TakePlace(in_use, max)) {}
  ~CallPlace() {
    if (held_) GivePlace(in_use_);
  }
  CallPlace(const CallPlace&) = delete;
  CallPlace& operator=(const CallPlace&) = delete;
  bool held() const { return held_; }

 private:
  std::atomic<size_t>& in_use_;
  const bool held_;
};

}  // namespace tadori
