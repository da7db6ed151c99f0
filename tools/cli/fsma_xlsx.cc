#include "tools/cli/fsma_xlsx.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <string_view>
#include <vector>

namespace tadori::cli::fsma {

namespace {

// Excel's limits: rows per sheet (the heading row included) and characters per cell.
constexpr lxw_row_t kRowsPerSheet = LXW_ROW_MAX;
constexpr size_t kCellBytesMax = 32767;
constexpr double kColumnWidth = 22;

Status Failed(std::string_view what, lxw_error error) {
  return Status::Internal("xlsx: " + std::string(what) + ": " + lxw_strerror(error));
}

// `text` cut at a UTF-8 character boundary to at most kCellBytesMax bytes.
std::string_view FitCell(std::string_view text) {
  if (text.size() <= kCellBytesMax) return text;
  size_t n = kCellBytesMax;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

}  // namespace

struct XlsxWriter::State {
  struct Sheet {
    lxw_worksheet* worksheet = nullptr;
    lxw_row_t next_row = 1;  // row 0 holds the headings
    int part = 1;            // 2, 3, ... for continuation sheets
  };

  std::string path;
  std::string temp;
  lxw_workbook* workbook = nullptr;
  lxw_format* heading = nullptr;
  lxw_format* text = nullptr;
  std::vector<Sheet> sheets;
  uint64_t truncated = 0;
  bool closed = false;

  ~State() {
    if (workbook != nullptr && !closed) {
      // libxlsxwriter writes the file on close; a workbook abandoned on a failure is closed
      // into the temporary, which is then removed.
      workbook_close(workbook);
      ::unlink(temp.c_str());
    }
  }

  // A new worksheet for sheet `index` (its first part or a continuation): headings, frozen,
  // column formats. The autofilter is set when the sheet is complete (Close or full).
  Status StartSheet(size_t index) {
    const SheetLayout& layout = Sheets()[index];
    Sheet& sheet = sheets[index];
    std::string name(layout.name);
    if (sheet.part > 1) name += " (" + std::to_string(sheet.part) + ")";
    sheet.worksheet = workbook_add_worksheet(workbook, name.c_str());
    if (sheet.worksheet == nullptr) return Status::Internal("xlsx: adding sheet " + name);
    sheet.next_row = 1;
    worksheet_freeze_panes(sheet.worksheet, 1, 0);
    for (size_t c = 0; c < layout.columns.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      const bool is_text = layout.columns[c].type == CellType::kText;
      lxw_error e =
          worksheet_set_column(sheet.worksheet, col, col, kColumnWidth, is_text ? text : nullptr);
      if (e != LXW_NO_ERROR) return Failed("formatting a column of " + name, e);
      const std::string title(layout.columns[c].heading);
      e = worksheet_write_string(sheet.worksheet, 0, col, title.c_str(), heading);
      if (e != LXW_NO_ERROR) return Failed("writing the headings of " + name, e);
    }
    return Status::Ok();
  }

  Status FinishSheet(size_t index) {
    const Sheet& sheet = sheets[index];
    const auto last_col = static_cast<lxw_col_t>(Sheets()[index].columns.size() - 1);
    const lxw_error e = worksheet_autofilter(sheet.worksheet, 0, 0, sheet.next_row - 1, last_col);
    if (e != LXW_NO_ERROR) return Failed("setting the autofilter", e);
    return Status::Ok();
  }
};

XlsxWriter::XlsxWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
XlsxWriter::~XlsxWriter() = default;

uint64_t XlsxWriter::truncated_cells() const {
  return state_->truncated;
}

Result<std::unique_ptr<XlsxWriter>> XlsxWriter::Open(const std::string& path) {
  auto state = std::make_unique<State>();
  state->path = path;
  state->temp = path + ".tmp";
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  // Beyond 4 GiB a zip needs ZIP64; a million events stay well below, more may not.
  options.use_zip64 = LXW_TRUE;
  state->workbook = workbook_new_opt(state->temp.c_str(), &options);
  if (state->workbook == nullptr) {
    return Status::Internal("xlsx: cannot start a workbook at " + state->temp);
  }
  state->heading = workbook_add_format(state->workbook);
  format_set_bold(state->heading);
  format_set_text_wrap(state->heading);
  format_set_num_format(state->heading, "@");
  state->text = workbook_add_format(state->workbook);
  format_set_num_format(state->text, "@");
  state->sheets.resize(Sheets().size());
  for (size_t i = 0; i < Sheets().size(); ++i) TADORI_RETURN_IF_ERROR(state->StartSheet(i));
  return std::unique_ptr<XlsxWriter>(new XlsxWriter(std::move(state)));
}

Status XlsxWriter::Row(size_t index, std::span<const Cell> cells) {
  State& s = *state_;
  State::Sheet* sheet = &s.sheets[index];
  if (sheet->next_row == kRowsPerSheet) {
    TADORI_RETURN_IF_ERROR(s.FinishSheet(index));
    ++sheet->part;
    TADORI_RETURN_IF_ERROR(s.StartSheet(index));
  }
  const lxw_row_t row = sheet->next_row++;
  std::string buffer;
  for (size_t c = 0; c < cells.size(); ++c) {
    const Cell& cell = cells[c];
    const auto col = static_cast<lxw_col_t>(c);
    lxw_error e = LXW_NO_ERROR;
    if (cell.has_quantity) {
      e = worksheet_write_number(sheet->worksheet, row, col,
                                 static_cast<double>(cell.quantity_milli) / 1000.0, nullptr);
    } else if (!cell.text.empty()) {
      const std::string_view fitted = FitCell(cell.text);
      if (fitted.size() < cell.text.size()) {
        ++s.truncated;
        buffer.assign(fitted);
        e = worksheet_write_string(sheet->worksheet, row, col, buffer.c_str(), nullptr);
      } else {
        e = worksheet_write_string(sheet->worksheet, row, col, cell.text.c_str(), nullptr);
      }
    }
    if (e != LXW_NO_ERROR) return Failed("writing a cell", e);
  }
  return Status::Ok();
}

Status XlsxWriter::Close() {
  State& s = *state_;
  for (size_t i = 0; i < s.sheets.size(); ++i) TADORI_RETURN_IF_ERROR(s.FinishSheet(i));
  s.closed = true;
  const lxw_error e = workbook_close(s.workbook);
  s.workbook = nullptr;
  if (e != LXW_NO_ERROR) {
    ::unlink(s.temp.c_str());
    return Failed("writing " + s.path, e);
  }
  if (std::rename(s.temp.c_str(), s.path.c_str()) != 0) {
    ::unlink(s.temp.c_str());
    return Status::Internal("xlsx: renaming the workbook to " + s.path);
  }
  return Status::Ok();
}

}  // namespace tadori::cli::fsma
