// What happened to each transaction of a load run.
#pragma once

#include <cstdint>

#include "ledger/status.h"

namespace tadori::loadgen {

enum class Fate : uint8_t {
  kUnsent,         // not sent (only if the run was cut short)
  kCommitted,      // a node reported the commit (result OK or not) within the submission:
                   // in its Submit reply, or, when a retry found the transaction already
                   // there, by GetTransaction before the commit wait ended (client/submit.h)
  kLateCommitted,  // found committed by GetTransaction after its Submit call ended
  kRejected,       // the node refused it, or the call failed and it is not on the chain
  kPending,        // the call ended without an answer; to be settled
  kLost,           // the node accepted it (Submit OK or "still queued") but never committed it
};

struct TxRecord {
  Fate fate = Fate::kUnsent;
  Code rpc_code = Code::kOk;   // how its submission ended (client::SubmitAnswer::status)
  uint32_t result_code = 0;    // TxResult.code once committed (0 = OK)
  uint64_t height = 0;         // block height once committed
  size_t node = 0;             // index in the run's node list of the node that answered
  uint32_t attempts = 0;       // Submit calls made for it (1 when the first node answered)
  uint32_t failovers = 0;      // moves to another node during its submission
  bool already_there = false;  // a retry was told ALREADY_EXISTS and took it as accepted
  // Offsets from the start of the run, in ns.
  int64_t due_ns = 0;          // when the pacer wanted it sent
  int64_t sent_ns = 0;         // when its submission (the first Submit call) started
  int64_t done_ns = 0;         // when its submission ended, after any retries
  bool verify_failed = false;  // GetTransaction disagreed with the Submit reply

  bool committed() const { return fate == Fate::kCommitted || fate == Fate::kLateCommitted; }
  bool committed_ok() const { return committed() && result_code == 0; }
  // Acknowledged: a node said committed with an OK result while the client was submitting it.
  // What the network promised the client, so what must be on the chain afterwards.
  bool acknowledged() const { return fate == Fate::kCommitted && result_code == 0; }
};

}  // namespace tadori::loadgen
