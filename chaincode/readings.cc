// submit_readings: a device-signed batch of sensor readings about lots.
//
//   batch            decodes as a ReadingBatch (INVALID_ARGUMENT), with 1..kReadingsPerBatchMax
//                    readings and 1..kReadingLotCodesMax distinct lot codes; each reading has a
//                    parseable time, a sensor type among the device's and a unit.
//   device           registered (NOT_FOUND), not revoked (PERMISSION_DENIED); the signer is an
//                    active member of the device's org (PERMISSION_DENIED).
//   device_signature verifies with the device key over
//                      "TADORI-READINGS-V1" || SHA-256(batch)
//                    (UNAUTHENTICATED otherwise).
//   sequence         == last_sequence + 1 (FAILED_PRECONDITION naming the expected one), so a
//                    replayed or skipped batch is refused.
//   lots             each exists (NOT_FOUND) and is held by the org or in transit with the
//                    org as carrier (PERMISSION_DENIED).
// Readings outside the lot's product storage range for their sensor type make one Excursion
// per (lot, sensor type) per batch; a lot already holding kLotExcursionsMax excursions merges
// further ones into its last.
#include <algorithm>
#include <map>
#include <set>

#include "chaincode/chaincode_limits.h"
#include "chaincode/checks.h"
#include "chaincode/index_keys.h"
#include "chaincode/lot_book.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/hash.h"
#include "ledger/rfc3339.h"
#include "ledger/utf8.h"
#include "tadori/v1/records.pb.h"

