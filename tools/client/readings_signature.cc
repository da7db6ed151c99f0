#include "tools/client/readings_signature.h"

#include <google/protobuf/util/json_util.h>

#include "ledger/check.h"
#include "ledger/hash.h"

namespace tadori::client {

Bytes ReadingsSigningMessage(ByteView batch_bytes) {
  const Hash digest = Sha256(batch_bytes);
  Bytes message(kReadingsSigningTag.begin(), kReadingsSigningTag.end());
  const std::string raw = digest.ToBinaryString();
  message.insert(message.end(), raw.begin(), raw.end());
  TADORI_CHECK(message.size() == kReadingsSigningTag.size() + 32);
  return message;
}

v1::SubmitReadings SignReadingBatch(const v1::ReadingBatch& batch, const PrivateKey& device_key) {
  v1::SubmitReadings out;
  // Serializing an in-memory message cannot fail short of running out of memory.
  TADORI_CHECK(batch.SerializeToString(out.mutable_batch()));
  const Bytes signature = device_key.Sign(ReadingsSigningMessage(AsBytes(out.batch())));
  out.set_device_signature(std::string(signature.begin(), signature.end()));
  return out;
}

Result<v1::ReadingBatch> ParseReadingBatchJson(std::string_view json) {
  v1::ReadingBatch batch;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(std::string(json), &batch, options);
  if (!parsed.ok()) {
    return Status::InvalidArgument("reading batch: " + std::string(parsed.message()));
  }
  if (batch.device_id().empty()) return Status::InvalidArgument("reading batch: no deviceId");
  if (batch.sequence() == 0) {
    return Status::InvalidArgument("reading batch: sequence must be 1 or more");
  }
  if (batch.readings_size() == 0) return Status::InvalidArgument("reading batch: no readings");
  return batch;
}

}  // namespace tadori::client
