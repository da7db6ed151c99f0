#include "tools/client/tx_id_list.h"

namespace tadori::client {

namespace {

std::string_view Trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string FormatTxIdList(const std::vector<Hash>& ids) {
  std::string out;
  out.reserve(ids.size() * 65);
  for (const Hash& id : ids) {
    out += id.Hex();
    out += '\n';
  }
  return out;
}

Result<std::vector<Hash>> ParseTxIdList(std::string_view text) {
  std::vector<Hash> ids;
  size_t line_number = 0;
  size_t begin = 0;
  while (begin < text.size()) {
    ++line_number;
    const size_t end = text.find('\n', begin);
    const std::string_view line =
        Trim(text.substr(begin, end == std::string_view::npos ? text.npos : end - begin));
    begin = end == std::string_view::npos ? text.size() : end + 1;
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(line_number);
    if (ids.size() == kTxIdListMax) {
      return Status::InvalidArgument(where + ": more than " + std::to_string(kTxIdListMax) +
                                     " transaction ids");
    }
    Result<Hash> id = Hash::FromHex(line);
    if (!id.ok()) {
      return Status::InvalidArgument(
          where + ": not a transaction id (64 hex digits): " + std::string(line.substr(0, 80)));
    }
    ids.push_back(*id);
  }
  return ids;
}

}  // namespace tadori::client
