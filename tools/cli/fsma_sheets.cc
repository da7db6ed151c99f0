// Headings of the FSMA 204 Electronic Sortable Spreadsheet.
//
// Sources:
// - The key data elements and their wording: 21 CFR Part 1 Subpart S, §1.1325 (harvesting and
//   cooling before initial packing), §1.1330 (initial packing), §1.1335 (first land-based
//   receiving), §1.1340 (shipping), §1.1345 (receiving), §1.1350 (transformation).
// - The layout: FDA's "Electronic Sortable Spreadsheet" template for the Food Traceability
//   Rule (fda.gov/media/179617, June 2024) has one tab per critical tracking event, the TLC
//   first, then quantity and unit of measure, the product description, the location
//   descriptions (each split into several columns), the date, the TLC source (a location or
//   a TLC source reference) and the reference document type and number; its Transformation
//   tab puts the input lot's columns and the new lot's columns on the same row. We could not
//   read FDA's file itself: the heading texts below are the regulation's KDE wording, not
//   FDA's cells, and are not verified against FDA's file (docs/OPERATIONS.md says so too).
//   The location descriptions have three columns each (name, address or coordinates, GLN:
//   what the chain registers for a location; it keeps no phone number).
// - Columns marked "tadori:" are ours, on every sheet: the TLC and its source (FDA asks for
//   both on every record), where the event sits on the chain, and the EPCIS error
//   declaration (an event declared erroneous stays in the export, marked, never dropped).
#include "tools/cli/fsma_sheets.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace tadori::cli::fsma {

