// `tadori fsma export --format csv`: the sheets as a directory of CSV files, one
// "<Sheet name>.csv" per sheet (fsma_sheets.h), each with its header row even when empty.
//
// The format: RFC 4180 (fields separated by commas, records ended by CRLF, a field quoted
// when it holds a comma, a double quote, CR or LF, quotes inside doubled), UTF-8 with a
// byte order mark so that spreadsheet programs read Japanese and other non-ASCII text as
// UTF-8 (RFC 4180 readers that do not expect it see it before the first heading).
// Quantities are exact decimals ("520", "0.25").
#pragma once

#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"
#include "tools/cli/fsma_rows.h"

namespace tadori::cli::fsma {

// `field` as an RFC 4180 field: as it is, or quoted with its quotes doubled.
void AppendCsvField(std::string& out, std::string_view field);

class CsvWriter final : public RowSink {
 public:
  // Creates `directory` when missing (its parent must exist) and starts one temporary file
  // per sheet in it; Close() renames them to "<Sheet name>.csv", replacing files of those
  // names, so a failed export leaves no half-written sheet under a final name.
  static Result<std::unique_ptr<CsvWriter>> Open(const std::string& directory);
  ~CsvWriter() override;

  Status Row(size_t sheet, std::span<const Cell> cells) override;
  // Flushes, syncs and renames every file. The paths written, in Sheets() order.
  Status Close();
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  explicit CsvWriter(std::string directory) : directory_(std::move(directory)) {}

  std::string directory_;
  std::vector<std::FILE*> files_;
  std::vector<std::string> temps_;
  std::vector<std::string> paths_;
  std::string line_;  // reused
};

}  // namespace tadori::cli::fsma
