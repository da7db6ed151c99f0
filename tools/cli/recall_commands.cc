// tadori recall issue / continue / scope.
//
// issue and continue submit their payload like every command that builds one (submission.h),
// then read the recall's record from the node (RecallScope of its origin lot) and print how
// far it got: a recall too big for one transaction commits what it flagged, and the line
// names the `tadori recall continue` command that takes it on. With --json the outcome object
// gains "recall": the RecallRecord in protobuf JSON.
#include <nlohmann/json.hpp>

#include "tools/cli/answer.h"
#include "tools/cli/commands.h"
#include "tools/cli/recall_render.h"
#include "tools/cli/selectors.h"
#include "tools/cli/submission.h"
#include "tools/client/rpc_error.h"

namespace tadori::cli {

namespace {

// The record of `recall_id` as the scope of `lot_code` shows it. NOT_FOUND when the lot no
// longer carries the recall's flag (its issuer's newer recalls took the lot's share).
Result<v1::RecallRecord> FetchRecallRecord(client::NodeSet& nodes, const std::string& lot_code,
                                           const std::string& recall_id) {
  v1::RecallScopeRequest request;
  request.set_lot_code(lot_code);
  v1::RecallScopeResponse scope;
  const grpc::Status rpc = nodes.CallTrace(
      [&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
        return stub.RecallScope(&call, request, &scope);
      },
      client::kReadDeadlineMs);
  if (!rpc.ok()) return client::FromGrpc(rpc);
  for (const v1::RecallRecord& record : scope.records()) {
    if (record.recall_id() == recall_id) return record;
  }
  return Status::NotFound("lot " + lot_code + " no longer shows recall " + recall_id);
}

// The lot a recall named, from its issue_recall transaction.
Result<std::string> FetchRecallOrigin(client::NodeSet& nodes, const Hash& recall_id) {
  v1::GetTransactionRequest request;
  request.set_tx_id(recall_id.ToBinaryString());
  v1::GetTransactionResponse tx;
  const grpc::Status rpc = nodes.CallLedger(
      [&](v1::Ledger::Stub& stub, grpc::ClientContext& call) {
        return stub.GetTransaction(&call, request, &tx);
      },
      client::kReadDeadlineMs);
  if (!rpc.ok()) return client::FromGrpc(rpc);
  if (!tx.body().has_issue_recall()) {
    return Status::InvalidArgument("transaction " + recall_id.Hex() + " is not an issue_recall");
  }
  return tx.body().issue_recall().lot_code();
}

// Submits `payload` (issue_recall or continue_recall) and prints its outcome and how far
// the recall got. `origin` finds the recall's origin lot once it committed.
template <typename OriginFinder>
int SubmitRecall(CliContext& ctx, const v1::TransactionBody& payload, const std::string& key_flag,
                 bool json, OriginFinder origin) {
  Result<PrivateKey> key = LoadSigningKey(key_flag);
  if (!key.ok()) return ReportFailure("loading the signing key", key.status());
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  SubmitOutcome outcome = SubmitPayload(*nodes, payload, *key, SubmitSettings{}, 0);
  const auto print_outcome = [&] {
    if (json) {
      PrintLine(outcome.json.dump());
    } else if (!outcome.line.empty()) {
      PrintLine(outcome.line);
    }
  };
  if (!outcome.ok) {
    print_outcome();
    return kExitFailure;
  }
  const std::string recall_id = payload.has_issue_recall() ? outcome.json["txId"].get<std::string>()
                                                           : payload.continue_recall().recall_id();
  Result<std::string> lot_code = origin(*nodes);
  Result<v1::RecallRecord> record =
      lot_code.ok() ? FetchRecallRecord(*nodes, *lot_code, recall_id) : lot_code.status();
  if (!record.ok()) {
    print_outcome();
    return ReportFailure("recall " + recall_id + " committed; reading how far it got",
                         record.status());
  }
  if (json) {
    outcome.json["recall"] = nlohmann::json::parse(ToJson(*record));
    print_outcome();
  } else {
    print_outcome();
    std::string progress = RenderRecallProgress(*record);
    progress.pop_back();
    PrintLine(progress);
  }
  return kExitOk;
}

struct IssueOptions {
  std::string lot_code;
  std::string reason;
  std::string key_file;
  bool json = false;
};

int RunIssue(CliContext& ctx, const IssueOptions& opt) {
  if (opt.reason.empty()) {
    return ReportUsage("recall issue", Status::InvalidArgument("--reason must not be empty"));
  }
  v1::TransactionBody payload;
  payload.mutable_issue_recall()->set_lot_code(opt.lot_code);
  payload.mutable_issue_recall()->set_reason(opt.reason);
  return SubmitRecall(ctx, payload, opt.key_file, opt.json,
                      [&](client::NodeSet&) -> Result<std::string> { return opt.lot_code; });
}

struct ContinueOptions {
  std::string recall_id;
  std::string key_file;
  bool json = false;
};

int RunContinue(CliContext& ctx, const ContinueOptions& opt) {
  Result<Hash> id = ParseTxId(opt.recall_id);
  if (!id.ok()) return ReportUsage("recall continue", id.status());
  v1::TransactionBody payload;
  payload.mutable_continue_recall()->set_recall_id(id->Hex());
  return SubmitRecall(ctx, payload, opt.key_file, opt.json,
                      [&](client::NodeSet& nodes) { return FetchRecallOrigin(nodes, *id); });
}

struct ScopeOptions {
  std::string lot_code;
  bool json = false;
};

int RunScope(CliContext& ctx, const ScopeOptions& opt) {
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  v1::RecallScopeRequest request;
  request.set_lot_code(opt.lot_code);
  v1::RecallScopeResponse answer;
  const grpc::Status rpc = nodes->CallTrace(
      [&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
        return stub.RecallScope(&call, request, &answer);
      },
      client::kReadDeadlineMs);
  if (!rpc.ok()) {
    return ReportFailure("getting the recall scope of " + opt.lot_code, client::FromGrpc(rpc));
  }
  return PrintAnswer(answer, opt.json, RenderRecallScopeWithProgress);
}

}  // namespace

void AddRecallCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* recall = app.add_subcommand("recall", "recalls of lots and what they reach");
  recall->require_subcommand(1);

