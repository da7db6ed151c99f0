// The transactions a load run submits, built and signed before the clock starts so that
// signing cost on the client never shows up as node latency.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/hash.h"
#include "ledger/keys.h"
#include "tadori/v1/ledger.pb.h"
#include "tools/client/transaction_builder.h"

namespace tadori::loadgen {

// Most transactions one run may pre-sign: each is held in memory (~0.5 KiB) until sent.
inline constexpr uint64_t kCountMax = 1'000'000;

struct Workload {
  std::vector<v1::SubmitRequest> requests;  // ready to send, in order
  std::vector<Hash> ids;                    // ids[i] is the id of requests[i]
  std::vector<uint64_t> valid_until;        // valid_until_height of requests[i]
};

// `count` create_lot transactions with lot codes "<lot_prefix><i>", signed by `key`,
// valid for `validity_blocks` after `head`, each asking the node to wait for the commit up
// to `wait_timeout_ms`. `count` must be in 1..kCountMax (checked).
Workload PresignCreateLots(const client::ChainHead& head, const PrivateKey& key, uint64_t count,
                           const std::string& lot_prefix, uint64_t validity_blocks,
                           uint32_t wait_timeout_ms);

}  // namespace tadori::loadgen
