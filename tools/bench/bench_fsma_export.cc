// tadori-bench-fsma-export: `tadori fsma export` without a node: --events synthetic recorded
// events (default 1,000,000) through the same row builder and writers (tools/cli/fsma_*),
// once to csv and once to xlsx, timed against the limit of 10 s per export (a
// program that prints figures, never a test).
//
// The events come in pages of 1000 as QueryEvents pages them. One "story" is 10 events: a
// farm harvests a lot, cools it, packs it into a new lot (initial packing), ships and the
// wholesaler receives it, a kitchen transforms it with the previous story's packed lot into
// a salad lot (two input rows), ships and receives that; a first land-based receiver lands
// a fish lot and ships it. So every sheet has rows; about 1.1 rows per event. Lots (with
// their products and TLC sources) and 50 registered locations are in a MapDirectory, as the
// CLI's cache holds them after GetLot. Making the events is not timed (the node does that);
// building rows, writing and closing the files is.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "tools/cli/fsma_csv.h"
#include "tools/cli/fsma_rows.h"
#include "tools/cli/fsma_sheets.h"
#include "tools/cli/fsma_xlsx.h"

namespace tadori {
namespace fsma = cli::fsma;
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kEventsPerStory = 10;
constexpr uint64_t kPageEvents = 1000;
constexpr int kLocations = 50;
constexpr double kLimitSeconds = 10.0;

std::string Gln(uint64_t n) {
  return "urn:epc:id:sgln:4569951." + std::to_string(10000 + n % kLocations) + ".0";
}

std::string Tx(uint64_t n) {
  std::string id(32, '\0');
  for (int i = 0; i < 8; ++i) id[static_cast<size_t>(i)] = static_cast<char>(n >> (8 * i));
  return id;
}

std::string LotCode(const char* kind, uint64_t story) {
  return std::string("KF-") + kind + "-" + std::to_string(story);
}

struct Synthetic {
  fsma::MapDirectory directory;

  void AddLot(const std::string& code, const std::string& gtin, const std::string& description,
              const std::string& source) {
    v1::LotView view;
    view.mutable_lot()->set_lot_code(code);
    view.mutable_lot()->set_product(gtin);
    view.mutable_lot()->set_tlc_source(source);
    view.mutable_lot()->mutable_ilmd()->set_harvest_date("2026-11-20");
    view.mutable_lot()->mutable_ilmd()->set_harvest_location(Gln(1));
    view.mutable_product()->mutable_product()->set_gtin(gtin);
    view.mutable_product()->mutable_product()->set_description(description);
    directory.AddLot(std::move(view));
  }

  Synthetic() {
    for (int i = 0; i < kLocations; ++i) {
      v1::LocationRecord loc;
      loc.mutable_location()->set_gln(Gln(static_cast<uint64_t>(i)));
      loc.mutable_location()->set_name("糸島 site " + std::to_string(i) + " (Itoshima)");
      loc.mutable_location()->set_address("福岡県糸島市, block " + std::to_string(i));
      directory.AddLocation(std::move(loc));
    }
  }

