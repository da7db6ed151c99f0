#include "tools/cli/readings_plot.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <tuple>

#include "ledger/rfc3339.h"
#include "tools/cli/plot_axis.h"
#include "tools/cli/svg_writer.h"
#include "tools/cli/units.h"

namespace tadori::cli {

namespace {

// Page geometry in pixels. Tick counts follow from the space a label needs.
constexpr double kWidthPx = 1000;
constexpr double kPlotLeftPx = 90;
constexpr double kPlotRightPx = kWidthPx - 30;
constexpr double kHeaderPx = 78;
constexpr double kPanelPx = 250;
constexpr double kPanelGapPx = 84;  // under a panel: tick labels, dates, the axis title
constexpr double kLegendRowPx = 20;
constexpr double kCustodyRowPx = 20;
constexpr size_t kCustodyRowsMax = 4;
constexpr double kCharPx = 6.6;  // of the 11 px custody labels, for packing them in rows
constexpr int kTimeTicksMax = 8;
constexpr int kValueTicksMax = 7;
constexpr size_t kPointMarkersMax = 2000;  // beyond, lines only: a dot per reading is noise
constexpr size_t kExcursionLabelsMax = 24;
constexpr size_t kLegendDevicesMax = 24;

constexpr std::string_view kRangeFill = "#d8f0d2";
constexpr std::string_view kRangeStroke = "#3a9a3a";
constexpr std::string_view kExcursionColour = "#d62728";
constexpr std::string_view kExcursionBandFill = "#fbd5d5";
// Okabe-Ito and Tol colours that stay apart from the excursion red and the range green.
constexpr std::array<std::string_view, 8> kDeviceColours = {
    "#0072b2", "#7b3294", "#e69f00", "#000000", "#56b4e9", "#cc79a7", "#8c6d31", "#44aa99"};
constexpr std::array<std::string_view, 3> kDeviceDashes = {"", "7 3", "2 3"};

struct Range {
  int64_t min_milli = 0;
  int64_t max_milli = 0;
};

// The readings of one sensor type in one unit, and what is known of its storage range.
struct Panel {
  std::string sensor_type;
  std::string unit;
  std::vector<const v1::RecordedReading*> readings;  // by time
  std::vector<const v1::Excursion*> excursions;
  bool has_range = false;
  Range range;
  int64_t lo_milli = 0;  // the value axis
  int64_t hi_milli = 0;
};

struct Style {
  std::string colour;
  std::string dash;
};

Style DeviceStyle(size_t index) {
  return {std::string(kDeviceColours[index % kDeviceColours.size()]),
          std::string(kDeviceDashes[index / kDeviceColours.size() % kDeviceDashes.size()])};
}

std::string Counted(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// Widens [lo, hi] by `share` of its span on each side, at least by `floor`, within int64.
std::pair<int64_t, int64_t> Padded(int64_t lo, int64_t hi, double share, int64_t floor) {
  const long double span = static_cast<long double>(hi) - static_cast<long double>(lo);
  const long double pad = std::max<long double>(span * share, floor);
  const long double limit = 9.2e18L;  // inside int64 with room for rounding
  const auto clamp = [&](long double v) {
    return static_cast<int64_t>(std::clamp(v, -limit, limit));
  };
  return {std::min(lo, clamp(lo - pad)), std::max(hi, clamp(hi + pad))};
}

// Maps [lo, hi] onto [from_px, to_px] (to_px < from_px for a value axis that grows upwards).
struct Scale {
  int64_t lo = 0;
  int64_t hi = 1;
  double from_px = 0;
  double to_px = 1;
  double At(int64_t v) const {
    const long double span = static_cast<long double>(hi) - static_cast<long double>(lo);
    const long double t = (static_cast<long double>(v) - static_cast<long double>(lo)) / span;
    return static_cast<double>(from_px + t * (to_px - from_px));
  }
};

std::vector<Panel> MakePanels(const ReadingsPlotInput& input,
                              const std::vector<const v1::RecordedReading*>& by_time) {
  std::map<std::pair<std::string, std::string>, Panel> panels;
  for (const v1::RecordedReading* r : by_time) {
    Panel& p = panels[{r->reading().sensor_type(), r->reading().unit()}];
    p.sensor_type = r->reading().sensor_type();
    p.unit = r->reading().unit();
    p.readings.push_back(r);
  }
  for (auto& [key, p] : panels) {
    for (const v1::StorageRange& r : input.storage) {
      if (r.sensor_type() != p.sensor_type || r.unit() != p.unit) continue;
      if (!p.has_range && r.min_milli() <= r.max_milli()) {
        p.has_range = true;
        p.range = {r.min_milli(), r.max_milli()};
      }
    }
    for (const v1::Excursion& e : input.excursions) {
      if (e.sensor_type() != p.sensor_type || e.unit() != p.unit) continue;
      p.excursions.push_back(&e);
      if (!p.has_range && e.range_min_milli() <= e.range_max_milli()) {
        p.has_range = true;
        p.range = {e.range_min_milli(), e.range_max_milli()};
      }
    }
    int64_t lo = p.readings.front()->reading().value_milli();
    int64_t hi = lo;
    for (const v1::RecordedReading* r : p.readings) {
      lo = std::min(lo, r->reading().value_milli());
      hi = std::max(hi, r->reading().value_milli());
    }
    if (p.has_range) {
      lo = std::min(lo, p.range.min_milli);
      hi = std::max(hi, p.range.max_milli);
    }
    std::tie(p.lo_milli, p.hi_milli) = Padded(lo, hi, 0.12, 500);
  }
  std::vector<Panel> out;
  for (auto& [key, p] : panels) out.push_back(std::move(p));
  return out;
}

std::string AxisTitle(const Panel& p) {
  const std::string symbol = UnitSymbol(p.unit);
  const std::string type = p.sensor_type.empty() ? "value" : p.sensor_type;
  return symbol.empty() ? type : type + " (" + symbol + ")";
}

void DrawTimeAxis(SvgWriter& svg, const Scale& x, double top, double bottom,
                  const std::vector<AxisTick>& ticks) {
  for (const AxisTick& t : ticks) {
    const std::string px = SvgNumber(x.At(t.value));
    svg.Element("line", {{"x1", px},
                         {"y1", SvgNumber(top)},
                         {"x2", px},
                         {"y2", SvgNumber(bottom)},
                         {"stroke", "#e4e4e4"}});
    svg.Text(t.label, {{"x", px},
                       {"y", SvgNumber(bottom + 16)},
                       {"font-size", "12"},
                       {"text-anchor", "middle"},
                       {"fill", "#333"}});
    if (!t.date.empty()) {
      svg.Text(t.date, {{"x", px},
                        {"y", SvgNumber(bottom + 31)},
                        {"font-size", "11"},
                        {"text-anchor", "middle"},
                        {"fill", "#666"}});
    }
  }
}

void DrawValueAxis(SvgWriter& svg, const Panel& p, const Scale& y, double top, double bottom) {
  for (const AxisTick& t : ValueTicks(p.lo_milli, p.hi_milli, kValueTicksMax)) {
    const std::string py = SvgNumber(y.At(t.value));
    svg.Element("line", {{"x1", SvgNumber(kPlotLeftPx)},
                         {"y1", py},
                         {"x2", SvgNumber(kPlotRightPx)},
                         {"y2", py},
                         {"stroke", "#e4e4e4"}});
    svg.Text(t.label, {{"x", SvgNumber(kPlotLeftPx - 6)},
                       {"y", SvgNumber(y.At(t.value) + 4)},
                       {"font-size", "12"},
                       {"text-anchor", "end"},
                       {"fill", "#333"}});
  }
  const double mid = (top + bottom) / 2;
  svg.Text(AxisTitle(p), {{"x", "22"},
                          {"y", SvgNumber(mid)},
                          {"font-size", "13"},
                          {"text-anchor", "middle"},
                          {"fill", "#222"},
                          {"transform", "rotate(-90 22 " + SvgNumber(mid) + ")"}});
}

void DrawRange(SvgWriter& svg, const Panel& p, const Scale& y, double top) {
  if (!p.has_range) {
    svg.Text("storage range unknown: the product registers none for " +
                 (p.sensor_type.empty() ? "these readings" : p.sensor_type + " in " + p.unit),
             {{"x", SvgNumber(kPlotRightPx)},
              {"y", SvgNumber(top - 6)},
              {"font-size", "11"},
              {"text-anchor", "end"},
              {"fill", "#666"}});
    return;
  }
  const double y_max = y.At(p.range.max_milli);
  const double y_min = y.At(p.range.min_milli);
  svg.Element("rect", {{"class", "storage-range"},
                       {"x", SvgNumber(kPlotLeftPx)},
                       {"y", SvgNumber(y_max)},
                       {"width", SvgNumber(kPlotRightPx - kPlotLeftPx)},
                       {"height", SvgNumber(std::max(1.0, y_min - y_max))},
                       {"fill", std::string(kRangeFill)}});
  for (const double at : {y_max, y_min}) {
    svg.Element("line", {{"x1", SvgNumber(kPlotLeftPx)},
                         {"y1", SvgNumber(at)},
                         {"x2", SvgNumber(kPlotRightPx)},
                         {"y2", SvgNumber(at)},
                         {"stroke", std::string(kRangeStroke)},
                         {"stroke-dasharray", "5 4"}});
  }
  svg.Text("storage range " + FormatMilliShort(p.range.min_milli) + " to " +
               FormatQuantity(p.range.max_milli, p.unit) + " (shaded)",
           {{"x", SvgNumber(kPlotRightPx)},
            {"y", SvgNumber(top - 6)},
            {"font-size", "11"},
            {"text-anchor", "end"},
            {"fill", std::string(kRangeStroke)}});
}

void DrawExcursionPeriods(SvgWriter& svg, const Panel& p, const Scale& x, double top,
                          double bottom) {
  for (const v1::Excursion* e : p.excursions) {
    const Result<int64_t> start = ParseRfc3339Ms(e->start_time());
    const Result<int64_t> end = ParseRfc3339Ms(e->end_time());
    if (!start.ok() || !end.ok() || *end < *start) continue;
    // A one-reading excursion is an instant: it still gets a band one can see.
    const double from = std::clamp(x.At(*start), kPlotLeftPx, kPlotRightPx);
    const double to = std::clamp(x.At(*end), kPlotLeftPx, kPlotRightPx);
    const double widen = std::max(0.0, 4.0 - (to - from)) / 2;
    svg.Open("rect", {{"class", "excursion-period"},
                      {"x", SvgNumber(from - widen)},
                      {"y", SvgNumber(top)},
                      {"width", SvgNumber(to - from + 2 * widen)},
                      {"height", SvgNumber(bottom - top)},
                      {"fill", std::string(kExcursionBandFill)}});
    svg.Leaf("title",
             "excursion: " + e->device_id() + ", " + std::to_string(e->reading_count()) +
                 " reading(s) from " + e->start_time() + " to " + e->end_time() + ", worst " +
                 FormatQuantity(e->worst_value_milli(), e->unit()),
             {});
    svg.Close();
  }
}

void DrawSeries(SvgWriter& svg, const Panel& p, const Scale& x, const Scale& y,
                const std::map<std::string, size_t>& device_index, bool markers) {
  std::map<size_t, std::vector<const v1::RecordedReading*>> by_device;
  for (const v1::RecordedReading* r : p.readings) {
    by_device[device_index.at(r->device_id())].push_back(r);
  }
  for (const auto& [index, readings] : by_device) {
    const Style style = DeviceStyle(index);
    std::string points;
    for (const v1::RecordedReading* r : readings) {
      if (!points.empty()) points += ' ';
      points += SvgNumber(x.At(r->time_ms())) + "," + SvgNumber(y.At(r->reading().value_milli()));
    }
    svg.Open("g", {{"class", "series"}, {"data-device", readings.front()->device_id()}});
    svg.Element("polyline", {{"points", points},
                             {"fill", "none"},
                             {"stroke", style.colour},
                             {"stroke-width", "2"},
                             {"stroke-dasharray", style.dash.empty() ? "none" : style.dash},
                             {"stroke-linejoin", "round"}});
    if (markers || readings.size() == 1) {
      for (const v1::RecordedReading* r : readings) {
        svg.Element("circle", {{"cx", SvgNumber(x.At(r->time_ms()))},
                               {"cy", SvgNumber(y.At(r->reading().value_milli()))},
                               {"r", "3"},
                               {"fill", style.colour}});
      }
    }
    svg.Close();
  }
}

// Red rings over the readings the chain flagged as outside the storage range, with their
// values when there are few enough to read.
void DrawExcursionMarkers(SvgWriter& svg, const Panel& p, const Scale& x, const Scale& y) {
  size_t flagged = 0;
  for (const v1::RecordedReading* r : p.readings) flagged += r->excursion() ? 1 : 0;
  for (const v1::RecordedReading* r : p.readings) {
    if (!r->excursion()) continue;
    const double cx = x.At(r->time_ms());
    const double cy = y.At(r->reading().value_milli());
    svg.Open("circle", {{"class", "excursion"},
                        {"cx", SvgNumber(cx)},
                        {"cy", SvgNumber(cy)},
                        {"r", "6.5"},
                        {"fill", "none"},
                        {"stroke", std::string(kExcursionColour)},
                        {"stroke-width", "2.5"}});
    svg.Leaf("title",
             r->device_id() + " " + r->reading().time() + ": " +
                 FormatQuantity(r->reading().value_milli(), p.unit) + ", outside the storage range",
             {});
    svg.Close();
    if (flagged <= kExcursionLabelsMax) {
      svg.Text(FormatQuantity(r->reading().value_milli(), p.unit),
               {{"x", SvgNumber(cx)},
                {"y", SvgNumber(cy - 11)},
                {"font-size", "11"},
                {"font-weight", "bold"},
                {"text-anchor", "middle"},
                {"fill", std::string(kExcursionColour)}});
    }
  }
}

// A shipment drawn over the time axis: while the lot (part of it) was on its way.
struct CustodyBar {
  const CustodyHop* hop = nullptr;
  std::string text;
  double from_px = 0;
  double to_px = 0;
  size_t row = 0;
};

// The shipments that overlap the plotted time, packed into rows so that no label runs into
// the next bar; shipments beyond kCustodyRowsMax rows are left out.
std::vector<CustodyBar> PackCustodyBars(const std::vector<CustodyHop>& hops, const Scale& x,
                                        const std::string& unit) {
  std::vector<CustodyBar> bars;
  std::vector<double> row_end_px;
  for (const CustodyHop& hop : hops) {
    const bool arrived = hop.received_milli >= hop.quantity_milli;
    const int64_t end_ms = arrived ? hop.received_ms : x.hi;
    if (hop.shipped_ms > x.hi || end_ms < x.lo) continue;
    CustodyBar bar;
    bar.hop = &hop;
    bar.from_px = std::max(kPlotLeftPx, x.At(std::max(hop.shipped_ms, x.lo)));
    bar.to_px = std::min(kPlotRightPx, x.At(std::min(end_ms, x.hi)));
    bar.text = (arrived ? "shipped " : "in transit ") + hop.from_org + " → " + hop.to_org +
               (hop.carrier_org.empty() ? "" : " via " + hop.carrier_org) + ", " +
               FormatQuantity(hop.quantity_milli, unit);
    const double text_end = bar.from_px + 6 + kCharPx * static_cast<double>(bar.text.size());
    const double end_px = std::max(bar.to_px, text_end);
    size_t row = 0;
    while (row < row_end_px.size() && row_end_px[row] + 4 > bar.from_px) ++row;
    if (row == kCustodyRowsMax) continue;
    if (row == row_end_px.size()) row_end_px.push_back(0);
    row_end_px[row] = end_px;
    bar.row = row;
    bars.push_back(std::move(bar));
  }
  return bars;
}

size_t CustodyRows(const std::vector<CustodyBar>& bars) {
  size_t rows = 0;
  for (const CustodyBar& b : bars) rows = std::max(rows, b.row + 1);
  return rows;
}

void DrawCustody(SvgWriter& svg, const std::vector<CustodyBar>& bars, double top) {
  if (bars.empty()) return;
  svg.Open("g", {{"class", "custody"}});
  svg.Text("custody", {{"x", SvgNumber(kPlotLeftPx - 6)},
                       {"y", SvgNumber(top + 14)},
                       {"font-size", "11"},
                       {"text-anchor", "end"},
                       {"fill", "#555"}});
  for (const CustodyBar& bar : bars) {
    const double y = top + static_cast<double>(bar.row) * kCustodyRowPx;
    svg.Element("rect", {{"x", SvgNumber(bar.from_px)},
                         {"y", SvgNumber(y + 2)},
                         {"width", SvgNumber(std::max(2.0, bar.to_px - bar.from_px))},
                         {"height", SvgNumber(kCustodyRowPx - 4)},
                         {"rx", "3"},
                         {"fill", "#dde5f0"},
                         {"stroke", "#4a5d7e"}});
    svg.Text(bar.text, {{"x", SvgNumber(bar.from_px + 6)},
                        {"y", SvgNumber(y + 14)},
                        {"font-size", "11"},
                        {"fill", "#2e3b52"}});
  }
  svg.Close();
}

// "UTC+09:00", "UTC-05:30", "UTC".
std::string UtcOffsetName(int32_t offset_minutes) {
  if (offset_minutes == 0) return "UTC";
  const int32_t magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[16];
  std::snprintf(buf, sizeof buf, "UTC%c%02d:%02d", offset_minutes < 0 ? '-' : '+',
                static_cast<int>(magnitude / 60), static_cast<int>(magnitude % 60));
  return buf;
}

void DrawPanel(SvgWriter& svg, const Panel& p, double top, const Scale& x,
               const std::vector<AxisTick>& time_ticks, const std::string& time_title,
               const std::map<std::string, size_t>& device_index, bool markers) {
  const double bottom = top + kPanelPx;
  const Scale y{p.lo_milli, p.hi_milli, bottom, top};
  svg.Open("g", {{"class", "panel"}, {"data-sensor-type", p.sensor_type}});
  DrawRange(svg, p, y, top);
  DrawExcursionPeriods(svg, p, x, top, bottom);
  DrawValueAxis(svg, p, y, top, bottom);
  DrawTimeAxis(svg, x, top, bottom, time_ticks);
  svg.Element("rect", {{"x", SvgNumber(kPlotLeftPx)},
                       {"y", SvgNumber(top)},
                       {"width", SvgNumber(kPlotRightPx - kPlotLeftPx)},
                       {"height", SvgNumber(kPanelPx)},
                       {"fill", "none"},
                       {"stroke", "#999"}});
  DrawSeries(svg, p, x, y, device_index, markers);
  DrawExcursionMarkers(svg, p, x, y);
  svg.Text(time_title, {{"x", SvgNumber((kPlotLeftPx + kPlotRightPx) / 2)},
                        {"y", SvgNumber(bottom + 52)},
                        {"font-size", "13"},
                        {"text-anchor", "middle"},
                        {"fill", "#222"}});
  svg.Close();
}

void DrawLegend(SvgWriter& svg, double top, const std::map<std::string, size_t>& device_index,
                const std::map<std::string, size_t>& device_readings) {
  double row = top;
  const auto row_y = [&] { return SvgNumber(row); };
  for (const auto& [device, index] : device_index) {
    if (index == kLegendDevicesMax) {
      svg.Text("and " + std::to_string(device_index.size() - kLegendDevicesMax) + " more device(s)",
               {{"x", SvgNumber(kPlotLeftPx + 44)}, {"y", row_y()}, {"font-size", "12"}});
      row += kLegendRowPx;
      break;
    }
    const Style style = DeviceStyle(index);
    svg.Element("line", {{"x1", SvgNumber(kPlotLeftPx)},
                         {"y1", SvgNumber(row - 4)},
                         {"x2", SvgNumber(kPlotLeftPx + 34)},
                         {"y2", SvgNumber(row - 4)},
                         {"stroke", style.colour},
                         {"stroke-width", "2.5"},
                         {"stroke-dasharray", style.dash.empty() ? "none" : style.dash}});
    svg.Text(device + "  (" + Counted(device_readings.at(device), "reading", "readings") + ")",
             {{"x", SvgNumber(kPlotLeftPx + 44)}, {"y", row_y()}, {"font-size", "12"}});
    row += kLegendRowPx;
  }
  const double y = row - 4;
  svg.Element("rect", {{"x", SvgNumber(kPlotLeftPx)},
                       {"y", SvgNumber(y - 7)},
                       {"width", "34"},
                       {"height", "14"},
                       {"fill", std::string(kRangeFill)},
                       {"stroke", std::string(kRangeStroke)},
                       {"stroke-dasharray", "5 4"}});
  svg.Text("storage range",
           {{"x", SvgNumber(kPlotLeftPx + 44)}, {"y", row_y()}, {"font-size", "12"}});
  svg.Element("rect", {{"x", SvgNumber(kPlotLeftPx + 170)},
                       {"y", SvgNumber(y - 7)},
                       {"width", "34"},
                       {"height", "14"},
                       {"fill", std::string(kExcursionBandFill)}});
  svg.Text("excursion period",
           {{"x", SvgNumber(kPlotLeftPx + 214)}, {"y", row_y()}, {"font-size", "12"}});
  svg.Element("circle", {{"cx", SvgNumber(kPlotLeftPx + 357)},
                         {"cy", SvgNumber(y)},
                         {"r", "6.5"},
                         {"fill", "none"},
                         {"stroke", std::string(kExcursionColour)},
                         {"stroke-width", "2.5"}});
  svg.Text("reading outside the storage range",
           {{"x", SvgNumber(kPlotLeftPx + 372)}, {"y", row_y()}, {"font-size", "12"}});
}

std::string Header(const ReadingsPlotInput& input, size_t devices) {
  std::string out = Counted(input.readings.size(), "reading", "readings") + " from " +
                    Counted(devices, "device", "devices") +
                    ", each signed by its device; read from the chain at height " +
                    std::to_string(input.read_at_height);
  if (input.truncated) out += "; the lot has more readings than these (raise --limit)";
  return out;
}

std::string NoReadingsSvg(const ReadingsPlotInput& input, const std::string& title) {
  SvgWriter svg(kWidthPx, 120, title);
  svg.Element("rect", {{"width", "100%"}, {"height", "100%"}, {"fill", "white"}});
  svg.Text(title, {{"x", "20"}, {"y", "32"}, {"font-size", "18"}, {"font-weight", "bold"}});
  svg.Text("no readings are recorded for this lot (read at height " +
               std::to_string(input.read_at_height) + ")",
           {{"x", "20"}, {"y", "66"}, {"font-size", "14"}, {"fill", "#444"}});
  return svg.Finish();
}

}  // namespace

std::string ReadingsPlotSvg(const ReadingsPlotInput& input) {
  const std::string title = "Lot " + input.lot_code + ": sensor readings";
  if (input.readings.empty()) return NoReadingsSvg(input, title);

  std::vector<const v1::RecordedReading*> by_time;
  for (const v1::RecordedReading& r : input.readings) by_time.push_back(&r);
  std::stable_sort(by_time.begin(), by_time.end(), [](const auto* a, const auto* b) {
    return std::forward_as_tuple(a->time_ms(), a->device_id(), a->sequence()) <
           std::forward_as_tuple(b->time_ms(), b->device_id(), b->sequence());
  });
  std::map<std::string, size_t> device_readings;
  for (const v1::RecordedReading* r : by_time) ++device_readings[r->device_id()];
  std::map<std::string, size_t> device_index;  // colour and legend order: by device id
  for (const auto& [device, count] : device_readings) {
    device_index.emplace(device, device_index.size());
  }
  const std::vector<Panel> panels = MakePanels(input, by_time);

  const auto [time_lo, time_hi] =
      Padded(by_time.front()->time_ms(), by_time.back()->time_ms(), 0.04, 5 * 60'000);
  const Scale x{time_lo, time_hi, kPlotLeftPx, kPlotRightPx};
  const Result<Rfc3339Time> first = ParseRfc3339(by_time.front()->reading().time());
  const int32_t offset_minutes = first.ok() ? first->offset_minutes : 0;
  const std::vector<AxisTick> time_ticks =
      TimeTicks(time_lo, time_hi, offset_minutes, kTimeTicksMax);
  const std::string time_title = "time (" + UtcOffsetName(offset_minutes) + ")";

  const std::vector<CustodyBar> bars = PackCustodyBars(input.hops, x, input.unit);
  const double custody_px =
      bars.empty() ? 0 : static_cast<double>(CustodyRows(bars)) * kCustodyRowPx + 16;
  const double panels_top = kHeaderPx + custody_px;
  const size_t legend_rows = std::min(device_index.size(), kLegendDevicesMax + 1) + 1;
  const double panels_px = static_cast<double>(panels.size()) * (kPanelPx + kPanelGapPx);
  const double height =
      panels_top + panels_px + static_cast<double>(legend_rows) * kLegendRowPx + 10;
  SvgWriter svg(kWidthPx, height, title);
  svg.Element("rect", {{"width", "100%"}, {"height", "100%"}, {"fill", "white"}});
  svg.Text(title, {{"x", "20"}, {"y", "30"}, {"font-size", "18"}, {"font-weight", "bold"}});
  svg.Text(Header(input, device_index.size()),
           {{"x", "20"}, {"y", "52"}, {"font-size", "13"}, {"fill", "#444"}});
  const bool markers = by_time.size() <= kPointMarkersMax;
  for (size_t i = 0; i < panels.size(); ++i) {
    const double top = panels_top + static_cast<double>(i) * (kPanelPx + kPanelGapPx);
    DrawPanel(svg, panels[i], top, x, time_ticks, time_title, device_index, markers);
  }
  DrawCustody(svg, bars, kHeaderPx);
  DrawLegend(svg, panels_top + panels_px, device_index, device_readings);
  return svg.Finish();
}

}  // namespace tadori::cli
