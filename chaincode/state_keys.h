// The chaincode's state key layout. ledger/store maps these keys into its own private
// LevelDB layout; chaincode sees only these strings.
//
//   "org/" <organisation id>          -> serialized v1::OrgRecord
//   "member/" <key id, 64 lower hex>  -> serialized v1::MemberRecord
//   "device/" <device id>             -> serialized v1::DeviceRecord
//   "location/" <GLN>                 -> serialized v1::LocationRecord
//   "product/" <GTIN>                 -> serialized v1::ProductRecord
//   "lot/" <traceability lot code>    -> serialized v1::LotRecord
//   "held/" <org id> "\0" <lot code>  -> quantity the org holds now, decimal ASCII milli-units
//                                        (present only while > 0; mirrors LotRecord.holdings)
//   "pilot/" <report id>              -> serialized v1::PilotRecord
//   "recall/" <recall id>             -> serialized v1::RecallRecord
//   "recall-queue/" <recall id> "\0" <position>
//                                     -> code of the lot at that position of the recall's
//                                        breadth-first queue; position is 16 lower hex
//                                        digits, so key order is queue order
//   "epcis-id/" <eventID>             -> serialized v1::EventRef of the transaction that captured
//                                        the EPCIS event with that eventID
//   "epcis-hash/" <event hash URI>    -> serialized v1::EventRef, the same by EPCIS event hash
//   "epcis-event/" <eventID>          -> serialized v1::RecordedEvent: the captured event's "e/"
//                                        index entry, kept in state because an EPCIS error
//                                        declaration rewrites that entry (chaincode never
//                                        reads the index)
//   "gs1-prefix/" <GS1 company prefix> -> id of the org whose SGLN first named the prefix
//                                        (chaincode/registry.cc)
//   "recall-waiting/" <recall id> "\0" <lot code>
//                                     -> "" while the lot waits in the recall's queue
// A recall id is the IssueRecall's tx id, 64 lower hex. The queue entries of a recall exist
// only while it is incomplete: each is deleted when its lot is flagged.
//
// The prefixes differ at or before their '/', so no id, key or lot code, whatever bytes it
// holds, makes a key of one kind collide with a key of another.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/keys.h"

namespace tadori {

std::string OrgStateKey(std::string_view org_id);
std::string MemberStateKey(const KeyId& key_id);
std::string DeviceStateKey(std::string_view device_id);
std::string LocationStateKey(std::string_view gln);
std::string ProductStateKey(std::string_view gtin);
std::string LotStateKey(std::string_view lot_code);
std::string HeldStateKey(std::string_view org_id, std::string_view lot_code);
// "held/" <org id> "\0": every lot the org holds, in lot-code order.
std::string HeldStatePrefix(std::string_view org_id);
std::string PilotStateKey(std::string_view report_id);
std::string RecallStateKey(std::string_view recall_id);
std::string RecallQueueStateKey(std::string_view recall_id, uint64_t position);
std::string EpcisEventIdStateKey(std::string_view event_id);
std::string EpcisEventHashStateKey(std::string_view event_hash);
std::string EpcisEventStateKey(std::string_view event_id);
std::string Gs1CompanyPrefixStateKey(std::string_view company_prefix);
std::string RecallWaitingStateKey(std::string_view recall_id, std::string_view lot_code);

}  // namespace tadori
