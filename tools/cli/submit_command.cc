// tadori submit: sign payloads from a JSON file with a member key and submit them in order.
//
// The file holds TransactionBody payloads in protobuf JSON (client/payload_json.h): any
// payload kind, EPCIS events (recordEvent), device-signed readings (submitReadings, as made
// by `tadori readings sign`), recalls, pilot reports. Submission stops at the first payload
// that fails (see submission.h).
#include <nlohmann/json.hpp>

#include "ledger/limits.h"
#include "tools/cli/commands.h"
#include "tools/cli/submission.h"
#include "tools/client/key_file.h"
#include "tools/client/payload_json.h"

namespace tadori::cli {

namespace {

// A payload file is data a person or script wrote; 64 MiB is far beyond any sane batch.
constexpr size_t kPayloadFileBytesMax = 64 * 1024 * 1024;

struct SubmitOptions {
  std::string file;
  std::string key_file;
  bool json = false;
  SubmitSettings settings;
};

int RunSubmit(CliContext& ctx, const SubmitOptions& opt) {
  if (opt.settings.wait_timeout_ms == 0 || opt.settings.wait_timeout_ms > kSubmitWaitMsMax) {
    return ReportUsage(
        "--wait-timeout-ms",
        Status::InvalidArgument("must be in 1.." + std::to_string(kSubmitWaitMsMax)));
  }
  Result<std::string> text = client::ReadInputFile(opt.file, kPayloadFileBytesMax);
  if (!text.ok()) return ReportFailure("reading payloads", text.status());
  Result<std::vector<v1::TransactionBody>> payloads = client::ParsePayloads(*text);
  if (!payloads.ok()) {
    const std::string source = opt.file == "-" ? "standard input" : opt.file;
    return ReportFailure("reading payloads from " + source, payloads.status());
  }
  Result<PrivateKey> key = LoadSigningKey(opt.key_file);
  if (!key.ok()) return ReportFailure("loading the signing key", key.status());
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;

  // An array file gets an array of outcomes even when it holds one payload.
  const size_t first = text->find_first_not_of(" \t\r\n");
  const bool array_input = first != std::string::npos && (*text)[first] == '[';
  nlohmann::json all = nlohmann::json::array();
  int exit_code = kExitOk;
  for (size_t i = 0; i < payloads->size(); ++i) {
    SubmitOutcome outcome = SubmitPayload(*nodes, (*payloads)[i], *key, opt.settings, i);
    all.push_back(outcome.json);
    if (!opt.json && !outcome.line.empty()) PrintLine(outcome.line);
    if (!outcome.ok) {
      exit_code = kExitFailure;
      if (i + 1 < payloads->size()) {
        const size_t skipped = payloads->size() - i - 1;
        ReportFailure("submit", Status(Code::kAborted, "stopped; " + std::to_string(skipped) +
                                                           " later payload(s) not submitted"));
      }
      break;
    }
  }
  if (opt.json) PrintLine(array_input ? all.dump() : all.at(0).dump());
  return exit_code;
}

}  // namespace

void AddSubmitCommand(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<SubmitOptions>();
  CLI::App* cmd = app.add_subcommand(
      "submit", "sign and submit TransactionBody payloads (protobuf JSON; an object or an array)");
  cmd->add_option("FILE", opt->file, "payload file, or - for standard input")->required();
  cmd->add_option("--key", opt->key_file,
                  std::string("private key file (default: $") + client::kKeyEnvVar + ")");
  cmd->add_flag("--no-wait", opt->settings.no_wait, "return once the node accepts, before commit");
  cmd->add_option("--wait-timeout-ms", opt->settings.wait_timeout_ms,
                  "how long the node waits for commit")
      ->capture_default_str();
  cmd->add_flag("--json", opt->json, "print the outcome as JSON (an array for an array file)");
  cmd->callback([opt, &ctx] { ctx.exit_code = RunSubmit(ctx, *opt); });
}

}  // namespace tadori::cli
