// Every bound the consensus engine keeps on memory and on untrusted input, in one place.
// The engine's containers never grow past these; input that would make them grow is
// dropped and counted (see DropReason in engine.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "ledger/keys.h"
#include "ledger/limits.h"

namespace tadori::consensus {

// Validators. Indices are u16 on the wire.
inline constexpr size_t kValidatorCountMax = kGenesisValidatorCountMax;
inline constexpr size_t kValidatorCountMin = 1;

// Rounds above this are refused outright, so round + window arithmetic never overflows.
inline constexpr uint64_t kRoundMax = uint64_t{1} << 62;
// Votes and timeouts are kept only for rounds in [current - 1, current + kRoundWindow].
inline constexpr uint64_t kRoundWindow = 8;

// Block payloads are opaque to the engine (the node's transactions).
inline constexpr size_t kPayloadBytesMax = kBlockSizeBytesMax;
// A QC or TC from every validator, plus block header fields, fits in this.
inline constexpr size_t kCertificateBytesMax = 2 + kValidatorCountMax * (2 + 8 + kSignatureBytes) +
                                               8 + 32 + 2 +
                                               kValidatorCountMax * (2 + kSignatureBytes);
inline constexpr size_t kMessageOverheadBytesMax = 64 * 1024;
static_assert(2 * kCertificateBytesMax + 1024 <= kMessageOverheadBytesMax);

// A sync response carries at most this many blocks and this many bytes.
inline constexpr size_t kSyncBlocksMax = 32;
inline constexpr size_t kSyncResponseBytesMax = 2 * kPayloadBytesMax + kMessageOverheadBytesMax;

// The largest message the decoder accepts (a sync response or a full proposal).
inline constexpr size_t kMessageBytesMax = kSyncResponseBytesMax + kMessageOverheadBytesMax;
static_assert(kPayloadBytesMax + kMessageOverheadBytesMax <= kMessageBytesMax);

// Uncommitted blocks held in the block tree (committed ancestors and dead forks are pruned),
// by count and by payload bytes.
inline constexpr size_t kBlockTreeBlocksMax = 512;
inline constexpr size_t kBlockTreeBytesMax = 32 * kPayloadBytesMax;
static_assert(kBlockTreeBytesMax >= 4 * kSyncResponseBytesMax, "sync batches fit");

// A validator that lost its safety state votes again only after seeing a certificate this
// many rounds above the first it heard (step.h, Started::safety_state_lost).
inline constexpr uint64_t kRecoveryRounds = 1;
static_assert(kSyncBlocksMax * 4 <= kBlockTreeBlocksMax, "a sync batch fits with room to spare");

// Recently verified certificates remembered, so a QC seen many times is checked once.
inline constexpr size_t kVerifiedCertificateCacheMax = 16;

// Messages the engine sends to itself (own proposal, own vote, own timeout) in one step.
inline constexpr size_t kSelfMessagesPerStepMax = 16;

// Safety state encoding: fixed fields plus one QC and one TC.
inline constexpr size_t kSafetyStateBytesMax = 64 + 3 * kCertificateBytesMax;

}  // namespace tadori::consensus
