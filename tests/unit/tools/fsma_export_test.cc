// tadori fsma export: the sheets' headings, the rows built from recorded events, the csv and
// xlsx files, and which events --lot and --from/--to select (against an in-memory Trace).
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tools/cli/fsma_csv.h"
#include "tools/cli/fsma_rows.h"
#include "tools/cli/fsma_select.h"
#include "tools/cli/fsma_sheets.h"
#include "tools/cli/fsma_xlsx.h"

namespace tadori::cli::fsma {
namespace {

constexpr char kFarm[] = "urn:epc:id:sgln:4569951.10001.0";
constexpr char kPackhouse[] = "urn:epc:id:sgln:4569951.10002.0";
constexpr char kWholesale[] = "urn:epc:id:sgln:4569951.20001.0";
constexpr char kDeli[] = "urn:epc:id:sgln:4569951.30001.0";
constexpr char kSpinach[] = "04569951000010";
constexpr char kSalad[] = "04569951000034";

size_t SheetIndex(std::string_view name) {
  for (size_t i = 0; i < Sheets().size(); ++i) {
    if (Sheets()[i].name == name) return i;
  }
  ADD_FAILURE() << "no sheet " << name;
  return 0;
}

size_t ColumnIndex(size_t sheet, std::string_view heading) {
  const auto& columns = Sheets()[sheet].columns;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].heading == heading) return i;
  }
  ADD_FAILURE() << "no column \"" << heading << "\" in " << Sheets()[sheet].name;
  return 0;
}

// Keeps every row, as text.
class RecordingSink final : public RowSink {
 public:
  Status Row(size_t sheet, std::span<const Cell> cells) override {
    std::vector<std::string> row;
    for (const Cell& c : cells) row.push_back(c.text);
    rows[sheet].push_back(std::move(row));
    return Status::Ok();
  }
  std::map<size_t, std::vector<std::vector<std::string>>> rows;
};

v1::QuantityElement Quantity(const std::string& lot, const std::string& gtin, int64_t milli) {
  v1::QuantityElement q;
  q.set_lot_code(lot);
  q.set_product(gtin);
  q.set_quantity_milli(milli);
  q.set_unit("KGM");
  return q;
}

v1::RecordedEvent Recorded(uint64_t height, const std::string& cte, v1::EventType type,
                           const std::string& biz_step, const std::string& time) {
  v1::RecordedEvent r;
  r.mutable_ref()->set_height(height);
  r.mutable_ref()->set_index(0);
  r.mutable_ref()->set_tx_id(std::string(32, static_cast<char>(height)));
  r.set_org_id("kyushu-farm");
  r.set_cte(cte);
  v1::EpcisEvent& e = *r.mutable_event();
  e.set_type(type);
  e.set_biz_step(biz_step);
  e.set_event_time(time);
  e.set_biz_location(kPackhouse);
  return r;
}

v1::RecordedEvent Harvest() {
  v1::RecordedEvent r =
      Recorded(3, "harvesting", v1::OBJECT_EVENT, "harvesting", "2026-11-20T06:30:00+09:00");
  r.mutable_event()->set_biz_location(kFarm);
  *r.mutable_event()->add_quantity_list() = Quantity("KF-H1", kSpinach, 520000);
  r.mutable_event()->mutable_ilmd()->set_tlc_source(kFarm);
  v1::BizTransaction* doc = r.mutable_event()->add_biz_transaction_list();
  doc->set_type("prodorder");
  doc->set_id("KF-HARVEST-3");
  return r;
}

v1::RecordedEvent Ship() {
  v1::RecordedEvent r =
      Recorded(5, "shipping", v1::OBJECT_EVENT, "shipping", "2026-11-20T23:30:00-05:00");
  *r.mutable_event()->add_quantity_list() = Quantity("KF-P1", kSpinach, 250);
  v1::PartyRef* to = r.mutable_event()->add_destination_list();
  to->set_type("owning_party");
  to->set_id("hakata-wholesale");
  to = r.mutable_event()->add_destination_list();
  to->set_type("location");
  to->set_id(kWholesale);
  v1::BizTransaction* doc = r.mutable_event()->add_biz_transaction_list();
  doc->set_type("po");
  doc->set_id("PO-1");
  doc = r.mutable_event()->add_biz_transaction_list();
  doc->set_type("desadv");
  doc->set_id("ASN-9");
  return r;
}

