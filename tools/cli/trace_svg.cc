#include "tools/cli/trace_svg.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>

// The plugins this rendering uses are linked in, not found at run time: Debian's libgvc finds
// plugins through a config file (config6a) that a package script writes, and without it a
// fresh process has no `dot` layout; with demand loading on and the file missing, Graphviz
// 2.42 crashes in its first label (it skips initialising its font table). So demand loading
// is off, and the pango plugin comes along for its text layout: it measures labels with the
// fonts an SVG viewer will use, where Graphviz's built-in estimate is narrower and text
// spills out of its boxes.
extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
extern gvplugin_library_t gvplugin_pango_LTX_library;
}

namespace tadori::cli {

namespace {

lt_symlist_t kBuiltinPlugins[] = {
    {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
    {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
    {"gvplugin_pango_LTX_library", &gvplugin_pango_LTX_library},
    {nullptr, nullptr},
};

// Graphviz reports errors through a process-wide callback; the CLI renders one graph at a
// time on one thread, so the messages of the current rendering collect here.
std::string* graphviz_errors = nullptr;

int CollectError(char* message) {
  if (graphviz_errors != nullptr && graphviz_errors->size() < 4096) {
    *graphviz_errors += message;
  }
  return 0;
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "no message" : text;
}

// One Graphviz context for the life of the process, never freed: the pango plugin keeps the
// last font it measured in a static, which freeing a context leaves dangling, so a second
// context in the same process reads freed memory (AddressSanitizer found it in the tests).
GVC_t* Context() {
  static GVC_t* const context = gvContextPlugins(kBuiltinPlugins, /*demand_loading=*/0);
  return context;
}

}  // namespace

Result<std::string> RenderDotToSvg(std::string_view dot) {
  std::string errors;
  graphviz_errors = &errors;
  // Warnings are not errors; errors go to CollectError, not to stderr.
  struct Restore {
    agerrlevel_t level = agseterr(AGERR);
    agusererrf handler = agseterrf(CollectError);
    ~Restore() {
      agseterrf(handler);
      agseterr(level);
      graphviz_errors = nullptr;
    }
  } restore;

  GVC_t* const gvc = Context();
  if (gvc == nullptr) return Status::Internal("graphviz: cannot create a context");
  const std::string text(dot);  // agmemread wants a NUL-terminated string
  Agraph_t* graph = agmemread(text.c_str());
  if (graph == nullptr) {
    return Status::InvalidArgument("graphviz cannot read the graph: " + Trimmed(errors));
  }
  std::string svg;
  Status status = Status::Ok();
  if (gvLayout(gvc, graph, "dot") != 0) {
    status = Status::Internal("graphviz layout failed: " + Trimmed(errors));
  } else {
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(gvc, graph, "svg", &data, &length) != 0 || data == nullptr) {
      status = Status::Internal("graphviz svg rendering failed: " + Trimmed(errors));
    } else {
      svg.assign(data, length);
    }
    gvFreeRenderData(data);
    gvFreeLayout(gvc, graph);
  }
  agclose(graph);
  if (!status.ok()) return status;
  return svg;
}

}  // namespace tadori::cli
