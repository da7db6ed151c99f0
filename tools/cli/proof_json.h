// proof.json: the file `tadori proof tx` writes and `tadori proof verify` reads, the JSON form
// of v1::TxProof that docs/PROOFS.md specifies. Every byte string is lowercase hex (one
// spelling per byte, unlike base64, so that changing any character of a value changes what
// the proof says or makes it unreadable); integers are JSON integers; keys are fixed, each
// at most once, none unknown.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ledger/status.h"
#include "tadori/v1/ledger.pb.h"

namespace tadori::cli {

// The largest proof.json read (a proof with the longest commit chain of a 128-validator
// network is about 3 MiB in hex).
inline constexpr size_t kTxProofJsonBytesMax = 4 * 1024 * 1024;

// Indented JSON, keys in the order docs/PROOFS.md lists them, a final newline.
std::string TxProofToJson(const v1::TxProof& proof);

// Untrusted text: INVALID_ARGUMENT naming the JSON path of the first problem (over
// kTxProofJsonBytesMax, nested deeper than the format, not JSON, a duplicate or unknown key,
// a missing key, a value of the wrong type, hex that is not lowercase or has odd length, an
// integer out of range), or what consensus::CheckTxProofBounds refuses.
Result<v1::TxProof> TxProofFromJson(std::string_view text);

}  // namespace tadori::cli
