// Reads an SVG document the way a browser must: as XML (expat), into a small tree the
// picture tests query. A document that is not well-formed XML is a test failure with
// expat's reason and line.
#pragma once

#include <expat.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tadori::cli::testing {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::string text;  // character data directly inside, entities resolved
  std::vector<std::unique_ptr<XmlElement>> children;
  XmlElement* parent = nullptr;

  std::string Attr(const std::string& key) const {
    const auto it = attrs.find(key);
    return it == attrs.end() ? "" : it->second;
  }
  bool HasClass(std::string_view cls) const {
    const std::string all = " " + Attr("class") + " ";
    return all.find(" " + std::string(cls) + " ") != std::string::npos;
  }
  // Every element below this one (not itself) for which `match` holds, in document order.
  std::vector<const XmlElement*> FindAll(
      const std::function<bool(const XmlElement&)>& match) const {
    std::vector<const XmlElement*> out;
    for (const auto& child : children) {
      if (match(*child)) out.push_back(child.get());
      for (const XmlElement* e : child->FindAll(match)) out.push_back(e);
    }
    return out;
  }
  std::vector<const XmlElement*> ByName(const std::string& tag) const {
    return FindAll([&](const XmlElement& e) { return e.name == tag; });
  }
  // The text of this element and all below it, element texts joined by '\n'.
  std::string AllText() const {
    std::string out = text;
    for (const auto& child : children) {
      const std::string inner = child->AllText();
      if (!inner.empty()) out += (out.empty() ? "" : "\n") + inner;
    }
    return out;
  }
};

struct XmlParse {
  std::unique_ptr<XmlElement> root;
  std::string error;  // empty when the document is well-formed
};

inline XmlParse ParseXml(std::string_view document) {
  struct State {
    std::unique_ptr<XmlElement> root;
    XmlElement* current = nullptr;
  } state;
  XML_Parser parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(
      parser,
      [](void* data, const XML_Char* name, const XML_Char** attrs) {
        auto* s = static_cast<State*>(data);
        auto element = std::make_unique<XmlElement>();
        element->name = name;
        for (size_t i = 0; attrs[i] != nullptr; i += 2) element->attrs[attrs[i]] = attrs[i + 1];
        XmlElement* raw = element.get();
        if (s->current == nullptr) {
          s->root = std::move(element);
        } else {
          element->parent = s->current;
          s->current->children.push_back(std::move(element));
        }
        s->current = raw;
      },
      [](void* data, const XML_Char*) {
        auto* s = static_cast<State*>(data);
        s->current = s->current->parent;
      });
  XML_SetCharacterDataHandler(parser, [](void* data, const XML_Char* text, int length) {
    auto* s = static_cast<State*>(data);
    if (s->current != nullptr) s->current->text.append(text, static_cast<size_t>(length));
  });
  XmlParse result;
  if (XML_Parse(parser, document.data(), static_cast<int>(document.size()), 1) ==
      XML_STATUS_ERROR) {
    result.error = std::string(XML_ErrorString(XML_GetErrorCode(parser))) + " at line " +
                   std::to_string(XML_GetCurrentLineNumber(parser));
  } else {
    result.root = std::move(state.root);
  }
  XML_ParserFree(parser);
  return result;
}

}  // namespace tadori::cli::testing
