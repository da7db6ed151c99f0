// `tadori network new`: everything a fresh multi-validator consortium needs, in one
// directory, ready for `tadorid --config DIR/<org>/<validator>/node.toml`.
//
//   DIR/genesis.json                      the consortium (protobuf JSON)
//   DIR/<org>/ca.crt, ca.key (0600)       the organisation's TLS CA
//   DIR/<org>/admin.key (0600)            the organisation's admin key (P-256, PKCS#8 PEM)
//   DIR/<org>/<org>-<v>/node.crt, node.key (0600)  the validator's TLS identity (org CA)
//   DIR/<org>/<org>-<v>/consensus.key (0600)       its consensus key (P-256)
//   DIR/<org>/<org>-<v>/node.toml                  its config, with paths relative to itself
//
// Organisations are the cast of the Kyushu story in a fixed order (kyushu-farm,
// hakata-wholesale, fukuoka-deli, tenjin-bistro, kyushu-coldchain, kyushu-iot-council,
// kyushu-audit, fukuoka-food-safety), then org-9, org-10, ... as producers. The first
// `validator_orgs` of them run validators; the others are members: an admin key and a CA in
// the genesis (they sign transactions and send them to any validator) but no node (the peer
// links trust every organisation's CA, so each needs one; it could certify a node later). The
// validator with genesis index i listens for peers on base+i, for clients on
// 127.0.0.1:client+i (client defaults to base+100) and for metrics on 127.0.0.1:base+200+i;
// the three ranges must not overlap.
//
// All key material is generated, the genesis decoded and every config parsed before the
// first file is written, so bad options leave nothing behind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/status.h"

namespace tadori::cli {

inline constexpr int kConsortiumOrgsMax = 32;
inline constexpr int kConsortiumValidatorsPerOrgMax = 4;
// Client ports start 100 above peer ports, so more validators would collide.
inline constexpr int kConsortiumValidatorsMax = 100;

struct ConsortiumOptions {
  int orgs = 0;                // 1..kConsortiumOrgsMax
  int validator_orgs = 0;      // 1..orgs: the first ones run validators; 0: all of them
  int validators_per_org = 1;  // 1..kConsortiumValidatorsPerOrgMax
  int base_port = 7100;        // peer port of the first validator
  int client_port = 0;         // client port of the first validator; 0: base_port + 100
  std::string chain_id = "tadori-kyushu";
  std::string host = "127.0.0.1";  // where validators reach each other (IP or DNS name)
  int64_t genesis_time_ms = 0;     // 0: now
};

struct ConsortiumValidator {
  std::string id;  // "<org>-<v>"
  std::string org_id;
  uint16_t peer_port = 0;
  uint16_t client_port = 0;
  uint16_t metrics_port = 0;
  std::string peer_address;  // as in the genesis: "host:peer_port"
  std::string config_path;   // DIR/<org>/<id>/node.toml
};

struct ConsortiumLayout {
  std::string genesis_path;
  std::string genesis_hash_hex;
  std::vector<std::string> org_ids;             // every organisation, in genesis order
  int validator_org_count = 0;                  // org_ids[0..count) run the validators
  std::vector<ConsortiumValidator> validators;  // in genesis order
};

// Writes the consortium into `out_dir`, which must not exist or be an empty directory
// (FAILED_PRECONDITION otherwise). INVALID_ARGUMENT for options out of range.
Result<ConsortiumLayout> WriteConsortium(const ConsortiumOptions& options,
                                         const std::string& out_dir);

}  // namespace tadori::cli
