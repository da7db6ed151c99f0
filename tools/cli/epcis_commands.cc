// tadori epcis check|capture: EPCIS 2.0 JSON-LD documents in (export: epcis_export_command.cc).
//
// check reads a document offline (epcis_check.h). capture checks it the same way and sends
// nothing unless every event maps; then it signs one CaptureEpcisEvent transaction per
// event and sends them in order, in batches, through Ledger.Capture, failing over between
// the nodes of --node as every command does (client/failover.h). Each event is answered on
// its own: captured, already captured (the chain has it, by eventID or event hash: the
// original transaction is named) or refused. A refusal does not undo the events before it;
// since capture is idempotent, the fix is to correct the document and run the same command
// again.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ledger/hash.h"
#include "ledger/limits.h"
#include "ledger/transaction.h"
#include "ledger/wall_clock.h"
#include "tools/cli/commands.h"
#include "tools/cli/epcis_check.h"
#include "tools/cli/submission.h"
#include "tools/client/key_file.h"
#include "tools/client/rpc_error.h"
#include "tools/client/submit.h"

namespace tadori::cli {

namespace {

// Ledger.Capture's own bound on transactions per request (node/api/ledger_service.h).
constexpr size_t kCaptureBatchMax = 1000;
constexpr size_t kCaptureBatchDefault = 200;
// Bytes of signed transactions per request: well under what a node's client API receives
// (kBlockSizeBytesMax), so that a batch of large events is never refused for its size.
constexpr size_t kCaptureRequestBytesMax = 4 * 1024 * 1024;
// How long a node may take to check and admit a batch, beyond any commit wait.
constexpr int kCaptureAdmitMs = 30'000;

enum class Outcome { kCaptured, kAlreadyCaptured, kRefused, kPending, kNotSent };

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kCaptured:
      return "captured";
    case Outcome::kAlreadyCaptured:
      return "already_captured";
    case Outcome::kRefused:
      return "refused";
    case Outcome::kPending:
      return "pending";
    case Outcome::kNotSent:
      return "not_sent";
  }
  return "unknown";
}

struct EventResult {
  Outcome outcome = Outcome::kNotSent;
  std::string tx_id;           // hex; empty when never signed
  std::string original_tx_id;  // hex, already captured by another transaction
  bool committed = false;      // --wait: known committed
  uint64_t height = 0;
  std::string code;  // refused, pending, not sent: the gRPC code name
  std::string message;
};

struct CaptureOptions {
  std::string file;
  std::string key_file;
  bool wait = false;
  uint32_t wait_timeout_ms = client::kSubmitWaitMsDefault;
  size_t batch = kCaptureBatchDefault;
  bool json = false;
};

std::string HexOf(const std::string& binary) {
  auto hash = Hash::FromBytes(AsBytes(binary));
  return hash.ok() ? hash->Hex() : std::string();
}

// What the node answered for one transaction, as this client reads it. `resent`: the
// request went out more than once (failover), so an ALREADY_EXISTS naming this very
// transaction, or admission's "already pending/committed", means an earlier attempt got it in.
EventResult ReadOutcome(const v1::CaptureOutcome& answer, const std::string& tx_id, bool resent,
                        bool wait) {
  EventResult r;
  r.tx_id = tx_id;
  const std::string original = HexOf(answer.original_tx_id());
  switch (static_cast<Code>(answer.code())) {
    case Code::kOk:
      break;
    case Code::kAlreadyExists:
      if (!original.empty() && original != tx_id) {
        r.outcome = Outcome::kAlreadyCaptured;
        r.original_tx_id = original;
        r.message = answer.message();
        return r;
      }
      if (original == tx_id || resent) {
        // This transaction itself is on the chain or pending: an earlier attempt sent it.
        r.outcome = Outcome::kCaptured;
        r.message = answer.message();
        return r;
      }
      [[fallthrough]];
    default:
      r.outcome = static_cast<Code>(answer.code()) == Code::kDeadlineExceeded ? Outcome::kPending
                                                                              : Outcome::kRefused;
      r.code = client::CodeNameOf(answer.code());
      r.message = answer.message();
      return r;
  }
  r.outcome = Outcome::kCaptured;
  if (!wait) return r;
  if (!answer.committed()) {
    r.outcome = Outcome::kPending;
    r.code = "DEADLINE_EXCEEDED";
    r.message = "not committed within the wait";
    return r;
  }
  r.committed = true;
  r.height = answer.height();
  const uint32_t result = answer.result().code();
  if (result == 0) return r;
  // Committed with a refusal: chaincode found it captured meanwhile (two captures of one
  // event pending at once) or refused what it asks.
  r.outcome = static_cast<Code>(result) == Code::kAlreadyExists ? Outcome::kAlreadyCaptured
                                                                : Outcome::kRefused;
  r.code = client::CodeNameOf(result);
  r.message = "committed at height " + std::to_string(answer.height()) +
              " with a refusal: " + answer.result().message();
  return r;
}