v1::RecordedEvent Transform() {
  v1::RecordedEvent r = Recorded(8, "transformation", v1::TRANSFORMATION_EVENT, "transforming",
                                 "2026-11-21T10:00:00+09:00");
  r.mutable_event()->set_biz_location(kDeli);
  *r.mutable_event()->add_input_quantity_list() = Quantity("KF-P1", kSpinach, 200000);
  *r.mutable_event()->add_input_quantity_list() = Quantity("HW-P7", kSpinach, 50000);
  *r.mutable_event()->add_output_quantity_list() = Quantity("DL-SALAD-1", kSalad, 240000);
  return r;
}

MapDirectory Directory() {
  MapDirectory d;
  const auto location = [&](const char* gln, const char* name, const char* address) {
    v1::LocationRecord loc;
    loc.mutable_location()->set_gln(gln);
    loc.mutable_location()->set_name(name);
    loc.mutable_location()->set_address(address);
    d.AddLocation(std::move(loc));
  };
  location(kFarm, "糸島ほうれん草圃場 (Itoshima spinach field 3)", "福岡県糸島市");
  location(kPackhouse, "Itoshima packhouse", "Itoshima, Fukuoka");
  location(kWholesale, "Hakata wholesale", "Hakata, Fukuoka");
  location(kDeli, "Tenjin deli kitchen", "Tenjin, Fukuoka");
  const auto lot = [&](const char* code, const char* gtin, const char* description,
                       const char* source) {
    v1::LotView view;
    view.mutable_lot()->set_lot_code(code);
    view.mutable_lot()->set_product(gtin);
    view.mutable_lot()->set_tlc_source(source);
    view.mutable_product()->mutable_product()->set_gtin(gtin);
    view.mutable_product()->mutable_product()->set_description(description);
    d.AddLot(std::move(view));
  };
  lot("KF-H1", kSpinach, "Spinach, fresh, bunched (ほうれん草)", kFarm);
  lot("KF-P1", kSpinach, "Spinach, fresh, bunched (ほうれん草)", kPackhouse);
  lot("DL-SALAD-1", kSalad, "Spinach salad, 1 kg", kDeli);
  return d;
}

TEST(FsmaSheetsTest, SheetsAreFdasCtesInOrder) {
  std::vector<std::string> names;
  for (const SheetLayout& s : Sheets()) names.emplace_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Harvesting", "Cooling", "Initial Packing",
                                             "First Land-Based Receiving", "Shipping", "Receiving",
                                             "Transformation"}));
  EXPECT_EQ(SheetIndexForCte("first_land_based_receiving"), 3u);
  EXPECT_EQ(SheetIndexForCte(""), Sheets().size());
  EXPECT_EQ(SheetIndexForCte("storing"), Sheets().size());
}

TEST(FsmaSheetsTest, EverySheetCarriesTheTlcItsSourceAndTheErrorMark) {
  for (const SheetLayout& s : Sheets()) {
    SCOPED_TRACE(std::string(s.name));
    EXPECT_LE(s.name.size(), 31u);  // Excel's limit for a sheet name
    std::set<std::string_view> headings;
    bool tlc = false, source_gln = false, source_name = false, error = false;
    for (const Column& c : s.columns) {
      EXPECT_FALSE(c.heading.empty());
      EXPECT_TRUE(headings.insert(c.heading).second) << "repeated: " << c.heading;
      tlc = tlc || c.kde == Kde::kTlc;
      source_gln = source_gln || (c.kde == Kde::kTlcSource && c.part == Part::kGln);
      source_name = source_name || (c.kde == Kde::kTlcSource && c.part == Part::kName);
      error = error || c.kde == Kde::kErrorDeclaration;
    }
    EXPECT_TRUE(tlc && source_gln && source_name && error);
  }
}

