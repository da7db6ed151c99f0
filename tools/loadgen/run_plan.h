// How big a load run is, how it submits, and how far ahead of its senders it signs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ledger/status.h"

namespace tadori::loadgen {

// How transactions go to the nodes (run.h for unary, stream_run.h for stream).
enum class SubmitMode : uint8_t {
  kStream,  // few connections, each one SubmitStream with many transactions in flight
  kUnary,   // a connection per client, one Submit(wait_for_commit) in flight on each
};

std::string_view SubmitModeName(SubmitMode mode);  // "stream", "unary"

// The mode a command line asks for: --mode when given (`mode`), refusing the other mode's
// flags (--clients is unary's; --connections and --in-flight are stream's); without it unary
// when --clients is given and no stream flag, so that command lines written before streaming
// mode keep their meaning; else stream. INVALID_ARGUMENT for a mix.
Result<SubmitMode> ChosenMode(std::optional<SubmitMode> mode, bool clients_given,
                              bool stream_flags_given);

// A --duration run without --rate plans for at most this many transactions a second (so that
// it does not sign, and hold, more than any node here could take).
inline constexpr double kUnpacedPlanTxPerS = 10'000;
inline constexpr double kDurationSMax = 86'400;

// The number of transactions a run prepares, at most kCountMax (workload.h): `count` when it
// is given (with a duration it is an upper bound; the send window may end first); for a
// duration alone, the rate times the duration rounded up, or kUnpacedPlanTxPerS times the
// duration when the rate is unlimited (<= 0). INVALID_ARGUMENT when neither is given, a
// count is 0 or above kCountMax, or a duration is not in (0, kDurationSMax].
Result<uint64_t> PlannedCount(std::optional<uint64_t> count, std::optional<double> duration_s,
                              double rate_per_s);

// How long signing may run ahead of the senders, in sending time at the offered rate: a
// transaction signed against head H is valid until H + validity blocks, so a lead measured
// in transactions alone would expire a slow run's tail.
inline constexpr double kStreamSigningLeadS = 4;
// The most a stream run signs ahead: 4 s at 8,000 tx/s (about 1 s of one core's signing
// with P-256, and ~22 MiB held).
inline constexpr size_t kStreamSigningLeadTxsMax = 32'000;

// How many transactions past the senders' position the signer keeps signed (SigningAhead::lead).
// Unary: one chunk (kSignChunkTxs), as it always was. Stream: kStreamSigningLeadS of sending
// at the rate, between two chunks and kStreamSigningLeadTxsMax; the maximum when unlimited.
size_t SigningLeadTxs(SubmitMode mode, double rate_per_s);

// How many transactions are signed before the clock starts: the lead plus one chunk, at
// most `count` (unary: two chunks, as it always was).
size_t PresignedTxs(SubmitMode mode, double rate_per_s, uint64_t count);

}  // namespace tadori::loadgen
