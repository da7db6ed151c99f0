#include "tools/client/rpc_error.h"

namespace tadori::client {

namespace {
constexpr uint32_t kCodeMax = static_cast<uint32_t>(Code::kUnauthenticated);
}

Status StatusFromCode(uint32_t code, std::string message) {
  if (code == 0) return Status::Ok();
  return Status(code <= kCodeMax ? static_cast<Code>(code) : Code::kUnknown, std::move(message));
}

Status FromGrpc(const grpc::Status& status) {
  return StatusFromCode(static_cast<uint32_t>(status.error_code()), status.error_message());
}

std::string DescribeError(std::string_view what, const Status& status) {
  std::string out(what);
  out += ": ";
  out += CodeName(status.code());
  out += ": ";
  for (char c : status.message()) out += (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

std::string CodeNameOf(uint32_t code) {
  if (code <= kCodeMax) return std::string(CodeName(static_cast<Code>(code)));
  return "CODE_" + std::to_string(code);
}

}  // namespace tadori::client
