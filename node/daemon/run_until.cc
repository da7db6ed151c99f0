#include "node/daemon/run_until.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <ctime>

namespace tadori {

sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

StopCause RunUntilStopped(const sigset_t& signals, const std::function<bool()>& halted,
                          const std::function<void()>& tick) {
  for (;;) {
    if (tick) tick();
    timespec wait{0, 200'000'000};
    const int sig = sigtimedwait(&signals, nullptr, &wait);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("signal {}: shutting down", sig);
      return StopCause::kSignal;
    }
    if (halted()) return StopCause::kHalted;
  }
}

}  // namespace tadori