TEST(FsmaSheetsTest, HeadingsFollowTheKdesOfEachCte) {
  const auto headings = [](std::string_view sheet) {
    std::vector<std::string> out;
    for (const Column& c : Sheets()[SheetIndex(sheet)].columns) out.emplace_back(c.heading);
    return out;
  };
  const std::vector<std::string> shipping = headings("Shipping");
  ASSERT_GE(shipping.size(), 4u);
  EXPECT_EQ(shipping[0], "Traceability Lot Code");
  EXPECT_EQ(shipping[1], "Quantity");
  EXPECT_EQ(shipping[2], "Unit of Measure");
  EXPECT_EQ(shipping[3], "Product Description");
  ColumnIndex(SheetIndex("Shipping"),
              "Location Description for the Immediate Subsequent Recipient - Name");
  ColumnIndex(SheetIndex("Shipping"), "Date You Shipped the Food");
  ColumnIndex(SheetIndex("Receiving"),
              "Location Description for the Immediate Previous Source - Name");
  ColumnIndex(SheetIndex("Receiving"), "Date You Received the Food");
  ColumnIndex(SheetIndex("Harvesting"), "Name of the Field or Other Growing Area");
  ColumnIndex(SheetIndex("Cooling"), "Date of Cooling");
  ColumnIndex(SheetIndex("Initial Packing"), "Date of Initial Packing");
  ColumnIndex(SheetIndex("First Land-Based Receiving"), "Harvest Date Range");
  ColumnIndex(SheetIndex("Transformation"), "Traceability Lot Code of the Food Used");
  ColumnIndex(SheetIndex("Transformation"), "Date Transformation Was Completed");
  for (const std::string& h : headings("Transformation")) {
    EXPECT_NE(h, "Traceability Lot Code") << "the new lot has its own heading";
  }
}

TEST(FsmaRowsTest, MilliToDecimalIsExact) {
  EXPECT_EQ(MilliToDecimal(520000), "520");
  EXPECT_EQ(MilliToDecimal(250), "0.25");
  EXPECT_EQ(MilliToDecimal(1), "0.001");
  EXPECT_EQ(MilliToDecimal(-1500), "-1.5");
  EXPECT_EQ(MilliToDecimal(0), "0");
  EXPECT_EQ(MilliToDecimal(INT64_MIN), "-9223372036854775.808");
}

TEST(FsmaRowsTest, OneRowPerEventWithTheTlcAndItsSource) {
  MapDirectory directory = Directory();
  RecordingSink sink;
  RowBuilder builder(directory, sink);
  ASSERT_TRUE(builder.Add(Harvest()).ok());
  ASSERT_TRUE(builder.Add(Ship()).ok());

  const size_t harvesting = SheetIndex("Harvesting");
  ASSERT_EQ(sink.rows[harvesting].size(), 1u);
  const auto& h = sink.rows[harvesting][0];
  EXPECT_EQ(h[ColumnIndex(harvesting, "tadori: Traceability Lot Code")], "KF-H1");
  EXPECT_EQ(h[ColumnIndex(harvesting, "tadori: Traceability Lot Code Source Reference (GLN)")],
            kFarm);
  EXPECT_EQ(h[ColumnIndex(harvesting, "tadori: Traceability Lot Code Source - Location Name")],
            "糸島ほうれん草圃場 (Itoshima spinach field 3)");
  EXPECT_EQ(h[ColumnIndex(harvesting, "Quantity")], "520");
  EXPECT_EQ(h[ColumnIndex(harvesting, "tadori: Product Identifier (GTIN)")], kSpinach);
  EXPECT_EQ(h[ColumnIndex(harvesting, "Date of Harvesting")], "2026-11-20");
  EXPECT_EQ(h[ColumnIndex(harvesting, "Reference Document Number")], "KF-HARVEST-3");

  const size_t shipping = SheetIndex("Shipping");
  ASSERT_EQ(sink.rows[shipping].size(), 1u);
  const auto& s = sink.rows[shipping][0];
  EXPECT_EQ(s[ColumnIndex(shipping, "Traceability Lot Code")], "KF-P1");
  EXPECT_EQ(s[ColumnIndex(shipping, "Quantity")], "0.25");
  EXPECT_EQ(s[ColumnIndex(shipping, "Product Description")],
            "Spinach, fresh, bunched (ほうれん草)");
  // The recipient's location, found among the destinations after the owning party.
  EXPECT_EQ(s[ColumnIndex(shipping,
                          "Location Description for the Immediate Subsequent Recipient - Name")],
            "Hakata wholesale");
  EXPECT_EQ(
      s[ColumnIndex(shipping, "Location Description for the Immediate Subsequent Recipient - GLN")],
      kWholesale);
  EXPECT_EQ(s[ColumnIndex(shipping,
                          "Location Description for the Location From Which You Shipped the Food - "
                          "Address")],
            "Itoshima, Fukuoka");
  // The date where it happened (its own offset), not in UTC.
  EXPECT_EQ(s[ColumnIndex(shipping, "Date You Shipped the Food")], "2026-11-20");
  EXPECT_EQ(s[ColumnIndex(shipping, "Traceability Lot Code Source Reference (GLN)")], kPackhouse);
  EXPECT_EQ(s[ColumnIndex(shipping, "Reference Document Type")], "po; desadv");
  EXPECT_EQ(s[ColumnIndex(shipping, "Reference Document Number")], "PO-1; ASN-9");
  std::string tx_hex;
  for (int i = 0; i < 32; ++i) tx_hex += "05";
  EXPECT_EQ(s[ColumnIndex(shipping, "tadori: Transaction ID")], tx_hex);
  EXPECT_EQ(s[ColumnIndex(shipping, "tadori: Block Height")], "5");
  EXPECT_EQ(s[ColumnIndex(shipping, "tadori: Erroneous (EPCIS error declaration)")], "");
  EXPECT_EQ(builder.rows()[shipping], 1u);
}

