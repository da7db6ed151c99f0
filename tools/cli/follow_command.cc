// tadori blocks follow: one line per committed block, until interrupted.
//
// Ctrl-C ends the process with the default SIGINT action; every line is flushed as it is
// printed, so nothing already shown is lost and pipes see each block at once.
#include <grpcpp/client_context.h>

#include "tools/cli/commands.h"
#include "tools/cli/render.h"
#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"

namespace tadori::cli {

namespace {

struct FollowOptions {
  int64_t from = -1;  // -1: the block after the current head
  bool json = false;
};

int RunFollow(CliContext& ctx, const FollowOptions& opt) {
  auto stub = ConnectLedger(ctx);
  if (stub == nullptr) return ctx.exit_code;
  uint64_t from = 0;
  if (opt.from >= 0) {
    from = static_cast<uint64_t>(opt.from);
  } else {
    Result<client::ChainHead> head = client::FetchChainHead(*stub);
    if (!head.ok()) return ReportFailure("fetching status", head.status());
    from = head->height + 1;
  }
  v1::StreamBlocksRequest request;
  request.set_from_height(from);
  grpc::ClientContext call;  // no deadline: the stream lives until the user stops it
  auto stream = stub->StreamBlocks(&call, request);
  v1::GetBlockResponse block;
  while (stream->Read(&block)) {
    PrintLine(opt.json ? ToJson(block) : RenderBlockLine(block));
  }
  const grpc::Status end = stream->Finish();
  if (!end.ok()) return ReportFailure("following blocks", client::FromGrpc(end));
  return kExitOk;
}

}  // namespace

void AddFollowCommand(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<FollowOptions>();
  CLI::App* blocks = app.add_subcommand("blocks", "streams of blocks");
  blocks->require_subcommand(1);
  CLI::App* follow = blocks->add_subcommand(
      "follow", "print each block as it commits (one JSON object per line with --json)");
  follow->add_option("--from", opt->from, "first height to print (default: the next block)")
      ->check(CLI::NonNegativeNumber);
  follow->add_flag("--json", opt->json, "one GetBlockResponse JSON object per line");
  follow->callback([opt, &ctx] { ctx.exit_code = RunFollow(ctx, *opt); });
}

}  // namespace tadori::cli
