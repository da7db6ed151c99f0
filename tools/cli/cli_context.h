// State shared by the CLI's commands: the global flags and the process exit code.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ledger/status.h"
#include "tadori/v1/ledger.grpc.pb.h"
#include "tadori/v1/trace.grpc.pb.h"
#include "tools/client/client_config.h"
#include "tools/client/failover.h"

namespace tadori::cli {

// Exit codes: 0 success, 1 a request or operation failed, 2 the command line was wrong.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct CliContext {
  // --node, --ca, --cert, --cert-key, --config as given; empty when absent. What they and
  // their environment variables and config file mean: client/client_config.h.
  client::ClientFlags flags;
  int exit_code = kExitOk;
};

// Prints "tadori: <what>: <CODE>: <message>" on stderr and returns kExitFailure. When an
// UNAVAILABLE failure looks like a TLS mismatch (a TLS node called in plaintext, a plaintext
// node with --ca, a node outside the CA bundle), a second line says so
// (client::ConnectionHint).
int ReportFailure(std::string_view what, const Status& status);
// Same line, for command-line mistakes found after parsing; returns kExitUsage.
int ReportUsage(std::string_view what, const Status& status);

// The nodes named by --node / $TADORI_NODE / the config file / the default: one address, or
// a comma-separated list of the nodes of one network, which calls fail over between
// (client/failover.h), over TLS when a CA bundle is given (client/client_config.h). On a bad
// list, config file or TLS file it reports the usage error, sets ctx.exit_code and returns
// nullptr.
std::unique_ptr<client::NodeSet> ConnectNodes(CliContext& ctx);

// A Ledger stub for one of those nodes, the first that accepts a connection, for an exchange
// that stays with one node (a stream). nullptr as ConnectNodes.
std::unique_ptr<v1::Ledger::Stub> ConnectLedger(CliContext& ctx);
// The same for the Trace service (lots, traces, events, readings, recalls, pilot reports).
std::unique_ptr<v1::Trace::Stub> ConnectTrace(CliContext& ctx);

// Prints `text` and a newline to stdout and flushes (streamed output reaches pipes at once).
void PrintLine(std::string_view text);

}  // namespace tadori::cli