TEST(FsmaRowsTest, TransformationGivesARowPerInputAndNewLot) {
  MapDirectory directory = Directory();
  RecordingSink sink;
  RowBuilder builder(directory, sink);
  ASSERT_TRUE(builder.Add(Transform()).ok());
  const size_t t = SheetIndex("Transformation");
  ASSERT_EQ(sink.rows[t].size(), 2u);
  for (const auto& row : sink.rows[t]) {
    EXPECT_EQ(row[ColumnIndex(t, "New Traceability Lot Code")], "DL-SALAD-1");
    EXPECT_EQ(row[ColumnIndex(t, "Quantity of the Produced Food")], "240");
    EXPECT_EQ(row[ColumnIndex(t, "Product Description of the Produced Food")],
              "Spinach salad, 1 kg");
    EXPECT_EQ(row[ColumnIndex(t, "Traceability Lot Code Source Reference (GLN)")], kDeli);
    EXPECT_EQ(row[ColumnIndex(t, "Date Transformation Was Completed")], "2026-11-21");
  }
  EXPECT_EQ(sink.rows[t][0][ColumnIndex(t, "Traceability Lot Code of the Food Used")], "KF-P1");
  EXPECT_EQ(sink.rows[t][0][ColumnIndex(t, "Quantity of the Food Used")], "200");
  EXPECT_EQ(sink.rows[t][1][ColumnIndex(t, "Traceability Lot Code of the Food Used")], "HW-P7");
  EXPECT_EQ(sink.rows[t][1][ColumnIndex(t, "Quantity of the Food Used")], "50");
  // HW-P7 is not in the directory: its description is empty, its code still there.
  EXPECT_EQ(sink.rows[t][1][ColumnIndex(t, "Product Description of the Food Used")], "");
  EXPECT_EQ(sink.rows[t][1][ColumnIndex(t, "tadori: Product Identifier of the Food Used (GTIN)")],
            kSpinach);
}

TEST(FsmaRowsTest, ErroneousEventsAreKeptAndMarkedOthersSkipped) {
  MapDirectory directory = Directory();
  RecordingSink sink;
  RowBuilder builder(directory, sink);
  v1::RecordedEvent wrong = Ship();
  wrong.mutable_error_declaration()->set_declaration_time("2026-11-22T09:00:00+09:00");
  wrong.mutable_error_declaration()->set_reason("incorrect_data");
  wrong.mutable_error_declaration()->add_corrective_event_ids("urn:uuid:fix-1");
  ASSERT_TRUE(builder.Add(wrong).ok());
  v1::RecordedEvent storing = Recorded(9, "", v1::OBJECT_EVENT, "storing", "2026-11-21T00:00Z");
  *storing.mutable_event()->add_quantity_list() = Quantity("KF-P1", kSpinach, 1000);
  ASSERT_TRUE(builder.Add(storing).ok());

  const size_t shipping = SheetIndex("Shipping");
  ASSERT_EQ(sink.rows[shipping].size(), 1u);
  const std::string& mark =
      sink.rows[shipping][0][ColumnIndex(shipping, "tadori: Erroneous (EPCIS error declaration)")];
  EXPECT_NE(mark.find("declared erroneous at 2026-11-22T09:00:00+09:00"), std::string::npos);
  EXPECT_NE(mark.find("incorrect_data"), std::string::npos);
  EXPECT_NE(mark.find("urn:uuid:fix-1"), std::string::npos);
  EXPECT_EQ(builder.erroneous(), 1u);
  EXPECT_EQ(builder.skipped(), 1u);
  size_t total = 0;
  for (const auto& [sheet, rows] : sink.rows) total += rows.size();
  EXPECT_EQ(total, 1u);
}

