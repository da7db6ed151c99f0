// tadori recall issue / recall scope.
#include "tools/cli/answer.h"
#include "tools/cli/commands.h"
#include "tools/cli/lot_render.h"
#include "tools/cli/submission.h"
#include "tools/client/rpc_error.h"

namespace tadori::cli {

namespace {

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
  return SubmitSingle(ctx, payload, opt.key_file, opt.json);
}

struct ScopeOptions {
  std::string lot_code;
  bool json = false;
};

int RunScope(CliContext& ctx, const ScopeOptions& opt) {
  auto stub = ConnectTrace(ctx);
  if (stub == nullptr) return ctx.exit_code;
  v1::RecallScopeRequest request;
  request.set_lot_code(opt.lot_code);
  grpc::ClientContext call;
  SetReadDeadline(call);
  v1::RecallScopeResponse answer;
  const grpc::Status rpc = stub->RecallScope(&call, request, &answer);
  if (!rpc.ok()) {
    return ReportFailure("getting the recall scope of " + opt.lot_code, client::FromGrpc(rpc));
  }
  return PrintAnswer(answer, opt.json, RenderRecallScope);
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

  auto scope_opt = std::make_shared<ScopeOptions>();
  CLI::App* scope = recall->add_subcommand(
      "scope", "the recalls on a lot, the affected lots and the organisations holding them");
  scope->add_option("TLC", scope_opt->lot_code, "a recalled lot (origin or downstream)")
      ->required();
  scope->add_flag("--json", scope_opt->json, "print the RecallScopeResponse as JSON");
  scope->callback([scope_opt, &ctx] { ctx.exit_code = RunScope(ctx, *scope_opt); });
}

}  // namespace tadori::cli
