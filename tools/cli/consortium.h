// `tadori network new`: everything a fresh multi-validator consortium needs, in one
// directory, ready for `tadorid --config DIR/<org>/<validator>/node.toml`.
//
//   DIR/genesis.json                      the consortium (protobuf JSON)
//   DIR/ca-bundle.pem                     every organisation's CA certificate: what a client
//                                         trusts a node's client API certificate by
//   DIR/<org>/ca.crt, ca.key (0600)       the organisation's TLS CA
//   DIR/<org>/admin.key (0600)            the organisation's admin key (P-256, PKCS#8 PEM)
//   DIR/<org>/client.crt, client.key (0600)  its member client certificate (org CA; names
//                                         the admin key's id) and that certificate's TLS key
//   DIR/<org>/cli.toml                    a client config for the organisation
//                                         (client/client_config.h): its own validators first,
//                                         then the others; ca-bundle.pem; client.crt/.key
//   DIR/<org>/<org>-<v>/node.crt, node.key (0600)  the validator's TLS identity (org CA),
//                                         for its peer links and its client API alike
//   DIR/<org>/<org>-<v>/consensus.key (0600)       its consensus key (P-256)
//   DIR/<org>/<org>-<v>/node.toml                  its config, with paths relative to itself
//   DIR/<org>/<org>-observer-<k>/observer.crt, observer.key (0600)  with --observers K: the
//                                         observer's certificate (org CA, OU observer), for
//                                         its client API and the validators it follows
//   DIR/<org>/<org>-observer-<k>/node.toml         its config (role = "observer")
//
// Organisations are the cast of the Kyushu story in a fixed order (kyushu-farm,
// hakata-wholesale, fukuoka-deli, tenjin-bistro, kyushu-coldchain, kyushu-iot-council,
// kyushu-audit, fukuoka-food-safety), then org-9, org-10, ... as producers. The first
// `validator_orgs` of them run validators; the others are members: an admin key and a CA in
// the genesis (they sign transactions and send them to any validator) but no node (the peer
// links trust every organisation's CA, so each needs one; it could certify a node later). The
// validator with genesis index i listens for peers on base+i, for clients on
// 127.0.0.1:client+i (client defaults to base+100, over TLS with node.crt, which names
// 127.0.0.1 whatever --host is, as clients dial it there) and for metrics on
// 127.0.0.1:base+200+i; the three ranges must not overlap.
//
// Observers (node/daemon/observer_node.h) belong to the first organisation holding a read-all
// role of the genesis read policy (auditor or regulator: kyushu-audit from --orgs 7), or,
// without one, to the first validator organisation: IdentifyClient accepts an observer only
// of an organisation that runs a validator or reads everything. Observer k (1-based) listens
// for clients on 127.0.0.1:base+300+k-1 and for metrics on 127.0.0.1:base+400+k-1: above the
// validators' peer, default client and metrics ranges (each under 100 ports), and a
// --client-port range must not overlap them either. It follows the validators' client APIs
// (its own organisation's first; all of them up to kFollowValidatorsMax), over TLS with
// observer.crt.
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
// Observers take base+300.. and base+400..; a handful is what a consortium's readers need.
inline constexpr int kConsortiumObserversMax = 8;

struct ConsortiumOptions {
  int orgs = 0;                // 1..kConsortiumOrgsMax
  int validator_orgs = 0;      // 1..orgs: the first ones run validators; 0: all of them
  int validators_per_org = 1;  // 1..kConsortiumValidatorsPerOrgMax
  int base_port = 7100;        // peer port of the first validator
  int client_port = 0;         // client port of the first validator; 0: base_port + 100
  int observers = 0;           // 0..kConsortiumObserversMax observer nodes
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

// An observer node: follows the validators, verifies every block, serves the client API.
struct ConsortiumObserver {
  std::string id;  // "<org>-observer-<k>": its node_id and certificate CN
  std::string org_id;
  uint16_t client_port = 0;
  uint16_t metrics_port = 0;
  std::string config_path;  // DIR/<org>/<id>/node.toml
};

// An organisation's client identity and config.
struct ConsortiumClient {
  std::string org_id;
  std::string certificate_path;    // DIR/<org>/client.crt
  std::string key_path;            // DIR/<org>/client.key
  std::string config_path;         // DIR/<org>/cli.toml
  std::vector<std::string> nodes;  // its own validators first, then the others; at most
                                   // kNodeListMax (client/node_list.h)
};

struct ConsortiumLayout {
  std::string genesis_path;
  std::string genesis_hash_hex;
  std::string ca_bundle_path;                   // DIR/ca-bundle.pem
  std::vector<ConsortiumClient> clients;        // one per organisation, in genesis order
  std::vector<std::string> org_ids;             // every organisation, in genesis order
  int validator_org_count = 0;                  // org_ids[0..count) run the validators
  std::vector<ConsortiumValidator> validators;  // in genesis order
  std::vector<ConsortiumObserver> observers;    // observer 1, 2, ...
};

// Writes the consortium into `out_dir`, which must not exist or be an empty directory
// (FAILED_PRECONDITION otherwise). INVALID_ARGUMENT for options out of range.
Result<ConsortiumLayout> WriteConsortium(const ConsortiumOptions& options,
                                         const std::string& out_dir);

}  // namespace tadori::cli
