// tadori lot show / trace back|forward / events: what happened to lots, from tadori.v1.Trace.
#include <algorithm>
#include <cstdint>

#include "ledger/limits.h"
#include "tools/cli/answer.h"
#include "tools/cli/commands.h"
#include "tools/cli/event_render.h"
#include "tools/cli/journey_reader.h"
#include "tools/cli/lot_journey.h"
#include "tools/cli/lot_render.h"
#include "tools/cli/output_file.h"
#include "tools/cli/trace_dot.h"
#include "tools/cli/trace_svg.h"
#include "tools/client/rpc_error.h"

namespace tadori::cli {

namespace {

constexpr uint64_t kEventLimitMax = 1'000'000;
// The pictures read each lot's history for its custody chain (journey_reader.h), a few calls
// per lot: lots beyond the first kJourneyLotsMax are drawn without their chain.
constexpr size_t kJourneyLotsMax = 200;

struct LotShowOptions {
  std::string lot_code;
  bool json = false;
};

int RunLotShow(CliContext& ctx, const LotShowOptions& opt) {
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  v1::GetLotRequest request;
  request.set_lot_code(opt.lot_code);
  v1::LotView answer;
  const grpc::Status rpc = nodes->CallTrace(
      [&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
        return stub.GetLot(&call, request, &answer);
      },
      client::kReadDeadlineMs);
  if (!rpc.ok()) return ReportFailure("getting lot " + opt.lot_code, client::FromGrpc(rpc));
  return PrintAnswer(answer, opt.json, RenderLotView);
}

struct TraceOptions {
  std::string lot_code;
  uint32_t depth = 10;
  std::string format = "table";
  std::string out;  // dot and svg: the file to write, "-" for stdout
  bool json = false;
  bool forward = false;
};

// Journeys of the first kJourneyLotsMax lots of `graph`; `note` says when some are missing.
Result<LotJourneys> ReadJourneys(client::NodeSet& nodes, const v1::TraceGraph& graph,
                                 std::string& note) {
  LotJourneys journeys;
  for (const v1::TraceNode& node : graph.nodes()) {
    if (journeys.size() == kJourneyLotsMax) {
      note = "custody chains drawn for the first " + std::to_string(kJourneyLotsMax) + " of " +
             std::to_string(graph.nodes_size()) + " lots";
      break;
    }
    Result<LotJourney> journey = ReadLotJourney(nodes, node.lot_code());
    if (!journey.ok()) {
      return journey.status().WithContext("reading the history of lot " + node.lot_code());
    }
    journeys.emplace(node.lot_code(), std::move(*journey));
  }
  return journeys;
}

// --format dot|svg: the picture, to opt.out or stdout.
int WriteTracePicture(client::NodeSet& nodes, const TraceOptions& opt, const v1::TraceGraph& graph,
                      const std::string& direction) {
  std::string note;
  Result<LotJourneys> journeys = ReadJourneys(nodes, graph, note);
  if (!journeys.ok()) return ReportFailure("drawing the custody chains", journeys.status());
  std::string picture = TraceGraphToDot(graph, opt.lot_code, direction, *journeys, note);
  if (opt.format == "svg") {
    Result<std::string> svg = RenderDotToSvg(picture);
    if (!svg.ok()) return ReportFailure("rendering the trace as SVG", svg.status());
    picture = std::move(*svg);
  }
  const std::string out = opt.out.empty() ? "-" : opt.out;
  const Status written = WriteOutput(out, picture);
  if (!written.ok()) return ReportFailure("writing the trace " + opt.format, written);
  if (out != "-") {
    PrintLine("wrote trace " + direction + " from " + opt.lot_code + " (" +
              std::to_string(graph.nodes_size()) + " lots, " + std::to_string(graph.edges_size()) +
              " transformations) as " + opt.format + " to " + out);
  }
  return kExitOk;
}

int RunTrace(CliContext& ctx, const TraceOptions& opt) {
  const bool picture = opt.format == "dot" || opt.format == "svg";
  if (opt.format == "svg" && opt.out.empty()) {
    const std::string why = "--format svg writes a file: give --out FILE (or --out - for stdout)";
    return ReportUsage("trace", Status::InvalidArgument(why));
  }
  if (!opt.out.empty() && (!picture || opt.json)) {
    return ReportUsage("trace",
                       Status::InvalidArgument("--out is for --format dot or --format svg"));
  }
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  v1::TraceRequest request;
  request.set_lot_code(opt.lot_code);
  request.set_depth(opt.depth);
  v1::TraceGraph graph;
  const grpc::Status rpc = nodes->CallTrace(
      [&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
        return opt.forward ? stub.TraceForward(&call, request, &graph)
                           : stub.TraceBack(&call, request, &graph);
      },
      client::kReadDeadlineMs);
  const std::string direction = opt.forward ? "forward" : "back";
  if (!rpc.ok()) {
    return ReportFailure("tracing " + direction + " from " + opt.lot_code, client::FromGrpc(rpc));
  }
  if (opt.json || opt.format == "json") {
    PrintLine(ToJson(graph));
  } else if (picture) {
    return WriteTracePicture(*nodes, opt, graph, direction);
  } else {
    std::string text = RenderTraceGraph(graph, opt.lot_code, direction);
    text.pop_back();
    PrintLine(text);
  }
  return kExitOk;
}

struct EventsOptions {
  v1::EventQuery query;
  uint64_t limit = 100;
  bool json = false;
};

// Follows next_cursor until `limit` events are collected or the service has no more.
int RunEvents(CliContext& ctx, const EventsOptions& opt) {
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  v1::EventPage all;
  v1::EventQuery query = opt.query;
  while (static_cast<uint64_t>(all.events_size()) < opt.limit) {
    const uint64_t wanted = opt.limit - static_cast<uint64_t>(all.events_size());
    query.set_page_size(static_cast<uint32_t>(std::min<uint64_t>(wanted, kQueryPageSizeMax)));
    v1::EventPage page;
    const grpc::Status rpc = nodes->CallTrace(
        [&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
          return stub.QueryEvents(&call, query, &page);
        },
        client::kReadDeadlineMs);
    if (!rpc.ok()) return ReportFailure("querying events", client::FromGrpc(rpc));
    if (all.read_at_height() == 0) all.set_read_at_height(page.read_at_height());
    for (v1::RecordedEvent& e : *page.mutable_events()) {
      if (static_cast<uint64_t>(all.events_size()) == opt.limit) break;
      *all.add_events() = std::move(e);
    }
    all.set_next_cursor(page.next_cursor());
    if (page.next_cursor().empty() || page.events_size() == 0) break;
    query.set_cursor(page.next_cursor());
  }
  return PrintAnswer(all, opt.json, RenderEvents);
}

void AddLotCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* lot = app.add_subcommand("lot", "traceability lots");
  lot->require_subcommand(1);
  auto opt = std::make_shared<LotShowOptions>();
  CLI::App* show = lot->add_subcommand(
      "show", "a lot: holders, in transit, remaining quantity, parents, excursions, recalls");
  show->add_option("TLC", opt->lot_code, "traceability lot code")->required();
  show->add_flag("--json", opt->json, "print the LotView as JSON");
  show->callback([opt, &ctx] { ctx.exit_code = RunLotShow(ctx, *opt); });
}

void AddTraceCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* trace = app.add_subcommand("trace", "provenance graphs of a lot");
  trace->require_subcommand(1);
  for (const bool forward : {false, true}) {
    auto opt = std::make_shared<TraceOptions>();
    opt->forward = forward;
    CLI::App* cmd = trace->add_subcommand(
        forward ? "forward" : "back",
        forward ? "every lot made from this lot (what a recall reaches), with flags"
                : "every lot this lot was made from, with holders, excursions and recalls");
    cmd->add_option("TLC", opt->lot_code, "traceability lot code")->required();
    cmd->add_option("--depth", opt->depth, "transformation levels to follow")
        ->check(CLI::Range(1u, kTraceDepthMax))
        ->capture_default_str();
    cmd->add_option("--format", opt->format,
                    "table, json, dot (Graphviz source) or svg (a picture; needs --out): "
                    "recalled lots red, excursions orange, custody hops and quantities")
        ->check(CLI::IsMember({"table", "json", "dot", "svg"}))
        ->capture_default_str();
    cmd->add_option("--out", opt->out,
                    "dot or svg: the file to write (replaced whole or not at all), - for stdout");
    cmd->add_flag("--json", opt->json, "same as --format json");
    cmd->callback([opt, &ctx] { ctx.exit_code = RunTrace(ctx, *opt); });
  }
}

