// The FDA FSMA 204 Electronic Sortable Spreadsheet (21 CFR 1.1455(c)(3)(ii)) as tadori writes
// it: one sheet per critical tracking event, each a list of columns. The headings are data
// (fsma_sheets.cc, which says where each comes from); the row builder (fsma_rows.h) fills a
// column by the key data element it names, so a heading can change without touching code.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace tadori::cli::fsma {

// The value a column holds: a key data element of 21 CFR 1.1325-1.1350, or one of the
// columns tadori adds on every sheet (the TLC and its source, where the event is on the
// chain, and the error-declaration mark).
enum class Kde {
  kTlc,                  // the row's traceability lot code (the new lot of a transformation)
  kProductDescription,   // the registered product's description
  kProductId,            // its GTIN, as registered (a code: leading zeros kept)
  kQuantity,             // decimal, from quantity_milli
  kUnit,                 // UN/CEFACT unit of measure as recorded
  kEventLocation,        // where the event happened: bizLocation, else readPoint
  kSubsequentRecipient,  // destination: a location GLN, else the owning party
  kPreviousSource,       // source: a location GLN, else the owning party
  kHarvestLocation,      // ILMD harvest location (farm) of the event or of the lot
  kHarvestField,         // the same ILMD value as written (field or growing area name)
  kHarvestDate,          // ILMD harvest date of the event or of the lot
  kCoolingLocation,      // ILMD cooling location of the event or of the lot
  kCoolingDate,          // ILMD cooling date, else (cooling events) the event date
  kPackingDate,          // ILMD packing date, else the event date
  kLandingDate,          // ILMD landing date, else the event date
  kVessel,               // ILMD harvesting vessel
  kEventDate,            // the event's date, in the event's own time zone (YYYY-MM-DD)
  kTlcSource,            // location of the TLC source (LotRecord.tlc_source, a GLN)
  kRefDocType,           // bizTransaction types, "; "-separated, aligned with the numbers
  kRefDocNumber,         // bizTransaction ids
  kInputTlc,             // transformation: the input lot
  kInputProductDescription,
  kInputProductId,
  kInputQuantity,  // of that input used by this transformation
  kInputUnit,
  kEventTime,   // the event time as recorded (RFC 3339 with its offset)
  kRecordedBy,  // organisation that recorded the event
  kTxId,        // the recording transaction, hex
  kBlockHeight,
  kEpcisEventId,      // eventID of an event captured from an EPCIS document
  kErrorDeclaration,  // empty, or why and since when the event is declared erroneous
  kBlank,             // a KDE the chain does not record: always empty
};

// Which part of a location description a column holds: FDA's template gives a location
// description several columns; the chain registers a name, an address (or coordinates) and
// the GLN of each location.
enum class Part { kWhole, kName, kAddress, kGln };

enum class CellType {
  kText,      // written as text: codes keep leading zeros, dates sort as YYYY-MM-DD
  kQuantity,  // a decimal number (xlsx: a number cell, so it sorts and sums numerically)
};

struct Column {
  std::string_view heading;
  Kde kde;
  Part part = Part::kWhole;
  CellType type = CellType::kText;
};

struct SheetLayout {
  std::string_view name;       // the sheet's (tab's) name, also the csv file's name
  std::string_view chain_cte;  // RecordedEvent.cte of its events (chaincode.h)
  std::span<const Column> columns;
};

// The sheets, in FDA's order: Harvesting, Cooling, Initial Packing, First Land-Based
// Receiving, Shipping, Receiving, Transformation.
std::span<const SheetLayout> Sheets();

// The index in Sheets() of the sheet for RecordedEvent.cte `cte`, or Sheets().size() when
// the event records no critical tracking event.
size_t SheetIndexForCte(std::string_view cte);

}  // namespace tadori::cli::fsma
