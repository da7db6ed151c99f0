#include "tools/cli/cli_context.h"

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "tools/client/channel.h"
#include "tools/client/node_address.h"
#include "tools/client/node_list.h"
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
// The node list, or nullopt after reporting a bad one.
std::optional<std::vector<std::string>> ChooseNodes(CliContext& ctx) {
  std::optional<std::string> flag;
  if (!ctx.node_flag.empty()) flag = ctx.node_flag;
  const std::string env_name(client::kNodeEnvVar);
  Result<std::vector<std::string>> nodes =
      client::ResolveNodeList(flag, std::getenv(env_name.c_str()));
  if (!nodes.ok()) {
    ctx.exit_code = ReportUsage("choosing the node", nodes.status());
    return std::nullopt;
  }
  return std::move(*nodes);
}

// The first of the chosen nodes that accepts a connection, or nullopt as ChooseNodes.
std::optional<std::string> ChooseOneNode(CliContext& ctx) {
  std::optional<std::vector<std::string>> nodes = ChooseNodes(ctx);
  if (!nodes) return std::nullopt;
  const client::FailoverPolicy policy;
  return (*nodes)[client::FirstReachableNode(*nodes, policy.connect_timeout_ms)];
}
}  // namespace

std::unique_ptr<client::NodeSet> ConnectNodes(CliContext& ctx) {
  std::optional<std::vector<std::string>> nodes = ChooseNodes(ctx);
  if (!nodes) return nullptr;
  return std::make_unique<client::NodeSet>(std::move(*nodes));
}

std::unique_ptr<v1::Ledger::Stub> ConnectLedger(CliContext& ctx) {
  std::optional<std::string> address = ChooseOneNode(ctx);
  if (!address) return nullptr;
  return client::NewLedgerStub(*address);
}

std::unique_ptr<v1::Trace::Stub> ConnectTrace(CliContext& ctx) {
  std::optional<std::string> address = ChooseOneNode(ctx);
  if (!address) return nullptr;
  return client::NewTraceStub(*address);
}

void PrintLine(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace tadori::cli
