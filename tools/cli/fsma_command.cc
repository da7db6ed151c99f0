// tadori fsma export: the FDA FSMA 204 Electronic Sortable Spreadsheet of a lot or of a time
// window, read from a node's Trace API (what: fsma_select.h, rows: fsma_rows.h, files:
// fsma_csv.h, fsma_xlsx.h).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/limits.h"
#include "tools/cli/commands.h"
#include "tools/cli/fsma_csv.h"
#include "tools/cli/fsma_rows.h"
#include "tools/cli/fsma_select.h"
#include "tools/cli/fsma_xlsx.h"
#include "tools/client/key_file.h"
#include "tools/client/payload_json.h"
#include "tools/client/rpc_error.h"
#include "tools/client/transaction_builder.h"

namespace tadori::cli {

namespace {

constexpr size_t kLocationFileBytesMax = 64 * 1024 * 1024;

// The Trace API of the nodes behind --node, failing over as every command does.
class NodeTraceSource final : public fsma::TraceSource {
 public:
  explicit NodeTraceSource(client::NodeSet& nodes) : nodes_(nodes) {}

  Result<v1::EventPage> LotHistory(const v1::LotHistoryRequest& request) override {
    v1::EventPage page;
    TADORI_RETURN_IF_ERROR(Call([&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
      return stub.LotHistory(&call, request, &page);
    }));
    return page;
  }
  Result<v1::EventPage> QueryEvents(const v1::EventQuery& request) override {
    v1::EventPage page;
    TADORI_RETURN_IF_ERROR(Call([&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
      return stub.QueryEvents(&call, request, &page);
    }));
    return page;
  }
  Result<v1::TraceGraph> Trace(const v1::TraceRequest& request, bool forward) override {
    v1::TraceGraph graph;
    TADORI_RETURN_IF_ERROR(Call([&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
      return forward ? stub.TraceForward(&call, request, &graph)
                     : stub.TraceBack(&call, request, &graph);
    }));
    return graph;
  }
  Result<v1::LotView> GetLot(const std::string& lot_code) override {
    v1::GetLotRequest request;
    request.set_lot_code(lot_code);
    v1::LotView view;
    TADORI_RETURN_IF_ERROR(Call([&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
      return stub.GetLot(&call, request, &view);
    }));
    return view;
  }