// ---------------------------------------------------------------- csv

// Splits RFC 4180 text into records of fields.
std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      records.back().push_back(field);
      field.clear();
      records.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (records.back().empty()) records.pop_back();
  return records;
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fsma-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(FsmaCsvTest, QuotesCommasQuotesNewlinesAndKeepsUtf8) {
  const auto field = [](std::string_view f) {
    std::string out;
    AppendCsvField(out, f);
    return out;
  };
  EXPECT_EQ(field("KF-P1"), "KF-P1");
  EXPECT_EQ(field("Spinach, bunched"), "\"Spinach, bunched\"");
  EXPECT_EQ(field("a \"deli\" salad"), "\"a \"\"deli\"\" salad\"");
  EXPECT_EQ(field("line 1\nline 2"), "\"line 1\nline 2\"");
  EXPECT_EQ(field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(field("ほうれん草"), "ほうれん草");
  EXPECT_EQ(field(""), "");
}

TEST(FsmaCsvTest, WritesOneFilePerSheetThatReadsBack) {
  TempDir dir;
  const std::string out = (dir.path() / "export").string();
  auto writer = CsvWriter::Open(out);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  MapDirectory directory = Directory();
  RowBuilder builder(directory, **writer);
  v1::RecordedEvent ship = Ship();
  // A description with everything that needs quoting, through the directory.
  v1::LotView odd;
  odd.mutable_lot()->set_lot_code("KF-P1");
  odd.mutable_lot()->set_tlc_source(kPackhouse);
  odd.mutable_product()->mutable_product()->set_description(
      "Spinach, \"premium\"\r\nほうれん草, 200 g");
  directory.AddLot(odd);
  ASSERT_TRUE(builder.Add(ship).ok());
  ASSERT_TRUE((*writer)->Close().ok());

  for (const SheetLayout& s : Sheets()) {
    EXPECT_TRUE(
        std::filesystem::exists(std::filesystem::path(out) / (std::string(s.name) + ".csv")))
        << s.name;
  }
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    ++files;
    EXPECT_EQ(entry.path().extension(), ".csv") << "a temporary left behind: " << entry.path();
  }
  EXPECT_EQ(files, Sheets().size());

  const std::string text = ReadAll(std::filesystem::path(out) / "Shipping.csv");
  ASSERT_TRUE(text.starts_with("\xEF\xBB\xBF"));
  EXPECT_TRUE(text.ends_with("\r\n"));
  const auto records = ParseCsv(std::string_view(text).substr(3));
  const size_t shipping = SheetIndex("Shipping");
  ASSERT_EQ(records.size(), 2u);
  ASSERT_EQ(records[0].size(), Sheets()[shipping].columns.size());
  EXPECT_EQ(records[0][0], "Traceability Lot Code");
  ASSERT_EQ(records[1].size(), records[0].size());
  EXPECT_EQ(records[1][0], "KF-P1");
  EXPECT_EQ(records[1][ColumnIndex(shipping, "Product Description")],
            "Spinach, \"premium\"\r\nほうれん草, 200 g");
  EXPECT_EQ(records[1][ColumnIndex(shipping, "tadori: Product Identifier (GTIN)")], kSpinach);

  const std::string empty = ReadAll(std::filesystem::path(out) / "Cooling.csv");
  EXPECT_EQ(ParseCsv(std::string_view(empty).substr(3)).size(), 1u) << "the headings alone";
}

TEST(FsmaCsvTest, RefusesAPathThatIsAFile) {
  TempDir dir;
  const std::string file = (dir.path() / "plain").string();
  std::ofstream(file) << "x";
  EXPECT_FALSE(CsvWriter::Open(file).ok());
}

// ---------------------------------------------------------------- xlsx

uint32_t U16(const std::string& b, size_t at) {
  return static_cast<uint8_t>(b[at]) | static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 8;
}
uint64_t U32(const std::string& b, size_t at) {
  return U16(b, at) | uint64_t{U16(b, at + 2)} << 16;
}
uint64_t U64(const std::string& b, size_t at) {
  return U32(b, at) | U32(b, at + 4) << 32;
}

