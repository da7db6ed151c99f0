#include "tools/cli/units.h"

#include <utility>

#include "tools/cli/render.h"

namespace tadori::cli {

std::string UnitSymbol(std::string_view code) {
  constexpr std::pair<std::string_view, std::string_view> kSymbols[] = {
      {"CEL", "°C"}, {"FAH", "°F"}, {"KEL", "K"}, {"P1", "%"},
      {"KGM", "kg"}, {"GRM", "g"},  {"TNE", "t"}, {"LTR", "L"},
  };
  for (const auto& [from, to] : kSymbols) {
    if (code == from) return std::string(to);
  }
  return std::string(code);
}

std::string FormatMilliShort(int64_t milli) {
  std::string out = FormatMilli(milli);  // exact, three decimals: "-0.250"
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string FormatQuantity(int64_t milli, std::string_view unit_code) {
  const std::string symbol = UnitSymbol(unit_code);
  return FormatMilliShort(milli) + (symbol.empty() ? "" : " " + symbol);
}

}  // namespace tadori::cli
