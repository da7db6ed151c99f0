// Genesis: the consortium's founding document, and the validator set it names.
//
// The genesis hash is SHA-256 of the serialized v1::Genesis exactly as stored by the node;
// GenesisInfo keeps those bytes so that nothing re-serialises before hashing. Operators
// write genesis files as protobuf JSON (GenesisFromJson); the node seals them once into
// bytes and from then on only those bytes count.
//
// Rules checked by DecodeGenesis (INVALID_ARGUMENT naming the item otherwise):
//   bytes <= kGenesisBytesMax and parse; chain_id non-empty and <= kChainIdBytesMax;
//   1..kGenesisOrgCountMax organisations with non-empty, unique ids; names within
//   kStringFieldBytesMax; roles (<= kOrgRoleCountMax, no repeats) from
//   {producer, processor, distributor, carrier, retailer, municipality, auditor, regulator};
//   1..kOrgAdminKeyCountMax admin keys per org, each PEM <= kPemBytesMax that parses as
//   P-256 or Ed25519, no admin key listed twice anywhere; ca_certificate <= kPemBytesMax;
//   1..kGenesisValidatorCountMax validators with non-empty unique ids, an existing org_id,
//   a consensus key that parses and is not shared with another validator; read_policy roles
//   (each list at most 8, no repeats) from the same set.
//
// All functions are pure and thread-safe; ValidatorSet is immutable after construction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/bytes.h"
#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/quorum.h"
#include "ledger/status.h"
#include "tadori/v1/types.pb.h"

namespace tadori {

// The consensus keys of the validators, in genesis order; index i is validator i.
class ValidatorSet {
 public:
  // Key ids must be unique (a bug in the caller otherwise: DecodeGenesis ensures it).
  explicit ValidatorSet(std::vector<PublicKey> keys);

  size_t size() const { return keys_.size(); }
  // Most validators that may be faulty while the others stay safe and live: (n-1)/3.
  size_t MaxFaulty() const { return MaxFaultyWeight(keys_.size()); }
  // Signatures needed for a certificate: QuorumWeight (ledger/quorum.h) with equal weights,
  // the rule consensus/ uses too.
  size_t Quorum() const;
  std::optional<size_t> IndexOf(const KeyId& id) const;
  // i < size(), else a bug in the caller (checked).
  const PublicKey& key(size_t i) const;

 private:
  std::vector<PublicKey> keys_;
};

struct GenesisInfo {
  v1::Genesis genesis;  // parsed from `bytes`
  Bytes bytes;          // as stored; the hash covers exactly these
  Hash hash;            // SHA-256(bytes)
  ValidatorSet validators;
};

// The genesis read policy, or the defaults when the genesis has none (read_all_roles and
// block_roles: auditor, regulator). DecodeGenesis checked it: known roles, none twice.
v1::ReadPolicy EffectiveReadPolicy(const v1::Genesis& genesis);
// Whether `org` holds one of `roles`.
bool OrgHasAnyRole(const v1::Organization& org,
                   const google::protobuf::RepeatedPtrField<std::string>& roles);

// Every role an organisation may hold.
bool IsKnownRole(std::string_view role);

Result<GenesisInfo> DecodeGenesis(ByteView bytes);
// Serializes `genesis` once and decodes those bytes.
Result<GenesisInfo> SealGenesis(const v1::Genesis& genesis);
// Protobuf JSON mapping (either field-name spelling); INVALID_ARGUMENT when the text is
// longer than kGenesisBytesMax or does not map onto v1::Genesis; then SealGenesis.
Result<GenesisInfo> GenesisFromJson(std::string_view json);
// Indented protobuf JSON with the .proto field names; GenesisFromJson reads it back.
std::string GenesisToJson(const v1::Genesis& genesis);

}  // namespace tadori
