#include "tools/cli/fsma_rows.h"

#include <algorithm>
#include <string>
#include <utility>

namespace tadori::cli::fsma {

void MapDirectory::AddLot(v1::LotView lot) {
  std::string code = lot.lot().lot_code();
  lots_.insert_or_assign(std::move(code), std::move(lot));
}

void MapDirectory::AddLocation(v1::LocationRecord location) {
  std::string gln = location.location().gln();
  locations_.insert_or_assign(std::move(gln), std::move(location));
}

const v1::LotView* MapDirectory::Lot(std::string_view lot_code) {
  auto it = lots_.find(lot_code);
  return it == lots_.end() ? nullptr : &it->second;
}

const v1::LocationRecord* MapDirectory::Location(std::string_view gln) {
  auto it = locations_.find(gln);
  return it == locations_.end() ? nullptr : &it->second;
}

namespace {

// `value` / 10^digits as an exact decimal without trailing zeros.
std::string ScaledToDecimal(int64_t value, int digits) {
  uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  // Unsigned arithmetic so that INT64_MIN has a magnitude too.
  const bool negative = value < 0;
  const uint64_t magnitude =
      negative ? ~static_cast<uint64_t>(value) + 1 : static_cast<uint64_t>(value);
  std::string text = negative ? "-" : "";
  text += std::to_string(magnitude / scale);
  const uint64_t fraction = magnitude % scale;
  if (fraction != 0) {
    std::string fraction_digits = std::to_string(fraction);
    fraction_digits.insert(0, static_cast<size_t>(digits) - fraction_digits.size(), '0');
    while (fraction_digits.back() == '0') fraction_digits.pop_back();
    text += '.';
    text += fraction_digits;
  }
  return text;
}

}  // namespace

std::string MilliToDecimal(int64_t milli) {
  return ScaledToDecimal(milli, 3);
}

namespace {

void AppendHex(std::string_view bytes, std::string& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
}

std::string Hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  AppendHex(bytes, out);
  return out;
}

// The calendar date of an RFC 3339 time in its own offset: "2026-11-20T06:30:00+09:00" is
// 2026-11-20 where it happened, which is what FDA's date columns ask.
std::string_view DateOf(std::string_view rfc3339) {
  return rfc3339.substr(0, std::min<size_t>(rfc3339.size(), 10));
}

const std::string& FirstNonEmpty(const std::string& a, const std::string& b) {
  return a.empty() ? b : a;
}

// The party a source or destination list names: the first location (a GLN) if any, else the
// first owning or possessing party (an organisation id).
std::pair<std::string_view, bool> Party(
    const google::protobuf::RepeatedPtrField<v1::PartyRef>& parties) {
  for (const v1::PartyRef& p : parties) {
    if (p.type() == "location") return {p.id(), true};
  }
  for (const v1::PartyRef& p : parties) {
    if (!p.id().empty()) return {p.id(), false};
  }
  return {std::string_view(), false};
}

std::string ErrorMark(const v1::RecordedEvent& event) {
  if (!event.has_error_declaration()) return {};
  const v1::ErrorDeclaration& d = event.error_declaration();
  std::string mark = "declared erroneous";
  if (!d.declaration_time().empty()) mark += " at " + d.declaration_time();
  if (!d.reason().empty()) mark += "; reason: " + d.reason();
  if (d.corrective_event_ids_size() > 0) {
    mark += "; corrective events:";
    for (const std::string& id : d.corrective_event_ids()) mark += " " + id;
  }
  if (d.has_declared_by()) {
    mark += "; declared by tx " + Hex(d.declared_by().tx_id()) + " at height " +
            std::to_string(d.declared_by().height());
  }
  return mark;
}

}  // namespace

// What one row is about: the event, its lot (the new lot of a transformation) and, for a
// transformation, the input lot; with their lot records when the directory knows them.
struct RowBuilder::Context {
  const v1::RecordedEvent* recorded = nullptr;
  const v1::EpcisEvent* event = nullptr;
  size_t sheet = 0;
  const v1::QuantityElement* lot = nullptr;
  const v1::LotView* lot_view = nullptr;
  const v1::QuantityElement* input = nullptr;
  const v1::LotView* input_view = nullptr;
};

RowBuilder::RowBuilder(Directory& directory, RowSink& sink) : directory_(directory), sink_(sink) {}

