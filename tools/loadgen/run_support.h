// What both ways of submitting (run.h unary, stream_run.h stream) share: handing out the
// workload in order until the count or the send window runs out, signing ahead of the
// senders, how an outcome code is read, and the first message of each error code.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "ledger/status.h"
#include "tools/loadgen/run.h"
#include "tools/loadgen/workload.h"

namespace tadori::loadgen {

using RunClock = std::chrono::steady_clock;

inline int64_t NsSince(RunClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(RunClock::now() - start).count();
}

// Codes after which the transaction may or may not be on the chain.
bool Ambiguous(Code code);

// A transaction outcome code as the wire carries it (gRPC's numbering); an unknown one reads
// as UNKNOWN.
Code CodeFromWire(uint32_t code);

// Hands the workload's indices to the senders in order, each once, until `count` are taken
// or the send window (from `start`; zero: none) has passed. Thread-safe.
class SendGate {
 public:
  SendGate(size_t count, RunClock::time_point start, std::chrono::nanoseconds send_window)
      : count_(count), start_(start), send_window_(send_window) {}

  // The next index to send; nothing once the count is reached or the window has passed.
  std::optional<size_t> Take();
  // How many indices were handed out: they are [0, taken()).
  size_t taken() const;
  // Where the senders are, for the signer.
  uint64_t position() const { return next_.load(std::memory_order_relaxed); }

 private:
  const size_t count_;
  const RunClock::time_point start_;
  const std::chrono::nanoseconds send_window_;
  std::atomic<uint64_t> next_{0};
};

// Signs the workload from `ahead.signed_upto` on, a chunk at a time, keeping ahead.lead
// entries signed beyond the senders' position, until everything is signed or `stop` is set.
// Publishes progress in `signed_upto` (and wakes whoever waits on it).
void SignerLoop(const SigningAhead& ahead, Workload& workload, const SendGate& gate,
                std::atomic<size_t>& signed_upto, const std::atomic<bool>& stop);

// Blocks until entry `index` is signed. Blocked rather than polling: a thousand clients waking
// every millisecond starve the signer and the nodes on 2 cores.
void AwaitSigned(const std::atomic<size_t>& signed_upto, size_t index);

// The first message seen of each error code, shared by the senders.
class ExampleCollector {
 public:
  void Add(Code code, const std::string& message);
  ErrorExamples Take();

 private:
  static constexpr size_t kErrorExamplesMax = 32;  // more than there are gRPC codes
  std::mutex mu_;
  ErrorExamples examples_;
};

}  // namespace tadori::loadgen
