// capture_epcis_event: one event of an EPCIS 2.0 JSON-LD document, mapped by the code
// `tadori epcis check` runs (ledger/epcis/capture.h), so the chain and the document cannot
// disagree, then applied exactly as record_event applies an event (events.cc ApplyEvent).
//
//   mapping            every problem epcis::MapEvent finds -> INVALID_ARGUMENT
//                      "capture_epcis_event: <JSON pointer>: <problem>; ..." (as many as fit
//                      in a result message, then how many more).
//   idempotency        an eventID already captured -> ALREADY_EXISTS "capture_epcis_event:
//                      event <id> was captured by tx <hex> at height <h>"; the same content
//                      under another eventID (same EPCIS event hash) -> ALREADY_EXISTS naming
//                      that tx too. A document re-captured after a partial failure answers
//                      this for every event that already made it.
//   parties            an owning_party or possessing_party written urn:tadori:org:<id> is the
//                      org <id> (the mapper writes the id); a PGLN (urn:epc:id:pgln:CP.REF, or
//                      a GLN-13 in a GS1 Digital Link .../417/<gln>) is the org that owns its
//                      GS1 company prefix (registry.cc: the first SGLN registered under it),
//                      NOT_FOUND naming the party when none does. Other ids are left as
//                      written (and are then refused where an org is needed).
//   the event          every rule of record_event (shape, products, KDEs, roles, custody, mass
//                      balance, event time), refusals prefixed "capture_epcis_event". The
//                      "e/" entry's RecordedEvent keeps `captured` (eventID, hash, the JSON
//                      as written); state keeps "epcis-id/<eventID>" and
//                      "epcis-hash/<hash>" -> this tx's EventRef, and
//                      "epcis-event/<eventID>" -> the RecordedEvent.
//   errorDeclaration   declares the event captured with the same eventID erroneous, instead of
//                      being applied: NOT_FOUND when no event has that eventID,
//                      PERMISSION_DENIED when another org captured it, ALREADY_EXISTS when it
//                      was already declared; INVALID_ARGUMENT when its declarationTime is
//                      later than the block time plus kEventTimeSkewMs. The original's "e/"
//                      entry is rewritten with
//                      error_declaration (declared_by = this tx), and every lot it named lists
//                      it in erroneous_events (RESOURCE_EXHAUSTED beyond
//                      kLotErroneousEventsMax). What it did to lots is not undone: corrective
//                      events (correctiveEventIDs) are ordinary events.
#include <limits>
#include <set>

#include "chaincode/chaincode_limits.h"
#include "chaincode/checks.h"
#include "chaincode/contracts.h"
#include "chaincode/event_rules.h"
#include "chaincode/gs1_prefix.h"
#include "chaincode/index_keys.h"
#include "chaincode/lot_book.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/bytes.h"
#include "ledger/epcis/capture.h"
#include "ledger/rfc3339.h"
#include "ledger/utf8.h"

namespace tadori {
namespace {

constexpr std::string_view kAction = "capture_epcis_event";

Status Refused(Code code, std::string_view message) {
  return Status(code, Prefixed(kAction, message));
}

// The problems as one message, bounded: as many as fit, then how many were left out.
Status MappingRefusal(const std::vector<epcis::Problem>& problems) {
  constexpr size_t kRoom = kTxResultMessageBytesMax - 64;  // room for the tail and prefix
  std::string message;
  size_t shown = 0;
  for (const epcis::Problem& problem : problems) {
    std::string line = problem.pointer.empty() ? std::string("(event)") : problem.pointer;
    line += ": ";
    line += problem.message;
    if (shown > 0 && message.size() + 2 + line.size() > kRoom) break;
    if (shown > 0) message += "; ";
    message += line;
    ++shown;
  }
  if (problems.empty()) message = "the event does not map";
  if (shown < problems.size()) {
    message += "; and " + std::to_string(problems.size() - shown) + " more problems";
  }
  return Refused(Code::kInvalidArgument, message);
}

std::string TxHex(const v1::EventRef& ref) {
  return ToHex(AsBytes(ref.tx_id()));
}

Result<std::optional<v1::EventRef>> ReadRef(const StateReader& state, const std::string& key) {
  v1::EventRef ref;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, key, ref));
  if (!found) return std::optional<v1::EventRef>();
  return std::optional<v1::EventRef>(std::move(ref));
}

