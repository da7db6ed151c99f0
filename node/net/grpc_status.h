// The one mapping from tadori::Status to grpc::Status: the codes are gRPC's one to one, so
// the client sees the most specific code with the message unchanged.
#pragma once

#include <grpcpp/support/status.h>

#include "ledger/status.h"

namespace tadori {

inline grpc::Status ToGrpc(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), status.message());
}

}  // namespace tadori