// The members of a zip file (names to uncompressed contents), from its central directory
// (zip64 extents included), inflated with zlib. Empty on anything it cannot read.
std::map<std::string, std::string> Unzip(const std::string& zip) {
  std::map<std::string, std::string> members;
  size_t eocd = zip.rfind(std::string("PK\x05\x06", 4));
  if (eocd == std::string::npos || eocd + 22 > zip.size()) return members;
  uint64_t entries = U16(zip, eocd + 10);
  uint64_t cd = U32(zip, eocd + 16);
  if (cd == 0xFFFFFFFF || entries == 0xFFFF) {
    const size_t locator = zip.rfind(std::string("PK\x06\x07", 4), eocd);
    if (locator == std::string::npos) return members;
    const uint64_t eocd64 = U64(zip, locator + 8);
    entries = U64(zip, eocd64 + 32);
    cd = U64(zip, eocd64 + 48);
  }
  size_t at = cd;
  for (uint64_t i = 0; i < entries; ++i) {
    if (at + 46 > zip.size() || U32(zip, at) != 0x02014b50) return {};
    const uint32_t method = U16(zip, at + 10);
    uint64_t csize = U32(zip, at + 20), usize = U32(zip, at + 24);
    const size_t name_len = U16(zip, at + 28), extra_len = U16(zip, at + 30),
                 comment_len = U16(zip, at + 32);
    uint64_t local = U32(zip, at + 42);
    const std::string name = zip.substr(at + 46, name_len);
    // Zip64 extra field: the 8-byte values of the fields that said 0xFFFFFFFF, in order.
    for (size_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
      const uint32_t id = U16(zip, x), len = U16(zip, x + 2);
      if (id == 1) {
        size_t v = x + 4;
        if (usize == 0xFFFFFFFF) usize = U64(zip, v), v += 8;
        if (csize == 0xFFFFFFFF) csize = U64(zip, v), v += 8;
        if (local == 0xFFFFFFFF) local = U64(zip, v);
      }
      x += 4 + len;
    }
    at += 46 + name_len + extra_len + comment_len;
    const size_t data = local + 30 + U16(zip, local + 26) + U16(zip, local + 28);
    std::string out(usize, '\0');
    if (method == 0) {
      out = zip.substr(data, csize);
    } else {
      z_stream z{};
      if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return {};
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
      z.avail_in = static_cast<uInt>(csize);
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(usize);
      const int r = inflate(&z, Z_FINISH);
      inflateEnd(&z);
      if (r != Z_STREAM_END) return {};
    }
    members[name] = std::move(out);
  }
  return members;
}

TEST(FsmaXlsxTest, WritesAWorkbookWithEverySheetSortableAndCodesAsText) {
  TempDir dir;
  const std::string out = (dir.path() / "export.xlsx").string();
  auto writer = XlsxWriter::Open(out);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  MapDirectory directory = Directory();
  RowBuilder builder(directory, **writer);
  ASSERT_TRUE(builder.Add(Harvest()).ok());
  ASSERT_TRUE(builder.Add(Ship()).ok());
  ASSERT_TRUE(builder.Add(Transform()).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));

  const std::string zip = ReadAll(out);
  ASSERT_TRUE(zip.starts_with(std::string("PK\x03\x04", 4)));
  const std::map<std::string, std::string> members = Unzip(zip);
  ASSERT_FALSE(members.empty()) << "not a zip we can read";
  ASSERT_TRUE(members.contains("xl/workbook.xml"));
  const std::string& workbook = members.at("xl/workbook.xml");
  size_t sheets = 0;
  for (size_t i = 1; members.contains("xl/worksheets/sheet" + std::to_string(i) + ".xml"); ++i) {
    ++sheets;
  }
  EXPECT_EQ(sheets, Sheets().size());
  for (const SheetLayout& s : Sheets()) {
    EXPECT_NE(workbook.find("name=\"" + std::string(s.name) + "\""), std::string::npos) << s.name;
  }
  // Shipping is the fifth sheet: headings, a frozen heading row, the autofilter, the GTIN
  // and the GLN as text (inline strings) and the quantity as a number.
  const std::string& shipping = members.at("xl/worksheets/sheet5.xml");
  EXPECT_NE(shipping.find("Traceability Lot Code"), std::string::npos);
  EXPECT_NE(shipping.find("state=\"frozen\""), std::string::npos);
  EXPECT_NE(shipping.find("<autoFilter ref=\"A1:"), std::string::npos);
  EXPECT_NE(shipping.find("t=\"inlineStr\"><is><t>04569951000010</t>"), std::string::npos);
  EXPECT_NE(shipping.find("<v>0.25</v>"), std::string::npos);
  const std::string& transformation = members.at("xl/worksheets/sheet7.xml");
  EXPECT_NE(transformation.find("<row r=\"3\""), std::string::npos) << "two rows below headings";
  EXPECT_EQ(transformation.find("<row r=\"4\""), std::string::npos);
  // Japanese text arrives as UTF-8.
  const std::string& harvesting = members.at("xl/worksheets/sheet1.xml");
  EXPECT_NE(harvesting.find("糸島ほうれん草圃場"), std::string::npos);
}

