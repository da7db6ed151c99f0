// Human text for what the Trace service says about lots: one lot, a trace graph, a recall's
// scope. Quantities are printed exactly from milli-units; times as recorded (RFC 3339).
// Every function is pure; each result ends in '\n'.
#pragma once

#include <string>
#include <string_view>

#include "tadori/v1/trace.pb.h"

namespace tadori::cli {

// "12:3" for the transaction at index 3 of block 12; "-" when unset (height 0).
std::string FormatEventRef(const v1::EventRef& ref);

// "hakata-wholesale 120.000 KGM, tenjin-bistro 3.000 KGM" or "-" when nobody holds it.
std::string FormatHoldings(const google::protobuf::RepeatedPtrField<v1::Holding>& holdings,
                           std::string_view unit);

// "temperature 9.500 CEL (2 readings, 2026-11-20T09:10:00+09:00 .. 09:40, range 0.000..5.000)"
std::string FormatExcursion(const v1::Excursion& excursion);

// `tadori lot show`: fields of the lot, who holds it, what is in transit, its parents and
// children, excursions and recalls, and the height the answer was read at.
std::string RenderLotView(const v1::LotView& view);

// `tadori trace back|forward` as tables: one row per lot (depth, product, creator, holders,
// custody path, markers) and one per transformation edge. `direction` is "back" or "forward".
std::string RenderTraceGraph(const v1::TraceGraph& graph, std::string_view lot_code,
                             std::string_view direction);

// `tadori recall scope`: the recalls, the affected lots and who holds them now.
std::string RenderRecallScope(const v1::RecallScopeResponse& scope);

}  // namespace tadori::cli
