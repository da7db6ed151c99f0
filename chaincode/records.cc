#include "chaincode/records.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "ledger/check.h"

namespace tadori {

std::string EncodeRecord(const google::protobuf::MessageLite& record) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    TADORI_CHECK(record.SerializeToCodedStream(&coded));
  }  // the coded stream flushes into `out` when it goes out of scope
  return out;
}

Result<bool> ReadRecord(const StateReader& state, std::string_view key,
                        google::protobuf::MessageLite& record) {
  record.Clear();
  Result<std::optional<std::string>> value = state.Get(key);
  if (!value.ok()) {
    return Status::Internal("reading state key '" + std::string(key) +
                            "': " + value.status().ToString());
  }
  if (!value->has_value()) return false;
  if (!record.ParseFromString(**value)) {
    return Status::Internal("state key '" + std::string(key) + "' holds a corrupt " +
                            record.GetTypeName());
  }
  return true;
}

}  // namespace tadori
