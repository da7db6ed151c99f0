// tadori-bench-consensus: how fast the consensus engine commits, and what signatures cost.
//
// Four validators run the real engine in one process on a zero-delay, lossless network
// (a FIFO of events; timers never fire). Each block carries one 32-byte command. Runs once
// with real ECDSA P-256 signatures (ledger/keys.h) and once with the stub signer, and prints
// committed blocks per second and CPU time per committed block. A program, not a test.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "consensus/engine.h"
#include "consensus/key_crypto.h"
#include "tests/sim/stub_crypto.h"

namespace {

using namespace tadori;             // NOLINT
using namespace tadori::consensus;  // NOLINT

constexpr size_t kValidators = 4;

struct Figures {
  uint64_t blocks = 0;
  double wall_s = 0;
  double cpu_s = 0;
};

Figures Run(const std::vector<std::unique_ptr<Signer>>& signers, const SignatureVerifier& verifier,
            uint64_t blocks_wanted) {
  Block genesis = GenesisBlock(Sha256(std::string_view("bench")));
  std::vector<std::unique_ptr<Engine>> engines;
  for (size_t i = 0; i < kValidators; ++i) {
    EngineConfig config;
    config.validators = ValidatorSet::Equal(kValidators);
    config.self = static_cast<ValidatorIndex>(i);
    config.genesis_id = genesis.ComputeId();
    engines.push_back(std::make_unique<Engine>(config, *signers[i], verifier));
  }
  std::deque<std::pair<size_t, Event>> queue;
  uint64_t committed = 0;  // by validator 0
  uint64_t counter = 0;
  auto execute = [&](size_t i, Actions actions) {
    for (Action& a : actions) {
      if (auto* s = std::get_if<Send>(&a)) {
        queue.emplace_back(s->to, MessageReceived{static_cast<ValidatorIndex>(i), s->message});
      } else if (auto* b = std::get_if<Broadcast>(&a)) {
        for (size_t j = 0; j < kValidators; ++j) {
          if (j != i) {
            queue.emplace_back(j, MessageReceived{static_cast<ValidatorIndex>(i), b->message});
          }
        }
      } else if (auto* r = std::get_if<RequestPayload>(&a)) {
        PayloadReady ready;
        ready.round = r->round;
        ready.payload.resize(32);
        for (size_t k = 0; k < 8; ++k) ready.payload[k] = static_cast<uint8_t>(counter >> (8 * k));
        ++counter;
        ready.digest = Sha256(ready.payload);
        queue.emplace_back(i, std::move(ready));
      } else if (auto* v = std::get_if<ValidatePayload>(&a)) {
        queue.emplace_back(i, PayloadChecked{v->block_id, true});
      } else if (auto* c = std::get_if<Commit>(&a)) {
        if (i == 0) committed += c->blocks.size();
      }
    }
  };
  auto wall_start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  for (size_t i = 0; i < kValidators; ++i) {
    execute(i, engines[i]->Step(Started{SafetyState::Initial(genesis.ComputeId()), genesis, {}}));
  }
  while (!queue.empty() && committed < blocks_wanted) {
    auto [target, event] = std::move(queue.front());
    queue.pop_front();
    execute(target, engines[target]->Step(event));
  }
  Figures f;
  f.blocks = committed;
  f.cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  f.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return f;
}

void Print(const char* name, const Figures& f) {
  std::printf("%-28s %8llu blocks  %9.0f blocks/s  %8.1f us CPU/block\n", name,
              static_cast<unsigned long long>(f.blocks), f.blocks / f.wall_s,
              1e6 * f.cpu_s / f.blocks);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t real_blocks = argc > 1 ? std::stoull(argv[1]) : 2000;
  uint64_t stub_blocks = argc > 2 ? std::stoull(argv[2]) : 20000;

  std::vector<std::unique_ptr<Signer>> real_signers;
  std::vector<PublicKey> publics;
  for (size_t i = 0; i < kValidators; ++i) {
    Result<PrivateKey> key = PrivateKey::Generate(KeyType::kP256);
    if (!key.ok()) {
      std::fprintf(stderr, "key generation failed: %s\n", key.status().ToString().c_str());
      return 1;
    }
    publics.push_back(key->public_key());
    real_signers.push_back(std::make_unique<KeySigner>(*key));
  }
  KeyVerifier real_verifier(publics);

  std::vector<std::unique_ptr<Signer>> stub_signers;
  for (size_t i = 0; i < kValidators; ++i) {
    stub_signers.push_back(std::make_unique<StubSigner>(1, static_cast<ValidatorIndex>(i)));
  }
  StubVerifier stub_verifier(1, kValidators);

  std::printf("consensus engine, %zu validators, zero-delay simulated network, 1 command/block\n",
              kValidators);
  Print("signatures real (P-256)", Run(real_signers, real_verifier, real_blocks));
  Print("signatures stubbed", Run(stub_signers, stub_verifier, stub_blocks));
  std::printf("%-28s %8s blocks  %9d blocks/s  (libhotstuff, 4 replicas, 1 cmd/block)\n",
              "reference", "-", 700);
  return 0;
}
