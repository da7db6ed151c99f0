// The transactions a load run submits, built and signed before the clock starts so that
// signing cost on the client never shows up as node latency.
//
// The workload is the first critical tracking event of the food chain: each transaction
// records one EPCIS ObjectEvent (action ADD, bizStep harvesting) that creates a new lot of
// a Food Traceability List product, with the FSMA 204 key data elements chaincode requires
// (harvest date and location, TLC source, a reference document).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/hash.h"
#include "ledger/keys.h"
#include "tadori/v1/ledger.pb.h"
#include "tools/client/transaction_builder.h"

namespace tadori::loadgen {

// Most transactions one run may pre-sign: each is held in memory (~0.7 KiB) until sent.
inline constexpr uint64_t kCountMax = 1'000'000;

// The product the load generator registers (when missing) and harvests by default.
inline constexpr const char* kLoadgenProductGtin = "04900000000009";
// Where its harvests happen (an SGLN-style id; locations need not be registered).
inline constexpr const char* kLoadgenLocation = "urn:epc:id:sgln:0490000.00000.0";

struct Workload {
  std::vector<v1::SubmitRequest> requests;  // ready to send, in order
  std::vector<Hash> ids;                    // ids[i] is the id of requests[i]
  std::vector<uint64_t> valid_until;        // valid_until_height of requests[i]
};

// The RegisterProduct payload for kLoadgenProductGtin: on the Food Traceability List,
// kept at 0..5 °C.
v1::TransactionBody LoadgenProductPayload();

// A harvesting event payload creating lot `lot_code` of 1 KGM of `product_gtin` at
// `unix_ms` (written as UTC, "+00:00").
v1::TransactionBody HarvestPayload(const std::string& lot_code, const std::string& product_gtin,
                                   int64_t unix_ms);

// "2026-11-25T16:07:18+00:00" for a Unix time in ms (seconds precision).
std::string Rfc3339Utc(int64_t unix_ms);

// What the harvests of a run are: lot codes "<lot_prefix><i>" of `product_gtin`, signed by
// `key` (which must outlive the plan), each valid for `validity_blocks` after the head it is
// signed against and asking the node to wait for the commit up to `wait_timeout_ms`.
struct HarvestPlan {
  const PrivateKey* key = nullptr;
  std::string lot_prefix;
  std::string product_gtin;
  uint64_t validity_blocks = 0;
  uint32_t wait_timeout_ms = 0;
};

// A workload of `count` (1..kCountMax, checked) entries, none signed yet.
Workload UnsignedWorkload(uint64_t count);

// Builds and signs entries [from, to) of `w` (to <= its size, checked) against `head`, at the
// wall clock's time now.
void SignHarvests(Workload& w, size_t from, size_t to, const HarvestPlan& plan,
                  const client::ChainHead& head);

// `count` harvests of `plan`, all signed against `head`.
Workload PresignHarvests(const client::ChainHead& head, const HarvestPlan& plan, uint64_t count);
// The same, the plan spelt out.
Workload PresignHarvests(const client::ChainHead& head, const PrivateKey& key, uint64_t count,
                         const std::string& lot_prefix, const std::string& product_gtin,
                         uint64_t validity_blocks, uint32_t wait_timeout_ms);

}  // namespace tadori::loadgen
