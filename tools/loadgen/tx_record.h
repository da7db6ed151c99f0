// What happened to each transaction of a load run.
#pragma once

#include <cstdint>

#include "ledger/status.h"

namespace tadori::loadgen {

enum class Fate : uint8_t {
  kUnsent,         // not sent (only if the run was cut short)
  kCommitted,      // the node reported the commit (result OK or not) in the Submit reply
  kLateCommitted,  // found committed by GetTransaction after its Submit call ended
  kRejected,       // the node refused it, or the call failed and it is not on the chain
  kPending,        // the call ended without an answer; to be settled
  kLost,           // the node accepted it (Submit OK or "still queued") but never committed it
};

struct TxRecord {
  Fate fate = Fate::kUnsent;
  Code rpc_code = Code::kOk;  // the Submit call's status
  uint32_t result_code = 0;   // TxResult.code once committed (0 = OK)
  uint64_t height = 0;        // block height once committed
  size_t node = 0;            // index in the run's node list of the node it was sent to
  // Offsets from the start of the run, in ns.
  int64_t due_ns = 0;          // when the pacer wanted it sent
  int64_t sent_ns = 0;         // when the Submit call started
  int64_t done_ns = 0;         // when the Submit call returned
  bool verify_failed = false;  // GetTransaction disagreed with the Submit reply

  bool committed() const { return fate == Fate::kCommitted || fate == Fate::kLateCommitted; }
  bool committed_ok() const { return committed() && result_code == 0; }
};

}  // namespace tadori::loadgen
