// libFuzzer target: the client certificate a caller of the client API presents (PEM as
// gRPC's auth context gives it), identified against a one-organisation genesis. The input is
// tried as PEM text and, wrapped in PEM armour, as DER, so the fuzzer reaches the X.509
// parser and the subject checks. Every input must give an identity or a refusal; an
// identity must name the genesis organisation and one of the three kinds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/certificates.h"
#include "ledger/check.h"
#include "ledger/client_identity.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"

namespace {

using tadori::ClientIdentity;
using tadori::GenesisInfo;

struct Fixture {
  tadori::PemKeyPair ca;
  std::optional<GenesisInfo> genesis;
};

const Fixture& TheFixture() {
  static const Fixture fixture = [] {
    Fixture f;
    auto ca = tadori::NewOrganizationCa("org-a");
    TADORI_CHECK(ca.ok());
    f.ca = *ca;
    tadori::v1::Genesis g;
    g.set_chain_id("fuzz");
    g.set_genesis_time_ms(1'700'000'000'000);
    auto* org = g.add_organizations();
    org->set_id("org-a");
    org->set_name("Org A");
    org->add_roles("producer");
    auto admin = tadori::PrivateKey::Generate(tadori::KeyType::kP256);
    TADORI_CHECK(admin.ok());
    org->add_admin_public_keys(admin->public_key().ToPem());
    org->set_ca_certificate(ca->certificate_pem);
    auto* val = g.add_validators();
    val->set_id("val-a");
    val->set_org_id("org-a");
    auto consensus = tadori::PrivateKey::Generate(tadori::KeyType::kP256);
    TADORI_CHECK(consensus.ok());
    val->set_consensus_public_key(consensus->public_key().ToPem());
    val->set_address("127.0.0.1:7100");
    val->set_weight(1);
    auto sealed = tadori::SealGenesis(g);
    TADORI_CHECK(sealed.ok());
    f.genesis.emplace(std::move(*sealed));
    return f;
  }();
  return fixture;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8) |
                       uint32_t{static_cast<uint8_t>(bytes[i + 2])};
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = uint32_t{static_cast<uint8_t>(bytes[i])} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

void Check(std::string_view pem) {
  const Fixture& f = TheFixture();
  auto identity = tadori::IdentifyClient(pem, *f.genesis);
  if (!identity.ok()) {
    TADORI_CHECK(identity.status().code() == tadori::Code::kUnauthenticated);
    return;
  }
  TADORI_CHECK(identity->org_id == "org-a");
  TADORI_CHECK(identity->kind == ClientIdentity::Kind::kMember ||
               identity->kind == ClientIdentity::Kind::kObserver ||
               identity->kind == ClientIdentity::Kind::kValidator);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Check(bytes);
  Check("-----BEGIN CERTIFICATE-----\n" + Base64(bytes) + "\n-----END CERTIFICATE-----\n");
  return 0;
}
