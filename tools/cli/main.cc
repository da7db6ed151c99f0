// tadori: the command-line client of a tadori node.
#include <CLI/CLI.hpp>

#include "tools/cli/cli_context.h"
#include "tools/cli/commands.h"
#include "tools/client/client_config.h"
#include "tools/client/node_address.h"

int main(int argc, char** argv) {
  using namespace tadori::cli;
  CliContext ctx;
  CLI::App app{"tadori: command-line client of a tadori ledger node"};
  app.name("tadori");
  app.require_subcommand(1);
  // Global flags may also follow the subcommand: `tadori status --node host:7050`.
  app.fallthrough();
  app.add_option("--node", ctx.flags.node,
                 "node address HOST:PORT, or the comma-separated nodes of one network; a call "
                 "moves on to the next when a node cannot be reached (default: $TADORI_NODE, "
                 "else node in the config file, else " +
                     std::string(tadori::client::kDefaultNodeAddress) + ")");
  // TLS to the node's client API and who the caller is.
  tadori::client::AddClientConfigFlags(app, ctx.flags);

  AddKeygenCommand(app, ctx);
  AddStatusCommand(app, ctx);
  AddSubmitCommand(app, ctx);
  AddReadCommands(app, ctx);
  AddFollowCommand(app, ctx);
  AddTraceReadCommands(app, ctx);
  AddReadingsCommands(app, ctx);
  AddRecallCommands(app, ctx);
  AddPilotCommands(app, ctx);
  AddVerifyCommand(app, ctx);
  AddNetworkCommands(app, ctx);
  AddProofCommands(app, ctx);
  AddFsmaCommands(app, ctx);
  AddEpcisCommands(app, ctx);

  // CLI11 reports bad command lines (and --help) by exception; they stop here.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return ctx.exit_code;
}
