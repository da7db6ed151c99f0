#include "tools/cli/recall_render.h"

#include "tools/cli/lot_render.h"

namespace tadori::cli {

std::string RenderRecallProgress(const v1::RecallRecord& record) {
  const std::string lots = std::to_string(record.lots_flagged()) +
                           (record.lots_flagged() == 1 ? " lot flagged" : " lots flagged");
  std::string out = "recall " + record.recall_id() + ": ";
  if (record.complete()) return out + "complete: " + lots + "\n";
  return out + "incomplete: " + lots + " so far; continue with `tadori recall continue " +
         record.recall_id() + "`\n";
}

std::string RenderRecallScopeWithProgress(const v1::RecallScopeResponse& scope) {
  std::string out = RenderRecallScope(scope);
  for (const v1::RecallRecord& record : scope.records()) out += RenderRecallProgress(record);
  if (scope.truncated()) {
    out +=
        "TRUNCATED: the node walks at most a bounded number of lots per answer; the lots, "
        "holders and organisations above are a part of the scope\n";
  }
  return out;
}

}  // namespace tadori::cli
