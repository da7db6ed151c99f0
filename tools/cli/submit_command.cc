// tadori submit: sign payloads from a JSON file with a member key and submit them in order.
//
// Each payload gets chain id, nonce, expiry (head + kDefaultValidityBlocks) and client time
// from client::PrepareTransaction. Submission stops at the first payload that fails: a
// refused request (gRPC error) or a committed transaction whose result is not OK.
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>
#include <grpcpp/client_context.h>
#include <nlohmann/json.hpp>

#include "ledger/hash.h"
#include "tools/cli/commands.h"
#include "tools/cli/render.h"
#include "tools/client/key_file.h"
#include "tools/client/payload_json.h"
#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"

namespace tadori::cli {

namespace {

// A payload file is data a person or script wrote; 64 MiB is far beyond any sane batch.
constexpr size_t kPayloadFileBytesMax = 64 * 1024 * 1024;
constexpr uint32_t kWaitTimeoutMsMax = 60'000;  // the node's own bound on a commit wait
constexpr int kSubmitSlackMs = 5'000;           // beyond the wait, for the call itself

struct SubmitOptions {
  std::string file;
  std::string key_file;
  bool no_wait = false;
  bool json = false;
  uint32_t wait_timeout_ms = 10'000;
};

struct Outcome {
  nlohmann::json json;
  std::string line;
  bool ok = false;
};

// Fills `out` from a Submit reply: JSON fields, the human line, and whether it succeeded.
void DescribeReply(const v1::SubmitResponse& response, const SubmitOptions& opt,
                   const std::string& what, const Hash& id, Outcome& out) {
  out.json["committed"] = response.committed();
  out.json["height"] = response.height();
  out.json["result"] = {{"code", response.result().code()},
                        {"name", client::CodeNameOf(response.result().code())},
                        {"message", response.result().message()}};
  out.line = "tx " + id.Hex() + "  " + out.json["payload"].get<std::string>() + "  ";
  if (opt.no_wait) {
    out.line += "accepted (not waiting for commit)";
    out.ok = true;
  } else if (!response.committed()) {
    out.line += "not committed within " + std::to_string(opt.wait_timeout_ms) + " ms";
    ReportFailure(what + " as tx " + id.Hex(),
                  Status::DeadlineExceeded("not committed within the wait; it may still commit"));
  } else {
    out.line += "committed at height " + std::to_string(response.height()) + "  " +
                FormatResult(response.result());
    out.ok = response.result().code() == 0;
    if (!out.ok) {
      // Committed, but chaincode refused it: the chain records the refusal, the user's
      // intent did not happen.
      ReportFailure(fmt::format("{} as tx {}: committed at height {} with a refusal", what,
                                id.Hex(), response.height()),
                    client::StatusFromCode(response.result().code(), response.result().message()));
    }
  }
}

Outcome SubmitOne(v1::Ledger::Stub& stub, const v1::TransactionBody& payload, const PrivateKey& key,
                  const SubmitOptions& opt, size_t index) {
  Outcome out;
  const std::string name(client::PayloadName(payload));
  const std::string what = "submitting payload " + std::to_string(index) + " (" + name + ")";
  out.json = {{"index", index}, {"payload", name}};
  Result<v1::SignedTransaction> tx = client::PrepareTransaction(stub, payload, key);
  if (!tx.ok()) {
    ReportFailure(what + ": fetching status", tx.status());
    out.json["error"] = {{"code", CodeName(tx.status().code())},
                         {"message", tx.status().message()}};
    return out;
  }
  const Hash id = Sha256(AsBytes(tx->body()));
  out.json["txId"] = id.Hex();

  v1::SubmitRequest request;
  *request.mutable_tx() = *tx;
  request.set_wait_for_commit(!opt.no_wait);
  request.set_wait_timeout_ms(opt.wait_timeout_ms);
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(opt.wait_timeout_ms + kSubmitSlackMs));
  v1::SubmitResponse response;
  const grpc::Status rpc = stub.Submit(&call, request, &response);
  if (!rpc.ok()) {
    const Status status = client::FromGrpc(rpc);
    ReportFailure(what + " as tx " + id.Hex(), status);
    out.json["error"] = {{"code", CodeName(status.code())}, {"message", status.message()}};
    return out;
  }
  DescribeReply(response, opt, what, id, out);
  return out;
}

int RunSubmit(CliContext& ctx, const SubmitOptions& opt) {
  if (opt.wait_timeout_ms == 0 || opt.wait_timeout_ms > kWaitTimeoutMsMax) {
    return ReportUsage(
        "--wait-timeout-ms",
        Status::InvalidArgument("must be in 1.." + std::to_string(kWaitTimeoutMsMax)));
  }
  Result<std::string> text = client::ReadInputFile(opt.file, kPayloadFileBytesMax);
  if (!text.ok()) return ReportFailure("reading payloads", text.status());
  Result<std::vector<v1::TransactionBody>> payloads = client::ParsePayloads(*text);
  if (!payloads.ok()) {
    const std::string source = opt.file == "-" ? "standard input" : opt.file;
    return ReportFailure("reading payloads from " + source, payloads.status());
  }
  std::string key_path = opt.key_file;
  if (key_path.empty() && std::getenv(client::kKeyEnvVar) != nullptr) {
    key_path = std::getenv(client::kKeyEnvVar);
  }
  Result<PrivateKey> key = client::LoadPrivateKeyFile(key_path);
  if (!key.ok()) return ReportFailure("loading the signing key", key.status());
  auto stub = ConnectLedger(ctx);
  if (stub == nullptr) return ctx.exit_code;

  // An array file gets an array of outcomes even when it holds one payload.
  const size_t first = text->find_first_not_of(" \t\r\n");
  const bool array_input = first != std::string::npos && (*text)[first] == '[';
  nlohmann::json all = nlohmann::json::array();
  int exit_code = kExitOk;
  for (size_t i = 0; i < payloads->size(); ++i) {
    Outcome outcome = SubmitOne(*stub, (*payloads)[i], *key, opt, i);
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
  cmd->add_flag("--no-wait", opt->no_wait, "return once the node accepts, before commit");
  cmd->add_option("--wait-timeout-ms", opt->wait_timeout_ms, "how long the node waits for commit")
      ->capture_default_str();
  cmd->add_flag("--json", opt->json, "print the outcome as JSON (an array for an array file)");
  cmd->callback([opt, &ctx] { ctx.exit_code = RunSubmit(ctx, *opt); });
}

}  // namespace tadori::cli
