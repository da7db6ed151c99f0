// tadori readings: sensor readings recorded on the chain (by lot or by device), and
// `tadori readings sign`, which plays the device: it signs a ReadingBatch with the device's
// key and writes the SubmitReadings payload that a member of the device's org submits.

#include <algorithm>

#include <google/protobuf/util/json_util.h>

#include "ledger/limits.h"
#include "tools/cli/answer.h"
#include "tools/cli/commands.h"
#include "tools/cli/event_render.h"
#include "tools/cli/journey_reader.h"
#include "tools/cli/output_file.h"
#include "tools/cli/readings_plot.h"
#include "tools/client/key_file.h"
#include "tools/client/readings_signature.h"
#include "tools/client/rpc_error.h"

namespace tadori::cli {

namespace {

constexpr uint64_t kReadingLimitMax = 1'000'000;
constexpr size_t kBatchFileBytesMax = 1024 * 1024;  // far beyond one transaction's 64 KiB

struct ReadingsOptions {
  v1::ReadingsQuery query;
  uint64_t limit = 1000;
  bool json = false;
  std::string plot;  // SVG file to draw, "-" for stdout; empty: print a table
};

// Follows next_cursor until `limit` readings are collected or the service has no more; the
// answer's next_cursor says whether there are more.
Result<v1::ReadingsPage> ReadReadings(client::NodeSet& nodes, v1::ReadingsQuery query,
                                      uint64_t limit) {
  v1::ReadingsPage all;
  while (static_cast<uint64_t>(all.readings_size()) < limit) {
    const uint64_t wanted = limit - static_cast<uint64_t>(all.readings_size());
    query.set_page_size(static_cast<uint32_t>(std::min<uint64_t>(wanted, kQueryPageSizeMax)));
    v1::ReadingsPage page;
    const grpc::Status rpc = nodes.CallTrace(
        [&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
          return stub.GetReadings(&call, query, &page);
        },
        client::kReadDeadlineMs);
    if (!rpc.ok()) return client::FromGrpc(rpc);
    if (all.read_at_height() == 0) all.set_read_at_height(page.read_at_height());
    for (v1::RecordedReading& r : *page.mutable_readings()) {
      if (static_cast<uint64_t>(all.readings_size()) == limit) break;
      *all.add_readings() = std::move(r);
    }
    all.set_next_cursor(page.next_cursor());
    if (page.next_cursor().empty() || page.readings_size() == 0) break;
    query.set_cursor(page.next_cursor());
  }
  return all;
}

// --plot: the lot's readings, its product's storage ranges and its excursion records.
int PlotReadings(client::NodeSet& nodes, const ReadingsOptions& opt) {
  const std::string& lot_code = opt.query.lot_code();
  v1::GetLotRequest request;
  request.set_lot_code(lot_code);
  v1::LotView lot;
  const grpc::Status rpc =
      nodes.CallTrace([&](v1::Trace::Stub& stub,
                          grpc::ClientContext& call) { return stub.GetLot(&call, request, &lot); },
                      client::kReadDeadlineMs);
  if (!rpc.ok()) return ReportFailure("getting lot " + lot_code, client::FromGrpc(rpc));
  Result<v1::ReadingsPage> page = ReadReadings(nodes, opt.query, opt.limit);
  if (!page.ok()) return ReportFailure("getting readings", page.status());
  Result<LotJourney> journey = ReadLotJourney(nodes, lot_code);
  if (!journey.ok()) {
    return ReportFailure("reading the history of lot " + lot_code, journey.status());
  }
  if (page->readings_size() == 0) {
    return ReportFailure(
        "plotting readings",
        Status::NotFound("no readings are recorded for lot " + lot_code +
                         (opt.query.time_from().empty() && opt.query.time_to().empty()
                              ? ""
                              : " in that time range") +
                         "; nothing plotted"));
  }
  ReadingsPlotInput input;
  input.lot_code = lot_code;
  input.readings.assign(page->readings().begin(), page->readings().end());
  input.storage.assign(lot.product().product().storage().begin(),
                       lot.product().product().storage().end());
  input.excursions.assign(lot.lot().excursions().begin(), lot.lot().excursions().end());
  input.hops = std::move(journey->hops);
  input.unit = journey->unit;
  input.read_at_height = page->read_at_height();
  input.truncated = !page->next_cursor().empty();
  const Status written = WriteOutput(opt.plot, ReadingsPlotSvg(input));
  if (!written.ok()) return ReportFailure("writing the plot", written);
  if (opt.plot != "-") {
    PrintLine("wrote " + std::to_string(input.readings.size()) + " readings of lot " + lot_code +
              " (" + std::to_string(lot.lot().excursions_size()) + " excursion(s)) to " + opt.plot);
  }
  return kExitOk;
}

int RunReadings(CliContext& ctx, const ReadingsOptions& opt) {
  const bool by_lot = !opt.query.lot_code().empty();
  const bool by_device = !opt.query.device_id().empty();
  if (by_lot == by_device) {
    return ReportUsage("readings",
                       Status::InvalidArgument("give exactly one of --lot and --device"));
  }
  if (!opt.plot.empty() && (!by_lot || opt.json)) {
    return ReportUsage("readings",
                       Status::InvalidArgument("--plot draws one lot: give --lot, and not --json"));
  }
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  if (!opt.plot.empty()) return PlotReadings(*nodes, opt);
  Result<v1::ReadingsPage> all = ReadReadings(*nodes, opt.query, opt.limit);
  if (!all.ok()) return ReportFailure("getting readings", all.status());
  return PrintAnswer(*all, opt.json, RenderReadings);
}

struct SignOptions {
  std::string device_key;
  std::string batch_file;
  std::string out = "-";
};

int RunSign(const SignOptions& opt) {
  Result<PrivateKey> key = client::LoadPrivateKeyFile(opt.device_key);
  if (!key.ok()) return ReportFailure("loading the device key", key.status());
  Result<std::string> text = client::ReadInputFile(opt.batch_file, kBatchFileBytesMax);
  if (!text.ok()) return ReportFailure("reading the batch", text.status());
  Result<v1::ReadingBatch> batch = client::ParseReadingBatchJson(*text);
  if (!batch.ok()) return ReportFailure("reading " + opt.batch_file, batch.status());

  v1::TransactionBody payload;
  *payload.mutable_submit_readings() = client::SignReadingBatch(*batch, *key);
  // Only the payload: `tadori submit` fills in the envelope and refuses files that set it.
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.always_print_primitive_fields = false;
  if (!google::protobuf::util::MessageToJsonString(payload, &json, print).ok()) {
    return ReportFailure("encoding the payload", Status::Internal("protobuf JSON failed"));
  }
  if (opt.out == "-") {
    PrintLine(json);
    return kExitOk;
  }
  Status written = ReplaceFile(opt.out, json + "\n");
  if (!written.ok()) return ReportFailure("writing the payload", written);
  PrintLine("wrote submitReadings payload for device " + batch->device_id() + " sequence " +
            std::to_string(batch->sequence()) + " (" + std::to_string(batch->readings_size()) +
            " readings) to " + opt.out + "; submit it with a key of the device's organisation");
  return kExitOk;
}

}  // namespace

void AddReadingsCommands(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<ReadingsOptions>();
  v1::ReadingsQuery& q = opt->query;
  CLI::App* cmd = app.add_subcommand(
      "readings", "sensor readings of a lot or a device (excursions marked); `sign` makes a batch");
  cmd->require_subcommand(0, 1);
  cmd->add_option_function<std::string>(
      "--lot", [&q](const std::string& v) { q.set_lot_code(v); }, "readings about this lot");
  cmd->add_option_function<std::string>(
      "--device", [&q](const std::string& v) { q.set_device_id(v); }, "readings of this device");
  cmd->add_option_function<std::string>(
      "--from", [&q](const std::string& v) { q.set_time_from(v); }, "RFC 3339, inclusive");
  cmd->add_option_function<std::string>(
      "--to", [&q](const std::string& v) { q.set_time_to(v); }, "RFC 3339, exclusive");
  cmd->add_option("--limit", opt->limit, "most readings to print (follows pages)")
      ->check(CLI::Range(uint64_t{1}, kReadingLimitMax))
      ->capture_default_str();
  cmd->add_flag("--json", opt->json, "print one ReadingsPage JSON object");
  cmd->add_option("--plot", opt->plot,
                  "with --lot: draw the readings as an SVG picture to this file (- for stdout): "
                  "a line per device, the storage range shaded, excursions in red");

  auto sign_opt = std::make_shared<SignOptions>();
  CLI::App* sign = cmd->add_subcommand(
      "sign", "sign a ReadingBatch (JSON) with a device key; writes a submitReadings payload");
  sign->add_option("--device-key", sign_opt->device_key, "the device's private key file")
      ->required();
  sign->add_option("--batch", sign_opt->batch_file, "ReadingBatch JSON file, or - for stdin")
      ->required();
  sign->add_option("--out", sign_opt->out, "payload file to write, or - for stdout")
      ->capture_default_str();
  sign->callback([sign_opt, &ctx] { ctx.exit_code = RunSign(*sign_opt); });

  cmd->callback([opt, cmd, sign, &ctx] {
    if (cmd->got_subcommand(sign)) return;  // `readings sign` ran its own callback
    ctx.exit_code = RunReadings(ctx, *opt);
  });
}

}  // namespace tadori::cli
