// Transaction payloads written by people: the protobuf JSON mapping of TransactionBody.
//
// A payload file holds one object or an array of objects, each a TransactionBody with
// exactly one payload set, e.g.
//   {"registerProduct": {"gtin": "04912345000017", "description": "Cabbage, winter",
//                        "onFoodTraceabilityList": true}}
// (tools/data/kyushu/ has one file for every payload kind, EPCIS events included).
// Field names may be lowerCamelCase or the .proto snake_case. The envelope fields
// (chainId, nonce, validUntilHeight, createdAtMs) are the client's job, so a file that
// sets them is refused rather than silently overridden.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "ledger/status.h"
#include "tadori/v1/transaction.pb.h"

namespace tadori::client {

// Most payloads one file may hold: a bound on what a typo'd generator can make us sign.
inline constexpr size_t kPayloadFileEntriesMax = 100'000;

// The payloads in `json`, in file order. INVALID_ARGUMENT, naming the entry ("payload 3")
// and the problem, for: text that is not JSON, anything but an object or a non-empty array
// of objects, more than kPayloadFileEntriesMax entries, unknown fields or wrong types, an
// entry with no payload, and an entry that sets an envelope field.
Result<std::vector<v1::TransactionBody>> ParsePayloads(std::string_view json);

// The name of the payload set in `body` ("record_event"), or "none".
std::string_view PayloadName(const v1::TransactionBody& body);

}  // namespace tadori::client
