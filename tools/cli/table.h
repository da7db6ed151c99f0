// Plain-text tables and field lists for the CLI's human output.
//
// Columns are padded to the widest cell as a terminal shows it: East Asian wide
// characters (product names such as 中食) take two columns, combining marks none, so
// tables stay aligned whatever language lot data is written in.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tadori::cli {

// Columns `text` takes on a terminal. Invalid UTF-8 bytes count one column each.
size_t DisplayWidth(std::string_view text);

// Rows under a header line; columns separated by two spaces, no trailing spaces.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // A row with fewer cells than headers is padded with empty cells; more is a bug (checked).
  void AddRow(std::vector<std::string> cells);
  size_t row_count() const { return rows_.size(); }

  // Header, then one line per row, each ending in '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "label  value" lines with the values aligned, e.g. for `tadori status`:
//   chain id      tadori-dev
//   height        42
using Fields = std::vector<std::pair<std::string, std::string>>;
std::string RenderFields(const Fields& fields);

}  // namespace tadori::cli