std::string ResultLine(size_t index, const epcis::DocumentEvent& event, const std::string& event_id,
                       const EventResult& r) {
  std::string line = fmt::format("event {} {}", index, event_id.empty() ? event.pointer : event_id);
  switch (r.outcome) {
    case Outcome::kCaptured:
      line += (r.committed ? "  captured  tx " : "  accepted  tx ") + r.tx_id;
      if (r.committed) line += fmt::format("  at height {}", r.height);
      if (!r.committed && r.message.empty()) line += "  (not waiting for the commit)";
      if (!r.message.empty()) line += "  (sent by an earlier attempt: " + r.message + ")";
      break;
    case Outcome::kAlreadyCaptured:
      line += r.original_tx_id.empty()
                  ? "  already captured: " + r.code + ": " + r.message
                  : "  already captured by tx " + r.original_tx_id + "  (" + r.message + ")";
      break;
    case Outcome::kRefused:
      line += "  refused  " + r.code + ": " + r.message;
      break;
    case Outcome::kPending:
      line += "  pending  tx " + r.tx_id + "  " + r.message;
      break;
    case Outcome::kNotSent:
      line += "  not sent  " + r.code + ": " + r.message;
      break;
  }
  return line;
}

nlohmann::json ResultJson(size_t index, const epcis::DocumentEvent& event,
                          const std::string& event_id, const EventResult& r) {
  nlohmann::json out = {{"index", index},
                        {"pointer", event.pointer},
                        {"eventId", event_id},
                        {"outcome", OutcomeName(r.outcome)}};
  if (!r.tx_id.empty()) out["txId"] = r.tx_id;
  if (!r.original_tx_id.empty()) out["originalTxId"] = r.original_tx_id;
  if (r.outcome == Outcome::kCaptured) out["committed"] = r.committed;
  if (r.committed) out["height"] = r.height;
  if (!r.code.empty()) out["code"] = r.code;
  if (!r.message.empty()) out["message"] = r.message;
  return out;
}

