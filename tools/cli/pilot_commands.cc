// tadori pilot list|show|submit|amend|finding: municipal IoT pilot reports.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "ledger/limits.h"
#include "tools/cli/answer.h"
#include "tools/cli/commands.h"
#include "tools/cli/pilot_file.h"
#include "tools/cli/pilot_render.h"
#include "tools/cli/submission.h"
#include "tools/client/key_file.h"
#include "tools/client/rpc_error.h"

namespace tadori::cli {

namespace {

constexpr uint64_t kListLimitMax = 100'000;
constexpr size_t kReportFileBytesMax = 16 * 1024 * 1024;

struct ListOptions {
  v1::PilotListRequest request;
  uint64_t limit = 1000;
  bool json = false;
};

int RunList(CliContext& ctx, const ListOptions& opt) {
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  v1::PilotListResponse all;
  v1::PilotListRequest request = opt.request;
  while (static_cast<uint64_t>(all.reports_size()) < opt.limit) {
    const uint64_t wanted = opt.limit - static_cast<uint64_t>(all.reports_size());
    request.set_page_size(static_cast<uint32_t>(std::min<uint64_t>(wanted, kQueryPageSizeMax)));
    v1::PilotListResponse page;
    const grpc::Status rpc = nodes->CallTrace(
        [&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
          return stub.ListPilotReports(&call, request, &page);
        },
        client::kReadDeadlineMs);
    if (!rpc.ok()) return ReportFailure("listing pilot reports", client::FromGrpc(rpc));
    if (all.read_at_height() == 0) all.set_read_at_height(page.read_at_height());
    for (v1::PilotSummary& s : *page.mutable_reports()) {
      if (static_cast<uint64_t>(all.reports_size()) == opt.limit) break;
      *all.add_reports() = std::move(s);
    }
    all.set_next_cursor(page.next_cursor());
    if (page.next_cursor().empty() || page.reports_size() == 0) break;
    request.set_cursor(page.next_cursor());
  }
  return PrintAnswer(all, opt.json, RenderPilotList);
}

struct ShowOptions {
  std::string report_id;
  bool json = false;
};

int RunShow(CliContext& ctx, const ShowOptions& opt) {
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  v1::PilotReportRequest request;
  request.set_report_id(opt.report_id);
  v1::PilotRecord answer;
  const grpc::Status rpc = nodes->CallTrace(
      [&](v1::Trace::Stub& stub, grpc::ClientContext& call) {
        return stub.GetPilotReport(&call, request, &answer);
      },
      client::kReadDeadlineMs);
  if (!rpc.ok()) {
    return ReportFailure("getting pilot report " + opt.report_id, client::FromGrpc(rpc));
  }
  return PrintAnswer(answer, opt.json, RenderPilotRecord);
}

struct FileOptions {
  std::string file;
  std::string reason;  // amend only
  std::string key_file;
  bool json = false;
  bool amend = false;
};

// Submits every report of the file in order, stopping at the first failure.
int RunSubmitOrAmend(CliContext& ctx, const FileOptions& opt) {
  const char* verb = opt.amend ? "pilot amend" : "pilot submit";
  if (opt.amend && opt.reason.empty()) {
    return ReportUsage(verb, Status::InvalidArgument("--reason must not be empty"));
  }
  Result<std::string> text = client::ReadInputFile(opt.file, kReportFileBytesMax);
  if (!text.ok()) return ReportFailure("reading reports", text.status());
  Result<std::vector<v1::PilotReport>> reports = ParsePilotReports(*text);
  if (!reports.ok()) return ReportFailure("reading " + opt.file, reports.status());
  Result<PrivateKey> key = LoadSigningKey(opt.key_file);
  if (!key.ok()) return ReportFailure("loading the signing key", key.status());
  auto nodes = ConnectNodes(ctx);
  if (nodes == nullptr) return ctx.exit_code;
  nlohmann::json all = nlohmann::json::array();
  for (size_t i = 0; i < reports->size(); ++i) {
    v1::TransactionBody payload;
    if (opt.amend) {
      *payload.mutable_amend_pilot_report()->mutable_report() = (*reports)[i];
      payload.mutable_amend_pilot_report()->set_reason(opt.reason);
    } else {
      *payload.mutable_submit_pilot_report()->mutable_report() = (*reports)[i];
    }
    SubmitOutcome outcome = SubmitPayload(*nodes, payload, *key, SubmitSettings{}, i);
    outcome.json["reportId"] = (*reports)[i].report_id();
    all.push_back(outcome.json);
    if (!opt.json && !outcome.line.empty()) {
      PrintLine(outcome.line + "  " + (*reports)[i].report_id());
    }
    if (!outcome.ok) {
      if (opt.json) PrintLine(all.dump());
      return kExitFailure;
    }
  }
  if (opt.json) PrintLine(all.dump());
  return kExitOk;
}

struct FindingOptions {
  v1::AddPilotFinding finding;
  std::string key_file;
  bool json = false;
};

int RunFinding(CliContext& ctx, const FindingOptions& opt) {
  v1::TransactionBody payload;
  *payload.mutable_add_pilot_finding() = opt.finding;
  return SubmitSingle(ctx, payload, opt.key_file, opt.json);
}

void AddListAndShow(CLI::App& pilot, CliContext& ctx) {
  auto list_opt = std::make_shared<ListOptions>();
  v1::PilotListRequest& r = list_opt->request;
  CLI::App* list = pilot.add_subcommand("list", "pilot reports, optionally filtered");
  list->add_option_function<std::string>(
      "--program", [&r](const std::string& v) { r.set_program(v); },
      "e.g. IoTサービス創出支援事業");
  list->add_option_function<std::string>(
      "--municipality", [&r](const std::string& v) { r.set_municipality(v); }, "e.g. 九州圏内");
  list->add_option_function<std::string>(
      "--fiscal-year", [&r](const std::string& v) { r.set_fiscal_year(v); }, "e.g. H29");
  list->add_option_function<std::string>(
      "--field", [&r](const std::string& v) { r.set_field(v); }, "e.g. 地域ビジネス");
  list->add_option("--limit", list_opt->limit, "most reports to print (follows pages)")
      ->check(CLI::Range(uint64_t{1}, kListLimitMax))
      ->capture_default_str();
  list->add_flag("--json", list_opt->json, "print one PilotListResponse JSON object");
  list->callback([list_opt, &ctx] { ctx.exit_code = RunList(ctx, *list_opt); });

  auto show_opt = std::make_shared<ShowOptions>();
  CLI::App* show = pilot.add_subcommand("show", "one report with every version and finding");
  show->add_option("ID", show_opt->report_id, "report id")->required();
  show->add_flag("--json", show_opt->json, "print the PilotRecord as JSON");
  show->callback([show_opt, &ctx] { ctx.exit_code = RunShow(ctx, *show_opt); });
}

void AddSubmitAndAmend(CLI::App& pilot, CliContext& ctx) {
  for (const bool amend : {false, true}) {
    auto opt = std::make_shared<FileOptions>();
    opt->amend = amend;
    CLI::App* cmd = pilot.add_subcommand(
        amend ? "amend" : "submit",
        amend ? "add a new version of reports of your municipality (no version is erased)"
              : "file reports of your municipality (a municipality member's key)");
    cmd->add_option("FILE", opt->file, "PilotReport JSON (object or array), or - for stdin")
        ->required();
    if (amend) cmd->add_option("--reason", opt->reason, "why the report changes")->required();
    cmd->add_option("--key", opt->key_file, "signing key (default: $TADORI_KEY)");
    cmd->add_flag("--json", opt->json, "print the outcomes as a JSON array");
    cmd->callback([opt, &ctx] { ctx.exit_code = RunSubmitOrAmend(ctx, *opt); });
  }
}

void AddFinding(CLI::App& pilot, CliContext& ctx) {
  auto opt = std::make_shared<FindingOptions>();
  v1::AddPilotFinding& f = opt->finding;
  CLI::App* cmd = pilot.add_subcommand("finding", "attach an auditor's finding to a version");
  cmd->add_option_function<std::string>(
         "ID", [&f](const std::string& v) { f.set_report_id(v); }, "report id")
      ->required();
  cmd->add_option_function<uint32_t>(
         "--version", [&f](const uint32_t& v) { f.set_version(v); }, "report version (1, 2, ...)")
      ->required()
      ->check(CLI::PositiveNumber);
  cmd->add_option_function<std::string>(
         "--severity", [&f](const std::string& v) { f.set_severity(v); }, "info, minor or major")
      ->required()
      ->check(CLI::IsMember({"info", "minor", "major"}));
  cmd->add_option_function<std::string>(
         "--text", [&f](const std::string& v) { f.set_text(v); }, "the finding")
      ->required();
  cmd->add_option("--key", opt->key_file, "an auditor's key (default: $TADORI_KEY)");
  cmd->add_flag("--json", opt->json, "print the outcome as JSON");
  cmd->callback([opt, &ctx] { ctx.exit_code = RunFinding(ctx, *opt); });
}

}  // namespace

void AddPilotCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* pilot = app.add_subcommand("pilot", "municipal IoT pilot reports");
  pilot->require_subcommand(1);
  AddListAndShow(*pilot, ctx);
  AddSubmitAndAmend(*pilot, ctx);
  AddFinding(*pilot, ctx);
}

}  // namespace tadori::cli