// ALREADY_EXISTS when the event's eventID or its content (event hash) was captured before.
Status CheckNotCaptured(const v1::CapturedEpcis& kept, const StateReader& state) {
  TADORI_ASSIGN_OR_RETURN(std::optional<v1::EventRef> by_id,
                          ReadRef(state, EpcisEventIdStateKey(kept.event_id())));
  if (by_id.has_value()) {
    return Refused(Code::kAlreadyExists, "event " + kept.event_id() + " was captured by tx " +
                                             TxHex(*by_id) + " at height " +
                                             std::to_string(by_id->height()));
  }
  TADORI_ASSIGN_OR_RETURN(std::optional<v1::EventRef> by_hash,
                          ReadRef(state, EpcisEventHashStateKey(kept.event_hash())));
  if (by_hash.has_value()) {
    return Refused(Code::kAlreadyExists,
                   "event " + kept.event_id() + " has the same content (event hash " +
                       kept.event_hash() + ") as the event captured by tx " + TxHex(*by_hash) +
                       " at height " + std::to_string(by_hash->height()));
  }
  return Status::Ok();
}

// The GS1 company-prefix digits a PGLN party id starts with, and how long the prefix may be:
// the URN writes the prefix out, a Digital Link's GLN-13 does not. {"", 0} when the id is
// neither.
std::pair<std::string, size_t> PglnPrefixDigits(std::string_view id) {
  const std::string_view urn_prefix = UrnCompanyPrefix(id, "urn:epc:id:pgln:");
  if (!urn_prefix.empty()) return {std::string(urn_prefix), urn_prefix.size()};
  constexpr std::string_view kDigitalLinkPgln = "/417/";
  const size_t at = id.rfind(kDigitalLinkPgln);
  if (id.substr(0, 8) == "https://" && at != std::string_view::npos) {
    std::string digits = GlnPrefixDigits(id.substr(at + kDigitalLinkPgln.size()));
    if (!digits.empty()) return {digits, kGs1CompanyPrefixDigitsMax};
  }
  return {"", 0};
}

// Rewrites the owning and possessing parties written as PGLNs to the org ids they name.
Status ResolveParties(google::protobuf::RepeatedPtrField<v1::PartyRef>& parties,
                      std::string_view list, const StateReader& state) {
  for (v1::PartyRef& party : parties) {
    if (party.type() != "owning_party" && party.type() != "possessing_party") continue;
    const auto [digits, max_length] = PglnPrefixDigits(party.id());
    if (digits.empty()) continue;
    TADORI_ASSIGN_OR_RETURN(std::optional<PrefixOwner> owner,
                            FindPrefixOwner(state, digits, max_length));
    if (!owner.has_value()) {
      return Refused(Code::kNotFound,
                     std::string(list) + " " + party.type() + " '" + PrintableExcerpt(party.id()) +
                         "' is no org's: no org registered a location (SGLN) under its GS1 "
                         "company prefix");
    }
    party.set_id(owner->org_id);
  }
  return Status::Ok();
}

std::set<std::string> LotsNamed(const v1::EpcisEvent& event) {
  std::set<std::string> lots;
  for (const auto* list :
       {&event.quantity_list(), &event.input_quantity_list(), &event.output_quantity_list()}) {
    for (const v1::QuantityElement& element : *list) lots.insert(element.lot_code());
  }
  return lots;
}

