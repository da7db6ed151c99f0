// libFuzzer target for the consensus message decoder and the engine behind it.
// Any input must either be refused with a Status or decode to a message that re-encodes to
// exactly the same bytes; feeding it to an engine must never abort.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "consensus/codec.h"
#include "consensus/engine.h"
#include "consensus/safety_state.h"
#include "tests/sim/stub_crypto.h"

namespace {

using namespace tadori::consensus;  // NOLINT

struct Harness {
  Harness()
      : genesis(GenesisBlock(tadori::Sha256(std::string_view("fuzz")))),
        signer(1, 0),
        verifier(1, 4) {
    EngineConfig config;
    config.validators = ValidatorSet::Equal(4);
    config.self = 0;
    config.genesis_id = genesis.ComputeId();
    engine = std::make_unique<Engine>(config, signer, verifier);
    (void)engine->Step(Started{SafetyState::Initial(config.genesis_id), genesis, {}});
  }
  Block genesis;
  StubSigner signer;
  StubVerifier verifier;
  std::unique_ptr<Engine> engine;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness* harness = new Harness();
  tadori::ByteView bytes(data, size);
  tadori::Result<Message> m = DecodeMessage(bytes);
  if (m.ok()) {
    tadori::Bytes again = EncodeMessage(*m);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  }
  (void)DecodeSafetyState(bytes);
  if (size > 0) {
    auto from = static_cast<ValidatorIndex>(data[0] % 4);
    (void)harness->engine->Step(MessageReceived{from, tadori::Bytes(data, data + size)});
  }
  return 0;
}
