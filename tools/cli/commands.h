// The CLI's subcommands. Each Add* function registers one command (with its flags and a
// callback) on `app`; the callback runs after parsing and stores its exit code in ctx.
// `ctx` must outlive parsing.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cli/cli_context.h"

namespace tadori::cli {

void AddKeygenCommand(CLI::App& app, CliContext& ctx);  // keygen
void AddStatusCommand(CLI::App& app, CliContext& ctx);  // status
void AddSubmitCommand(CLI::App& app, CliContext& ctx);  // submit
void AddReadCommands(CLI::App& app, CliContext& ctx);   // tx get, block get
void AddFollowCommand(CLI::App& app, CliContext& ctx);  // blocks follow
// lot show, trace back|forward, events
void AddTraceReadCommands(CLI::App& app, CliContext& ctx);
void AddReadingsCommands(CLI::App& app, CliContext& ctx);  // readings, readings sign
void AddRecallCommands(CLI::App& app, CliContext& ctx);    // recall issue|scope
void AddPilotCommands(CLI::App& app, CliContext& ctx);     // pilot list|show|submit|amend|finding
void AddVerifyCommand(CLI::App& app, CliContext& ctx);     // verify (offline, a data directory)
void AddNetworkCommands(CLI::App& app, CliContext& ctx);   // network new (offline, files)
void AddProofCommands(CLI::App& app, CliContext& ctx);     // proof tx|verify
void AddFsmaCommands(CLI::App& app, CliContext& ctx);      // fsma export (FSMA 204 spreadsheet)
void AddEpcisCommands(CLI::App& app, CliContext& ctx);     // epcis check|capture|export
// epcis export, on the `epcis` group AddEpcisCommands makes (epcis_export_command.cc)
void AddEpcisExportCommand(CLI::App& epcis_group, CliContext& ctx);

}  // namespace tadori::cli
