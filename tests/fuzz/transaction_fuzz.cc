// libFuzzer target: DecodeTransactionBytes on arbitrary bytes. It must never crash, and a
// transaction it accepts must decode again to the same id and obey the limits it checked.
#include <cstddef>
#include <cstdint>

#include "ledger/check.h"
#include "ledger/limits.h"
#include "ledger/transaction.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tadori::Result<tadori::DecodedTransaction> tx =
      tadori::DecodeTransactionBytes(tadori::ByteView(data, size));
  if (!tx.ok()) return 0;
  TADORI_CHECK(tx->id == tadori::Sha256(tadori::AsBytes(tx->envelope.body())));
  TADORI_CHECK(tx->body.nonce().size() == tadori::kTxNonceBytes);
  TADORI_CHECK(tx->envelope.ByteSizeLong() <= tadori::kTxSizeBytesMax);
  tadori::Result<tadori::DecodedTransaction> again = tadori::DecodeTransaction(tx->envelope);
  TADORI_CHECK(again.ok() && again->id == tx->id);
  // Context checks on any accepted transaction must not crash either.
  (void)tadori::CheckTransactionContext(*tx, tx->body.chain_id(), size);
  return 0;
}
