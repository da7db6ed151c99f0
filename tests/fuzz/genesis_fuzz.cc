// libFuzzer target: the genesis decoders. The first byte picks binary (even) or JSON (odd)
// input; nothing may crash, and an accepted genesis must survive a JSON round trip with
// the same hash and a usable validator set.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ledger/check.h"
#include "ledger/genesis.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const tadori::ByteView rest(data + 1, size - 1);
  tadori::Result<tadori::GenesisInfo> info =
      (data[0] % 2 == 0) ? tadori::DecodeGenesis(rest)
                         : tadori::GenesisFromJson(std::string_view(
                               reinterpret_cast<const char*>(rest.data()), rest.size()));
  if (!info.ok()) return 0;
  TADORI_CHECK(info->hash == tadori::Sha256(info->bytes));
  TADORI_CHECK(info->validators.size() >= 1);
  TADORI_CHECK(info->validators.Quorum() <= info->validators.size());
  tadori::Result<tadori::GenesisInfo> again =
      tadori::GenesisFromJson(tadori::GenesisToJson(info->genesis));
  TADORI_CHECK(again.ok());
  TADORI_CHECK(again->validators.size() == info->validators.size());
  return 0;
}