  // Event `n` of the stream, as the node would return it.
  v1::RecordedEvent Event(uint64_t n) {
    const uint64_t story = n / kEventsPerStory;
    v1::RecordedEvent r;
    r.mutable_ref()->set_height(n / 100 + 1);
    r.mutable_ref()->set_index(static_cast<uint32_t>(n % 100));
    r.mutable_ref()->set_tx_id(Tx(n));
    r.set_org_id(story % 2 == 0 ? "kyushu-farm" : "hakata-deli");
    v1::EpcisEvent& e = *r.mutable_event();
    e.set_event_time("2026-11-20T06:30:00+09:00");
    e.set_event_time_zone_offset("+09:00");
    e.set_read_point(Gln(n));
    e.set_biz_location(Gln(n));
    v1::BizTransaction* doc = e.add_biz_transaction_list();
    doc->set_type("prodorder");
    doc->set_id("ORDER-" + std::to_string(story));
    const auto element = [&](const std::string& lot, const char* gtin, int64_t milli) {
      v1::QuantityElement q;
      q.set_lot_code(lot);
      q.set_product(gtin);
      q.set_quantity_milli(milli);
      q.set_unit("KGM");
      return q;
    };
    const std::string harvested = LotCode("SPN-H", story);
    const std::string packed = LotCode("SPN-P", story);
    const std::string salad = LotCode("SALAD", story);
    const std::string fish = LotCode("TUNA", story);
    e.set_type(v1::OBJECT_EVENT);
    switch (n % kEventsPerStory) {
      case 0:
        AddLot(harvested, "04569951000010", "Spinach, fresh, bunched (ほうれん草)", Gln(n));
        AddLot(packed, "04569951000027", "Spinach, washed, 200 g bag", Gln(n + 1));
        AddLot(salad, "04569951000034", "Spinach salad, \"deli\", 1 kg", Gln(n + 2));
        AddLot(fish, "04569951000041", "Tuna, yellowfin, whole", Gln(n + 3));
        r.set_cte("harvesting");
        e.set_action(v1::ADD);
        e.set_biz_step("harvesting");
        *e.add_quantity_list() = element(harvested, "04569951000010", 520000);
        e.mutable_ilmd()->set_harvest_date("2026-11-20");
        e.mutable_ilmd()->set_harvest_location(Gln(n));
        break;
      case 1:
        r.set_cte("cooling");
        e.set_action(v1::OBSERVE);
        e.set_biz_step("cooling");
        *e.add_quantity_list() = element(harvested, "04569951000010", 520000);
        break;
      case 2:
        r.set_cte("initial_packing");
        e.set_action(v1::ADD);
        e.set_biz_step("commissioning");
        *e.add_quantity_list() = element(packed, "04569951000027", 500000);
        e.mutable_ilmd()->set_packing_date("2026-11-20");
        e.mutable_ilmd()->set_cooling_location(Gln(n));
        break;
      case 3:
      case 6:
      case 9: {
        const std::string& lot = n % kEventsPerStory == 3   ? packed
                                 : n % kEventsPerStory == 6 ? salad
                                                            : fish;
        r.set_cte("shipping");
        e.set_action(v1::OBSERVE);
        e.set_biz_step("shipping");
        *e.add_quantity_list() = element(lot, "04569951000027", 250000);
        v1::PartyRef* to = e.add_destination_list();
        to->set_type("location");
        to->set_id(Gln(n + 7));
        break;
      }
      case 4:
      case 7: {
        r.set_cte("receiving");
        e.set_action(v1::OBSERVE);
        e.set_biz_step("receiving");
        *e.add_quantity_list() =
            element(n % kEventsPerStory == 4 ? packed : salad, "04569951000027", 250000);
        v1::PartyRef* from = e.add_source_list();
        from->set_type("location");
        from->set_id(Gln(n + 5));
        break;
      }
      case 5:
        r.set_cte("transformation");
        e.set_type(v1::TRANSFORMATION_EVENT);
        e.set_action(v1::EVENT_ACTION_UNSPECIFIED);
        e.set_biz_step("transforming");
        *e.add_input_quantity_list() = element(packed, "04569951000027", 125000);
        *e.add_input_quantity_list() =
            element(LotCode("SPN-P", story == 0 ? 0 : story - 1), "04569951000027", 1500);
        *e.add_output_quantity_list() = element(salad, "04569951000034", 126500);
        break;
      case 8:
        r.set_cte("first_land_based_receiving");
        e.set_action(v1::ADD);
        e.set_biz_step("first_land_based_receiving");
        *e.add_quantity_list() = element(fish, "04569951000041", 80000);
        e.mutable_ilmd()->set_landing_date("2026-11-20");
        e.mutable_ilmd()->set_vessel("Daiichi-maru");
        break;
    }
    return r;
  }
};

// CPU seconds of this thread: with other work on the machine, wall time says little about
// the export's own cost, so both are printed.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Rows built and dropped: what the row builder costs apart from the files.
class NullSink final : public fsma::RowSink {
 public:
  Status Row(size_t, std::span<const fsma::Cell>) override { return Status::Ok(); }
  Status Close() { return Status::Ok(); }
};

struct Run {
  double build_and_write_s = 0;
  double close_s = 0;
  double cpu_s = 0;
  double generate_s = 0;
  uint64_t rows = 0;
};

// Builds rows for `events` events into `sink`; `close` finishes the files.
template <typename Writer>
Result<Run> Export(uint64_t events, Writer& writer) {
  Synthetic synthetic;
  fsma::RowBuilder builder(synthetic.directory, writer);
  Run run;
  std::vector<v1::RecordedEvent> page;
  for (uint64_t first = 0; first < events; first += kPageEvents) {
    const auto g0 = Clock::now();
    page.clear();
    for (uint64_t n = first; n < std::min(events, first + kPageEvents); ++n) {
      page.push_back(synthetic.Event(n));
    }
    const auto t0 = Clock::now();
    const double cpu0 = ThreadCpuSeconds();
    for (const v1::RecordedEvent& e : page) TADORI_RETURN_IF_ERROR(builder.Add(e));
    run.cpu_s += ThreadCpuSeconds() - cpu0;
    const auto t1 = Clock::now();
    run.generate_s += std::chrono::duration<double>(t0 - g0).count();
    run.build_and_write_s += std::chrono::duration<double>(t1 - t0).count();
  }
  const auto c0 = Clock::now();
  const double cpu0 = ThreadCpuSeconds();
  TADORI_RETURN_IF_ERROR(writer.Close());
  run.cpu_s += ThreadCpuSeconds() - cpu0;
  run.close_s = std::chrono::duration<double>(Clock::now() - c0).count();
  for (uint64_t r : builder.rows()) run.rows += r;
  return run;
}

uint64_t SizeOf(const std::filesystem::path& path) {
  if (!std::filesystem::is_directory(path)) return std::filesystem::file_size(path);
  uint64_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path)) total += entry.file_size();
  return total;
}

