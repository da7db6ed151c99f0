// What `tadorid --config` checks before it opens the data directory or a socket: that the
// config's files exist, parse and belong together. Every failure names the file and what is
// wrong (the daemon prints it and exits 2), so an operator never learns of a mistake from
// a peer's refusal or an opaque TLS handshake error.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "ledger/genesis.h"
#include "ledger/keys.h"
#include "ledger/status.h"
#include "node/config/node_config.h"

namespace tadori {

// The largest TLS certificate or key file read: they are a few KiB; anything this large is
// not one.
inline constexpr size_t kTlsFileBytesMax = 64 * 1024;

struct ValidatorSetup {
  GenesisInfo genesis;
  size_t self = 0;  // this validator's genesis index
  PrivateKey consensus_key;
  std::string peer_tls_cert_pem;
  std::string peer_tls_key_pem;
  // Where to dial each other validator: [peers] in the config, else the genesis address.
  std::map<size_t, std::string> dial_addresses;
  // Empty for plaintext (allowed only on a loopback address).
  std::string client_tls_cert_pem;
  std::string client_tls_key_pem;
};

// Reads and checks, in order:
//   the genesis file (parses, seals), and that validator_id is one of its validators;
//   the consensus key (parses, is the key the genesis names for validator_id);
//   the peer TLS certificate (issued by the validator's organisation CA in the genesis, for
//     validator_id) and that the key is its private key;
//   [peers] names only genesis validators;
//   the client API: TLS certificate and its key when set, else a loopback listen address.
// NOT_FOUND for a file that cannot be read; INVALID_ARGUMENT for the rest, naming the file.
Result<ValidatorSetup> PrepareValidator(const NodeConfig& config);

}  // namespace tadori