void AddEventsCommand(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<EventsOptions>();
  v1::EventQuery& q = opt->query;
  CLI::App* cmd = app.add_subcommand("events", "EPCIS events recorded on the chain, by time");
  cmd->add_option_function<std::string>(
      "--lot", [&q](const std::string& v) { q.set_lot_code(v); }, "events naming this lot");
  cmd->add_option_function<std::string>(
      "--biz-step", [&q](const std::string& v) { q.set_biz_step(v); },
      "CBV bizStep, e.g. shipping, receiving, harvesting");
  cmd->add_option_function<std::string>(
      "--location", [&q](const std::string& v) { q.set_location(v); },
      "GLN, matched against readPoint and bizLocation");
  cmd->add_option_function<std::string>(
      "--org", [&q](const std::string& v) { q.set_org_id(v); }, "organisation that recorded it");
  cmd->add_option_function<std::string>(
      "--from", [&q](const std::string& v) { q.set_time_from(v); },
      "RFC 3339 event time, inclusive, e.g. 2026-11-20T00:00:00+09:00");
  cmd->add_option_function<std::string>(
      "--to", [&q](const std::string& v) { q.set_time_to(v); }, "RFC 3339 event time, exclusive");
  cmd->add_option("--limit", opt->limit, "most events to print (follows pages)")
      ->check(CLI::Range(uint64_t{1}, kEventLimitMax))
      ->capture_default_str();
  cmd->add_flag("--json", opt->json, "print one EventPage JSON object with every event");
  cmd->callback([opt, &ctx] { ctx.exit_code = RunEvents(ctx, *opt); });
}

}  // namespace

void AddTraceReadCommands(CLI::App& app, CliContext& ctx) {
  AddLotCommands(app, ctx);
  AddTraceCommands(app, ctx);
  AddEventsCommand(app, ctx);
}

}  // namespace tadori::cli