TEST(FsmaXlsxTest, AnAbandonedWorkbookLeavesNoFile) {
  TempDir dir;
  const std::string out = (dir.path() / "never.xlsx").string();
  {
    auto writer = XlsxWriter::Open(out);
    ASSERT_TRUE(writer.ok());
  }
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));
}

// ---------------------------------------------------------------- selection

// A chain in memory answering as the Trace service does: pages of `page_size` (2 here, to
// make the selection follow cursors), traces from the lots' parents and children.
class FakeTrace final : public TraceSource {
 public:
  void Add(const v1::RecordedEvent& e, std::vector<std::string> lots) {
    events.push_back(e);
    for (const std::string& lot : lots) history[lot].push_back(e);
  }

  Result<v1::EventPage> LotHistory(const v1::LotHistoryRequest& r) override {
    ++history_calls;
    auto it = history.find(r.lot_code());
    if (it == history.end()) return Status::NotFound("no lot " + r.lot_code());
    return Page(it->second, r.cursor());
  }
  Result<v1::EventPage> QueryEvents(const v1::EventQuery& q) override {
    ++query_calls;
    std::vector<v1::RecordedEvent> selected;
    for (const v1::RecordedEvent& e : events) {
      const std::string& t = e.event().event_time();  // all in one offset here: compare text
      if ((q.time_from().empty() || t >= q.time_from()) && (q.time_to().empty() || t < q.time_to()))
        selected.push_back(e);
    }
    return Page(selected, q.cursor());
  }
  Result<v1::TraceGraph> Trace(const v1::TraceRequest& r, bool forward) override {
    v1::TraceGraph g;
    std::set<std::string> seen{r.lot_code()};
    std::vector<std::string> frontier{r.lot_code()};
    for (uint32_t d = 0; d <= r.depth() && !frontier.empty(); ++d) {
      std::vector<std::string> next;
      for (const std::string& lot : frontier) {
        g.add_nodes()->set_lot_code(lot);
        for (const std::string& n : forward ? children[lot] : parents[lot]) {
          if (seen.insert(n).second) next.push_back(n);
        }
      }
      frontier = next;
    }
    return g;
  }
  Result<v1::LotView> GetLot(const std::string& code) override {
    ++get_lot_calls[code];
    if (code == "BROKEN") return Status::Unavailable("node went away");
    if (!history.contains(code)) return Status::NotFound("no lot " + code);
    v1::LotView v;
    v.mutable_lot()->set_lot_code(code);
    return v;
  }

  std::vector<v1::RecordedEvent> events;
  std::map<std::string, std::vector<v1::RecordedEvent>> history;
  std::map<std::string, std::vector<std::string>> parents, children;
  int history_calls = 0, query_calls = 0;
  std::map<std::string, int> get_lot_calls;

 private:
  static v1::EventPage Page(const std::vector<v1::RecordedEvent>& all, const std::string& cursor) {
    const size_t from = cursor.empty() ? 0 : std::stoul(cursor);
    v1::EventPage page;
    for (size_t i = from; i < all.size() && i < from + 2; ++i) *page.add_events() = all[i];
    if (from + 2 < all.size()) page.set_next_cursor(std::to_string(from + 2));
    return page;
  }
};

v1::RecordedEvent At(uint64_t height, const std::string& time) {
  v1::RecordedEvent e = Recorded(height, "shipping", v1::OBJECT_EVENT, "shipping", time);
  return e;
}