namespace {

constexpr CellType kNumber = CellType::kQuantity;

// The columns every sheet ends with.
constexpr std::array kChainColumns{
    Column{"tadori: Event Time (as recorded)", Kde::kEventTime},
    Column{"tadori: Recorded By (organization)", Kde::kRecordedBy},
    Column{"tadori: Transaction ID", Kde::kTxId},
    Column{"tadori: Block Height", Kde::kBlockHeight},
    Column{"tadori: EPCIS Event ID", Kde::kEpcisEventId},
    Column{"tadori: Erroneous (EPCIS error declaration)", Kde::kErrorDeclaration},
};

// The TLC source, for the sheets whose KDEs do not name it.
constexpr std::array kTlcSourceColumns{
    Column{"tadori: Traceability Lot Code Source - Location Name", Kde::kTlcSource, Part::kName},
    Column{"tadori: Traceability Lot Code Source - Address", Kde::kTlcSource, Part::kAddress},
    Column{"tadori: Traceability Lot Code Source Reference (GLN)", Kde::kTlcSource, Part::kGln},
};

template <size_t... N>
constexpr auto Concat(const std::array<Column, N>&... parts) {
  std::array<Column, (N + ...)> all{};
  size_t at = 0;
  ((std::copy(parts.begin(), parts.end(), all.begin() + static_cast<std::ptrdiff_t>(at)), at += N),
   ...);
  return all;
}

// §1.1325(a): harvesting. The chain tracks the harvested lot from here on, so its lot code
// and source are given although FSMA assigns the TLC at initial packing.
constexpr std::array kHarvestingKdes{
    Column{"tadori: Traceability Lot Code", Kde::kTlc},
    Column{"Commodity and Variety", Kde::kProductDescription},
    Column{"tadori: Product Identifier (GTIN)", Kde::kProductId},
    Column{"Quantity", Kde::kQuantity, Part::kWhole, kNumber},
    Column{"Unit of Measure", Kde::kUnit},
    Column{"Location Description for the Farm Where the Food Was Harvested - Name",
           Kde::kEventLocation, Part::kName},
    Column{"Location Description for the Farm Where the Food Was Harvested - Address",
           Kde::kEventLocation, Part::kAddress},
    Column{"Location Description for the Farm Where the Food Was Harvested - GLN",
           Kde::kEventLocation, Part::kGln},
    Column{"Name of the Field or Other Growing Area", Kde::kHarvestField},
    Column{"Name of the Container (Aquacultured Food)", Kde::kBlank},
    Column{"Date of Harvesting", Kde::kHarvestDate},
    Column{"Location Description for the Immediate Subsequent Recipient - Name",
           Kde::kSubsequentRecipient, Part::kName},
    Column{"Location Description for the Immediate Subsequent Recipient - Address",
           Kde::kSubsequentRecipient, Part::kAddress},
    Column{"Location Description for the Immediate Subsequent Recipient - GLN",
           Kde::kSubsequentRecipient, Part::kGln},
    Column{"Reference Document Type", Kde::kRefDocType},
    Column{"Reference Document Number", Kde::kRefDocNumber},
};
constexpr auto kHarvesting = Concat(kHarvestingKdes, kTlcSourceColumns, kChainColumns);

// §1.1325(b): cooling before initial packing.
constexpr std::array kCoolingKdes{
    Column{"tadori: Traceability Lot Code", Kde::kTlc},
    Column{"Commodity and Variety", Kde::kProductDescription},
    Column{"tadori: Product Identifier (GTIN)", Kde::kProductId},
    Column{"Quantity", Kde::kQuantity, Part::kWhole, kNumber},
    Column{"Unit of Measure", Kde::kUnit},
    Column{"Location Description for Where the Food Was Cooled - Name", Kde::kEventLocation,
           Part::kName},
    Column{"Location Description for Where the Food Was Cooled - Address", Kde::kEventLocation,
           Part::kAddress},
    Column{"Location Description for Where the Food Was Cooled - GLN", Kde::kEventLocation,
           Part::kGln},
    Column{"Date of Cooling", Kde::kCoolingDate},
    Column{"Location Description for the Farm Where the Food Was Harvested - Name",
           Kde::kHarvestLocation, Part::kName},
    Column{"Location Description for the Farm Where the Food Was Harvested - Address",
           Kde::kHarvestLocation, Part::kAddress},
    Column{"Location Description for the Farm Where the Food Was Harvested - GLN",
           Kde::kHarvestLocation, Part::kGln},
    Column{"Location Description for the Immediate Subsequent Recipient - Name",
           Kde::kSubsequentRecipient, Part::kName},
    Column{"Location Description for the Immediate Subsequent Recipient - Address",
           Kde::kSubsequentRecipient, Part::kAddress},
    Column{"Location Description for the Immediate Subsequent Recipient - GLN",
           Kde::kSubsequentRecipient, Part::kGln},
    Column{"Reference Document Type", Kde::kRefDocType},
    Column{"Reference Document Number", Kde::kRefDocNumber},
};
constexpr auto kCooling = Concat(kCoolingKdes, kTlcSourceColumns, kChainColumns);

// §1.1330(a): initial packing of a raw agricultural commodity. The chain records the packed
// lot; what was received for packing (its quantity, date and harvester) it does not keep
// apart, so those columns stay empty.
constexpr std::array kInitialPackingKdes{
    Column{"Traceability Lot Code", Kde::kTlc},
    Column{"Quantity of the Packed Food", Kde::kQuantity, Part::kWhole, kNumber},
    Column{"Unit of Measure of the Packed Food", Kde::kUnit},
    Column{"Product Description of the Packed Food", Kde::kProductDescription},
    Column{"tadori: Product Identifier (GTIN)", Kde::kProductId},
    Column{"Commodity and Variety of the Food Received", Kde::kProductDescription},
    Column{"Date You Received the Food", Kde::kBlank},
    Column{"Quantity of the Food Received", Kde::kBlank},
    Column{"Unit of Measure of the Food Received", Kde::kBlank},
    Column{"Location Description for the Farm Where the Food Was Harvested - Name",
           Kde::kHarvestLocation, Part::kName},
    Column{"Location Description for the Farm Where the Food Was Harvested - Address",
           Kde::kHarvestLocation, Part::kAddress},
    Column{"Location Description for the Farm Where the Food Was Harvested - GLN",
           Kde::kHarvestLocation, Part::kGln},
    Column{"Name of the Field or Other Growing Area", Kde::kHarvestField},
    Column{"Name of the Container (Aquacultured Food)", Kde::kBlank},
    Column{"Business Name and Phone Number of the Harvester", Kde::kBlank},
    Column{"Date of Harvesting", Kde::kHarvestDate},
    Column{"Location Description for Where the Food Was Cooled - Name", Kde::kCoolingLocation,
           Part::kName},
    Column{"Location Description for Where the Food Was Cooled - Address", Kde::kCoolingLocation,
           Part::kAddress},
    Column{"Location Description for Where the Food Was Cooled - GLN", Kde::kCoolingLocation,
           Part::kGln},
    Column{"Date of Cooling", Kde::kCoolingDate},
    Column{"Location Description for Where You Initially Packed the Food (Traceability Lot "
           "Code Source) - Name",
           Kde::kTlcSource, Part::kName},
    Column{"Location Description for Where You Initially Packed the Food (Traceability Lot "
           "Code Source) - Address",
           Kde::kTlcSource, Part::kAddress},
    Column{"Traceability Lot Code Source Reference (GLN)", Kde::kTlcSource, Part::kGln},
    Column{"Date of Initial Packing", Kde::kPackingDate},
    Column{"Reference Document Type", Kde::kRefDocType},
    Column{"Reference Document Number", Kde::kRefDocNumber},
};
constexpr auto kInitialPacking = Concat(kInitialPackingKdes, kChainColumns);

// §1.1335: first land-based receiving of food obtained from a fishing vessel.
constexpr std::array kFirstLandBasedReceivingKdes{
    Column{"Traceability Lot Code", Kde::kTlc},
    Column{"Quantity", Kde::kQuantity, Part::kWhole, kNumber},
    Column{"Unit of Measure", Kde::kUnit},
    Column{"Species and/or Acceptable Market Name, or Product Description",
           Kde::kProductDescription},
    Column{"tadori: Product Identifier (GTIN)", Kde::kProductId},
    Column{"Harvest Date Range", Kde::kHarvestDate},
    Column{"Harvest Locations for the Trip", Kde::kHarvestField},
    Column{"tadori: Harvesting Vessel", Kde::kVessel},
    Column{"Location Description for the First Land-Based Receiver (Traceability Lot Code "
           "Source) - Name",
           Kde::kTlcSource, Part::kName},
    Column{"Location Description for the First Land-Based Receiver (Traceability Lot Code "
           "Source) - Address",
           Kde::kTlcSource, Part::kAddress},
    Column{"Traceability Lot Code Source Reference (GLN)", Kde::kTlcSource, Part::kGln},
    Column{"Date the Food Was Received", Kde::kLandingDate},
    Column{"Reference Document Type", Kde::kRefDocType},
    Column{"Reference Document Number", Kde::kRefDocNumber},
};
constexpr auto kFirstLandBasedReceiving = Concat(kFirstLandBasedReceivingKdes, kChainColumns);

// §1.1340(a): shipping.
constexpr std::array kShippingKdes{
    Column{"Traceability Lot Code", Kde::kTlc},
    Column{"Quantity", Kde::kQuantity, Part::kWhole, kNumber},
    Column{"Unit of Measure", Kde::kUnit},
    Column{"Product Description", Kde::kProductDescription},
    Column{"tadori: Product Identifier (GTIN)", Kde::kProductId},
    Column{"Location Description for the Immediate Subsequent Recipient - Name",
           Kde::kSubsequentRecipient, Part::kName},
    Column{"Location Description for the Immediate Subsequent Recipient - Address",
           Kde::kSubsequentRecipient, Part::kAddress},
    Column{"Location Description for the Immediate Subsequent Recipient - GLN",
           Kde::kSubsequentRecipient, Part::kGln},
    Column{"Location Description for the Location From Which You Shipped the Food - Name",
           Kde::kEventLocation, Part::kName},
    Column{"Location Description for the Location From Which You Shipped the Food - Address",
           Kde::kEventLocation, Part::kAddress},
    Column{"Location Description for the Location From Which You Shipped the Food - GLN",
           Kde::kEventLocation, Part::kGln},
    Column{"Date You Shipped the Food", Kde::kEventDate},
    Column{"Location Description for the Traceability Lot Code Source - Name", Kde::kTlcSource,
           Part::kName},
    Column{"Location Description for the Traceability Lot Code Source - Address", Kde::kTlcSource,
           Part::kAddress},
    Column{"Traceability Lot Code Source Reference (GLN)", Kde::kTlcSource, Part::kGln},
    Column{"Reference Document Type", Kde::kRefDocType},
    Column{"Reference Document Number", Kde::kRefDocNumber},
};
constexpr auto kShipping = Concat(kShippingKdes, kChainColumns);

// §1.1345(a): receiving.
constexpr std::array kReceivingKdes{
    Column{"Traceability Lot Code", Kde::kTlc},
    Column{"Quantity", Kde::kQuantity, Part::kWhole, kNumber},
    Column{"Unit of Measure", Kde::kUnit},
    Column{"Product Description", Kde::kProductDescription},
    Column{"tadori: Product Identifier (GTIN)", Kde::kProductId},
    Column{"Location Description for the Immediate Previous Source - Name", Kde::kPreviousSource,
           Part::kName},
    Column{"Location Description for the Immediate Previous Source - Address", Kde::kPreviousSource,
           Part::kAddress},
    Column{"Location Description for the Immediate Previous Source - GLN", Kde::kPreviousSource,
           Part::kGln},
    Column{"Location Description for Where the Food Was Received - Name", Kde::kEventLocation,
           Part::kName},
    Column{"Location Description for Where the Food Was Received - Address", Kde::kEventLocation,
           Part::kAddress},
    Column{"Location Description for Where the Food Was Received - GLN", Kde::kEventLocation,
           Part::kGln},
    Column{"Date You Received the Food", Kde::kEventDate},
    Column{"Location Description for the Traceability Lot Code Source - Name", Kde::kTlcSource,
           Part::kName},
    Column{"Location Description for the Traceability Lot Code Source - Address", Kde::kTlcSource,
           Part::kAddress},
    Column{"Traceability Lot Code Source Reference (GLN)", Kde::kTlcSource, Part::kGln},
    Column{"Reference Document Type", Kde::kRefDocType},
    Column{"Reference Document Number", Kde::kRefDocNumber},
};
constexpr auto kReceiving = Concat(kReceivingKdes, kChainColumns);

// §1.1350(a): transformation. One row per (input lot, new lot) pair, as FDA's tab lays the
// two side by side; with several inputs and outputs the quantities repeat across rows (sum
// them per lot, not per row).
constexpr std::array kTransformationKdes{
    Column{"Traceability Lot Code of the Food Used", Kde::kInputTlc},
    Column{"Product Description of the Food Used", Kde::kInputProductDescription},
    Column{"tadori: Product Identifier of the Food Used (GTIN)", Kde::kInputProductId},
    Column{"Quantity of the Food Used", Kde::kInputQuantity, Part::kWhole, kNumber},
    Column{"Unit of Measure of the Food Used", Kde::kInputUnit},
    Column{"New Traceability Lot Code", Kde::kTlc},
    Column{"Location Description for Where You Transformed the Food (Traceability Lot Code "
           "Source) - Name",
           Kde::kTlcSource, Part::kName},
    Column{"Location Description for Where You Transformed the Food (Traceability Lot Code "
           "Source) - Address",
           Kde::kTlcSource, Part::kAddress},
    Column{"Traceability Lot Code Source Reference (GLN)", Kde::kTlcSource, Part::kGln},
    Column{"Date Transformation Was Completed", Kde::kEventDate},
    Column{"Product Description of the Produced Food", Kde::kProductDescription},
    Column{"tadori: Product Identifier of the Produced Food (GTIN)", Kde::kProductId},
    Column{"Quantity of the Produced Food", Kde::kQuantity, Part::kWhole, kNumber},
    Column{"Unit of Measure of the Produced Food", Kde::kUnit},
    Column{"Reference Document Type", Kde::kRefDocType},
    Column{"Reference Document Number", Kde::kRefDocNumber},
};
constexpr auto kTransformation = Concat(kTransformationKdes, kChainColumns);

// Sheet names are at most 31 characters (Excel's limit) and valid file names.
constexpr std::array kSheets{
    SheetLayout{"Harvesting", "harvesting", kHarvesting},
    SheetLayout{"Cooling", "cooling", kCooling},
    SheetLayout{"Initial Packing", "initial_packing", kInitialPacking},
    SheetLayout{"First Land-Based Receiving", "first_land_based_receiving",
                kFirstLandBasedReceiving},
    SheetLayout{"Shipping", "shipping", kShipping},
    SheetLayout{"Receiving", "receiving", kReceiving},
    SheetLayout{"Transformation", "transformation", kTransformation},
};

}  // namespace

std::span<const SheetLayout> Sheets() {
  return kSheets;
}

size_t SheetIndexForCte(std::string_view cte) {
  for (size_t i = 0; i < kSheets.size(); ++i) {
    if (kSheets[i].chain_cte == cte) return i;
  }
  return kSheets.size();
}

}  // namespace tadori::cli::fsma
