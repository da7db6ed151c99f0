// The rows of the FSMA 204 sortable spreadsheet, from recorded events: pure (events and
// lookups in, rows out), so tests and the benchmark drive it without a node. Where the events
// come from is fsma_select.h; the files are written by fsma_csv.h and fsma_xlsx.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ledger/status.h"
#include "tadori/v1/records.pb.h"
#include "tadori/v1/trace.pb.h"
#include "tools/cli/fsma_sheets.h"

namespace tadori::cli::fsma {

// What the rows need besides the events: lots (TLC source, product) and registered
// locations (names and addresses). nullptr when unknown: the cells then hold what the event
// itself says (the GLN, the GTIN) and the name/address cells stay empty.
class Directory {
 public:
  virtual ~Directory() = default;
  virtual const v1::LotView* Lot(std::string_view lot_code) = 0;
  virtual const v1::LocationRecord* Location(std::string_view gln) = 0;
};

// A Directory held in memory (tests, the benchmark, and the CLI's cache underneath).
class MapDirectory : public Directory {
 public:
  void AddLot(v1::LotView lot);
  void AddLocation(v1::LocationRecord location);
  const v1::LotView* Lot(std::string_view lot_code) override;
  const v1::LocationRecord* Location(std::string_view gln) override;

 private:
  // Looked up by string_view for every row: hashed, without building a std::string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, v1::LotView, Hash, std::equal_to<>> lots_;
  std::unordered_map<std::string, v1::LocationRecord, Hash, std::equal_to<>> locations_;
};

// One cell: text, or (CellType::kQuantity columns) a quantity in milli-units whose text is
// its exact decimal ("520", "0.25"). A quantity cell with no quantity is empty.
struct Cell {
  std::string text;
  bool has_quantity = false;
  int64_t quantity_milli = 0;
};

// Where the rows go: the csv and xlsx writers. Row() gets the index of the sheet in Sheets()
// and one cell per column of that sheet, in order.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual Status Row(size_t sheet, std::span<const Cell> cells) = 0;
};

// "520" for 520000, "0.25" for 250, "-1.5" for -1500: exact, no trailing zeros.
std::string MilliToDecimal(int64_t milli);

// Turns events into rows, one per lot an event names (a transformation: one per input lot
// and new lot pair), and hands them to `sink` as it goes (rows are not kept: a million
// events need not fit in memory twice).
class RowBuilder {
 public:
  RowBuilder(Directory& directory, RowSink& sink);

  // The rows of `event`: none when it records no critical tracking event (RecordedEvent.cte
  // empty or unknown), which skipped() counts. An event declared erroneous
  // (error_declaration set) keeps its rows, marked in the error-declaration column.
  Status Add(const v1::RecordedEvent& event);

  // Rows written per sheet (index in Sheets()), events without a CTE, erroneous events.
  const std::array<uint64_t, 7>& rows() const { return rows_; }
  uint64_t skipped() const { return skipped_; }
  uint64_t erroneous() const { return erroneous_; }

 private:
  struct Context;
  void Fill(const SheetLayout& sheet, const Context& c);
  // The text of `column` for the row `c`, into `out` (a cell's buffer, reused row by row).
  void Value(const Column& column, const Context& c, std::string& out);
  void LocationPart(std::string_view gln_or_party, bool is_gln, Part part, std::string& out);

  Directory& directory_;
  RowSink& sink_;
  std::vector<Cell> cells_;  // reused row by row
  std::array<uint64_t, 7> rows_{};
  uint64_t skipped_ = 0;
  uint64_t erroneous_ = 0;
};

}  // namespace tadori::cli::fsma
