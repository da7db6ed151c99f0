#include "tools/loadgen/run_support.h"

#include <algorithm>
#include <thread>

#include "ledger/check.h"

namespace tadori::loadgen {

bool Ambiguous(Code code) {
  switch (code) {
    case Code::kDeadlineExceeded:
    case Code::kUnavailable:
    case Code::kCancelled:
    case Code::kUnknown:
    case Code::kInternal:
    case Code::kAborted:
      return true;
    default:
      return false;
  }
}

Code CodeFromWire(uint32_t code) {
  return code <= static_cast<uint32_t>(Code::kUnauthenticated) ? static_cast<Code>(code)
                                                               : Code::kUnknown;
}

std::optional<size_t> SendGate::Take() {
  if (send_window_.count() > 0 && RunClock::now() - start_ >= send_window_) return std::nullopt;
  const uint64_t i = next_.fetch_add(1);
  if (i >= count_) return std::nullopt;
  return static_cast<size_t>(i);
}

size_t SendGate::taken() const {
  return static_cast<size_t>(std::min<uint64_t>(next_.load(), count_));
}

void SignerLoop(const SigningAhead& ahead, Workload& workload, const SendGate& gate,
                std::atomic<size_t>& signed_upto, const std::atomic<bool>& stop) {
  const size_t count = workload.requests.size();
  size_t done = signed_upto.load();
  while (done < count && !stop.load()) {
    if (gate.position() + ahead.lead < done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    const size_t to = std::min(done + kSignChunkTxs, count);
    ahead.sign(workload, done, to);
    signed_upto.store(to, std::memory_order_release);
    signed_upto.notify_all();
    done = to;
  }
}

void AwaitSigned(const std::atomic<size_t>& signed_upto, size_t index) {
  for (size_t upto = signed_upto.load(std::memory_order_acquire); index >= upto;
       upto = signed_upto.load(std::memory_order_acquire)) {
    signed_upto.wait(upto, std::memory_order_acquire);
  }
}

void ExampleCollector::Add(Code code, const std::string& message) {
  if (code == Code::kOk) return;
  std::lock_guard lock(mu_);
  if (examples_.size() < kErrorExamplesMax) examples_.emplace(CodeName(code), message);
}

ErrorExamples ExampleCollector::Take() {
  std::lock_guard lock(mu_);
  return std::move(examples_);
}

}  // namespace tadori::loadgen