 private:
  Status Call(const client::NodeSet::TraceCall& call) {
    return client::FromGrpc(nodes_.CallTrace(call, client::kReadDeadlineMs));
  }
  client::NodeSet& nodes_;
};

struct FsmaExportOptions {
  std::string lot;
  std::string from;
  std::string to;
  uint32_t depth = 10;
  bool forward = false;
  std::string format;
  std::string out;
  std::vector<std::string> location_files;
};

// The registerLocation entries of payload files (the setup files that registered them):
// names and addresses for the location columns, which the Trace API does not serve.
Status LoadLocations(const std::vector<std::string>& files, fsma::SourceDirectory& directory) {
  for (const std::string& file : files) {
    Result<std::string> text = client::ReadInputFile(file, kLocationFileBytesMax);
    if (!text.ok()) return text.status().WithContext("reading " + file);
    Result<std::vector<v1::TransactionBody>> payloads = client::ParsePayloads(*text);
    if (!payloads.ok()) return payloads.status().WithContext("reading payloads from " + file);
    for (const v1::TransactionBody& body : *payloads) {
      if (!body.has_register_location()) continue;
      v1::LocationRecord record;
      *record.mutable_location() = body.register_location();
      directory.AddLocation(std::move(record));
    }
  }
  return Status::Ok();
}

std::string RowCounts(const fsma::RowBuilder& builder) {
  std::string text;
  for (size_t i = 0; i < fsma::Sheets().size(); ++i) {
    if (builder.rows()[i] == 0) continue;
    if (!text.empty()) text += ", ";
    text += std::string(fsma::Sheets()[i].name) + " " + std::to_string(builder.rows()[i]);
  }
  return text.empty() ? "no rows" : text;
}

int RunFsmaExport(CliContext& ctx, const FsmaExportOptions& opt) {
  const bool by_lot = !opt.lot.empty();
  if (by_lot == (!opt.from.empty() || !opt.to.empty())) {
    return ReportUsage("fsma export",
                       Status::InvalidArgument("give either --lot TLC or --from/--to times"));
  }
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  NodeTraceSource source(*nodes);
  fsma::SourceDirectory directory(source);
  if (Status loaded = LoadLocations(opt.location_files, directory); !loaded.ok()) {
    return ReportFailure("reading --locations", loaded);
  }

  // --lot reads its events before anything is written, so that a lot that is not there or
  // a node that does not answer leaves no files; a time window streams into open files.
  std::optional<fsma::LotEvents> selected;
  if (by_lot) {
    fsma::LotSelection selection{opt.lot, opt.depth, opt.forward};
    Result<fsma::LotEvents> read = fsma::CollectLotEvents(source, selection);
    if (!read.ok()) return ReportFailure("reading the events of " + opt.lot, read.status());
    selected = std::move(*read);
  }

  std::unique_ptr<fsma::CsvWriter> csv;
  std::unique_ptr<fsma::XlsxWriter> xlsx;
  fsma::RowSink* sink = nullptr;
  if (opt.format == "csv") {
    Result<std::unique_ptr<fsma::CsvWriter>> opened = fsma::CsvWriter::Open(opt.out);
    if (!opened.ok()) return ReportFailure("starting the csv files", opened.status());
    csv = std::move(*opened);
    sink = csv.get();
  } else {
    Result<std::unique_ptr<fsma::XlsxWriter>> opened = fsma::XlsxWriter::Open(opt.out);
    if (!opened.ok()) return ReportFailure("starting the workbook", opened.status());
    xlsx = std::move(*opened);
    sink = xlsx.get();
  }

  fsma::RowBuilder builder(directory, *sink);
  uint64_t events = 0;
  std::string note;
  const auto add = [&](const v1::RecordedEvent& event) -> Status {
    ++events;
    TADORI_RETURN_IF_ERROR(builder.Add(event));
    return directory.status();  // a lot lookup that failed for another reason than NOT_FOUND
  };
  if (selected.has_value()) {
    for (const v1::RecordedEvent& event : selected->events) {
      if (Status added = add(event); !added.ok()) {
        return ReportFailure("building the rows", added);
      }
    }
    note = std::to_string(selected->lots.size()) + " lots";
    if (selected->truncated) note += ", trace truncated at its depth or node limit";
  } else {
    Status read = fsma::ForEachEventInTime(source, opt.from, opt.to, add);
    if (!read.ok()) return ReportFailure("reading the events", read);
  }
  const Status closed = csv != nullptr ? csv->Close() : xlsx->Close();
  if (!closed.ok()) return ReportFailure("writing " + opt.out, closed);

  std::string summary =
      "wrote " + RowCounts(builder) + " (from " + std::to_string(events) + " events";
  if (!note.empty()) summary += ", " + note;
  if (builder.skipped() > 0) {
    summary += "; " + std::to_string(builder.skipped()) + " record no critical tracking event";
  }
  if (builder.erroneous() > 0) {
    summary += "; " + std::to_string(builder.erroneous()) + " declared erroneous, marked";
  }
  if (xlsx != nullptr && xlsx->truncated_cells() > 0) {
    summary += "; " + std::to_string(xlsx->truncated_cells()) + " cells cut to 32767 characters";
  }
  PrintLine(summary + ") as " + opt.format + " to " + opt.out);
  return kExitOk;
}

}  // namespace

void AddFsmaCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* fsma = app.add_subcommand("fsma", "FDA FSMA 204 records");
  fsma->require_subcommand(1);
  auto opt = std::make_shared<FsmaExportOptions>();
  CLI::App* cmd = fsma->add_subcommand(
      "export",
      "the Electronic Sortable Spreadsheet: one sheet per critical tracking event, one row per "
      "lot of each event, the TLC and its source on every row");
  CLI::Option* lot =
      cmd->add_option("--lot", opt->lot,
                      "a traceability lot code: its events and those of the lots it was made "
                      "from (--depth levels back)");
  CLI::Option* from =
      cmd->add_option("--from", opt->from, "RFC 3339 event time, inclusive (instead of --lot)");
  CLI::Option* to = cmd->add_option("--to", opt->to, "RFC 3339 event time, exclusive");
  lot->excludes(from)->excludes(to);
  cmd->add_option("--depth", opt->depth, "--lot: transformation levels to follow (0: the lot only)")
      ->check(CLI::Range(0u, kTraceDepthMax))
      ->capture_default_str();
  cmd->add_flag("--forward", opt->forward, "--lot: also the lots made from it");
  cmd->add_option("--format", opt->format,
                  "csv (a directory of <Sheet name>.csv files) or xlsx (one workbook)")
      ->check(CLI::IsMember({"csv", "xlsx"}))
      ->required();
  cmd->add_option("--out", opt->out, "csv: the directory; xlsx: the workbook file")->required();
  cmd->add_option("--locations", opt->location_files,
                  "payload files that registered locations (registerLocation entries, e.g. "
                  "tools/data/kyushu/0*-setup.json): names and addresses for the location "
                  "columns, which otherwise show the GLN only");
  cmd->callback([opt, &ctx] { ctx.exit_code = RunFsmaExport(ctx, *opt); });
}

}  // namespace tadori::cli
