#include "tools/loadgen/workload.h"

#include <ctime>

#include "ledger/check.h"
#include "ledger/transaction.h"
#include "ledger/wall_clock.h"

namespace tadori::loadgen {

v1::TransactionBody LoadgenProductPayload() {
  v1::TransactionBody payload;
  v1::RegisterProduct* product = payload.mutable_register_product();
  product->set_gtin(kLoadgenProductGtin);
  product->set_description("tadori-loadgen test produce (leafy greens)");
  product->set_on_food_traceability_list(true);
  v1::StorageRange* range = product->add_storage();
  range->set_sensor_type("temperature");
  range->set_min_milli(0);
  range->set_max_milli(5'000);
  range->set_unit("CEL");
  return payload;
}

std::string Rfc3339Utc(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[32];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &utc);
  TADORI_CHECK(n > 0);
  return std::string(buf, n);
}

v1::TransactionBody HarvestPayload(const std::string& lot_code, const std::string& product_gtin,
                                   int64_t unix_ms) {
  const std::string time = Rfc3339Utc(unix_ms);
  v1::TransactionBody payload;
  v1::EpcisEvent* e = payload.mutable_record_event()->mutable_event();
  e->set_type(v1::OBJECT_EVENT);
  e->set_event_time(time);
  e->set_event_time_zone_offset("+00:00");
  e->set_action(v1::ADD);
  e->set_biz_step("harvesting");
  e->set_disposition("active");
  e->set_read_point(kLoadgenLocation);
  e->set_biz_location(kLoadgenLocation);
  v1::QuantityElement* q = e->add_quantity_list();
  q->set_lot_code(lot_code);
  q->set_product(product_gtin);
  q->set_quantity_milli(1'000);
  q->set_unit("KGM");
  v1::BizTransaction* doc = e->add_biz_transaction_list();
  doc->set_type("prodorder");
  doc->set_id("loadgen-" + lot_code);
  v1::Ilmd* ilmd = e->mutable_ilmd();
  ilmd->set_harvest_date(time.substr(0, 10));
  ilmd->set_harvest_location(kLoadgenLocation);
  ilmd->set_tlc_source(kLoadgenLocation);
  return payload;
}

Workload UnsignedWorkload(uint64_t count) {
  TADORI_CHECK(count >= 1 && count <= kCountMax);
  Workload w;
  w.requests.resize(count);
  w.ids.resize(count);
  w.valid_until.resize(count, 0);
  return w;
}

void SignHarvests(Workload& w, size_t from, size_t to, const HarvestPlan& plan,
                  const client::ChainHead& head) {
  TADORI_CHECK(plan.key != nullptr);
  TADORI_CHECK(from <= to && to <= w.requests.size());
  const int64_t now_ms = WallClockMs();
  for (size_t i = from; i < to; ++i) {
    const v1::TransactionBody payload =
        HarvestPayload(plan.lot_prefix + std::to_string(i), plan.product_gtin, now_ms);
    const v1::TransactionBody body =
        client::CompleteBody(payload, head, now_ms, plan.validity_blocks);
    v1::SubmitRequest& request = w.requests[i];
    *request.mutable_tx() = SignTransaction(body, *plan.key);
    request.set_wait_for_commit(true);
    request.set_wait_timeout_ms(plan.wait_timeout_ms);
    w.ids[i] = Sha256(AsBytes(request.tx().body()));
    w.valid_until[i] = body.valid_until_height();
  }
}

Workload PresignHarvests(const client::ChainHead& head, const HarvestPlan& plan, uint64_t count) {
  Workload w = UnsignedWorkload(count);
  SignHarvests(w, 0, count, plan, head);
  return w;
}

Workload PresignHarvests(const client::ChainHead& head, const PrivateKey& key, uint64_t count,
                         const std::string& lot_prefix, const std::string& product_gtin,
                         uint64_t validity_blocks, uint32_t wait_timeout_ms) {
  return PresignHarvests(
      head, HarvestPlan{&key, lot_prefix, product_gtin, validity_blocks, wait_timeout_ms}, count);
}

}  // namespace tadori::loadgen