void RowBuilder::LocationPart(std::string_view id, bool is_gln, Part part, std::string& out) {
  if (id.empty()) return;
  if (!is_gln) {
    if (part == Part::kName || part == Part::kWhole) out.assign(id);
    return;
  }
  if (part == Part::kGln) {
    out.assign(id);
    return;
  }
  const v1::LocationRecord* record = directory_.Location(id);
  if (record == nullptr) {
    if (part == Part::kWhole) out.assign(id);
    return;
  }
  const v1::RegisterLocation& loc = record->location();
  if (part == Part::kName) {
    out.assign(loc.name());
    return;
  }
  std::string address = loc.address();
  if (address.empty() && loc.has_coordinates()) {
    address =
        ScaledToDecimal(loc.latitude_micro(), 6) + ", " + ScaledToDecimal(loc.longitude_micro(), 6);
  }
  if (part == Part::kAddress) {
    out.assign(address);
    return;
  }
  out.assign(loc.name());
  if (!address.empty()) out.append(", ").append(address);
  out.append(" (").append(id).append(")");
}

void RowBuilder::Value(const Column& column, const Context& c, std::string& out) {
  out.clear();
  const v1::EpcisEvent& e = *c.event;
  static const v1::Ilmd kNoIlmd;
  const v1::Ilmd& lot_ilmd = c.lot_view != nullptr ? c.lot_view->lot().ilmd() : kNoIlmd;
  const v1::Ilmd& ilmd = e.ilmd();
  const std::string& here = FirstNonEmpty(e.biz_location(), e.read_point());
  const auto looks_like_gln = [&](std::string_view v) {
    return v.starts_with("urn:epc:id:sgln:") || v.find("/414/") != std::string_view::npos ||
           directory_.Location(v) != nullptr;
  };
  const auto event_date = [&] { out.assign(DateOf(e.event_time())); };
  switch (column.kde) {
    case Kde::kTlc:
      if (c.lot != nullptr) out.assign(c.lot->lot_code());
      return;
    case Kde::kProductDescription:
      if (c.lot != nullptr && c.lot_view != nullptr) {
        out.assign(c.lot_view->product().product().description());
      }
      return;
    case Kde::kProductId:
      if (c.lot != nullptr) out.assign(c.lot->product());
      return;
    case Kde::kQuantity:
    case Kde::kInputQuantity:
      return;  // Fill() writes quantities
    case Kde::kUnit:
      if (c.lot != nullptr) out.assign(c.lot->unit());
      return;
    case Kde::kEventLocation:
      LocationPart(here, true, column.part, out);
      return;
    case Kde::kSubsequentRecipient: {
      auto [id, is_gln] = Party(e.destination_list());
      LocationPart(id, is_gln, column.part, out);
      return;
    }
    case Kde::kPreviousSource: {
      auto [id, is_gln] = Party(e.source_list());
      LocationPart(id, is_gln, column.part, out);
      return;
    }
    case Kde::kHarvestLocation: {
      const std::string& v = FirstNonEmpty(ilmd.harvest_location(), lot_ilmd.harvest_location());
      LocationPart(v, looks_like_gln(v), column.part, out);
      return;
    }
    case Kde::kHarvestField: {
      const std::string& v = FirstNonEmpty(ilmd.harvest_location(), lot_ilmd.harvest_location());
      const v1::LocationRecord* loc = v.empty() ? nullptr : directory_.Location(v);
      out.assign(loc == nullptr ? v : loc->location().name());
      return;
    }
    case Kde::kHarvestDate:
      out.assign(FirstNonEmpty(ilmd.harvest_date(), lot_ilmd.harvest_date()));
      if (out.empty() && e.biz_step() == "harvesting") event_date();
      return;
    case Kde::kCoolingLocation: {
      const std::string& v = FirstNonEmpty(ilmd.cooling_location(), lot_ilmd.cooling_location());
      LocationPart(v, looks_like_gln(v), column.part, out);
      return;
    }
    case Kde::kCoolingDate:
      out.assign(FirstNonEmpty(ilmd.cooling_date(), lot_ilmd.cooling_date()));
      if (out.empty() && e.biz_step() == "cooling") event_date();
      return;
    case Kde::kPackingDate:
      out.assign(ilmd.packing_date());
      if (out.empty()) event_date();
      return;
    case Kde::kLandingDate:
      out.assign(ilmd.landing_date());
      if (out.empty()) event_date();
      return;
    case Kde::kVessel:
      out.assign(FirstNonEmpty(ilmd.vessel(), lot_ilmd.vessel()));
      return;
    case Kde::kEventDate:
      event_date();
      return;
    case Kde::kTlcSource: {
      // The lot's record says which GLN assigned the TLC; an event that made the lot says it
      // in its ILMD; a transformation assigns it where it happens.
      std::string_view gln;
      if (c.lot_view != nullptr) gln = c.lot_view->lot().tlc_source();
      if (gln.empty()) gln = ilmd.tlc_source();
      if (gln.empty() && e.type() == v1::TRANSFORMATION_EVENT) gln = here;
      LocationPart(gln, true, column.part, out);
      return;
    }
    case Kde::kRefDocType:
    case Kde::kRefDocNumber:
      for (const v1::BizTransaction& t : e.biz_transaction_list()) {
        if (!out.empty()) out += "; ";
        out += column.kde == Kde::kRefDocType ? t.type() : t.id();
      }
      return;
    case Kde::kInputTlc:
      if (c.input != nullptr) out.assign(c.input->lot_code());
      return;
    case Kde::kInputProductDescription:
      if (c.input != nullptr && c.input_view != nullptr) {
        out.assign(c.input_view->product().product().description());
      }
      return;
    case Kde::kInputProductId:
      if (c.input != nullptr) out.assign(c.input->product());
      return;
    case Kde::kInputUnit:
      if (c.input != nullptr) out.assign(c.input->unit());
      return;
    case Kde::kEventTime:
      out.assign(e.event_time());
      return;
    case Kde::kRecordedBy:
      out.assign(c.recorded->org_id());
      return;
    case Kde::kTxId:
      AppendHex(c.recorded->ref().tx_id(), out);
      return;
    case Kde::kBlockHeight:
      out.assign(std::to_string(c.recorded->ref().height()));
      return;
    case Kde::kEpcisEventId:
      out.assign(FirstNonEmpty(e.event_id(), c.recorded->captured().event_id()));
      return;
    case Kde::kErrorDeclaration:
      if (c.recorded->has_error_declaration()) out.assign(ErrorMark(*c.recorded));
      return;
    case Kde::kBlank:
      return;
  }
}

