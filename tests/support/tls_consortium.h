// A consortium for TLS tests: `orgs` organisations "org-<i>", each with a CA and one validator
// "val-<i>" (genesis index i) whose node certificate, for 127.0.0.1, that CA issued.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ledger/certificates.h"
#include "ledger/files.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"

namespace tadori {

struct TlsConsortium {
  std::vector<PemKeyPair> cas;
  std::vector<PemKeyPair> nodes;
  std::vector<PrivateKey> consensus_keys;  // by validator index
  v1::Genesis genesis;
  std::optional<GenesisInfo> info;  // GenesisInfo has no default constructor
};

inline TlsConsortium MakeTlsConsortium(size_t orgs, const std::string& chain_id) {
  TlsConsortium c;
  c.genesis.set_chain_id(chain_id);
  c.genesis.set_genesis_time_ms(1'700'000'000'000);
  for (size_t i = 0; i < orgs; ++i) {
    std::string org_id = "org-" + std::to_string(i);
    std::string val_id = "val-" + std::to_string(i);
    auto ca = NewOrganizationCa(org_id);
    EXPECT_TRUE(ca.ok()) << ca.status().ToString();
    auto node = IssueNodeCertificate(*ca, org_id, val_id, {}, {"127.0.0.1"});
    EXPECT_TRUE(node.ok()) << node.status().ToString();
    auto* org = c.genesis.add_organizations();
    org->set_id(org_id);
    org->set_name("Organisation " + std::to_string(i));
    org->add_roles("producer");
    org->add_admin_public_keys(PrivateKey::Generate(KeyType::kP256)->public_key().ToPem());
    org->set_ca_certificate(ca->certificate_pem);
    auto* val = c.genesis.add_validators();
    val->set_id(val_id);
    val->set_org_id(org_id);
    auto consensus_key = PrivateKey::Generate(KeyType::kP256);
    EXPECT_TRUE(consensus_key.ok());
    val->set_consensus_public_key(consensus_key->public_key().ToPem());
    val->set_address("127.0.0.1:" + std::to_string(7100 + i));
    c.consensus_keys.push_back(*consensus_key);
    val->set_weight(1);
    c.cas.push_back(*ca);
    c.nodes.push_back(*node);
  }
  auto sealed = SealGenesis(c.genesis);
  EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
  c.info = std::move(sealed).value();
  return c;
}

// The consortium's files as a validator's operator holds them, in `dir`: genesis.json, and
// for each validator i consensus-<i>.key, node-<i>.crt and node-<i>.key (keys mode 0600).
inline void WriteTlsConsortiumFiles(const TlsConsortium& c, const std::string& dir) {
  const auto write = [&](const std::string& name, const std::string& text) {
    Status s = WriteNewFile(dir + "/" + name, text, 0600);
    ASSERT_TRUE(s.ok()) << name << ": " << s.ToString();
  };
  write("genesis.json", GenesisToJson(c.genesis));
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    const std::string n = std::to_string(i);
    write("consensus-" + n + ".key", c.consensus_keys[i].ToPem());
    write("node-" + n + ".crt", c.nodes[i].certificate_pem);
    write("node-" + n + ".key", c.nodes[i].private_key_pem);
  }
}

}  // namespace tadori
