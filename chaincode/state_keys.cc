#include "chaincode/state_keys.h"

#include "ledger/bytes.h"

namespace tadori {

std::string OrgStateKey(std::string_view org_id) {
  return "org/" + std::string(org_id);
}

std::string MemberStateKey(const KeyId& key_id) {
  return "member/" + key_id.Hex();
}

std::string DeviceStateKey(std::string_view device_id) {
  return "device/" + std::string(device_id);
}

std::string LocationStateKey(std::string_view gln) {
  return "location/" + std::string(gln);
}

std::string ProductStateKey(std::string_view gtin) {
  return "product/" + std::string(gtin);
}

std::string LotStateKey(std::string_view lot_code) {
  return "lot/" + std::string(lot_code);
}

std::string HeldStatePrefix(std::string_view org_id) {
  std::string key = "held/";
  key.append(org_id);
  key.push_back('\0');
  return key;
}

std::string HeldStateKey(std::string_view org_id, std::string_view lot_code) {
  std::string key = HeldStatePrefix(org_id);
  key.append(lot_code);
  return key;
}

std::string PilotStateKey(std::string_view report_id) {
  return "pilot/" + std::string(report_id);
}

std::string EpcisEventIdStateKey(std::string_view event_id) {
  return "epcis-id/" + std::string(event_id);
}

std::string EpcisEventHashStateKey(std::string_view event_hash) {
  return "epcis-hash/" + std::string(event_hash);
}

std::string EpcisEventStateKey(std::string_view event_id) {
  return "epcis-event/" + std::string(event_id);
}

std::string Gs1CompanyPrefixStateKey(std::string_view company_prefix) {
  return "gs1-prefix/" + std::string(company_prefix);
}

std::string RecallStateKey(std::string_view recall_id) {
  return "recall/" + std::string(recall_id);
}

std::string RecallQueueStateKey(std::string_view recall_id, uint64_t position) {
  std::string key = "recall-queue/";
  key.append(recall_id);
  key.push_back('\0');
  Bytes big_endian;
  PutUint64BE(big_endian, position);
  key.append(ToHex(big_endian));
  return key;
}

std::string RecallWaitingStateKey(std::string_view recall_id, std::string_view lot_code) {
  std::string key = "recall-waiting/";
  key.append(recall_id);
  key.push_back('\0');
  key.append(lot_code);
  return key;
}

}  // namespace tadori
