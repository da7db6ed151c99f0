// The pieces of the whole-validator simulator that stand in for the world around a
// validator: an in-memory LevelDB environment that can crash (refuse every write from a
// chosen moment), a clock that reads simulated time, and the consortium every run builds
// from its seed. Private to tests/sim/node_sim.cc.
#pragma once

#include <leveldb/env.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "node/validator/clock.h"
#include "tests/sim/prng.h"

namespace tadori::sim {

// A LevelDB environment over a shared in-memory one. While `crashed()` every write, sync,
// rename and removal fails: what reached the store before the crash stays, nothing after.
// `decide_crash` is asked before each write is appended and may start the crash there.
class CrashingEnv final : public leveldb::EnvWrapper {
 public:
  CrashingEnv(leveldb::Env* memory, std::function<bool()> decide_crash)
      : EnvWrapper(memory), decide_crash_(std::move(decide_crash)) {}

  bool crashed() const { return crashed_; }
  void Crash() { crashed_ = true; }
  void Recover() { crashed_ = false; }
  // Called by the files before each append: true when the write must fail.
  bool RefuseWrite();

  leveldb::Status NewWritableFile(const std::string& name, leveldb::WritableFile** out) override;
  leveldb::Status NewAppendableFile(const std::string& name, leveldb::WritableFile** out) override;
  leveldb::Status RenameFile(const std::string& from, const std::string& to) override;
  leveldb::Status RemoveFile(const std::string& name) override;

 private:
  std::function<bool()> decide_crash_;
  bool crashed_ = false;
};

// Simulated time: SteadyMs is the scheduler's clock, WallMs that plus a per-node skew.
class SimClock final : public Clock {
 public:
  SimClock(const uint64_t& now_ms, int64_t wall_base_ms) : now_ms_(now_ms), wall_(wall_base_ms) {}
  int64_t WallMs() const override { return wall_ + static_cast<int64_t>(now_ms_); }
  int64_t SteadyMs() const override { return static_cast<int64_t>(now_ms_); }

 private:
  const uint64_t& now_ms_;
  const int64_t wall_;
};

// One organisation and one validator per node ("org-<i>", "val-<i>"), every key Ed25519
// drawn from the seed (deterministic signatures, so a seed replays byte for byte).
struct SimConsortium {
  std::vector<PrivateKey> consensus_keys;
  std::vector<PrivateKey> admin_keys;
  GenesisInfo genesis;
};
SimConsortium MakeSimConsortium(size_t nodes, Prng& rng);

// An Ed25519 key drawn from `rng`.
PrivateKey SimKey(Prng& rng);

}  // namespace tadori::sim
