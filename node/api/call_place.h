// A place among at most `max` calls of one kind, held for the length of a call: how the
// Ledger service caps calls that each hold a server thread while they wait (Submit and
// Capture with wait_for_commit, StreamBlocks).
#pragma once

#include <atomic>
#include <cstddef>

namespace tadori {

class CallPlace {
 public:
  CallPlace(std::atomic<size_t>& in_use, size_t max) : in_use_(in_use) {
    size_t now = in_use_.load();
    do {
      if (now >= max) return;
    } while (!in_use_.compare_exchange_weak(now, now + 1));
    held_ = true;
  }
  ~CallPlace() {
    if (held_) in_use_--;
  }
  CallPlace(const CallPlace&) = delete;
  CallPlace& operator=(const CallPlace&) = delete;
  bool held() const { return held_; }

 private:
  std::atomic<size_t>& in_use_;
  bool held_ = false;
};

}  // namespace tadori
