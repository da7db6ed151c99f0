// The engine's inputs (Event) and outputs (Action). The node (or the simulator) feeds
// events to Engine::Step one at a time and carries out the returned actions IN ORDER:
// a PersistSafety must be durable before any later Send/Broadcast in the same list leaves.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "consensus/safety_state.h"
#include "consensus/types.h"

namespace tadori::consensus {

// ---- Events ----

// First event after construction: the persisted safety state (SafetyState::Initial on a
// brand-new validator) and the last block the node committed (genesis on a new chain).
// `pending` are the uncommitted blocks the node kept from PersistBlock (any order; those
// that do not chain onto committed_tip, or do not fit, are ignored).
// `safety_state_lost`: the node has no persisted safety state to give (a new validator, or
// a data directory wiped or lost). The validator may have voted before, in rounds it can no
// longer know, so it votes in none until the network shows it has moved on: it still times
// out (a timeout never conflicts with a vote), and it votes again only once it has seen a
// verified certificate at least kRecoveryRounds above the first one it heard, and then only
// above every round it has heard of (engine.cc, "Recovery").
struct Started {
  SafetyState safety;
  Block committed_tip;
  std::vector<Block> pending;
  bool safety_state_lost = false;
  // The committed blocks just below committed_tip, ascending by height: the last
  // LeaderSchedule::history_blocks() - 1 of them (fewer near genesis). The leader schedule
  // reads them, so a restarted validator picks the same leaders as its peers. Payloads
  // may be left empty; nothing else is read.
  std::vector<Block> history = {};
};
// Bytes from a peer. `from` is the authenticated transport peer; message contents are
// still checked (signatures, certificates, rounds, sizes) before use.
struct MessageReceived {
  ValidatorIndex from = 0;
  Bytes bytes;
};
// A timer set with SetTimer expired. Stale rounds are ignored.
struct TimerFired {
  Round round = 0;
};
// Answer to RequestPayload: the payload this leader proposes.
struct PayloadReady {
  Round round = 0;
  Bytes payload;
  Hash digest;
};
// Answer to ValidatePayload.
struct PayloadChecked {
  BlockId block_id;
  bool valid = false;
};

using Event = std::variant<Started, MessageReceived, TimerFired, PayloadReady, PayloadChecked>;

// ---- Actions ----

struct Send {
  ValidatorIndex to = 0;
  Bytes message;
};
// To every other validator.
struct Broadcast {
  Bytes message;
};
struct PersistSafety {
  SafetyState safety;
};
// Keep this uncommitted block (it is about to be voted for) until a commit at or above its
// height; hand it back in Started after a crash. Without it a QC could certify a block that
// no live validator holds any more, and the chain could never extend it.
struct PersistBlock {
  Block block;
};
// Blocks now final, ascending and contiguous from the previous commit. `proof` is a QC for
// a child of the last block, in the round right after it (the 2-chain rule): with the
// genesis it lets anyone check finality offline.
struct Commit {
  std::vector<Block> blocks;
  QuorumCert proof;
  // The QC that certifies blocks.back() (the parent QC of the block `proof` certifies); each
  // earlier block is certified by the next one's qc. Carried here because by the time the
  // node handles this action, later commits in the same step may have pruned that child.
  QuorumCert final_qc;
};
// Replaces any earlier timer: fire TimerFired{round} after duration_ms.
struct SetTimer {
  Round round = 0;
  uint64_t duration_ms = 0;
};
// The engine misses `request.target`; ask validator `peer` (or, with every_peer, every other
// validator) and feed the SyncResponse back as a MessageReceived. The engine accepts one
// response from each validator it asked, and none from the others.
struct Fetch {
  ValidatorIndex peer = 0;
  bool every_peer = false;
  SyncRequest request;
};
// This validator leads `round`: supply a payload with PayloadReady.
struct RequestPayload {
  Round round = 0;
  Height height = 0;
  BlockId parent_id;
};
// Check a proposed payload (transaction signatures, nonces, limits) and answer with
// PayloadChecked. The engine never votes for a block before the answer is valid.
struct ValidatePayload {
  BlockId block_id;
  Round round = 0;
  Bytes payload;
  Hash digest;
};

using Action = std::variant<Send, Broadcast, PersistSafety, PersistBlock, Commit, SetTimer, Fetch,
                            RequestPayload, ValidatePayload>;
using Actions = std::vector<Action>;

}  // namespace tadori::consensus