// Signs the events [first, first + count) at the current head and sends them in one
// Capture request; fills their results. False when the node never answered the request.
bool CaptureBatch(client::NodeSet& nodes, const PrivateKey& key, const CaptureOptions& opt,
                  const epcis::SplitDocument& document, size_t first, size_t count,
                  std::vector<EventResult>& results) {
  Result<client::ChainHead> head = client::FetchChainHead(nodes);
  auto fail_all = [&](const Status& status) {
    for (size_t i = first; i < first + count; ++i) {
      results[i].outcome = Outcome::kNotSent;
      results[i].code = std::string(CodeName(status.code()));
      results[i].message = std::string(status.message());
    }
    return false;
  };
  if (!head.ok()) return fail_all(head.status());
  v1::CaptureRequest request;
  request.set_wait_for_commit(opt.wait);
  request.set_wait_timeout_ms(opt.wait ? opt.wait_timeout_ms : 0);
  std::vector<std::string> ids;
  for (size_t i = first; i < first + count; ++i) {
    const v1::TransactionBody body =
        client::CompleteBody(CapturePayload(document, i), *head, WallClockMs());
    *request.add_txs() = SignTransaction(body, key);
    ids.push_back(Sha256(AsBytes(request.txs(request.txs_size() - 1).body())).Hex());
    results[i].tx_id = ids.back();
  }
  v1::CaptureResponse response;
  int attempts = 0;
  const int deadline_ms = kCaptureAdmitMs + (opt.wait ? static_cast<int>(opt.wait_timeout_ms) : 0);
  const grpc::Status rpc = nodes.CallLedger(
      [&](v1::Ledger::Stub& stub, grpc::ClientContext& context) {
        response.Clear();
        return stub.Capture(&context, request, &response);
      },
      deadline_ms, &attempts);
  if (!rpc.ok()) {
    const Status status = client::FromGrpc(rpc);
    ReportFailure(fmt::format("capturing events {}..{}", first, first + count - 1), status);
    return fail_all(status);
  }
  if (static_cast<size_t>(response.outcomes_size()) != count) {
    return fail_all(Status::Internal(fmt::format("the node answered {} outcomes for {} events",
                                                 response.outcomes_size(), count)));
  }
  for (size_t k = 0; k < count; ++k) {
    results[first + k] =
        ReadOutcome(response.outcomes(static_cast<int>(k)), ids[k], attempts > 1, opt.wait);
  }
  return true;
}

int RunCapture(CliContext& ctx, const CaptureOptions& opt) {
  if (opt.wait_timeout_ms == 0 || opt.wait_timeout_ms > kSubmitWaitMsMax) {
    return ReportUsage(
        "--wait-timeout-ms",
        Status::InvalidArgument("must be in 1.." + std::to_string(kSubmitWaitMsMax)));
  }
  if (opt.batch == 0 || opt.batch > kCaptureBatchMax) {
    return ReportUsage(
        "--batch", Status::InvalidArgument("must be in 1.." + std::to_string(kCaptureBatchMax)));
  }
  const std::string source = opt.file == "-" ? "standard input" : opt.file;
  Result<std::string> text = ReadEpcisFile(opt.file);
  if (!text.ok()) return ReportFailure("reading " + source, text.status());
  const epcis::CheckedDocument checked = epcis::CheckDocument(*text);
  const std::vector<epcis::Problem> problems = CaptureProblems(checked);
  if (!problems.empty()) {
    const std::string lines = RenderEpcisProblems(problems);
    std::fwrite(lines.data(), 1, lines.size(), stdout);
    std::fflush(stdout);
    return ReportFailure(
        "epcis capture " + source,
        Status::FailedPrecondition(fmt::format(
            "{} problem(s) in the document; nothing was sent (a document is captured only when "
            "every event maps): fix them and run again",
            problems.size())));
  }
  const epcis::SplitDocument& document = checked.document;
  const size_t n = document.events.size();
  if (n == 0) {
    PrintLine(opt.json ? nlohmann::json({{"events", nlohmann::json::array()}}).dump()
                       : "the document has no events; nothing to capture");
    return kExitOk;
  }
  Result<PrivateKey> key = LoadSigningKey(opt.key_file);
  if (!key.ok()) return ReportFailure("loading the signing key", key.status());
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;

  std::vector<EventResult> results(n);
  for (size_t i = 0; i < n; ++i) {
    results[i].code = "ABORTED";
    results[i].message = "not sent: an earlier batch was not answered";
  }
  // Batches of at most opt.batch events and kCaptureRequestBytesMax bytes, in document order.
  size_t first = 0;
  while (first < n) {
    size_t count = 0;
    size_t bytes = 0;
    while (first + count < n && count < opt.batch) {
      const size_t event_bytes =
          document.context_json.size() + document.events[first + count].event_json.size() + 512;
      if (count > 0 && bytes + event_bytes > kCaptureRequestBytesMax) break;
      bytes += event_bytes;
      ++count;
    }
    if (!CaptureBatch(*nodes, *key, opt, document, first, count, results)) break;
    first += count;
  }

  size_t counts[5] = {0, 0, 0, 0, 0};
  nlohmann::json events = nlohmann::json::array();
  for (size_t i = 0; i < n; ++i) {
    const std::string& event_id = checked.events[i].kept.event_id();
    counts[static_cast<size_t>(results[i].outcome)]++;
    if (opt.json) {
      events.push_back(ResultJson(i, document.events[i], event_id, results[i]));
    } else {
      PrintLine(ResultLine(i, document.events[i], event_id, results[i]));
    }
  }
  const size_t captured = counts[static_cast<size_t>(Outcome::kCaptured)];
  const size_t already = counts[static_cast<size_t>(Outcome::kAlreadyCaptured)];
  const size_t refused = counts[static_cast<size_t>(Outcome::kRefused)];
  const size_t pending = counts[static_cast<size_t>(Outcome::kPending)];
  const size_t not_sent = counts[static_cast<size_t>(Outcome::kNotSent)];
  if (opt.json) {
    PrintLine(nlohmann::json({{"events", events},
                              {"captured", captured},
                              {"alreadyCaptured", already},
                              {"refused", refused},
                              {"pending", pending},
                              {"notSent", not_sent}})
                  .dump());
  } else {
    PrintLine(
        fmt::format("{} event(s): {} captured, {} already captured, {} refused, {} pending, "
                    "{} not sent",
                    n, captured, already, refused, pending, not_sent));
  }
  if (refused + pending + not_sent == 0) return kExitOk;
  return ReportFailure(
      "epcis capture " + source,
      Status(Code::kAborted,
             fmt::format("{} event(s) not captured (what was captured stays). Fix what was "
                         "refused and run the same command again: events already captured "
                         "answer \"already captured\"",
                         refused + pending + not_sent)));
}

