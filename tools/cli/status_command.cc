// tadori status: what the node says about its chain and, on a network, its peers.
#include <grpcpp/client_context.h>

#include "tools/cli/commands.h"
#include "tools/cli/render.h"
#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"

namespace tadori::cli {

namespace {

int RunStatus(CliContext& ctx, bool json) {
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  v1::StatusResponse status;
  const grpc::Status rpc = nodes->CallLedger(
      [&](v1::Ledger::Stub& stub, grpc::ClientContext& call) {
        return stub.Status(&call, v1::StatusRequest(), &status);
      },
      client::kReadDeadlineMs);
  if (!rpc.ok()) return ReportFailure("fetching status", client::FromGrpc(rpc));
  if (json) {
    PrintLine(ToJson(status));
  } else {
    std::string text = RenderStatus(status);
    text.pop_back();
    PrintLine(text);
  }
  return kExitOk;
}

}  // namespace

void AddStatusCommand(CLI::App& app, CliContext& ctx) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd =
      app.add_subcommand("status", "chain id, height, round, validators and peers of the node");
  cmd->add_flag("--json", *json, "print the StatusResponse as JSON");
  cmd->callback([json, &ctx] { ctx.exit_code = RunStatus(ctx, *json); });
}

}  // namespace tadori::cli
