// The stateless rules of record_event: the EPCIS 2.0 shape of an event and the FSMA 204 key
// data elements of its critical tracking event. Private to chaincode/; events.cc applies
// them before it touches any lot.
#pragma once

#include <string_view>

#include "chaincode/contracts.h"

namespace tadori {

// The CBV 2.0 business steps chaincode accepts (short names).
bool IsKnownBizStep(std::string_view biz_step);

// OBJECT ADD with one of these business steps creates the lots of its quantity_list.
bool IsCreatingBizStep(std::string_view biz_step);

// Checks the event's shape; on success returns event_time as Unix milliseconds.
// INVALID_ARGUMENT "record_event: <field> ..." for:
//   - type unspecified; TRANSFORMATION with an action, other types (OBJECT, AGGREGATION,
//     TRANSACTION, ASSOCIATION) without one;
//   - event_time not RFC 3339, event_time_zone_offset not +HH:MM, or the two disagreeing;
//   - biz_step not a known CBV step (TRANSFORMATION: empty or "transforming");
//   - quantity_list empty (or present on a TRANSFORMATION), input/output lists empty on a
//     TRANSFORMATION (or present on another type), beyond kEventQuantityElementsMax;
//   - an element without lot_code, product or unit, quantity_milli <= 0, a lot code
//     repeated in one list, or an output lot that is also an input;
//   - a party whose type is not owning_party, possessing_party or location, or without id;
//     a bizTransaction without type or id; lists beyond their limits;
//   - ILMD on an event other than OBJECT ADD and TRANSFORMATION, or an ILMD date that is
//     not YYYY-MM-DD;
//   - a text field beyond its limit, or an id holding a NUL byte (ids end with "\0" in keys).
Result<int64_t> CheckEventShape(const v1::EpcisEvent& event);

// Checks the FSMA 204 key data elements of the critical tracking event `cte`
// (CriticalTrackingEvent(event)) that the event itself must carry. INVALID_ARGUMENT naming
// the missing field and the KDE, e.g. "record_event: shipping: destination_list needs a
// location (FSMA 204 KDE: location description for the immediate subsequent recipient)".
// OK for cte "".
Status CheckKeyDataElements(const v1::EpcisEvent& event, std::string_view cte);

// Applies one EPCIS event (events.cc): every rule of record_event, refusals prefixed by
// `verb` ("record_event", "capture_epcis_event"). Writes the lots and the event's index
// entries into `view`; the "e/" entry's RecordedEvent carries `kept` when it is not null (an
// event captured from an EPCIS document). Returns that RecordedEvent.
Result<v1::RecordedEvent> ApplyEvent(const Caller& caller, const v1::EpcisEvent& event,
                                     const v1::CapturedEpcis* kept, std::string_view verb,
                                     StateView& view);

// The id of the first party of `type` in `parties`, or "" when none.
std::string_view FirstParty(const google::protobuf::RepeatedPtrField<v1::PartyRef>& parties,
                            std::string_view type);
// How many parties of `type` the list has.
int CountParties(const google::protobuf::RepeatedPtrField<v1::PartyRef>& parties,
                 std::string_view type);

}  // namespace tadori
