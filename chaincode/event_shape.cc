// EPCIS 2.0 shape checks for record_event (see event_rules.h for the list of rules).
#include <algorithm>
#include <set>

#include "chaincode/chaincode_limits.h"
#include "chaincode/checks.h"
#include "chaincode/event_rules.h"
#include "ledger/rfc3339.h"
#include "ledger/utf8.h"

namespace tadori {
namespace {

constexpr std::string_view kAction = "record_event";

// CBV 2.0 business steps that a food supply chain records.
constexpr std::string_view kKnownBizSteps[] = {
    "accepting",      "arriving",        "commissioning",
    "cooling",        "departing",       "first_land_based_receiving",
    "harvesting",     "holding",         "inspecting",
    "loading",        "packing",         "receiving",
    "shipping",       "storing",         "transforming",
    "unloading",      "decommissioning", "destroying",
    "picking",        "sampling",        "unpacking",
    "retail_selling", "repackaging",     "staging_outbound",
};

constexpr std::string_view kCreatingBizSteps[] = {"harvesting", "cooling", "commissioning",
                                                  "first_land_based_receiving"};

constexpr std::string_view kPartyTypes[] = {"owning_party", "possessing_party", "location"};

template <size_t N>
bool Contains(const std::string_view (&set)[N], std::string_view value) {
  return std::find(std::begin(set), std::end(set), value) != std::end(set);
}

Status Invalid(std::string_view message) {
  return Status::InvalidArgument(Prefixed(kAction, message));
}

Status CheckId(std::string_view field, std::string_view value, size_t bytes_max) {
  return tadori::CheckId(kAction, field, value, bytes_max);
}

Status CheckOptionalId(std::string_view field, std::string_view value) {
  if (value.empty()) return Status::Ok();
  return CheckId(field, value, kIdBytesMax);
}

Status CheckQuantityList(std::string_view field,
                         const google::protobuf::RepeatedPtrField<v1::QuantityElement>& list,
                         std::set<std::string_view>& lots) {
  if (static_cast<size_t>(list.size()) > kEventQuantityElementsMax) {
    return Invalid(std::string(field) + " has more than " +
                   std::to_string(kEventQuantityElementsMax) + " elements");
  }
  for (const v1::QuantityElement& element : list) {
    const std::string name = std::string(field) + "[].";
    TADORI_RETURN_IF_ERROR(CheckId(name + "lot_code", element.lot_code(), kLotCodeBytesMax));
    TADORI_RETURN_IF_ERROR(CheckId(name + "product", element.product(), kIdBytesMax));
    TADORI_RETURN_IF_ERROR(CheckRequiredText(kAction, name + "unit", element.unit(), kIdBytesMax));
    if (element.quantity_milli() <= 0) {
      return Invalid(name + "quantity_milli must be > 0 for lot '" + element.lot_code() +
                     "', got " + std::to_string(element.quantity_milli()));
    }
    if (!lots.insert(element.lot_code()).second) {
      return Invalid("lot '" + element.lot_code() + "' appears twice in " + std::string(field));
    }
  }
  return Status::Ok();
}

Status CheckParties(std::string_view field,
                    const google::protobuf::RepeatedPtrField<v1::PartyRef>& parties) {
  if (static_cast<size_t>(parties.size()) > kEventPartiesMax) {
    return Invalid(std::string(field) + " has more than " + std::to_string(kEventPartiesMax) +
                   " entries");
  }
  for (const v1::PartyRef& party : parties) {
    if (!Contains(kPartyTypes, party.type())) {
      return Invalid(std::string(field) + "[].type '" + PrintableExcerpt(party.type()) +
                     "' is not owning_party, possessing_party or location");
    }
    TADORI_RETURN_IF_ERROR(CheckId(std::string(field) + "[].id", party.id(), kIdBytesMax));
  }
  return Status::Ok();
}

Status CheckDate(std::string_view field, const std::string& value) {
  if (value.empty()) return Status::Ok();
  Result<int32_t> date = ParseIsoDate(value);
  if (!date.ok()) return Invalid(std::string(field) + ": " + date.status().message());
  return Status::Ok();
}

Status CheckIlmd(const v1::Ilmd& ilmd) {
  TADORI_RETURN_IF_ERROR(CheckDate("ilmd.harvest_date", ilmd.harvest_date()));
  TADORI_RETURN_IF_ERROR(CheckDate("ilmd.cooling_date", ilmd.cooling_date()));
  TADORI_RETURN_IF_ERROR(CheckDate("ilmd.packing_date", ilmd.packing_date()));
  TADORI_RETURN_IF_ERROR(CheckDate("ilmd.landing_date", ilmd.landing_date()));
  TADORI_RETURN_IF_ERROR(CheckDate("ilmd.best_before_date", ilmd.best_before_date()));
  TADORI_RETURN_IF_ERROR(CheckOptionalText(kAction, "ilmd.harvest_location",
                                           ilmd.harvest_location(), kStringFieldBytesMax));
  TADORI_RETURN_IF_ERROR(CheckOptionalText(kAction, "ilmd.cooling_location",
                                           ilmd.cooling_location(), kStringFieldBytesMax));
  TADORI_RETURN_IF_ERROR(
      CheckOptionalText(kAction, "ilmd.vessel", ilmd.vessel(), kStringFieldBytesMax));
  TADORI_RETURN_IF_ERROR(
      CheckOptionalText(kAction, "ilmd.tlc_source", ilmd.tlc_source(), kStringFieldBytesMax));
  return Status::Ok();
}

Status CheckTypeAndAction(const v1::EpcisEvent& event) {
  switch (event.type()) {
    case v1::TRANSFORMATION_EVENT:
      if (event.action() != v1::EVENT_ACTION_UNSPECIFIED) {
        return Invalid("a TRANSFORMATION event has no action");
      }
      if (!event.biz_step().empty() && event.biz_step() != "transforming") {
        return Invalid("biz_step of a TRANSFORMATION event must be empty or 'transforming'");
      }
      return Status::Ok();
    case v1::OBJECT_EVENT:
    case v1::AGGREGATION_EVENT:
    case v1::TRANSACTION_EVENT:
    case v1::ASSOCIATION_EVENT:  // EPCIS 2.0: like AGGREGATION, a parent and its children
      if (event.action() != v1::ADD && event.action() != v1::OBSERVE &&
          event.action() != v1::DELETE) {
        return Invalid("action must be ADD, OBSERVE or DELETE");
      }
      if (!IsKnownBizStep(event.biz_step())) {
        return Invalid("biz_step '" + PrintableExcerpt(event.biz_step()) +
                       "' is not a known CBV business step");
      }
      return Status::Ok();
    default:
      return Invalid(
          "type must be OBJECT_EVENT, AGGREGATION_EVENT, TRANSFORMATION_EVENT, "
          "TRANSACTION_EVENT or ASSOCIATION_EVENT");
  }
}

Status CheckLists(const v1::EpcisEvent& event) {
  std::set<std::string_view> lots;
  if (event.type() == v1::TRANSFORMATION_EVENT) {
    if (event.quantity_list_size() != 0) {
      return Invalid(
          "a TRANSFORMATION event uses input_quantity_list and "
          "output_quantity_list, not quantity_list");
    }
    if (event.input_quantity_list_size() == 0) return Invalid("input_quantity_list is empty");
    if (event.output_quantity_list_size() == 0) return Invalid("output_quantity_list is empty");
    TADORI_RETURN_IF_ERROR(
        CheckQuantityList("input_quantity_list", event.input_quantity_list(), lots));
    // Sharing `lots` refuses an output that is also an input.
    return CheckQuantityList("output_quantity_list", event.output_quantity_list(), lots);
  }
  if (event.input_quantity_list_size() != 0 || event.output_quantity_list_size() != 0) {
    return Invalid("input/output_quantity_list are only for TRANSFORMATION events");
  }
  if (event.quantity_list_size() == 0) return Invalid("quantity_list is empty");
  return CheckQuantityList("quantity_list", event.quantity_list(), lots);
}

}  // namespace

bool IsKnownBizStep(std::string_view biz_step) {
  return Contains(kKnownBizSteps, biz_step);
}

bool IsCreatingBizStep(std::string_view biz_step) {
  return Contains(kCreatingBizSteps, biz_step);
}

std::string_view FirstParty(const google::protobuf::RepeatedPtrField<v1::PartyRef>& parties,
                            std::string_view type) {
  for (const v1::PartyRef& party : parties) {
    if (party.type() == type) return party.id();
  }
  return {};
}

int CountParties(const google::protobuf::RepeatedPtrField<v1::PartyRef>& parties,
                 std::string_view type) {
  return static_cast<int>(std::count_if(
      parties.begin(), parties.end(), [type](const v1::PartyRef& p) { return p.type() == type; }));
}

Result<int64_t> CheckEventShape(const v1::EpcisEvent& event) {
  TADORI_RETURN_IF_ERROR(CheckTypeAndAction(event));
  TADORI_RETURN_IF_ERROR(CheckRequiredText(kAction, "event_time", event.event_time(), 64));
  Result<Rfc3339Time> time = ParseRfc3339(event.event_time());
  if (!time.ok()) return Invalid("event_time: " + time.status().message());
  TADORI_RETURN_IF_ERROR(
      CheckRequiredText(kAction, "event_time_zone_offset", event.event_time_zone_offset(), 6));
  Result<int32_t> offset = ParseUtcOffsetMinutes(event.event_time_zone_offset());
  if (!offset.ok()) return Invalid("event_time_zone_offset: " + offset.status().message());
  if (*offset != time->offset_minutes) {
    return Invalid("event_time_zone_offset '" + event.event_time_zone_offset() +
                   "' differs from the offset of event_time '" + event.event_time() + "'");
  }
  TADORI_RETURN_IF_ERROR(CheckOptionalId("disposition", event.disposition()));
  TADORI_RETURN_IF_ERROR(CheckOptionalId("read_point", event.read_point()));
  TADORI_RETURN_IF_ERROR(CheckOptionalId("biz_location", event.biz_location()));
  TADORI_RETURN_IF_ERROR(CheckOptionalText(kAction, "parent_id", event.parent_id(), kIdBytesMax));
  TADORI_RETURN_IF_ERROR(CheckLists(event));
  TADORI_RETURN_IF_ERROR(CheckParties("source_list", event.source_list()));
  TADORI_RETURN_IF_ERROR(CheckParties("destination_list", event.destination_list()));
  if (static_cast<size_t>(event.biz_transaction_list_size()) > kEventBizTransactionsMax) {
    return Invalid("biz_transaction_list has more than " +
                   std::to_string(kEventBizTransactionsMax) + " entries");
  }
  for (const v1::BizTransaction& doc : event.biz_transaction_list()) {
    TADORI_RETURN_IF_ERROR(
        CheckRequiredText(kAction, "biz_transaction_list[].type", doc.type(), kIdBytesMax));
    TADORI_RETURN_IF_ERROR(
        CheckRequiredText(kAction, "biz_transaction_list[].id", doc.id(), kIdBytesMax));
  }
  if (event.has_ilmd()) {
    const bool may_carry_ilmd = event.type() == v1::TRANSFORMATION_EVENT ||
                                (event.type() == v1::OBJECT_EVENT && event.action() == v1::ADD);
    if (!may_carry_ilmd) return Invalid("ilmd is only for OBJECT ADD and TRANSFORMATION events");
    TADORI_RETURN_IF_ERROR(CheckIlmd(event.ilmd()));
  }
  return time->unix_ms;
}

}  // namespace tadori