Status Declare(const Caller& caller, const epcis::MappedEvent& mapped, StateView& view) {
  const std::string& event_id = mapped.kept.event_id();
  v1::RecordedEvent original;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(view, EpcisEventStateKey(event_id), original));
  if (!found) {
    return Refused(Code::kNotFound, "errorDeclaration: no captured event has eventID " + event_id);
  }
  if (original.org_id() != caller.member.org_id()) {
    return Refused(Code::kPermissionDenied, "errorDeclaration: event " + event_id +
                                                " was recorded by org '" + original.org_id() +
                                                "'; only that org declares it erroneous");
  }
  if (original.has_error_declaration()) {
    const v1::EventRef& by = original.error_declaration().declared_by();
    return Refused(Code::kAlreadyExists, "errorDeclaration: event " + event_id +
                                             " was already declared erroneous by tx " + TxHex(by) +
                                             " at height " + std::to_string(by.height()));
  }
  // Like an event time, a declaration is not dated later than the block that records it.
  Result<int64_t> declared_ms = ParseRfc3339Ms(mapped.error_declaration->declaration_time());
  constexpr int64_t kTimeMax = std::numeric_limits<int64_t>::max();
  const int64_t latest_ms = caller.ctx.block_time_ms > kTimeMax - kEventTimeSkewMs
                                ? kTimeMax
                                : caller.ctx.block_time_ms + kEventTimeSkewMs;
  if (declared_ms.ok() && *declared_ms > latest_ms) {
    return Refused(Code::kInvalidArgument, "errorDeclaration: declarationTime " +
                                               mapped.error_declaration->declaration_time() +
                                               " is later than the block time plus " +
                                               std::to_string(kEventTimeSkewMs / 60'000) +
                                               " minutes of clock skew");
  }
  v1::ErrorDeclaration* declaration = original.mutable_error_declaration();
  *declaration = *mapped.error_declaration;
  *declaration->mutable_declared_by() = CurrentEventRef(caller.ctx);
  for (const std::string& code : LotsNamed(original.event())) {
    TADORI_ASSIGN_OR_RETURN(v1::LotRecord lot, ReadExistingLot(kAction, view, code));
    if (static_cast<size_t>(lot.erroneous_events_size()) >= kLotErroneousEventsMax) {
      return Refused(Code::kResourceExhausted,
                     "errorDeclaration: lot '" + code + "' already lists " +
                         std::to_string(kLotErroneousEventsMax) + " erroneous events");
    }
    const v1::LotRecord before = lot;
    *lot.add_erroneous_events() = original.ref();
    WriteLot(view, &before, lot);
  }
  const std::string encoded = EncodeRecord(original);
  view.AddIndex(index_keys::Event({original.ref().height(), original.ref().index()}), encoded);
  view.Put(EpcisEventStateKey(event_id), encoded);
  return Status::Ok();
}

}  // namespace

Status ExecuteCaptureEpcisEvent(const Caller& caller, const v1::CaptureEpcisEvent& payload,
                                StateView& view) {
  epcis::MapOutcome outcome = epcis::MapEvent(payload.context_json(), payload.event_json());
  if (!outcome.event.has_value()) return MappingRefusal(outcome.problems);
  epcis::MappedEvent& mapped = *outcome.event;
  TADORI_RETURN_IF_ERROR(CheckId(kAction, "eventID", mapped.kept.event_id(), kIdBytesMax));
  if (mapped.error_declaration.has_value()) return Declare(caller, mapped, view);
  TADORI_RETURN_IF_ERROR(CheckId(kAction, "event hash", mapped.kept.event_hash(), kIdBytesMax));
  TADORI_RETURN_IF_ERROR(CheckNotCaptured(mapped.kept, view));
  v1::EpcisEvent& event = mapped.model;
  TADORI_RETURN_IF_ERROR(ResolveParties(*event.mutable_source_list(), "source_list", view));
  TADORI_RETURN_IF_ERROR(
      ResolveParties(*event.mutable_destination_list(), "destination_list", view));
  TADORI_ASSIGN_OR_RETURN(v1::RecordedEvent recorded,
                          ApplyEvent(caller, event, &mapped.kept, kAction, view));
  const std::string ref = EncodeRecord(recorded.ref());
  view.Put(EpcisEventIdStateKey(mapped.kept.event_id()), ref);
  view.Put(EpcisEventHashStateKey(mapped.kept.event_hash()), ref);
  view.Put(EpcisEventStateKey(mapped.kept.event_id()), EncodeRecord(recorded));
  return Status::Ok();
}

}  // namespace tadori
