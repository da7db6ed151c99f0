#include "ledger/epcis/context.h"

#include "ledger/utf8.h"

namespace tadori::epcis {
namespace {

void ReadContextItem(const json::Value& item, const std::string& pointer, Namespaces& namespaces,
                     std::vector<Problem>& problems) {
  if (item.is_string()) {
    if (item.text == kGs1ContextVersioned || item.text == kGs1ContextUnversioned) {
      namespaces.has_gs1_context = true;
      return;
    }
    problems.push_back({pointer, "context " + json::Quote(PrintableExcerpt(item.text)) +
                                     " is not GS1's EPCIS 2.0 context; nothing is fetched, "
                                     "declare prefixes in an object instead"});
    return;
  }
  if (!item.is_object()) {
    problems.push_back({pointer, "a context item must be a URL or an object, not " +
                                     std::string(json::KindName(item.kind))});
    return;
  }
  for (const json::Member& member : item.members) {
    if (!member.key.empty() && member.key[0] == '@') continue;  // keywords: see context.h
    const std::string where = pointer + "/" + json::PointerToken(member.key);
    const json::Value* iri = &member.value;
    if (iri->is_object()) iri = iri->Find("@id");
    if (iri == nullptr || !iri->is_string() || !IsAbsoluteUri(iri->text)) {
      problems.push_back({where, "prefix " + json::Quote(PrintableExcerpt(member.key)) +
                                     " must be declared as an absolute IRI"});
      continue;
    }
    if (member.key.find(':') != std::string::npos) {
      problems.push_back(
          {where, "a prefix may not contain ':': " + json::Quote(PrintableExcerpt(member.key))});
      continue;
    }
    namespaces.prefixes[member.key] = iri->text;
  }
}

}  // namespace

const std::string* Namespaces::Find(std::string_view prefix) const {
  const auto it = prefixes.find(prefix);
  return it == prefixes.end() ? nullptr : &it->second;
}

void ReadContext(const json::Value& context, std::string_view pointer, Namespaces& namespaces,
                 std::vector<Problem>& problems) {
  if (namespaces.prefixes.empty()) {
    for (const PrefixDeclaration& gs1 : kGs1Prefixes) {
      namespaces.prefixes.emplace(std::string(gs1.prefix), std::string(gs1.iri));
    }
  }
  if (context.is_array()) {
    for (size_t i = 0; i < context.items.size(); ++i) {
      ReadContextItem(context.items[i], std::string(pointer) + "/" + std::to_string(i), namespaces,
                      problems);
    }
    return;
  }
  ReadContextItem(context, std::string(pointer), namespaces, problems);
}

std::optional<Curie> ExpandCurie(const Namespaces& namespaces, std::string_view value) {
  const size_t colon = value.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string_view prefix = value.substr(0, colon);
  const std::string_view local = value.substr(colon + 1);
  if (local.substr(0, 2) == "//") return std::nullopt;
  const std::string* iri = namespaces.Find(prefix);
  if (iri == nullptr) return std::nullopt;
  return Curie{std::string(prefix), *iri + std::string(local), std::string(local)};
}

bool IsAbsoluteUri(std::string_view value) {
  const size_t colon = value.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= value.size()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(value[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = value[i];
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F) return false;
  }
  return true;
}

}  // namespace tadori::epcis
