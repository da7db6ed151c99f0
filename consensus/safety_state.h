// What a validator must remember across crashes so that it never breaks a safety rule:
// the last round it voted or timed out in, its lock, and its highest certificates.
// The node persists it (LevelDB, sync=true) when the engine emits PersistSafety, and must
// finish writing before it sends the vote or timeout that follows that action.
#pragma once

#include <optional>

#include "consensus/types.h"
#include "ledger/status.h"

namespace tadori::consensus {

struct SafetyState {
  Round last_voted_round = 0;          // highest round this validator voted or timed out in
  Round preferred_round = 0;           // the 2-chain lock: votes need block.qc.round >= this
  Round one_chain_round = 0;           // highest QC round observed
  QuorumCert high_qc;                  // highest QC observed (round == one_chain_round)
  std::optional<TimeoutCert> high_tc;  // highest TC observed

  // The state of a validator that has never run: everything at genesis.
  static SafetyState Initial(const BlockId& genesis_id);
  friend bool operator==(const SafetyState&, const SafetyState&) = default;
};

// Encoding:
//   "TSS1" | last_voted_round u64 | preferred_round u64 | one_chain_round u64 | qc |
//   has_tc u8 | [tc] | checksum 8 (first 8 bytes of SHA-256 of everything before it)
// qc and tc as in codec.h. At most kSafetyStateBytesMax bytes.
Bytes EncodeSafetyState(const SafetyState& state);
// DATA_LOSS on a bad magic, checksum, truncation or trailing bytes (a corrupt file is our
// problem, not a peer's); INVALID_ARGUMENT when fields contradict each other.
Result<SafetyState> DecodeSafetyState(ByteView bytes);

}  // namespace tadori::consensus
