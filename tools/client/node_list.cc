#include "tools/client/node_list.h"

#include <algorithm>

#include "tools/client/node_address.h"

namespace tadori::client {

namespace {

std::string_view Trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// "node list \"<text>\" <problem>", built by appending (see node_address.cc).
Status BadList(std::string_view text, std::string_view problem) {
  std::string m = "node list \"";
  m.append(text);
  m.append("\" ");
  m.append(problem);
  return Status::InvalidArgument(std::move(m));
}

}  // namespace

Result<std::vector<std::string>> ParseNodeList(std::string_view text) {
  std::vector<std::string> nodes;
  size_t begin = 0;
  while (true) {
    const size_t comma = text.find(',', begin);
    const std::string_view entry =
        Trim(text.substr(begin, comma == std::string_view::npos ? text.npos : comma - begin));
    if (entry.empty()) return BadList(text, "has an empty entry");
    if (nodes.size() == kNodeListMax) {
      return BadList(text, "names more than " + std::to_string(kNodeListMax) + " nodes");
    }
    TADORI_RETURN_IF_ERROR(ValidateNodeAddress(entry));
    if (std::find(nodes.begin(), nodes.end(), entry) != nodes.end()) {
      std::string m = "node address \"";
      m.append(entry);
      m.append("\" is listed twice");
      return Status::InvalidArgument(std::move(m));
    }
    nodes.emplace_back(entry);
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return nodes;
}

Result<std::vector<std::string>> ResolveNodeList(const std::optional<std::string>& flag,
                                                 const char* env_value) {
  std::optional<NodeSetting> chosen = ChooseNodeSetting(flag, env_value);
  if (!chosen) return std::vector<std::string>{std::string(kDefaultNodeAddress)};
  Result<std::vector<std::string>> nodes = ParseNodeList(chosen->text);
  if (!nodes.ok()) return nodes.status().WithContext(chosen->source);
  return nodes;
}

std::string JoinNodeList(const std::vector<std::string>& nodes) {
  std::string out;
  for (const std::string& node : nodes) {
    if (!out.empty()) out += ", ";
    out += node;
  }
  return out;
}

}  // namespace tadori::client
