// libFuzzer target: proof.json and TxProof as untrusted input. The first byte picks proof.json
// text (odd) or a serialized TxProof (even). Nothing may crash; a proof.json that decodes must
// survive a round trip to the same proof, and every decoded proof goes through the whole
// verifier against a fixed genesis (which it will fail, without crashing, unless it is real).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "consensus/tx_proof_check.h"
#include "ledger/check.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "tools/cli/proof_json.h"

namespace {

// One validator and one organisation, from fixed keys: the same genesis on every run.
const tadori::GenesisInfo& FixedGenesis() {
  static const tadori::GenesisInfo genesis = [] {
    tadori::Bytes seed(32, 7);
    tadori::PrivateKey validator =
        tadori::PrivateKey::FromRaw(tadori::KeyType::kEd25519, seed).value();
    seed[0] = 8;
    tadori::PrivateKey admin = tadori::PrivateKey::FromRaw(tadori::KeyType::kEd25519, seed).value();
    tadori::v1::Genesis g;
    g.set_chain_id("fuzz-chain");
    tadori::v1::Organization* org = g.add_organizations();
    org->set_id("farm");
    org->set_name("Farm");
    org->add_roles("producer");
    org->add_admin_public_keys(admin.public_key().ToPem());
    tadori::v1::Validator* v = g.add_validators();
    v->set_id("v0");
    v->set_org_id("farm");
    v->set_consensus_public_key(validator.public_key().ToPem());
    v->set_address("127.0.0.1:7000");
    return tadori::SealGenesis(g).value();
  }();
  return genesis;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  tadori::v1::TxProof proof;
  if (data[0] % 2 == 1) {
    tadori::Result<tadori::v1::TxProof> decoded = tadori::cli::TxProofFromJson(rest);
    if (!decoded.ok()) return 0;
    tadori::Result<tadori::v1::TxProof> again =
        tadori::cli::TxProofFromJson(tadori::cli::TxProofToJson(*decoded));
    TADORI_CHECK(again.ok());
    TADORI_CHECK(again->SerializeAsString() == decoded->SerializeAsString());
    proof = std::move(decoded).value();
  } else {
    if (rest.size() > tadori::cli::kTxProofJsonBytesMax) return 0;
    if (!proof.ParseFromArray(rest.data(), static_cast<int>(rest.size()))) return 0;
  }
  (void)tadori::consensus::VerifyTxProof(proof, FixedGenesis());
  return 0;
}
