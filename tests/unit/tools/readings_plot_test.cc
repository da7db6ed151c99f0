#include "tools/cli/readings_plot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "tests/unit/tools/svg_xml.h"

namespace tadori::cli {
namespace {

using testing::XmlElement;

constexpr int64_t kNoonMs = 1'795'143'600'000;  // 2026-11-20T12:00:00+09:00

v1::RecordedReading Reading(const std::string& device, uint64_t sequence, int64_t time_ms,
                            const std::string& time, int64_t value_milli, bool excursion,
                            const std::string& sensor = "temperature",
                            const std::string& unit = "CEL") {
  v1::RecordedReading r;
  r.set_device_id(device);
  r.set_sequence(sequence);
  r.set_time_ms(time_ms);
  r.set_excursion(excursion);
  r.mutable_reading()->set_time(time);
  r.mutable_reading()->set_sensor_type(sensor);
  r.mutable_reading()->set_value_milli(value_milli);
  r.mutable_reading()->set_unit(unit);
  return r;
}

// Truck 7's six readings of the story (two above 5 °C) and a second logger in the same
// truck, and the excursion record the chain wrote.
ReadingsPlotInput Story() {
  ReadingsPlotInput in;
  in.lot_code = "KF-SPN-261120-P1";
  in.read_at_height = 21;
  const std::string truck = "urn:dev:kyushu-coldchain:truck-7:temp-1";
  const int64_t values[] = {3'100, 3'400, 7'800, 8'600, 4'200, 3'000};
  const char* times[] = {"11:15", "11:45", "12:15", "12:45", "13:15", "13:45"};
  for (int i = 0; i < 6; ++i) {
    const int64_t at = kNoonMs + (i * 30 - 45) * 60'000;
    in.readings.push_back(Reading(truck, 1, at, std::string("2026-11-20T") + times[i] + ":00+09:00",
                                  values[i], values[i] > 5'000));
    in.readings.push_back(Reading("urn:dev:kyushu-coldchain:truck-7:temp-2", 1, at,
                                  std::string("2026-11-20T") + times[i] + ":00+09:00",
                                  values[i] - 300, false));
  }
  v1::Excursion e;
  e.set_device_id(truck);
  e.set_sensor_type("temperature");
  e.set_start_time("2026-11-20T12:15:00+09:00");
  e.set_end_time("2026-11-20T12:45:00+09:00");
  e.set_worst_value_milli(8'600);
  e.set_unit("CEL");
  e.set_range_min_milli(0);
  e.set_range_max_milli(5'000);
  e.set_reading_count(2);
  in.excursions.push_back(e);
  return in;
}

testing::XmlParse Parse(const std::string& svg) {
  testing::XmlParse parsed = testing::ParseXml(svg);
  EXPECT_EQ(parsed.error, "") << svg;
  return parsed;
}

std::vector<const XmlElement*> WithClass(const XmlElement& root, const std::string& tag,
                                         const std::string& cls) {
  return root.FindAll([&](const XmlElement& e) { return e.name == tag && e.HasClass(cls); });
}

TEST(ReadingsPlotTest, StoryHasALinePerDeviceTheRangeAndTheExcursions) {
  const std::string svg = ReadingsPlotSvg(Story());
  const testing::XmlParse xml = Parse(svg);
  ASSERT_NE(xml.root, nullptr);
  const XmlElement& root = *xml.root;
  EXPECT_EQ(root.ByName("title")[0]->text, "Lot KF-SPN-261120-P1: sensor readings");

  const auto series = WithClass(root, "g", "series");
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0]->Attr("data-device"), "urn:dev:kyushu-coldchain:truck-7:temp-1");
  EXPECT_EQ(series[1]->Attr("data-device"), "urn:dev:kyushu-coldchain:truck-7:temp-2");
  for (const XmlElement* s : series) {
    ASSERT_EQ(s->ByName("polyline").size(), 1u);
    const std::string points = s->ByName("polyline")[0]->Attr("points");
    EXPECT_EQ(std::count(points.begin(), points.end(), ','), 6) << points;
  }
  EXPECT_NE(series[0]->ByName("polyline")[0]->Attr("stroke"),
            series[1]->ByName("polyline")[0]->Attr("stroke"));

  const auto range = WithClass(root, "rect", "storage-range");
  ASSERT_EQ(range.size(), 1u);
  EXPECT_EQ(range[0]->Attr("fill"), "#d8f0d2");
  const auto markers = WithClass(root, "circle", "excursion");
  ASSERT_EQ(markers.size(), 2u);  // 7.8 and 8.6 °C
  EXPECT_EQ(markers[0]->Attr("stroke"), "#d62728");
  EXPECT_NE(markers[1]->ByName("title")[0]->text.find("8.6 °C, outside the storage range"),
            std::string::npos);
  EXPECT_EQ(WithClass(root, "rect", "excursion-period").size(), 1u);

  const std::string text = root.AllText();
  EXPECT_NE(text.find("temperature (°C)"), std::string::npos);
  EXPECT_NE(text.find("storage range 0 to 5 °C (shaded)"), std::string::npos);
  EXPECT_NE(text.find("time (UTC+09:00)"), std::string::npos);
  EXPECT_NE(text.find("12:30"), std::string::npos);
  EXPECT_NE(text.find("2026-11-20"), std::string::npos);
  EXPECT_NE(text.find("12 readings from 2 devices"), std::string::npos);
  EXPECT_NE(text.find("urn:dev:kyushu-coldchain:truck-7:temp-2  (6 readings)"), std::string::npos);
}

TEST(ReadingsPlotTest, SameReadingsInAnyOrderGiveTheSameBytes) {
  ReadingsPlotInput in = Story();
  const std::string first = ReadingsPlotSvg(in);
  std::reverse(in.readings.begin(), in.readings.end());
  EXPECT_EQ(ReadingsPlotSvg(in), first);
}

TEST(ReadingsPlotTest, HostileLotCodeAndDeviceIdsAreEscaped) {
  ReadingsPlotInput in = Story();
  in.lot_code = "<&\"'> ほうれん草";
  for (v1::RecordedReading& r : in.readings) r.set_device_id("\"><script>alert(1)</script>");
  in.excursions.clear();
  const std::string svg = ReadingsPlotSvg(in);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  const testing::XmlParse xml = Parse(svg);
  ASSERT_NE(xml.root, nullptr);
  EXPECT_EQ(xml.root->ByName("title")[0]->text, "Lot <&\"'> ほうれん草: sensor readings");
  const auto series = WithClass(*xml.root, "g", "series");
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0]->Attr("data-device"), "\"><script>alert(1)</script>");
  EXPECT_EQ(xml.root->ByName("script").size(), 0u);
}

TEST(ReadingsPlotTest, WithoutAnyRangeTheRangeIsSaidToBeUnknown) {
  ReadingsPlotInput in = Story();
  in.excursions.clear();
  const testing::XmlParse xml = Parse(ReadingsPlotSvg(in));
  ASSERT_NE(xml.root, nullptr);
  EXPECT_TRUE(WithClass(*xml.root, "rect", "storage-range").empty());
  EXPECT_NE(xml.root->AllText().find("storage range unknown: the product registers none for "
                                     "temperature in CEL"),
            std::string::npos);
  EXPECT_EQ(WithClass(*xml.root, "circle", "excursion").size(), 2u);  // flags still shown
}

// A lot that never left its range still shows the band: the product's registered range.
TEST(ReadingsPlotTest, TheProductsStorageRangeIsShadedWithoutAnExcursion) {
  ReadingsPlotInput in = Story();
  in.excursions.clear();
  v1::StorageRange humidity;  // another sensor type: ignored by the temperature panel
  humidity.set_sensor_type("humidity");
  humidity.set_min_milli(0);
  humidity.set_max_milli(90'000);
  humidity.set_unit("P1");
  in.storage.push_back(humidity);
  v1::StorageRange cold;
  cold.set_sensor_type("temperature");
  cold.set_min_milli(1'000);
  cold.set_max_milli(4'000);
  cold.set_unit("CEL");
  in.storage.push_back(cold);
  const testing::XmlParse xml = Parse(ReadingsPlotSvg(in));
  ASSERT_NE(xml.root, nullptr);
  EXPECT_EQ(WithClass(*xml.root, "rect", "storage-range").size(), 1u);
  EXPECT_NE(xml.root->AllText().find("storage range 1 to 4"), std::string::npos)
      << xml.root->AllText();
  EXPECT_EQ(xml.root->AllText().find("storage range unknown"), std::string::npos);
}

TEST(ReadingsPlotTest, OneReadingIsAPointOnAReadableAxis) {
  ReadingsPlotInput in;
  in.lot_code = "L";
  in.readings.push_back(Reading("d", 1, kNoonMs, "2026-11-20T12:00:00+09:00", 4'000, false));
  const testing::XmlParse xml = Parse(ReadingsPlotSvg(in));
  ASSERT_NE(xml.root, nullptr);
  const auto series = WithClass(*xml.root, "g", "series");
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0]->ByName("circle").size(), 1u);
  EXPECT_NE(xml.root->AllText().find("12:00"), std::string::npos) << xml.root->AllText();
  EXPECT_NE(xml.root->AllText().find("1 reading from 1 device"), std::string::npos);
}

TEST(ReadingsPlotTest, NoReadingsSaySo) {
  ReadingsPlotInput in;
  in.lot_code = "EMPTY-1";
  in.read_at_height = 7;
  const testing::XmlParse xml = Parse(ReadingsPlotSvg(in));
  ASSERT_NE(xml.root, nullptr);
  EXPECT_NE(xml.root->AllText().find("no readings are recorded for this lot (read at height 7)"),
            std::string::npos);
  EXPECT_TRUE(WithClass(*xml.root, "g", "series").empty());
}

TEST(ReadingsPlotTest, ExtremeValuesAndTimesStayOnThePage) {
  ReadingsPlotInput in;
  in.lot_code = "HUGE";
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  in.readings.push_back(Reading("d", 1, -62'135'596'800'000, "0001-01-01T00:00:00Z", kMin, true));
  in.readings.push_back(Reading("d", 2, 253'402'300'799'000, "9999-12-31T23:59:59Z", kMax, false));
  const testing::XmlParse xml = Parse(ReadingsPlotSvg(in));  // SvgNumber aborts off the page
  ASSERT_NE(xml.root, nullptr);
  const auto series = WithClass(*xml.root, "g", "series");
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(WithClass(*xml.root, "circle", "excursion").size(), 1u);
}

TEST(ReadingsPlotTest, EachSensorTypeGetsAPanelAndManyDevicesAShortLegend) {
  ReadingsPlotInput in;
  in.lot_code = "L";
  for (int d = 0; d < 30; ++d) {
    const std::string device = "dev-" + std::string(d < 10 ? "0" : "") + std::to_string(d);
    in.readings.push_back(
        Reading(device, 1, kNoonMs + d * 60'000, "2026-11-20T12:00:00+09:00", d * 100, false));
  }
  in.readings.push_back(
      Reading("hygro", 1, kNoonMs, "2026-11-20T12:00:00+09:00", 91'000, false, "humidity", "P1"));
  const testing::XmlParse xml = Parse(ReadingsPlotSvg(in));
  ASSERT_NE(xml.root, nullptr);
  const auto panels = WithClass(*xml.root, "g", "panel");
  ASSERT_EQ(panels.size(), 2u);
  EXPECT_EQ(panels[0]->Attr("data-sensor-type"), "humidity");
  EXPECT_EQ(WithClass(*panels[0], "g", "series").size(), 1u);
  EXPECT_EQ(WithClass(*panels[1], "g", "series").size(), 30u);
  const std::string text = xml.root->AllText();
  EXPECT_NE(text.find("humidity (%)"), std::string::npos);
  EXPECT_NE(text.find("and 7 more device(s)"), std::string::npos) << text;  // 31 devices, 24 shown
}

TEST(ReadingsPlotTest, ShipmentsInThePlottedTimeAreDrawnAboveTheReadings) {
  ReadingsPlotInput in = Story();
  in.unit = "KGM";
  CustodyHop truck;
  truck.from_org = "kyushu-farm";
  truck.to_org = "hakata-wholesale";
  truck.carrier_org = "kyushu-coldchain";
  truck.quantity_milli = truck.received_milli = 500'000;
  truck.shipped_ms = kNoonMs - 60 * 60'000;
  truck.received_ms = kNoonMs + 130 * 60'000;
  CustodyHop later = truck;
  later.shipped_ms = kNoonMs + 86'400'000;  // the next day: outside the plot
  later.received_ms = later.shipped_ms + 60'000;
  in.hops = {truck, later};
  const testing::XmlParse xml = Parse(ReadingsPlotSvg(in));
  ASSERT_NE(xml.root, nullptr);
  const auto custody = WithClass(*xml.root, "g", "custody");
  ASSERT_EQ(custody.size(), 1u);
  EXPECT_EQ(custody[0]->ByName("rect").size(), 1u);
  EXPECT_NE(custody[0]->AllText().find(
                "shipped kyushu-farm → hakata-wholesale via kyushu-coldchain, 500 kg"),
            std::string::npos)
      << custody[0]->AllText();
}

}  // namespace
}  // namespace tadori::cli
