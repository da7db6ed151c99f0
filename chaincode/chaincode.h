// The traceability chaincode: member registry and lot custody.
//
// Execute() applies one transaction's payload to a StateView. It is pure and
// deterministic: its result and its writes depend only on the context, the payload and
// what the view returns, never on clocks, threads, randomness, floating point or the
// iteration order of unordered containers. Every validator therefore reaches the same
// state from the same blocks.
//
// Rules (each refusal names its rule in TxResult.message):
//   every payload    the signer is a registered member whose key is not revoked,
//                    else PERMISSION_DENIED.
//   register_member  the signer is an admin; the new key (PEM) joins the signer's
//                    organisation as a non-admin member. INVALID_ARGUMENT for a bad key,
//                    ALREADY_EXISTS for a key id ever registered (active or revoked).
//   revoke_member    the signer is an admin of the target's organisation and the target
//                    is not an admin (admins change through governance, later).
//                    NOT_FOUND for an unknown key, FAILED_PRECONDITION if already revoked.
//   create_lot       the signer's organisation has role "producer" or "processor";
//                    lot_code, product and unit non-empty, quantity_milli > 0; the code is
//                    new (ALREADY_EXISTS). The creator becomes custodian, lot HELD.
//   ship_lot         only the custodian ships, only a HELD lot, only to another existing
//                    organisation. The lot becomes IN_TRANSIT towards `to_org`.
//   receive_lot      only the named destination receives an IN_TRANSIT lot; custody
//                    moves to it and the lot is HELD again.
//   no payload       INVALID_ARGUMENT.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/state.h"
#include "ledger/status.h"
#include "tadori/v1/chaincode.pb.h"
#include "tadori/v1/types.pb.h"

namespace tadori {

// What the executor knows about the transaction beyond its body.
struct TxContext {
  Hash tx_id;
  KeyId signer;               // SignedTransaction.signer_key_id, already verified
  uint64_t height = 0;        // height of the block being executed; blocks start at 1
  int64_t block_time_ms = 0;  // block timestamp: the only clock chaincode sees
};

// Executes one transaction's payload against `view` and returns the result recorded on
// chain: code 0 = OK, else a gRPC code number with a message naming the rule.
//
// On success the view holds the transaction's writes. On a refusal the caller must drop
// the view's writes: Execute may leave partial writes behind.
//
// A failure of the store underneath `view` (or a record in state that does not decode)
// is returned as INTERNAL. That is a local error, not the transaction's fault: the
// caller must not commit it as the transaction's result (see IsLocalFailure). Execute
// never returns INTERNAL for anything the transaction did.
//
// Requires ctx.height >= 1 (height 0 is the genesis state); violating it is a bug in the
// caller and aborts.
v1::TxResult Execute(const TxContext& ctx, const v1::TransactionBody& body, StateView& view);

// True when `result` reports a local failure (store, corrupt state) rather than a
// decision about the transaction.
inline bool IsLocalFailure(const v1::TxResult& result) {
  return result.code() == static_cast<uint32_t>(Code::kInternal);
}

// The state a genesis implies: one OrgRecord per organisation and one MemberRecord
// (admin = true, registered_height = 0) per admin key. INVALID_ARGUMENT for an empty or
// repeated organisation id, an admin key that does not parse, or a key listed twice
// (in one organisation or in two), and beyond the limits of ledger/limits.h.
Result<WriteSet> GenesisState(const v1::Genesis& genesis);

// Lookups for the node's admission checks and the query API. nullopt when absent;
// INTERNAL (with the store's message) when the store fails or the record does not decode.
Result<std::optional<v1::MemberRecord>> FindMember(const StateReader& state, const KeyId& key_id);
Result<std::optional<v1::LotRecord>> FindLot(const StateReader& state, std::string_view lot_code);
Result<std::optional<v1::OrgRecord>> FindOrg(const StateReader& state, std::string_view org_id);

}  // namespace tadori
