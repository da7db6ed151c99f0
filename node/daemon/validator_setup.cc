#include "node/daemon/validator_setup.h"

#include <optional>
#include <utility>

#include "ledger/certificates.h"
#include "ledger/files.h"
#include "ledger/limits.h"

namespace tadori {

namespace {

Result<size_t> FindValidator(const GenesisInfo& genesis, const NodeConfig& config) {
  for (int i = 0; i < genesis.genesis.validators_size(); ++i) {
    if (genesis.genesis.validators(i).id() == config.validator_id) return static_cast<size_t>(i);
  }
  return Status::InvalidArgument("validator_id \"" + config.validator_id +
                                 "\" is not a validator of the genesis " + config.genesis_path);
}

Result<PrivateKey> LoadConsensusKey(const NodeConfig& config, const GenesisInfo& genesis,
                                    size_t self) {
  TADORI_ASSIGN_OR_RETURN(std::string pem,
                          ReadFileToString(config.consensus_key_path, kPemBytesMax));
  Result<PrivateKey> key = PrivateKey::FromPem(pem);
  if (!key.ok()) return key.status().WithContext(config.consensus_key_path);
  if (key->public_key().id() != genesis.validators.key(self).id()) {
    return Status::InvalidArgument(config.consensus_key_path +
                                   " is not the consensus key the genesis names for " +
                                   config.validator_id);
  }
  return key;
}

Status CheckPeerCertificate(const NodeConfig& config, const GenesisInfo& genesis, size_t self,
                            const std::string& cert_pem) {
  Result<size_t> named = IdentifyPeerValidator(cert_pem, genesis);
  if (named.ok() && *named == self) return Status::Ok();
  return Status::InvalidArgument(config.peer_tls_cert_path + " is not a certificate of validator " +
                                 config.validator_id +
                                 " issued by its organisation's CA in the genesis" +
                                 (named.ok() ? "" : ": " + named.status().ToString()));
}

Result<std::map<size_t, std::string>> DialAddresses(const NodeConfig& config,
                                                    const GenesisInfo& genesis, size_t self) {
  for (const auto& [id, address] : config.peers) {
    bool known = false;
    for (const v1::Validator& v : genesis.genesis.validators()) known = known || v.id() == id;
    if (!known) {
      return Status::InvalidArgument("[peers] names \"" + id +
                                     "\", which is not a validator of the genesis");
    }
  }
  std::map<size_t, std::string> out;
  for (int i = 0; i < genesis.genesis.validators_size(); ++i) {
    if (static_cast<size_t>(i) == self) continue;
    const v1::Validator& v = genesis.genesis.validators(i);
    auto configured = config.peers.find(v.id());
    out[static_cast<size_t>(i)] =
        configured != config.peers.end() ? configured->second : v.address();
  }
  return out;
}

}  // namespace

Result<ValidatorSetup> PrepareValidator(const NodeConfig& config) {
  TADORI_ASSIGN_OR_RETURN(std::string genesis_text,
                          ReadFileToString(config.genesis_path, kGenesisBytesMax));
  Result<GenesisInfo> genesis = GenesisFromJson(genesis_text);
  if (!genesis.ok()) return genesis.status().WithContext(config.genesis_path);
  TADORI_ASSIGN_OR_RETURN(size_t self, FindValidator(*genesis, config));
  TADORI_ASSIGN_OR_RETURN(PrivateKey key, LoadConsensusKey(config, *genesis, self));
  TADORI_ASSIGN_OR_RETURN(std::string peer_cert,
                          ReadFileToString(config.peer_tls_cert_path, kTlsFileBytesMax));
  TADORI_ASSIGN_OR_RETURN(std::string peer_key,
                          ReadFileToString(config.peer_tls_key_path, kTlsFileBytesMax));
  TADORI_RETURN_IF_ERROR(CheckPeerCertificate(config, *genesis, self, peer_cert));
  TADORI_RETURN_IF_ERROR(
      CheckTlsKeyPair(config.peer_tls_cert_path, peer_cert, config.peer_tls_key_path, peer_key));
  TADORI_ASSIGN_OR_RETURN(auto dial, DialAddresses(config, *genesis, self));

  std::string client_cert, client_key;
  if (config.client_tls_cert_path.empty()) {
    if (!IsLoopbackAddress(config.client_listen)) {
      return Status::InvalidArgument("[client] listen " + config.client_listen +
                                     " is not loopback: set tls_cert/tls_key");
    }
  } else {
    TADORI_ASSIGN_OR_RETURN(client_cert,
                            ReadFileToString(config.client_tls_cert_path, kTlsFileBytesMax));
    TADORI_ASSIGN_OR_RETURN(client_key,
                            ReadFileToString(config.client_tls_key_path, kTlsFileBytesMax));
    TADORI_RETURN_IF_ERROR(CheckTlsKeyPair(config.client_tls_cert_path, client_cert,
                                           config.client_tls_key_path, client_key));
  }
  return ValidatorSetup{
      .genesis = std::move(*genesis),
      .self = self,
      .consensus_key = std::move(key),
      .peer_tls_cert_pem = std::move(peer_cert),
      .peer_tls_key_pem = std::move(peer_key),
      .dial_addresses = std::move(dial),
      .client_tls_cert_pem = std::move(client_cert),
      .client_tls_key_pem = std::move(client_key),
  };
}

}  // namespace tadori