namespace tadori {
namespace {

constexpr std::string_view kAction = "submit_readings";
constexpr std::string_view kReadingsSigningContext = "TADORI-READINGS-V1";

Status CheckBatchShape(const v1::ReadingBatch& batch, const v1::DeviceRecord& device,
                       std::vector<int64_t>& times_ms) {
  if (batch.readings_size() == 0 ||
      static_cast<size_t>(batch.readings_size()) > kReadingsPerBatchMax) {
    return Status::InvalidArgument(Prefixed(
        kAction, "a batch holds 1 to " + std::to_string(kReadingsPerBatchMax) + " readings"));
  }
  if (batch.lot_codes_size() == 0 ||
      static_cast<size_t>(batch.lot_codes_size()) > kReadingLotCodesMax) {
    return Status::InvalidArgument(Prefixed(
        kAction, "a batch names 1 to " + std::to_string(kReadingLotCodesMax) + " lot codes"));
  }
  std::set<std::string_view> lots;
  for (const std::string& lot : batch.lot_codes()) {
    TADORI_RETURN_IF_ERROR(CheckRequiredText(kAction, "lot_codes[]", lot, kLotCodeBytesMax));
    if (!lots.insert(lot).second) {
      return Status::InvalidArgument(Prefixed(kAction, "lot '" + lot + "' is listed twice"));
    }
  }
  for (const v1::SensorReading& reading : batch.readings()) {
    Result<int64_t> time = ParseRfc3339Ms(reading.time());
    if (!time.ok()) {
      return Status::InvalidArgument(Prefixed(kAction, "reading time: " + time.status().message()));
    }
    times_ms.push_back(*time);
    if (std::find(device.sensor_types().begin(), device.sensor_types().end(),
                  reading.sensor_type()) == device.sensor_types().end()) {
      return Status::InvalidArgument(
          Prefixed(kAction, "device '" + device.device_id() + "' has no sensor of type '" +
                                PrintableExcerpt(reading.sensor_type()) + "'"));
    }
    TADORI_RETURN_IF_ERROR(
        CheckRequiredText(kAction, "readings[].unit", reading.unit(), kIdBytesMax));
  }
  return Status::Ok();
}

Result<v1::DeviceRecord> ReadDevice(const Caller& caller, const StateReader& state,
                                    const std::string& device_id) {
  TADORI_RETURN_IF_ERROR(CheckRequiredText(kAction, "device_id", device_id, kIdBytesMax));
  v1::DeviceRecord device;
  TADORI_ASSIGN_OR_RETURN(bool found, ReadRecord(state, DeviceStateKey(device_id), device));
  if (!found) {
    return Status::NotFound(Prefixed(kAction, "device '" + device_id + "' is not registered"));
  }
  if (device.revoked_height() != 0) {
    return Status::PermissionDenied(Prefixed(kAction, "device '" + device_id +
                                                          "' was revoked at height " +
                                                          std::to_string(device.revoked_height())));
  }
  if (device.org_id() != caller.member.org_id()) {
    return Status::PermissionDenied(
        Prefixed(kAction, "device '" + device_id + "' belongs to org '" + device.org_id() +
                              "', not to the signer's org '" + caller.member.org_id() + "'"));
  }
  return device;
}

Status VerifyDeviceSignature(const v1::DeviceRecord& device, const v1::SubmitReadings& payload) {
  Result<PublicKey> key = PublicKey::FromPem(device.public_key());
  if (!key.ok()) {
    return Status::Internal("device '" + device.device_id() + "' has a corrupt key");
  }
  std::string message(kReadingsSigningContext);
  message += Sha256(payload.batch()).ToBinaryString();
  Status verified = key->Verify(AsBytes(message), AsBytes(payload.device_signature()));
  if (!verified.ok()) {
    return Status::Unauthenticated(Prefixed(
        kAction,
        "device signature of '" + device.device_id() + "' does not verify: " + verified.message()));
  }
  return Status::Ok();
}

const v1::StorageRange* RangeFor(const v1::ProductRecord& product, std::string_view type) {
  for (const v1::StorageRange& range : product.product().storage()) {
    if (range.sensor_type() == type) return &range;
  }
  return nullptr;
}

bool Outside(const v1::StorageRange* range, int64_t value_milli) {
  return range != nullptr && (value_milli < range->min_milli() || value_milli > range->max_milli());
}

// How far a value lies outside its range: the larger distance is the worse reading.
int64_t Distance(const v1::StorageRange& range, int64_t value_milli) {
  // Computed in unsigned arithmetic: the two ends may be far apart in int64.
  if (value_milli < range.min_milli()) {
    return static_cast<int64_t>(std::min<uint64_t>(
        static_cast<uint64_t>(range.min_milli()) - static_cast<uint64_t>(value_milli),
        uint64_t{INT64_MAX}));
  }
  return static_cast<int64_t>(std::min<uint64_t>(
      static_cast<uint64_t>(value_milli) - static_cast<uint64_t>(range.max_milli()),
      uint64_t{INT64_MAX}));
}

// Folds `reading` into `excursion` (start/end by time, worst by distance, count).
void Extend(v1::Excursion& excursion, const v1::StorageRange& range,
            const v1::SensorReading& reading, int64_t time_ms, int64_t& start_ms, int64_t& end_ms) {
  if (excursion.reading_count() == 0 || time_ms < start_ms) {
    start_ms = time_ms;
    excursion.set_start_time(reading.time());
  }
  if (excursion.reading_count() == 0 || time_ms > end_ms) {
    end_ms = time_ms;
    excursion.set_end_time(reading.time());
  }
  if (excursion.reading_count() == 0 ||
      Distance(range, reading.value_milli()) > Distance(range, excursion.worst_value_milli())) {
    excursion.set_worst_value_milli(reading.value_milli());
  }
  excursion.set_reading_count(excursion.reading_count() + 1);
}

// Appends `excursion` to the lot, or merges it into the last one when the lot is full.
void AddExcursion(v1::LotRecord& lot, const v1::Excursion& excursion,
                  const v1::StorageRange& range) {
  if (static_cast<size_t>(lot.excursions_size()) < kLotExcursionsMax) {
    *lot.add_excursions() = excursion;
    return;
  }
  v1::Excursion& last = *lot.mutable_excursions(lot.excursions_size() - 1);
  last.set_end_time(excursion.end_time());
  if (Distance(range, excursion.worst_value_milli()) > Distance(range, last.worst_value_milli())) {
    last.set_worst_value_milli(excursion.worst_value_milli());
  }
  last.set_reading_count(last.reading_count() + excursion.reading_count());
  *last.mutable_attestation() = excursion.attestation();
}

struct LotView {
  v1::LotRecord lot;
  v1::ProductRecord product;
};

Result<LotView> ReadReadingLot(const Caller& caller, const StateReader& state,
                               const std::string& lot_code) {
  LotView out;
  TADORI_ASSIGN_OR_RETURN(out.lot, ReadExistingLot(kAction, state, lot_code));
  const std::string& org = caller.member.org_id();
  if (HeldQuantity(out.lot, org) == 0 && !CarriesLot(out.lot, org)) {
    return Status::PermissionDenied(
        Prefixed(kAction, "org '" + org + "' neither holds nor carries lot '" + lot_code + "'"));
  }
  TADORI_ASSIGN_OR_RETURN(bool found,
                          ReadRecord(state, ProductStateKey(out.lot.product()), out.product));
  if (!found) return Status::Internal("lot '" + lot_code + "' names an unregistered product");
  return out;
}

}  // namespace

Status ExecuteSubmitReadings(const Caller& caller, const v1::SubmitReadings& payload,
                             StateView& view) {
  v1::ReadingBatch batch;
  if (!batch.ParseFromString(payload.batch())) {
    return Status::InvalidArgument(Prefixed(kAction, "batch is not a ReadingBatch"));
  }
  TADORI_ASSIGN_OR_RETURN(v1::DeviceRecord device, ReadDevice(caller, view, batch.device_id()));
  TADORI_RETURN_IF_ERROR(VerifyDeviceSignature(device, payload));
  if (batch.sequence() != device.last_sequence() + 1) {
    return Status::FailedPrecondition(
        Prefixed(kAction, "device '" + device.device_id() + "' expects sequence " +
                              std::to_string(device.last_sequence() + 1) + ", got " +
                              std::to_string(batch.sequence())));
  }
  std::vector<int64_t> times_ms;
  TADORI_RETURN_IF_ERROR(CheckBatchShape(batch, device, times_ms));
  std::vector<LotView> lots;
  for (const std::string& lot_code : batch.lot_codes()) {
    TADORI_ASSIGN_OR_RETURN(LotView lot, ReadReadingLot(caller, view, lot_code));
    lots.push_back(std::move(lot));
  }

  const v1::EventRef ref = CurrentEventRef(caller.ctx);
  std::vector<bool> outside_any(static_cast<size_t>(batch.readings_size()), false);
  for (LotView& entry : lots) {
    // One excursion per sensor type, in the order the product lists its ranges.
    for (const v1::StorageRange& range : entry.product.product().storage()) {
      v1::Excursion excursion;
      int64_t start_ms = 0;
      int64_t end_ms = 0;
      for (int i = 0; i < batch.readings_size(); ++i) {
        const v1::SensorReading& reading = batch.readings(i);
        if (reading.sensor_type() != range.sensor_type()) continue;
        if (!Outside(&range, reading.value_milli())) continue;
        outside_any[static_cast<size_t>(i)] = true;
        Extend(excursion, range, reading, times_ms[static_cast<size_t>(i)], start_ms, end_ms);
      }
      if (excursion.reading_count() == 0) continue;
      excursion.set_device_id(device.device_id());
      excursion.set_sensor_type(range.sensor_type());
      excursion.set_unit(range.unit());
      excursion.set_range_min_milli(range.min_milli());
      excursion.set_range_max_milli(range.max_milli());
      *excursion.mutable_attestation() = ref;
      AddExcursion(entry.lot, excursion, range);
    }
    view.Put(LotStateKey(entry.lot.lot_code()), EncodeRecord(entry.lot));
  }
  device.set_last_sequence(batch.sequence());
  view.Put(DeviceStateKey(device.device_id()), EncodeRecord(device));

  for (int i = 0; i < batch.readings_size(); ++i) {
    const size_t at = static_cast<size_t>(i);
    v1::RecordedReading recorded;
    recorded.set_device_id(device.device_id());
    recorded.set_sequence(batch.sequence());
    *recorded.mutable_reading() = batch.readings(i);
    recorded.set_time_ms(times_ms[at]);
    *recorded.mutable_attestation() = ref;
    recorded.set_excursion(outside_any[at]);
    const uint32_t index = static_cast<uint32_t>(i);
    view.AddIndex(
        index_keys::DeviceReading(device.device_id(), times_ms[at], batch.sequence(), index),
        EncodeRecord(recorded));
    for (const LotView& entry : lots) {
      recorded.set_excursion(Outside(RangeFor(entry.product, batch.readings(i).sensor_type()),
                                     batch.readings(i).value_milli()));
      view.AddIndex(index_keys::LotReading(entry.lot.lot_code(), times_ms[at], device.device_id(),
                                           batch.sequence(), index),
                    EncodeRecord(recorded));
    }
  }
  return Status::Ok();
}

}  // namespace tadori
