// The transactions one SubmitStream has sent and not yet had answered, by their sequence on
// the stream (SubmitStreamResponse.sequence: the request's position on the call, from 0).
//
// A node answers in commit order, not send order, so answers arrive out of order; an answer
// whose sequence is not in flight (answered already, never sent, or from before a restart)
// changes nothing, so a duplicate cannot count a transaction twice. The window never holds
// more than its capacity: the sender waits for room, which is how the load generator keeps
// at most M transactions unanswered per connection.
//
// When a stream breaks, Restart hands back what was unanswered, in send order, for the next
// stream (to another node), whose sequences start at 0 again.
//
// Not thread-safe: a connection guards its window with its own mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace tadori::loadgen {

class InFlightWindow {
 public:
  struct Entry {
    size_t tx = 0;        // index in the run's workload
    int64_t sent_ns = 0;  // when it went out on this stream (offset from the run's start)
    bool resent = false;  // it had gone out on an earlier stream that broke unanswered
  };

  // `capacity`: at most this many unanswered at once, >= 1 (checked).
  explicit InFlightWindow(size_t capacity);

  size_t capacity() const { return capacity_; }
  size_t size() const { return unanswered_.size(); }
  bool empty() const { return unanswered_.empty(); }
  bool full() const { return unanswered_.size() >= capacity_; }

  // Records transaction `tx` as the stream's next request and returns its sequence. The
  // window must have room (checked).
  uint64_t Send(size_t tx, int64_t sent_ns, bool resent);

  // The transaction the answer with `sequence` is for, now answered; nothing when that
  // sequence is not in flight on this stream.
  std::optional<Entry> Answer(uint64_t sequence);

  // When the longest-unanswered transaction went out on this stream; nothing when empty.
  std::optional<int64_t> OldestSentNs() const;

  // For a new stream: the unanswered transactions in send order; the window is left empty and
  // the next Send gets sequence 0.
  std::vector<size_t> Restart();

 private:
  size_t capacity_;
  uint64_t next_sequence_ = 0;
  std::map<uint64_t, Entry> unanswered_;  // by sequence, so the first is the oldest
};

}  // namespace tadori::loadgen
