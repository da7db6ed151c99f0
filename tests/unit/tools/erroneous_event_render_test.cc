// Events declared erroneous (EPCIS errorDeclaration) show on `tadori lot show` and in traces.
#include <gtest/gtest.h>

#include "tools/cli/lot_render.h"

namespace tadori::cli {
namespace {

v1::EventRef Ref(uint64_t height, uint32_t index) {
  v1::EventRef ref;
  ref.set_height(height);
  ref.set_index(index);
  return ref;
}

TEST(ErroneousEventRenderTest, LotShowListsEachFlaggedEvent) {
  v1::LotView view;
  view.mutable_lot()->set_lot_code("G-1");
  *view.mutable_lot()->add_erroneous_events() = Ref(12, 3);
  const std::string out = RenderLotView(view);
  EXPECT_NE(out.find("ERRONEOUS EVENT"), std::string::npos) << out;
  EXPECT_NE(out.find("event 12:3 declared erroneous"), std::string::npos) << out;

  v1::LotView clean;
  clean.mutable_lot()->set_lot_code("G-2");
  EXPECT_EQ(RenderLotView(clean).find("ERRONEOUS"), std::string::npos);
}

TEST(ErroneousEventRenderTest, TraceFlagsOnlyTheLotWithAFlaggedEvent) {
  v1::TraceGraph g;
  v1::TraceNode* flagged = g.add_nodes();
  flagged->set_lot_code("G-1");
  *flagged->add_erroneous_events() = Ref(12, 3);
  g.add_nodes()->set_lot_code("G-2");
  const std::string out = RenderTraceGraph(g, "G-1", "forward");
  EXPECT_NE(out.find("ERRONEOUS-EVENT(1)"), std::string::npos) << out;
  EXPECT_NE(out.find("ERRONEOUS EVENT on G-1: event 12:3 declared erroneous"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("ERRONEOUS EVENT on G-2"), std::string::npos) << out;
}

}  // namespace
}  // namespace tadori::cli
