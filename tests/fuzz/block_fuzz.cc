// libFuzzer target: DecodeBlockBytes on arbitrary bytes, then the checks a node runs on a
// received block. Nothing may crash; an accepted block must hash its header bytes and
// match its own tx_root and tx_count.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ledger/block.h"
#include "ledger/check.h"

namespace {

// A one-validator set, built once: signatures from the input will not verify against it,
// which exercises the refusal paths of VerifyBlockSignatures.
const tadori::ValidatorSet& Validators() {
  static const tadori::ValidatorSet* set = [] {
    auto key = tadori::PrivateKey::Generate(tadori::KeyType::kP256);
    TADORI_CHECK(key.ok());
    return new tadori::ValidatorSet({key->public_key()});
  }();
  return *set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tadori::Result<tadori::DecodedBlock> block =
      tadori::DecodeBlockBytes(tadori::ByteView(data, size));
  if (!block.ok()) return 0;
  TADORI_CHECK(block->hash == tadori::Sha256(tadori::AsBytes(block->block.header())));
  TADORI_CHECK(block->header.tx_count() == block->txs.size());
  TADORI_CHECK(tadori::TxRoot(block->txs).ToBinaryString() == block->header.tx_root());
  (void)tadori::VerifyBlockSignatures(*block, Validators());
  (void)tadori::CheckBlockLink(*block, block->header.chain_id(), block->header.height() - 1,
                               block->hash);
  (void)tadori::CheckBlockTransactions(*block, block->header.chain_id());
  return 0;
}
