// What the CLI prints for each node response: human text, or JSON for --json.
//
// JSON output is the response message in protobuf's JSON mapping (lowerCamelCase names,
// bytes as base64, 64-bit integers as strings, fields at their default value included),
// the same text grpcurl prints, so scripts can use either. Objects the CLI builds itself
// (keygen, submit results) spell bytes as lower-case hex.
#pragma once

#include <cstdint>
#include <string>

#include <google/protobuf/message.h>

#include "tadori/v1/ledger.pb.h"

namespace tadori::cli {

// One line of JSON for `message` (no trailing newline).
std::string ToJson(const google::protobuf::Message& message);

// "2026-11-25T16:07:18.123Z" for a Unix time in ms; "-" for 0 (never set).
std::string FormatTimeMs(int64_t unix_ms);

// Hex of a protobuf bytes field; "-" when empty.
std::string HexOrDash(const std::string& bytes);

// "5000.000" for 5000000 milli-units: exact integer arithmetic, no floating point.
std::string FormatMilli(int64_t milli);

// "OK" or "NOT_FOUND: lot L1 does not exist".
std::string FormatResult(const v1::TxResult& result);

std::string RenderStatus(const v1::StatusResponse& status);
std::string RenderBlock(const v1::GetBlockResponse& block);
// One line per block for `tadori blocks follow` (no trailing newline).
std::string RenderBlockLine(const v1::GetBlockResponse& block);
std::string RenderTransaction(const v1::GetTransactionResponse& tx);

}  // namespace tadori::cli
