// tadori tx get / block get / lot get: one request, one answer.
#include <chrono>

#include <grpcpp/client_context.h>

#include "tools/cli/commands.h"
#include "tools/cli/render.h"
#include "tools/cli/selectors.h"
#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"

namespace tadori::cli {

namespace {

struct ReadOptions {
  std::string target;  // tx id, block height or hash, lot code
  bool json = false;
};

void SetReadDeadline(grpc::ClientContext& call) {
  call.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(client::kReadDeadlineMs));
}

// Prints the answer as JSON or as the human rendering.
template <typename Message, typename Renderer>
int PrintAnswer(const Message& answer, bool json, Renderer render) {
  if (json) {
    PrintLine(ToJson(answer));
  } else {
    std::string text = render(answer);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    PrintLine(text);
  }
  return kExitOk;
}

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

int RunLotGet(CliContext& ctx, const ReadOptions& opt) {
  auto stub = ConnectLedger(ctx);
  if (stub == nullptr) return ctx.exit_code;
  v1::GetLotRequest request;
  request.set_lot_code(opt.target);
  grpc::ClientContext call;
  SetReadDeadline(call);
  v1::LotRecord answer;
  const grpc::Status rpc = stub->GetLot(&call, request, &answer);
  if (!rpc.ok()) return ReportFailure("getting lot " + opt.target, client::FromGrpc(rpc));
  return PrintAnswer(answer, opt.json, RenderLot);
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

  CLI::App* lot = app.add_subcommand("lot", "traceability lots");
  lot->require_subcommand(1);
  AddGet(*lot, ctx, "lot", "CODE", RunLotGet);
}

}  // namespace tadori::cli
