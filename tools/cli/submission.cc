#include "tools/cli/submission.h"

#include <cstdlib>

#include <fmt/format.h>

#include "ledger/hash.h"
#include "tools/cli/render.h"
#include "tools/client/key_file.h"
#include "tools/client/payload_json.h"
#include "tools/client/rpc_error.h"
#include "tools/client/submit.h"

namespace tadori::cli {

namespace {

// Fills `out` from a Submit reply: JSON fields, the human line, and whether it succeeded.
void DescribeReply(const v1::SubmitResponse& response, const SubmitSettings& settings,
                   const std::string& what, const Hash& id, SubmitOutcome& out) {
  out.json["committed"] = response.committed();
  out.json["height"] = response.height();
  out.json["result"] = {{"code", response.result().code()},
                        {"name", client::CodeNameOf(response.result().code())},
                        {"message", response.result().message()}};
  out.line = "tx " + id.Hex() + "  " + out.json["payload"].get<std::string>() + "  ";
  if (settings.no_wait) {
    out.line += "accepted (not waiting for commit)";
    out.ok = true;
  } else if (!response.committed()) {
    out.line += "not committed within " + std::to_string(settings.wait_timeout_ms) + " ms";
    ReportFailure(what + " as tx " + id.Hex(),
                  Status::DeadlineExceeded("not committed within the wait; it may still commit"));
  } else {
    out.line += "committed at height " + std::to_string(response.height()) + "  " +
                FormatResult(response.result());
    out.ok = response.result().code() == 0;
    if (!out.ok) {
      ReportFailure(fmt::format("{} as tx {}: committed at height {} with a refusal", what,
                                id.Hex(), response.height()),
                    client::StatusFromCode(response.result().code(), response.result().message()));
    }
  }
}

}  // namespace

Result<PrivateKey> LoadSigningKey(const std::string& key_flag) {
  std::string key_path = key_flag;
  if (key_path.empty() && std::getenv(client::kKeyEnvVar) != nullptr) {
    key_path = std::getenv(client::kKeyEnvVar);
  }
  return client::LoadPrivateKeyFile(key_path);
}

SubmitOutcome SubmitPayload(client::NodeSet& nodes, const v1::TransactionBody& payload,
                            const PrivateKey& key, const SubmitSettings& settings, size_t index) {
  SubmitOutcome out;
  const std::string name(client::PayloadName(payload));
  const std::string what = "submitting payload " + std::to_string(index) + " (" + name + ")";
  out.json = {{"index", index}, {"payload", name}};
  Result<v1::SignedTransaction> tx = client::PrepareTransaction(nodes, payload, key);
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
  request.set_wait_for_commit(!settings.no_wait);
  request.set_wait_timeout_ms(settings.wait_timeout_ms);
  const client::SubmitAnswer answer = client::SubmitTransaction(nodes, request);
  if (!answer.status.ok()) {
    const Status status = client::FromGrpc(answer.status);
    ReportFailure(what + " as tx " + id.Hex(), status);
    out.json["error"] = {{"code", CodeName(status.code())}, {"message", status.message()}};
    return out;
  }
  DescribeReply(answer.response, settings, what, id, out);
  return out;
}

int SubmitSingle(CliContext& ctx, const v1::TransactionBody& payload, const std::string& key_flag,
                 bool json) {
  Result<PrivateKey> key = LoadSigningKey(key_flag);
  if (!key.ok()) return ReportFailure("loading the signing key", key.status());
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  SubmitOutcome outcome = SubmitPayload(*nodes, payload, *key, SubmitSettings{}, 0);
  if (json) {
    PrintLine(outcome.json.dump());
  } else if (!outcome.line.empty()) {
    PrintLine(outcome.line);
  }
  return outcome.ok ? kExitOk : kExitFailure;
}

}  // namespace tadori::cli
