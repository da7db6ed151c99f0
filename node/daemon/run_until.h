// How a node's main thread spends its life: it takes SIGINT/SIGTERM synchronously (every
// other thread inherits the blocked mask) and looks at the node a few times a second.
#pragma once

#include <signal.h>

#include <functional>

namespace tadori {

// Exit codes of tadorid.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;   // could not start (store, sockets) or the dev chain failed
inline constexpr int kExitConfig = 2;  // the command line or config file is wrong
inline constexpr int kExitHalted = 3;  // the validator halted: execution diverged, or the disk

// Blocks SIGINT and SIGTERM in the calling thread (call before starting any thread) and
// returns the set to wait on.
sigset_t BlockStopSignals();

enum class StopCause { kSignal, kHalted };

// Waits for a stop signal; every 200 ms calls `tick` (may be empty) and returns kHalted as
// soon as `halted` says so.
StopCause RunUntilStopped(const sigset_t& signals, const std::function<bool()>& halted,
                          const std::function<void()>& tick = {});

}  // namespace tadori
