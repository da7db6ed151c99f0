// Query index layout: the keys chaincode adds with StateView::AddIndex and the Trace service
// scans (ledger/store keeps them under its private index prefix; see Store::ScanIndex).
//
// Grammar (all integers big-endian so keys sort by them; `\0` ends a variable-length id;
// time_ms is Unix milliseconds UTC with the sign bit flipped, so negative times sort first):
//   pos         = height:u64 index:u32                        (transaction position)
//   "e/"  pos                             -> RecordedEvent     the event itself, once
//   "le/" lot_code "\0" pos               -> ""                lot -> events
//   "et/" time_ms:u64 pos                 -> ""                events by time
//   "eb/" biz_step "\0" time_ms:u64 pos   -> ""                bizStep -> events by time
//   "el/" gln "\0" time_ms:u64 pos        -> ""                location -> events by time
//                                                             (read_point and biz_location)
//   "eo/" org_id "\0" time_ms:u64 pos     -> ""                org -> events by time
//   "rd/" device_id "\0" time_ms:u64 sequence:u64 i:u32 -> RecordedReading  device -> readings
//   "rl/" lot_code "\0" time_ms:u64 device_id "\0" sequence:u64 i:u32 -> RecordedReading
//   "ph/" report_id "\0" version:u32 pos  -> ""                pilot -> versions
// State keys that queries read directly (chaincode/state_keys.h): "lot/<code>" LotRecord,
// "held/<org>\0<lot>" -> quantity (org -> lots held now), "pilot/<report_id>" PilotRecord,
// "org/", "member/", "device/", "location/", "product/".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace tadori::index_keys {

struct Position {
  uint64_t height = 0;
  uint32_t index = 0;
};

std::string Event(Position pos);
std::string LotEvent(std::string_view lot_code, Position pos);
std::string EventByTime(int64_t time_ms, Position pos);
std::string EventByBizStep(std::string_view biz_step, int64_t time_ms, Position pos);
std::string EventByLocation(std::string_view gln, int64_t time_ms, Position pos);
std::string EventByOrg(std::string_view org_id, int64_t time_ms, Position pos);
std::string DeviceReading(std::string_view device_id, int64_t time_ms, uint64_t sequence,
                          uint32_t i);
std::string LotReading(std::string_view lot_code, int64_t time_ms, std::string_view device_id,
                       uint64_t sequence, uint32_t i);
std::string PilotVersion(std::string_view report_id, uint32_t version, Position pos);

// Prefixes for scans: every key of that kind for the given id, in key order.
std::string LotEventPrefix(std::string_view lot_code);    // "le/" lot "\0"
std::string BizStepPrefix(std::string_view biz_step);     // "eb/" step "\0"
std::string LocationPrefix(std::string_view gln);         // "el/" gln "\0"
std::string OrgPrefix(std::string_view org_id);           // "eo/" org "\0"
std::string DevicePrefix(std::string_view device_id);     // "rd/" device "\0"
std::string LotReadingPrefix(std::string_view lot_code);  // "rl/" lot "\0"
inline constexpr std::string_view kEventByTimePrefix = "et/";

// The time_ms encoding used inside keys (sign bit flipped, big-endian), so that a scan can
// start at a time bound: prefix + EncodeTime(t).
std::string EncodeTime(int64_t time_ms);
// The transaction position at the end of any event index key ("le/", "et/", "eb/", "el/",
// "eo/"); INVALID_ARGUMENT (DATA_LOSS for callers) when the key is too short.
Result<Position> PositionFromKey(std::string_view key);

}  // namespace tadori::index_keys
