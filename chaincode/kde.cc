// FSMA 204 key data elements (21 CFR 1.1325-1.1350) that each critical tracking event must
// carry, mapped onto EPCIS fields:
//   harvesting (1.1325)   ilmd.harvest_date, ilmd.harvest_location (farm), quantity + unit
//                         and commodity (quantity_list, registered product), reference doc.
//   cooling (1.1325)      biz_location (cooling location), date (event_time), quantity,
//                         commodity, reference doc.
//   initial_packing       TLC (lot codes), ilmd.tlc_source, ilmd.packing_date, harvest date
//     (1.1330)            and location, cooling location and date, product, quantity, ref doc.
//   first land-based      TLC, ilmd.tlc_source, ilmd.landing_date, ilmd.vessel, biz_location
//     receiving (1.1335)  (where it was landed), quantity, reference doc.
//   shipping (1.1340)     TLC, quantity + unit, product, destination_list location (ship-to),
//                         source_list location or biz_location (ship-from), date
//                         (event_time), reference doc. The TLC source travels on the lot
//                         record: the CTE that assigned the TLC had to name it.
//   receiving (1.1345)    TLC, quantity + unit, product, source_list location (immediate
//                         previous source), destination_list location or biz_location
//                         (receiving location), date, reference doc; TLC source as shipping.
//   transformation        input TLCs + quantities, new TLCs + quantities, product,
//     (1.1350)            ilmd.tlc_source, biz_location (where transformed), date, ref doc.
// "reference doc" is an entry of biz_transaction_list (reference document type and number).
// Fields the shape check already requires (lot codes, quantities, units, products,
// event_time) are not repeated here.
#include "chaincode/checks.h"
#include "chaincode/event_rules.h"

namespace tadori {
namespace {

Status Missing(std::string_view cte, std::string_view what, std::string_view kde) {
  std::string message(cte);
  message.append(": ").append(what).append(" (FSMA 204 KDE: ").append(kde).append(")");
  return Status::InvalidArgument(Prefixed("record_event", message));
}

Status RequireField(std::string_view cte, std::string_view field, const std::string& value,
                    std::string_view kde) {
  if (!value.empty()) return Status::Ok();
  return Missing(cte, std::string(field) + " is required", kde);
}

Status RequireReferenceDocument(const v1::EpcisEvent& event, std::string_view cte) {
  if (event.biz_transaction_list_size() > 0) return Status::Ok();
  return Missing(cte, "biz_transaction_list needs a reference document",
                 "reference document type and number");
}

Status CheckHarvest(const v1::EpcisEvent& event, std::string_view cte) {
  const v1::Ilmd& ilmd = event.ilmd();
  TADORI_RETURN_IF_ERROR(
      RequireField(cte, "ilmd.harvest_date", ilmd.harvest_date(), "date of harvesting"));
  return RequireField(cte, "ilmd.harvest_location", ilmd.harvest_location(),
                      "location description for the farm where the food was harvested");
}

Status CheckCooling(const v1::EpcisEvent& event, std::string_view cte) {
  return RequireField(cte, "biz_location", event.biz_location(),
                      "location description for where the food was cooled");
}

Status CheckInitialPacking(const v1::EpcisEvent& event, std::string_view cte) {
  const v1::Ilmd& ilmd = event.ilmd();
  TADORI_RETURN_IF_ERROR(CheckHarvest(event, cte));
  TADORI_RETURN_IF_ERROR(RequireField(cte, "ilmd.cooling_location", ilmd.cooling_location(),
                                      "location description for where the food was cooled"));
  TADORI_RETURN_IF_ERROR(
      RequireField(cte, "ilmd.cooling_date", ilmd.cooling_date(), "date of cooling"));
  TADORI_RETURN_IF_ERROR(
      RequireField(cte, "ilmd.packing_date", ilmd.packing_date(), "date of initial packing"));
  return RequireField(cte, "ilmd.tlc_source", ilmd.tlc_source(),
                      "location description for the traceability lot code source");
}

Status CheckFirstLandBasedReceiving(const v1::EpcisEvent& event, std::string_view cte) {
  const v1::Ilmd& ilmd = event.ilmd();
  TADORI_RETURN_IF_ERROR(
      RequireField(cte, "ilmd.landing_date", ilmd.landing_date(), "date the food was landed"));
  TADORI_RETURN_IF_ERROR(RequireField(cte, "ilmd.vessel", ilmd.vessel(),
                                      "harvest vessel name and identification number"));
  TADORI_RETURN_IF_ERROR(RequireField(cte, "biz_location", event.biz_location(),
                                      "location description for where the food was received"));
  return RequireField(cte, "ilmd.tlc_source", ilmd.tlc_source(),
                      "location description for the traceability lot code source");
}

Status CheckShipping(const v1::EpcisEvent& event, std::string_view cte) {
  if (FirstParty(event.destination_list(), "location").empty()) {
    return Missing(cte, "destination_list needs a location",
                   "location description for the immediate subsequent recipient");
  }
  if (FirstParty(event.source_list(), "location").empty() && event.biz_location().empty()) {
    return Missing(cte, "source_list needs a location (or set biz_location)",
                   "location description for the location from which the food was shipped");
  }
  return Status::Ok();
}

Status CheckReceiving(const v1::EpcisEvent& event, std::string_view cte) {
  if (FirstParty(event.source_list(), "location").empty()) {
    return Missing(cte, "source_list needs a location",
                   "location description for the immediate previous source");
  }
  if (FirstParty(event.destination_list(), "location").empty() && event.biz_location().empty()) {
    return Missing(cte, "destination_list needs a location (or set biz_location)",
                   "location description for where the food was received");
  }
  return Status::Ok();
}

Status CheckTransformation(const v1::EpcisEvent& event, std::string_view cte) {
  TADORI_RETURN_IF_ERROR(RequireField(cte, "biz_location", event.biz_location(),
                                      "location description for where the food was transformed"));
  return RequireField(cte, "ilmd.tlc_source", event.ilmd().tlc_source(),
                      "location description for the traceability lot code source");
}

}  // namespace

Status CheckKeyDataElements(const v1::EpcisEvent& event, std::string_view cte) {
  if (cte.empty()) return Status::Ok();
  if (cte == "harvesting") {
    TADORI_RETURN_IF_ERROR(CheckHarvest(event, cte));
  } else if (cte == "cooling") {
    TADORI_RETURN_IF_ERROR(CheckCooling(event, cte));
  } else if (cte == "initial_packing") {
    TADORI_RETURN_IF_ERROR(CheckInitialPacking(event, cte));
  } else if (cte == "first_land_based_receiving") {
    TADORI_RETURN_IF_ERROR(CheckFirstLandBasedReceiving(event, cte));
  } else if (cte == "shipping") {
    TADORI_RETURN_IF_ERROR(CheckShipping(event, cte));
  } else if (cte == "receiving") {
    TADORI_RETURN_IF_ERROR(CheckReceiving(event, cte));
  } else if (cte == "transformation") {
    TADORI_RETURN_IF_ERROR(CheckTransformation(event, cte));
  }
  return RequireReferenceDocument(event, cte);
}

}  // namespace tadori
