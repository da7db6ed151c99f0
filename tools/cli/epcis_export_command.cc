// tadori epcis export: events as one EPCIS 2.0 EPCISQueryDocument, from tadori.v1.Trace
// QueryEpcis, paged until the last page and merged (ledger/epcis/query_document.h).
#include <memory>
#include <string>
#include <vector>

#include "ledger/epcis/query_document.h"
#include "ledger/limits.h"
#include "ledger/rfc3339.h"
#include "tools/cli/commands.h"
#include "tools/cli/output_file.h"
#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"

namespace tadori::cli {
namespace {

struct ExportOptions {
  v1::EpcisQuery query;
  std::string out;
};

// --lot, or both --from and --to: an export names what it is about.
Status CheckSelection(const v1::EpcisQuery& q) {
  const bool by_time = !q.time_from().empty() || !q.time_to().empty();
  if (q.lot_code().empty() && !by_time) {
    return Status::InvalidArgument("name the events: --lot TLC, or --from T --to T");
  }
  if (!q.lot_code().empty() && by_time) {
    return Status::InvalidArgument("--lot exports the lot's whole history: leave out --from/--to");
  }
  if (by_time && (q.time_from().empty() || q.time_to().empty())) {
    return Status::InvalidArgument("--from and --to go together");
  }
  for (const std::string* t : {&q.time_from(), &q.time_to()}) {
    if (t->empty()) continue;
    Result<int64_t> parsed = ParseRfc3339Ms(*t);
    if (!parsed.ok()) return parsed.status().WithContext("--from/--to");
  }
  return Status::Ok();
}

int RunExport(CliContext& ctx, const ExportOptions& opt) {
  const Status selection = CheckSelection(opt.query);
  if (!selection.ok()) return ReportUsage("epcis export", selection);
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;

  v1::EpcisQuery query = opt.query;
  query.set_page_size(kQueryPageSizeMax);
  std::vector<std::string> pages;
  uint64_t events = 0;
  uint64_t height = 0;
  while (true) {
    v1::EpcisQueryPage page;
    const grpc::Status rpc = nodes->CallTrace(
        [&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
          return stub.QueryEpcis(&call, query, &page);
        },
        client::kReadDeadlineMs);
    if (!rpc.ok()) return ReportFailure("querying EPCIS events", client::FromGrpc(rpc));
    events += page.event_count();
    height = page.read_at_height();
    pages.push_back(std::move(*page.mutable_document()));
    if (page.next_cursor().empty()) break;
    query.set_cursor(page.next_cursor());
  }
  // The document is as of the last page read: its creation date is that page's.
  Result<epcis::QueryDocumentParts> last = epcis::ReadQueryDocument(pages.back());
  if (!last.ok()) return ReportFailure("reading the node's answer", last.status());
  Result<std::string> document = epcis::MergeQueryDocuments(last->creation_date, pages);
  if (!document.ok()) return ReportFailure("merging the node's answer", document.status());
  const Status written = WriteOutput(opt.out, *document + "\n");
  if (!written.ok()) return ReportFailure("writing the EPCIS document", written);
  if (opt.out != "-") {
    PrintLine("wrote " + std::to_string(events) + " events (read at height " +
              std::to_string(height) + ") as an EPCIS 2.0 EPCISQueryDocument to " + opt.out);
  }
  return kExitOk;
}

}  // namespace

void AddEpcisExportCommand(CLI::App& epcis_group, CliContext& ctx) {
  auto opt = std::make_shared<ExportOptions>();
  CLI::App* cmd = epcis_group.add_subcommand(
      "export",
      "events as one EPCIS 2.0 EPCISQueryDocument (JSON-LD): a lot's history, or the events "
      "of a time range; recordTime is the block time; `tadori epcis check` reads it back");
  cmd->add_option("--lot", *opt->query.mutable_lot_code(), "traceability lot code: its history");
  cmd->add_option("--from", *opt->query.mutable_time_from(),
                  "events at or after this time (RFC 3339), with --to");
  cmd->add_option("--to", *opt->query.mutable_time_to(), "events before this time (RFC 3339)");
  cmd->add_option("--biz-step", *opt->query.mutable_biz_step(),
                  "only events of this CBV business step (short name: shipping)");
  cmd->add_option("--org", *opt->query.mutable_org_id(),
                  "only events recorded by this organisation");
  cmd->add_option("--out", opt->out,
                  "the file to write (replaced whole or not at all), - for stdout")
      ->required();
  cmd->callback([opt, &ctx] { ctx.exit_code = RunExport(ctx, *opt); });
}

}  // namespace tadori::cli
