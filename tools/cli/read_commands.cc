// tadori tx get / block get: one request, one answer. tadori tx check: is each of a list of
// transactions committed.
#include <algorithm>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tools/cli/answer.h"
#include "tools/cli/commands.h"
#include "tools/cli/render.h"
#include "tools/cli/selectors.h"
#include "tools/client/key_file.h"
#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"
#include "tools/client/tx_id_list.h"

namespace tadori::cli {

namespace {

struct ReadOptions {
  std::string target;  // tx id, block height or hash
  bool json = false;
};

int RunTxGet(CliContext& ctx, const ReadOptions& opt) {
  Result<Hash> id = ParseTxId(opt.target);
  if (!id.ok()) return ReportUsage("tx get", id.status());
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  v1::GetTransactionRequest request;
  request.set_tx_id(id->ToBinaryString());
  v1::GetTransactionResponse answer;
  const grpc::Status rpc = nodes->CallLedger(
      [&](v1::Ledger::Stub& stub, grpc::ClientContext& call) {
        return stub.GetTransaction(&call, request, &answer);
      },
      client::kReadDeadlineMs);
  if (!rpc.ok()) return ReportFailure("getting transaction " + id->Hex(), client::FromGrpc(rpc));
  return PrintAnswer(answer, opt.json, RenderTransaction);
}

int RunBlockGet(CliContext& ctx, const ReadOptions& opt) {
  Result<v1::GetBlockRequest> request = ParseBlockSelector(opt.target);
  if (!request.ok()) return ReportUsage("block get", request.status());
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  v1::GetBlockResponse answer;
  const grpc::Status rpc = nodes->CallLedger(
      [&](v1::Ledger::Stub& stub, grpc::ClientContext& call) {
        return stub.GetBlock(&call, *request, &answer);
      },
      client::kReadDeadlineMs);
  if (!rpc.ok()) return ReportFailure("getting block " + opt.target, client::FromGrpc(rpc));
  return PrintAnswer(answer, opt.json, RenderBlock);
}

// What `tx check` found: how many ids are committed (split by result) and which are not.
struct CheckTally {
  size_t committed_ok = 0;
  size_t committed_refused = 0;  // on the chain with a result that is not OK
  uint64_t height_min = 0;
  uint64_t height_max = 0;
  std::vector<std::string> missing;  // hex ids, in file order
};

// Looks up every id of the file; any answer but found or NOT_FOUND ends the check, since it
// says nothing about the transaction.
int RunTxCheck(CliContext& ctx, const ReadOptions& opt) {
  Result<std::string> text = client::ReadInputFile(opt.target, client::kTxIdListBytesMax);
  if (!text.ok()) return ReportFailure("reading transaction ids", text.status());
  Result<std::vector<Hash>> ids = client::ParseTxIdList(*text);
  if (!ids.ok()) return ReportUsage("tx check " + opt.target, ids.status());
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  CheckTally tally;
  for (const Hash& id : *ids) {
    v1::GetTransactionRequest request;
    request.set_tx_id(id.ToBinaryString());
    v1::GetTransactionResponse answer;
    const grpc::Status rpc = nodes->CallLedger(
        [&](v1::Ledger::Stub& stub, grpc::ClientContext& call) {
          return stub.GetTransaction(&call, request, &answer);
        },
        client::kReadDeadlineMs);
    if (rpc.error_code() == grpc::StatusCode::NOT_FOUND) {
      tally.missing.push_back(id.Hex());
      continue;
    }
    if (!rpc.ok()) return ReportFailure("getting transaction " + id.Hex(), client::FromGrpc(rpc));
    const bool first = tally.committed_ok + tally.committed_refused == 0;
    (answer.result().code() == 0 ? tally.committed_ok : tally.committed_refused) += 1;
    tally.height_min = first ? answer.height() : std::min(tally.height_min, answer.height());
    tally.height_max = std::max(tally.height_max, answer.height());
  }
  if (opt.json) {
    PrintLine(nlohmann::json{{"checked", ids->size()},
                             {"committedOk", tally.committed_ok},
                             {"committedRefused", tally.committed_refused},
                             {"heightMin", tally.height_min},
                             {"heightMax", tally.height_max},
                             {"missing", tally.missing}}
                  .dump());
  } else {
    for (const std::string& id : tally.missing) PrintLine("missing " + id);
    PrintLine(
        fmt::format("checked {} transaction ids: {} committed OK, {} committed with a "
                    "refusal (heights {}..{}), {} not committed",
                    ids->size(), tally.committed_ok, tally.committed_refused, tally.height_min,
                    tally.height_max, tally.missing.size()));
  }
  if (tally.missing.empty()) return kExitOk;
  return ReportFailure(
      "tx check",
      Status::NotFound(fmt::format("{} of {} transactions are not committed on {}",
                                   tally.missing.size(), ids->size(), nodes->current_address())));
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
  auto check_opt = std::make_shared<ReadOptions>();
  CLI::App* check = tx->add_subcommand(
      "check", "check that every transaction of a file of ids (one per line) is committed");
  check->add_option("FILE", check_opt->target, "file of transaction ids, or - for standard input")
      ->required();
  check->add_flag("--json", check_opt->json, "print the tally as JSON");
  check->callback([check_opt, &ctx] { ctx.exit_code = RunTxCheck(ctx, *check_opt); });

  CLI::App* block = app.add_subcommand("block", "blocks");
  block->require_subcommand(1);
  AddGet(*block, ctx, "block", "HEIGHT|HASH", RunBlockGet);
}

}  // namespace tadori::cli
