// How chaincode stores its records: serialized protobuf, one record per state key.
#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/message_lite.h>

#include "ledger/state.h"
#include "ledger/status.h"

namespace tadori {

// Serializes `record` with protobuf's deterministic serialization, so every validator
// writes the same bytes for the same record.
std::string EncodeRecord(const google::protobuf::MessageLite& record);

// Reads `key` into `record`. Returns true when the key holds a record, false when it is
// absent (`record` is then left cleared). INTERNAL when the store fails or the bytes do
// not decode: both are local failures, never a transaction's fault.
Result<bool> ReadRecord(const StateReader& state, std::string_view key,
                        google::protobuf::MessageLite& record);

}  // namespace tadori
