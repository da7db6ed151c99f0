// gRPC status <-> tadori::Status, and the one-line error text the tools print.
#pragma once

#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

#include "ledger/status.h"

namespace tadori::client {

// The codes are the same numbers on both sides (ledger/status.h), so this is lossless.
Status FromGrpc(const grpc::Status& status);

// A numeric code as carried in TxResult.code with its message; codes outside gRPC's range
// become UNKNOWN.
Status StatusFromCode(uint32_t code, std::string message);

// "<what>: <CODE_NAME>: <message>", e.g. "fetching status: UNAVAILABLE: failed to connect".
// A message that spans lines is folded onto one line so that an error is one line.
std::string DescribeError(std::string_view what, const Status& status);
inline std::string DescribeError(std::string_view what, const grpc::Status& status) {
  return DescribeError(what, FromGrpc(status));
}

// The gRPC name of a numeric code as carried in TxResult.code ("NOT_FOUND"); codes
// outside gRPC's range print as "CODE_<n>".
std::string CodeNameOf(uint32_t code);

}  // namespace tadori::client
