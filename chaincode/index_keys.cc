// Encoders for the query index layout; the grammar is in index_keys.h.
#include "chaincode/index_keys.h"

namespace tadori::index_keys {
namespace {

void AppendU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void AppendU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void AppendTime(std::string& out, int64_t time_ms) {
  // Flipping the sign bit maps int64 order onto unsigned order: INT64_MIN -> 0.
  AppendU64(out, static_cast<uint64_t>(time_ms) ^ (uint64_t{1} << 63));
}

void AppendPosition(std::string& out, Position pos) {
  AppendU64(out, pos.height);
  AppendU32(out, pos.index);
}

std::string WithId(std::string_view prefix, std::string_view id) {
  std::string key(prefix);
  key.append(id);
  key.push_back('\0');
  return key;
}

constexpr size_t kPositionBytes = 8 + 4;

}  // namespace

std::string EncodeTime(int64_t time_ms) {
  std::string out;
  AppendTime(out, time_ms);
  return out;
}

std::string Event(Position pos) {
  std::string key = "e/";
  AppendPosition(key, pos);
  return key;
}

std::string LotEvent(std::string_view lot_code, Position pos) {
  std::string key = LotEventPrefix(lot_code);
  AppendPosition(key, pos);
  return key;
}

std::string EventByTime(int64_t time_ms, Position pos) {
  std::string key(kEventByTimePrefix);
  AppendTime(key, time_ms);
  AppendPosition(key, pos);
  return key;
}

std::string EventByBizStep(std::string_view biz_step, int64_t time_ms, Position pos) {
  std::string key = BizStepPrefix(biz_step);
  AppendTime(key, time_ms);
  AppendPosition(key, pos);
  return key;
}

std::string EventByLocation(std::string_view gln, int64_t time_ms, Position pos) {
  std::string key = LocationPrefix(gln);
  AppendTime(key, time_ms);
  AppendPosition(key, pos);
  return key;
}

std::string EventByOrg(std::string_view org_id, int64_t time_ms, Position pos) {
  std::string key = OrgPrefix(org_id);
  AppendTime(key, time_ms);
  AppendPosition(key, pos);
  return key;
}

std::string DeviceReading(std::string_view device_id, int64_t time_ms, uint64_t sequence,
                          uint32_t i) {
  std::string key = DevicePrefix(device_id);
  AppendTime(key, time_ms);
  AppendU64(key, sequence);
  AppendU32(key, i);
  return key;
}

std::string LotReading(std::string_view lot_code, int64_t time_ms, std::string_view device_id,
                       uint64_t sequence, uint32_t i) {
  std::string key = LotReadingPrefix(lot_code);
  AppendTime(key, time_ms);
  key.append(device_id);
  key.push_back('\0');
  AppendU64(key, sequence);
  AppendU32(key, i);
  return key;
}

std::string PilotVersion(std::string_view report_id, uint32_t version, Position pos) {
  std::string key = WithId("ph/", report_id);
  AppendU32(key, version);
  AppendPosition(key, pos);
  return key;
}

std::string LotEventPrefix(std::string_view lot_code) {
  return WithId("le/", lot_code);
}
std::string BizStepPrefix(std::string_view biz_step) {
  return WithId("eb/", biz_step);
}
std::string LocationPrefix(std::string_view gln) {
  return WithId("el/", gln);
}
std::string OrgPrefix(std::string_view org_id) {
  return WithId("eo/", org_id);
}
std::string DevicePrefix(std::string_view device_id) {
  return WithId("rd/", device_id);
}
std::string LotReadingPrefix(std::string_view lot_code) {
  return WithId("rl/", lot_code);
}

Result<Position> PositionFromKey(std::string_view key) {
  // Every event index key starts with a prefix of at least 2 bytes before its position.
  if (key.size() < 2 + kPositionBytes) {
    return Status::InvalidArgument("index key of " + std::to_string(key.size()) +
                                   " bytes is too short to end in a transaction position");
  }
  const auto* p = reinterpret_cast<const uint8_t*>(key.data() + key.size() - kPositionBytes);
  Position pos;
  for (int i = 0; i < 8; ++i) pos.height = (pos.height << 8) | p[i];
  for (int i = 8; i < 12; ++i) pos.index = (pos.index << 8) | p[i];
  return pos;
}

}  // namespace tadori::index_keys
