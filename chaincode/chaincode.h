// The traceability chaincode: registry, EPCIS events with custody and mass balance, recalls,
// sensor attestations and municipal pilot reports.
//
// Execute() applies one transaction's payload to a StateView. It is pure and
// deterministic: its result and its writes depend only on the context, the payload and
// what the view returns, never on clocks, threads, randomness, floating point or the
// iteration order of unordered containers. Every validator therefore reaches the same
// state from the same blocks.
//
// Rules (each refusal names its rule in TxResult.message; the full list of each payload's
// rules opens the file that implements it: registry.cc, events.cc with event_shape.cc and
// kde.cc, epcis_capture.cc, recall.cc, readings.cc, pilot.cc; limits are in
// chaincode_limits.h):
//   every payload     the signer is a registered member whose key is not revoked, else
//                     PERMISSION_DENIED. A missing payload is INVALID_ARGUMENT.
//   registry          members and devices are registered and revoked by an admin of their
//                     organisation; any member registers a location of its organisation; a
//                     producer or processor member registers a product. Ids are unique
//                     (ALREADY_EXISTS). Records keep the height of every change. An org's
//                     first SGLN under a GS1 company prefix claims it; GTINs and GLNs under
//                     another org's prefix are refused (PERMISSION_DENIED).
//   record_event      the EPCIS 2.0 event must be well formed (INVALID_ARGUMENT), its products
//                     registered (NOT_FOUND), and, for a Food Traceability List product, carry
//                     the FSMA 204 key data elements of its critical tracking event. Its
//                     meaning (create / ship / receive / transform / observe) follows from
//                     (type, action, biz_step) as payloads.proto describes; custody and mass
//                     balance are enforced (PERMISSION_DENIED, FAILED_PRECONDITION). Its time
//                     is at most kEventTimeSkewMs after the block time and not before the
//                     creation of any lot it names (INVALID_ARGUMENT).
//   capture_epcis_event  one EPCIS 2.0 JSON-LD event, mapped by ledger/epcis (INVALID_ARGUMENT
//                     naming JSON pointers) and applied as record_event; an eventID or event
//                     content captured before is ALREADY_EXISTS naming its tx; PGLN parties
//                     are the org owning their GS1 company prefix; an errorDeclaration flags
//                     the recorder's own earlier event (epcis_capture.cc).
//   issue_recall      a regulator or the lot's creator flags the lot and everything downstream,
//                     breadth first, within per-transaction bounds; continue_recall (the
//                     issuing org or a regulator) flags the rest. Flags are shared per
//                     organisation, so no org can crowd out another's.
//   submit_readings   a device-signed reading batch (UNAUTHENTICATED when the signature fails),
//                     in sequence (FAILED_PRECONDITION), about lots the org holds or carries;
//                     readings outside the product's storage range become excursions.
//   pilot reports     municipality members submit and amend their own; auditors add findings.
// Result messages are valid UTF-8 on one line and at most kTxResultMessageBytesMax bytes.
// Accepted events, readings and pilot versions also add query index entries
// (chaincode/index_keys.h) to the view; the state layout is chaincode/state_keys.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/state.h"
#include "ledger/status.h"
#include "tadori/v1/payloads.pb.h"
#include "tadori/v1/records.pb.h"
#include "tadori/v1/transaction.pb.h"
#include "tadori/v1/types.pb.h"

namespace tadori {

// What the executor knows about the transaction beyond its body.
struct TxContext {
  Hash tx_id;
  KeyId signer;               // SignedTransaction.signer_key_id, already verified
  uint64_t height = 0;        // height of the block being executed; blocks start at 1
  int64_t block_time_ms = 0;  // block timestamp: the only clock chaincode sees
  uint32_t index = 0;         // the transaction's index in its block (EventRef.index)
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
Result<std::optional<v1::DeviceRecord>> FindDevice(const StateReader& state,
                                                   std::string_view device_id);
Result<std::optional<v1::LocationRecord>> FindLocation(const StateReader& state,
                                                       std::string_view gln);
Result<std::optional<v1::ProductRecord>> FindProduct(const StateReader& state,
                                                     std::string_view gtin);
Result<std::optional<v1::PilotRecord>> FindPilot(const StateReader& state,
                                                 std::string_view report_id);

// Where the EPCIS event captured with this eventID (FindCapturedEventById) or event hash
// (FindCapturedEventByHash) is on the chain: the capturing transaction, whose "e/" index
// entry holds the RecordedEvent.
Result<std::optional<v1::EventRef>> FindCapturedEventById(const StateReader& state,
                                                          std::string_view event_id);
Result<std::optional<v1::EventRef>> FindCapturedEventByHash(const StateReader& state,
                                                            std::string_view event_hash);

// What is left of a lot: the sum of its holdings and of its quantities in transit, in
// milli-units. created == remaining + consumed for every lot chaincode writes. DATA_LOSS
// when the sum overflows (a corrupt record; chaincode never writes one).
Result<int64_t> RemainingQuantity(const v1::LotRecord& lot);

// The FSMA 204 critical tracking event an EPCIS event records: "harvesting", "cooling",
// "initial_packing", "first_land_based_receiving", "shipping", "receiving",
// "transformation", or "" when it records none. Looks only at (type, action, biz_step):
//   OBJECT ADD harvesting -> harvesting, OBJECT ADD|OBSERVE cooling -> cooling,
//   OBJECT ADD commissioning -> initial_packing, OBJECT ADD first_land_based_receiving,
//   OBJECT OBSERVE shipping | receiving, any TRANSFORMATION event -> transformation.
std::string_view CriticalTrackingEvent(const v1::EpcisEvent& event);

}  // namespace tadori
