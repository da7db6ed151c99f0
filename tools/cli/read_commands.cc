// tadori tx get / block get: one request, one answer.
#include "tools/cli/answer.h"
#include "tools/cli/commands.h"
#include "tools/cli/render.h"
#include "tools/cli/selectors.h"
#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"

namespace tadori::cli {

namespace {

struct ReadOptions {
  std::string target;  // tx id, block height or hash
  bool json = false;
};

int RunTxGet(CliContext& ctx, const ReadOptions& opt) {
  Result<Hash> id = ParseTxId(opt.target);
  if (!id.ok()) return ReportUsage("tx get", id.status());
  auto stub = ConnectLedger(ctx);
  if (stub == nullptr) return ctx.exit_code;
  v1::GetTransactionRequest request;
  request.set_tx_id(id->ToBinaryString());
  grpc::ClientContext call;
  SetReadDeadline(call);
  v1::GetTransactionResponse answer;
  const grpc::Status rpc = stub->GetTransaction(&call, request, &answer);
  if (!rpc.ok()) return ReportFailure("getting transaction " + id->Hex(), client::FromGrpc(rpc));
  return PrintAnswer(answer, opt.json, RenderTransaction);
}

int RunBlockGet(CliContext& ctx, const ReadOptions& opt) {
  Result<v1::GetBlockRequest> request = ParseBlockSelector(opt.target);
  if (!request.ok()) return ReportUsage("block get", request.status());
  auto stub = ConnectLedger(ctx);
  if (stub == nullptr) return ctx.exit_code;
  grpc::ClientContext call;
  SetReadDeadline(call);
  v1::GetBlockResponse answer;
  const grpc::Status rpc = stub->GetBlock(&call, *request, &answer);
  if (!rpc.ok()) return ReportFailure("getting block " + opt.target, client::FromGrpc(rpc));
  return PrintAnswer(answer, opt.json, RenderBlock);
}

// Adds `group get TARGET [--json]` running `run`.
void AddGet(CLI::App& group, CliContext& ctx, const std::string& what, const std::string& arg,
            int (*run)(CliContext&, const ReadOptions&)) {
  auto opt = std::make_shared<ReadOptions>();
  CLI::App* get = group.add_subcommand("get", "show one " + what);
  get->add_option(arg, opt->target, what + " to show")->required();
  get->add_flag("--json", opt->json, "print the response as JSON");
  get->callback([opt, run, &ctx] { ctx.exit_code = run(ctx, *opt); });
}

}  // namespace

void AddReadCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* tx = app.add_subcommand("tx", "transactions");
  tx->require_subcommand(1);
  AddGet(*tx, ctx, "transaction", "ID", RunTxGet);

  CLI::App* block = app.add_subcommand("block", "blocks");
  block->require_subcommand(1);
  AddGet(*block, ctx, "block", "HEIGHT|HASH", RunBlockGet);
}

}  // namespace tadori::cli
