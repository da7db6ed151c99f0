#include "tools/client/payload_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>
#include <string>

namespace tadori::client {

namespace {

// "registerMember, recordEvent, ...": the payload oneof's members in JSON spelling.
std::string PayloadChoices() {
  const auto* oneof = v1::TransactionBody::descriptor()->FindOneofByName("payload");
  std::string out;
  for (int i = 0; oneof != nullptr && i < oneof->field_count(); ++i) {
    if (i > 0) out += ", ";
    out += oneof->field(i)->json_name();
  }
  return out;
}

Status CheckPayloadOnly(const v1::TransactionBody& body) {
  // Names as the protobuf JSON mapping spells them, so the message matches the input.
  if (!body.chain_id().empty()) return Status::InvalidArgument("chainId is set by the client");
  if (!body.nonce().empty()) return Status::InvalidArgument("nonce is set by the client");
  if (body.valid_until_height() != 0) {
    return Status::InvalidArgument("validUntilHeight is set by the client");
  }
  if (body.created_at_ms() != 0) {
    return Status::InvalidArgument("createdAtMs is set by the client");
  }
  if (body.payload_case() == v1::TransactionBody::PAYLOAD_NOT_SET) {
    return Status::InvalidArgument("no payload (expected one of " + PayloadChoices() + ")");
  }
  return Status::Ok();
}

Result<v1::TransactionBody> ParseOne(const nlohmann::json& entry) {
  if (!entry.is_object()) return Status::InvalidArgument("is not a JSON object");
  v1::TransactionBody body;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed = google::protobuf::util::JsonStringToMessage(entry.dump(), &body, options);
  if (!parsed.ok()) return Status::InvalidArgument(std::string(parsed.message()));
  TADORI_RETURN_IF_ERROR(CheckPayloadOnly(body));
  return body;
}

}  // namespace

Result<std::vector<v1::TransactionBody>> ParsePayloads(std::string_view json) {
  // nlohmann reports syntax errors by exception; keep it inside this function.
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(std::string("not valid JSON: ") + e.what());
  }
  std::vector<v1::TransactionBody> out;
  if (doc.is_object()) {
    Result<v1::TransactionBody> one = ParseOne(doc);
    if (!one.ok()) return one.status().WithContext("payload");
    out.push_back(std::move(one).value());
    return out;
  }
  if (!doc.is_array()) {
    return Status::InvalidArgument("expected a payload object or an array of them");
  }
  if (doc.empty()) return Status::InvalidArgument("the payload array is empty");
  if (doc.size() > kPayloadFileEntriesMax) {
    return Status::InvalidArgument("more than " + std::to_string(kPayloadFileEntriesMax) +
                                   " payloads in one file");
  }
  out.reserve(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    Result<v1::TransactionBody> one = ParseOne(doc[i]);
    if (!one.ok()) return one.status().WithContext("payload " + std::to_string(i));
    out.push_back(std::move(one).value());
  }
  return out;
}

std::string_view PayloadName(const v1::TransactionBody& body) {
  // From the descriptor, so payloads added to the .proto later are named without a change here.
  if (body.payload_case() == v1::TransactionBody::PAYLOAD_NOT_SET) return "none";
  const auto* field = body.GetDescriptor()->FindFieldByNumber(body.payload_case());
  return field == nullptr ? std::string_view("unknown") : std::string_view(field->name());
}

}  // namespace tadori::client
