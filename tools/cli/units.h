// How the pictures write quantities: exact values without trailing zeros and the symbols
// people read ("°C", "kg") for the UN/CEFACT codes the chain records ("CEL", "KGM").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tadori::cli {

// "°C" for CEL, "°F" FAH, "K" KEL, "%" P1, "kg" KGM, "g" GRM, "t" TNE, "L" LTR; any other
// code as recorded (e.g. "EA", "CS").
std::string UnitSymbol(std::string_view code);

// The exact value of `milli` without trailing zeros: 5000 -> "5", 4500 -> "4.5",
// -250 -> "-0.25".
std::string FormatMilliShort(int64_t milli);

// "500 kg", "8.6 °C", "40 EA"; just the number when `unit_code` is empty.
std::string FormatQuantity(int64_t milli, std::string_view unit_code);

}  // namespace tadori::cli
