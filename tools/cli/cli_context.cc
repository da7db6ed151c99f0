#include "tools/cli/cli_context.h"

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "tools/client/channel.h"
#include "tools/client/node_address.h"
#include "tools/client/rpc_error.h"

namespace tadori::cli {

namespace {
void PrintErrorLine(std::string_view what, const Status& status) {
  const std::string line = "tadori: " + client::DescribeError(what, status) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}
}  // namespace

int ReportFailure(std::string_view what, const Status& status) {
  PrintErrorLine(what, status);
  return kExitFailure;
}

int ReportUsage(std::string_view what, const Status& status) {
  PrintErrorLine(what, status);
  return kExitUsage;
}

namespace {
// The node address, or nullopt after reporting a bad one.
std::optional<std::string> ChooseNode(CliContext& ctx) {
  std::optional<std::string> flag;
  if (!ctx.node_flag.empty()) flag = ctx.node_flag;
  const std::string env_name(client::kNodeEnvVar);
  Result<std::string> address = client::ResolveNodeAddress(flag, std::getenv(env_name.c_str()));
  if (!address.ok()) {
    ctx.exit_code = ReportUsage("choosing the node", address.status());
    return std::nullopt;
  }
  return *address;
}
}  // namespace

std::unique_ptr<v1::Ledger::Stub> ConnectLedger(CliContext& ctx) {
  std::optional<std::string> address = ChooseNode(ctx);
  if (!address) return nullptr;
  return client::NewLedgerStub(*address);
}

std::unique_ptr<v1::Trace::Stub> ConnectTrace(CliContext& ctx) {
  std::optional<std::string> address = ChooseNode(ctx);
  if (!address) return nullptr;
  return client::NewTraceStub(*address);
}

void PrintLine(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace tadori::cli