void RowBuilder::Fill(const SheetLayout& sheet, const Context& c) {
  cells_.resize(sheet.columns.size());
  for (size_t i = 0; i < sheet.columns.size(); ++i) {
    const Column& column = sheet.columns[i];
    Cell& cell = cells_[i];
    const v1::QuantityElement* q = column.kde == Kde::kInputQuantity ? c.input
                                   : column.kde == Kde::kQuantity    ? c.lot
                                                                     : nullptr;
    cell.has_quantity = q != nullptr;
    cell.quantity_milli = q == nullptr ? 0 : q->quantity_milli();
    if (q == nullptr) {
      Value(column, c, cell.text);
    } else {
      cell.text.assign(MilliToDecimal(q->quantity_milli()));
    }
  }
}

Status RowBuilder::Add(const v1::RecordedEvent& recorded) {
  const size_t sheet_index = SheetIndexForCte(recorded.cte());
  if (sheet_index >= Sheets().size()) {
    ++skipped_;
    return Status::Ok();
  }
  if (recorded.has_error_declaration()) ++erroneous_;
  const SheetLayout& sheet = Sheets()[sheet_index];
  Context c;
  c.recorded = &recorded;
  c.event = &recorded.event();
  c.sheet = sheet_index;
  const auto emit = [&]() -> Status {
    Fill(sheet, c);
    TADORI_RETURN_IF_ERROR(sink_.Row(sheet_index, cells_));
    ++rows_[sheet_index];
    return Status::Ok();
  };
  const v1::EpcisEvent& e = recorded.event();
  if (e.type() != v1::TRANSFORMATION_EVENT) {
    for (const v1::QuantityElement& q : e.quantity_list()) {
      c.lot = &q;
      c.lot_view = directory_.Lot(q.lot_code());
      TADORI_RETURN_IF_ERROR(emit());
    }
    return Status::Ok();
  }
  // A transformation: every (input, new lot) pair, so that each row carries both TLCs; a
  // side with no lots still gives rows for the other.
  const auto& inputs = e.input_quantity_list();
  const auto& outputs = e.output_quantity_list();
  const int output_rows = std::max(outputs.size(), 1);
  const int input_rows = std::max(inputs.size(), 1);
  for (int o = 0; o < output_rows; ++o) {
    c.lot = o < outputs.size() ? &outputs[o] : nullptr;
    c.lot_view = c.lot == nullptr ? nullptr : directory_.Lot(c.lot->lot_code());
    for (int i = 0; i < input_rows; ++i) {
      c.input = i < inputs.size() ? &inputs[i] : nullptr;
      c.input_view = c.input == nullptr ? nullptr : directory_.Lot(c.input->lot_code());
      if (c.lot == nullptr && c.input == nullptr) continue;
      TADORI_RETURN_IF_ERROR(emit());
    }
  }
  return Status::Ok();
}

}  // namespace tadori::cli::fsma
