// Every limit the ledger enforces on untrusted input, in one place.
// Units are last in each name. A decoder checks these before it allocates.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tadori {

// Transactions.
inline constexpr size_t kTxSizeBytesMax = 64 * 1024;  // whole SignedTransaction
inline constexpr size_t kTxNonceBytes = 16;
inline constexpr size_t kSignatureBytesMax = 64;  // P-256 r||s and Ed25519
inline constexpr size_t kChainIdBytesMax = 64;
inline constexpr uint64_t kTxValidityWindowBlocks = 10'000;  // max valid_until - head
inline constexpr size_t kStringFieldBytesMax = 1024;         // ids, names, units, codes
inline constexpr size_t kPemBytesMax = 4096;

// Blocks.
inline constexpr size_t kBlockSizeBytesMax = 8 * 1024 * 1024;
inline constexpr size_t kBlockHeaderBytesMax = 1024;
inline constexpr size_t kBlockTxCountMax = 10'000;
inline constexpr size_t kBlockSignatureCountMax = 256;  // >= validator count

// Genesis.
inline constexpr size_t kGenesisBytesMax = 1024 * 1024;
inline constexpr size_t kGenesisOrgCountMax = 256;
inline constexpr size_t kGenesisValidatorCountMax = 128;
inline constexpr size_t kOrgAdminKeyCountMax = 16;
inline constexpr size_t kOrgRoleCountMax = 16;

static_assert(kTxSizeBytesMax * 2 <= kBlockSizeBytesMax, "a block holds several txs");
static_assert(kBlockSignatureCountMax >= kGenesisValidatorCountMax);

}  // namespace tadori

// Merkle proofs (RFC 6962). A tree of 2^64 leaves needs at most 64 inclusion hashes and
// about twice that for consistency; anything longer is refused before any hashing.
namespace tadori {
inline constexpr size_t kMerkleProofHashesMax = 128;
}  // namespace tadori

// Submit with wait_for_commit: the longest a client may ask the node to hold its call.
namespace tadori {
inline constexpr uint32_t kSubmitWaitMsMax = 60'000;
}  // namespace tadori

// Trace queries (node/query/trace_query.h): what one request may ask for and how much work
// one answer may cost the node. The CLI pages within the same bounds.
namespace tadori {
inline constexpr uint32_t kQueryPageSizeDefault = 100;
inline constexpr uint32_t kQueryPageSizeMax = 1000;
inline constexpr uint32_t kTraceDepthDefault = 10;
inline constexpr uint32_t kTraceDepthMax = 64;
inline constexpr size_t kTraceNodesMax = 10'000;        // per trace; beyond: truncated
inline constexpr size_t kQueryScanEntriesMax = 10'000;  // index entries read for one page
inline constexpr size_t kCustodyEventsPerLotMax = 256;  // events read for custody_orgs
inline constexpr size_t kQueryCursorBytesMax = 2048;    // hex characters
static_assert(kQueryPageSizeDefault <= kQueryPageSizeMax);
static_assert(kTraceDepthDefault <= kTraceDepthMax);
static_assert(kQueryPageSizeMax < kQueryScanEntriesMax, "a page fits in one scan");
}  // namespace tadori
