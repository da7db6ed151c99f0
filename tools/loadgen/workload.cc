#include "tools/loadgen/workload.h"

#include "ledger/check.h"
#include "ledger/transaction.h"

namespace tadori::loadgen {

Workload PresignCreateLots(const client::ChainHead& head, const PrivateKey& key, uint64_t count,
                           const std::string& lot_prefix, uint64_t validity_blocks,
                           uint32_t wait_timeout_ms) {
  TADORI_CHECK(count >= 1 && count <= kCountMax);
  Workload w;
  w.requests.reserve(count);
  w.ids.reserve(count);
  w.valid_until.reserve(count);
  const int64_t now_ms = client::WallClockMs();
  for (uint64_t i = 0; i < count; ++i) {
    v1::TransactionBody payload;
    v1::CreateLot* lot = payload.mutable_create_lot();
    lot->set_lot_code(lot_prefix + std::to_string(i));
    lot->set_product("tadori-loadgen test lot");
    lot->set_quantity_milli(1000);
    lot->set_unit("kg");
    lot->set_location("urn:tadori:loadgen");
    const v1::TransactionBody body = client::CompleteBody(payload, head, now_ms, validity_blocks);
    v1::SubmitRequest request;
    *request.mutable_tx() = SignTransaction(body, key);
    request.set_wait_for_commit(true);
    request.set_wait_timeout_ms(wait_timeout_ms);
    w.ids.push_back(Sha256(AsBytes(request.tx().body())));
    w.valid_until.push_back(body.valid_until_height());
    w.requests.push_back(std::move(request));
  }
  return w;
}

}  // namespace tadori::loadgen