void AddCheckCommand(CLI::App& group, CliContext& ctx) {
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = group.add_subcommand(
      "check", "check an EPCIS 2.0 JSON-LD document offline: valid, and every event mappable");
  cmd->add_option("FILE", *file, "EPCISDocument or EPCISQueryDocument, or - for standard input")
      ->required();
  cmd->add_flag("--json", *json, "print the summary or the problems as JSON");
  cmd->callback([file, json, &ctx] {
    const EpcisCheckReport report = CheckEpcisFile(*file, *json);
    std::fwrite(report.out.data(), 1, report.out.size(), stdout);
    std::fflush(stdout);
    std::fwrite(report.err.data(), 1, report.err.size(), stderr);
    std::fflush(stderr);
    ctx.exit_code = report.exit_code;
  });
}

void AddCaptureCommand(CLI::App& group, CliContext& ctx) {
  auto opt = std::make_shared<CaptureOptions>();
  CLI::App* cmd = group.add_subcommand(
      "capture",
      "check an EPCIS 2.0 document, then capture each event in a signed transaction of its own");
  cmd->add_option("FILE", opt->file, "EPCISDocument or EPCISQueryDocument, or - for standard input")
      ->required();
  cmd->add_option("--key", opt->key_file,
                  std::string("private key file (default: $") + client::kKeyEnvVar + ")");
  cmd->add_flag("--wait", opt->wait, "wait until each event's transaction is committed");
  cmd->add_option("--wait-timeout-ms", opt->wait_timeout_ms,
                  "with --wait: how long the node waits for the commits of one batch")
      ->capture_default_str();
  cmd->add_option("--batch", opt->batch, "events per Capture request (1..1000)")
      ->capture_default_str();
  cmd->add_flag("--json", opt->json, "print the outcomes as JSON");
  cmd->callback([opt, &ctx] { ctx.exit_code = RunCapture(ctx, *opt); });
}

}  // namespace

void AddEpcisCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* group =
      app.add_subcommand("epcis", "EPCIS 2.0 JSON-LD documents: check, capture, export");
  group->require_subcommand(1);
  AddCheckCommand(*group, ctx);
  AddCaptureCommand(*group, ctx);
  AddEpcisExportCommand(*group, ctx);
}

}  // namespace tadori::cli
