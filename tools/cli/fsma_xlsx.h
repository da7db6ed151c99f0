// `tadori fsma export --format xlsx`: the sheets as one workbook, written with libxlsxwriter
// (only fsma_xlsx.cc sees it; tools/check-layers keeps its header out of every other file).
//
// Each sheet (fsma_sheets.h) has its heading row, frozen, an autofilter over every column
// so it sorts and filters as it opens, text cells for codes (GTINs, GLNs, lot codes and
// dates stay as written, leading zeros included) and number cells for quantities. Written
// in libxlsxwriter's constant-memory mode: rows go to temporary files as they come, so a
// million events need no more memory than a thousand. A sheet with more rows than Excel
// allows (1,048,575 below the headings) continues on "<Sheet name> (2)" and so on.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "ledger/status.h"
#include "tools/cli/fsma_rows.h"

namespace tadori::cli::fsma {

class XlsxWriter final : public RowSink {
 public:
  // Starts a workbook that Close() writes to `path` (through a temporary beside it, renamed
  // over `path`: a failed export leaves no partial workbook).
  static Result<std::unique_ptr<XlsxWriter>> Open(const std::string& path);
  ~XlsxWriter() override;

  Status Row(size_t sheet, std::span<const Cell> cells) override;
  Status Close();
  // Cells cut to Excel's 32,767 characters.
  uint64_t truncated_cells() const;

 private:
  struct State;
  explicit XlsxWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace tadori::cli::fsma
