#include "tools/cli/cli_context.h"

#include <cstdio>
#include <optional>

#include "tools/client/channel.h"
#include "tools/client/rpc_error.h"

namespace tadori::cli {

namespace {
// The setup of this process's connections, once chosen: ReportFailure reads it to tell a node
// that speaks TLS from one that is down. A process runs one command, so there is one.
std::optional<client::ClientSetup> chosen_setup;

void PrintErrorLine(std::string_view what, const Status& status) {
  const std::string line = "tadori: " + client::DescribeError(what, status) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}
}  // namespace

int ReportFailure(std::string_view what, const Status& status) {
  PrintErrorLine(what, status);
  if (chosen_setup) {
    const std::string hint = client::ConnectionHint(*chosen_setup, status);
    if (!hint.empty()) {
      const std::string line = "tadori: hint: " + hint + "\n";
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fflush(stderr);
    }
  }
  return kExitFailure;
}

int ReportUsage(std::string_view what, const Status& status) {
  PrintErrorLine(what, status);
  return kExitUsage;
}

namespace {
// The nodes and TLS identity, or nullptr after reporting a bad setting.
const client::ClientSetup* ChooseSetup(CliContext& ctx) {
  Result<client::ClientSetup> setup = client::ResolveClientSetup(ctx.flags);
  if (!setup.ok()) {
    ctx.exit_code = ReportUsage("choosing the node and TLS identity", setup.status());
    return nullptr;
  }
  chosen_setup = *std::move(setup);
  return &*chosen_setup;
}

// The first of the chosen nodes that accepts a connection, or nullptr as ChooseSetup.
const std::string* ChooseOneNode(CliContext& ctx, const client::ClientSetup** setup) {
  *setup = ChooseSetup(ctx);
  if (*setup == nullptr) return nullptr;
  const client::FailoverPolicy policy;
  const std::vector<std::string>& nodes = (*setup)->nodes;
  return &nodes[client::FirstReachableNode(nodes, policy.connect_timeout_ms, (*setup)->channel)];
}
}  // namespace

std::unique_ptr<client::NodeSet> ConnectNodes(CliContext& ctx) {
  const client::ClientSetup* setup = ChooseSetup(ctx);
  if (setup == nullptr) return nullptr;
  return std::make_unique<client::NodeSet>(setup->nodes, client::FailoverPolicy{}, 0,
                                           setup->channel);
}

std::unique_ptr<v1::Ledger::Stub> ConnectLedger(CliContext& ctx) {
  const client::ClientSetup* setup = nullptr;
  const std::string* address = ChooseOneNode(ctx, &setup);
  if (address == nullptr) return nullptr;
  return client::NewLedgerStub(*address, setup->channel);
}

std::unique_ptr<v1::Trace::Stub> ConnectTrace(CliContext& ctx) {
  const client::ClientSetup* setup = nullptr;
  const std::string* address = ChooseOneNode(ctx, &setup);
  if (address == nullptr) return nullptr;
  return client::NewTraceStub(*address, setup->channel);
}

void PrintLine(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace tadori::cli
