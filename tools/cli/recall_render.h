// Human text for how far a recall has got (`tadori recall issue|continue|scope`). A recall
// too big for one transaction commits what it flagged and waits for `tadori recall continue`;
// these lines say so. Pure; each result ends in '\n'.
#pragma once

#include <string>

#include "tadori/v1/trace.pb.h"

namespace tadori::cli {

// "recall <id>: complete: 3 lots flagged" or
// "recall <id>: incomplete: 10000 lots flagged so far; continue with
//  `tadori recall continue <id>`" (one line).
std::string RenderRecallProgress(const v1::RecallRecord& record);

// `tadori recall scope`: RenderRecallScope, then the progress of each recall, then a note when
// the node stopped the walk at its limit.
std::string RenderRecallScopeWithProgress(const v1::RecallScopeResponse& scope);

}  // namespace tadori::cli