bool Report(const char* format, const Result<Run>& run, const std::string& out) {
  if (!run.ok()) {
    std::printf("%s: FAILED: %s\n", format, run.status().ToString().c_str());
    return false;
  }
  const double seconds = run->build_and_write_s + run->close_s;
  std::printf(
      "%-4s %6.2f s wall, %6.2f s CPU  (rows+write %.2f s, close %.2f s; %llu rows, %.1f MB; "
      "making the events, not timed: %.2f s)  limit %.0f s: %s\n",
      format, seconds, run->cpu_s, run->build_and_write_s, run->close_s,
      static_cast<unsigned long long>(run->rows), static_cast<double>(SizeOf(out)) / 1e6,
      run->generate_s, kLimitSeconds, seconds < kLimitSeconds ? "PASS" : "FAIL");
  return seconds < kLimitSeconds;
}

}  // namespace
}  // namespace tadori

int main(int argc, char** argv) {
  using namespace tadori;
  CLI::App app{"tadori-bench-fsma-export: FSMA 204 spreadsheet export of synthetic events"};
  uint64_t events = 1'000'000;
  std::string dir = "/tmp/tadori-bench-fsma";
  bool keep = false;
  std::string only;
  app.add_option("--events", events, "events to export")->capture_default_str();
  app.add_option("--dir", dir, "where to write (emptied first)")->capture_default_str();
  app.add_flag("--keep", keep, "keep the files written");
  app.add_option("--only", only, "csv or xlsx: run that export only")
      ->check(CLI::IsMember({"csv", "xlsx"}));
  CLI11_PARSE(app, argc, argv);

  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::printf("fsma export of %llu events (%llu per story of 10, every CTE), one thread\n",
              static_cast<unsigned long long>(events),
              static_cast<unsigned long long>(kEventsPerStory));
  bool pass = true;
  if (only.empty()) {
    NullSink sink;
    const Result<Run> run = Export(events, sink);
    if (run.ok()) {
      std::printf("rows %6.2f s wall, %6.2f s CPU  (the row builder alone, no file)\n",
                  run->build_and_write_s, run->cpu_s);
    }
  }
  if (only != "xlsx") {
    const std::string out = dir + "/csv";
    Result<std::unique_ptr<fsma::CsvWriter>> csv = fsma::CsvWriter::Open(out);
    pass = csv.ok() ? Report("csv", Export(events, **csv), out) && pass
                    : Report("csv", Result<Run>(csv.status()), out) && pass;
  }
  if (only != "csv") {
    const std::string out = dir + "/export.xlsx";
    Result<std::unique_ptr<fsma::XlsxWriter>> xlsx = fsma::XlsxWriter::Open(out);
    pass = xlsx.ok() ? Report("xlsx", Export(events, **xlsx), out) && pass
                     : Report("xlsx", Result<Run>(xlsx.status()), out) && pass;
  }
  if (!keep) std::filesystem::remove_all(dir);
  return pass ? 0 : 1;
}