// Salad S was made from packed lots A and B; A from harvest H; S went on to make box X.
FakeTrace Chain() {
  FakeTrace f;
  f.Add(At(1, "2026-11-20T01:00:00Z"), {"H"});
  f.Add(At(2, "2026-11-20T02:00:00Z"), {"H", "A"});  // packing H into A
  f.Add(At(3, "2026-11-20T03:00:00Z"), {"A"});
  f.Add(At(4, "2026-11-20T04:00:00Z"), {"B"});
  f.Add(At(5, "2026-11-20T05:00:00Z"), {"A", "B", "S"});  // the transformation
  f.Add(At(6, "2026-11-20T06:00:00Z"), {"S"});
  f.Add(At(7, "2026-11-20T07:00:00Z"), {"S"});
  f.Add(At(8, "2026-11-20T08:00:00Z"), {"S", "X"});
  f.parents = {{"S", {"A", "B"}}, {"A", {"H"}}, {"X", {"S"}}};
  f.children = {{"A", {"S"}}, {"B", {"S"}}, {"H", {"A"}}, {"S", {"X"}}};
  return f;
}

std::vector<uint64_t> Heights(const std::vector<v1::RecordedEvent>& events) {
  std::vector<uint64_t> h;
  for (const v1::RecordedEvent& e : events) h.push_back(e.ref().height());
  return h;
}

TEST(FsmaSelectTest, LotTakesItsInputsHistoriesEachEventOnceInChainOrder) {
  FakeTrace chain = Chain();
  Result<LotEvents> selected = CollectLotEvents(chain, {"S", 10, false});
  ASSERT_TRUE(selected.ok()) << selected.status().ToString();
  EXPECT_EQ(selected->lots, (std::vector<std::string>{"S", "A", "B", "H"}));
  EXPECT_EQ(Heights(selected->events), (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(FsmaSelectTest, DepthAndForwardBoundTheLots) {
  FakeTrace chain = Chain();
  Result<LotEvents> alone = CollectLotEvents(chain, {"A", 0, false});
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ(alone->lots, (std::vector<std::string>{"A"}));
  EXPECT_EQ(Heights(alone->events), (std::vector<uint64_t>{2, 3, 5}));
  Result<LotEvents> forward = CollectLotEvents(chain, {"A", 1, true});
  ASSERT_TRUE(forward.ok());
  EXPECT_EQ(forward->lots, (std::vector<std::string>{"A", "H", "S"}));
  EXPECT_EQ(Heights(forward->events), (std::vector<uint64_t>{1, 2, 3, 5, 6, 7, 8}));
}

TEST(FsmaSelectTest, AnUnknownLotIsNotFound) {
  FakeTrace chain = Chain();
  Result<LotEvents> selected = CollectLotEvents(chain, {"NOPE", 10, false});
  ASSERT_FALSE(selected.ok());
  EXPECT_EQ(selected.status().code(), Code::kNotFound);
}

TEST(FsmaSelectTest, TimeWindowFollowsPagesAndExcludesItsEnd) {
  FakeTrace chain = Chain();
  std::vector<uint64_t> heights;
  const Status read = ForEachEventInTime(chain, "2026-11-20T02:00:00Z", "2026-11-20T07:00:00Z",
                                         [&](const v1::RecordedEvent& e) {
                                           heights.push_back(e.ref().height());
                                           return Status::Ok();
                                         });
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(heights, (std::vector<uint64_t>{2, 3, 4, 5, 6}));
  EXPECT_EQ(chain.query_calls, 3);  // pages of 2
  // A failure from the callback stops the walk.
  int calls = 0;
  const Status stopped = ForEachEventInTime(chain, "", "", [&](const v1::RecordedEvent&) -> Status {
    return ++calls == 3 ? Status::Internal("disk full") : Status::Ok();
  });
  EXPECT_EQ(stopped.code(), Code::kInternal);
  EXPECT_EQ(calls, 3);
}

TEST(FsmaSelectTest, SourceDirectoryAsksEachLotOnceAndKeepsRealFailures) {
  FakeTrace chain = Chain();
  SourceDirectory directory(chain);
  EXPECT_NE(directory.Lot("A"), nullptr);
  EXPECT_NE(directory.Lot("A"), nullptr);
  EXPECT_EQ(directory.Lot("NOPE"), nullptr);
  EXPECT_EQ(directory.Lot("NOPE"), nullptr);
  EXPECT_EQ(chain.get_lot_calls["A"], 1);
  EXPECT_EQ(chain.get_lot_calls["NOPE"], 1);
  EXPECT_TRUE(directory.status().ok()) << "an unknown lot is no failure";
  EXPECT_EQ(directory.Lot("BROKEN"), nullptr);
  EXPECT_EQ(directory.status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace tadori::cli::fsma