  auto issue_opt = std::make_shared<IssueOptions>();
  CLI::App* issue = recall->add_subcommand(
      "issue", "recall a lot and everything downstream (a regulator, or the lot's creator)");
  issue->add_option("TLC", issue_opt->lot_code, "traceability lot code")->required();
  issue->add_option("--reason", issue_opt->reason, "why, as the notice will say")->required();
  issue->add_option("--key", issue_opt->key_file, "signing key (default: $TADORI_KEY)");
  issue->add_flag("--json", issue_opt->json, "print the outcome as JSON");
  issue->callback([issue_opt, &ctx] { ctx.exit_code = RunIssue(ctx, *issue_opt); });

  auto continue_opt = std::make_shared<ContinueOptions>();
  CLI::App* next = recall->add_subcommand(
      "continue",
      "flag the next lots of a recall too big for one transaction (its issuer, or a regulator)");
  next->add_option("RECALL_ID", continue_opt->recall_id, "the recall's id (its issue tx id)")
      ->required();
  next->add_option("--key", continue_opt->key_file, "signing key (default: $TADORI_KEY)");
  next->add_flag("--json", continue_opt->json, "print the outcome as JSON");
  next->callback([continue_opt, &ctx] { ctx.exit_code = RunContinue(ctx, *continue_opt); });

  auto scope_opt = std::make_shared<ScopeOptions>();
  CLI::App* scope = recall->add_subcommand(
      "scope", "the recalls on a lot, how far each got, the affected lots and their holders");
  scope->add_option("TLC", scope_opt->lot_code, "a recalled lot (origin or downstream)")
      ->required();
  scope->add_flag("--json", scope_opt->json, "print the RecallScopeResponse as JSON");
  scope->callback([scope_opt, &ctx] { ctx.exit_code = RunScope(ctx, *scope_opt); });
}

}  // namespace tadori::cli
