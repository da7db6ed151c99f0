// Merkle trees with RFC 6962 (Certificate Transparency) hashing.
//   leaf hash = SHA-256(0x00 || leaf data)
//   node hash = SHA-256(0x01 || left || right)
//   root of the empty tree = SHA-256("")
// A tree of n leaves splits at k, the largest power of two smaller than n (RFC 6962 §2.1).
// Blocks commit to their transaction ids and to the previous block's results with these.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ledger/bytes.h"
#include "ledger/hash.h"
#include "ledger/status.h"

namespace tadori {

Hash MerkleLeafHash(ByteView leaf_data);
Hash MerkleNodeHash(const Hash& left, const Hash& right);

// Root over leaf hashes (already MerkleLeafHash'ed), in order.
Hash MerkleRoot(std::span<const Hash> leaf_hashes);

struct InclusionProof {
  uint64_t leaf_index = 0;
  uint64_t tree_size = 0;
  std::vector<Hash> path;  // audit path, bottom up (RFC 6962 §2.1.1)
};

struct ConsistencyProof {
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  std::vector<Hash> path;  // RFC 6962 §2.1.2
};

// OUT_OF_RANGE when leaf_index >= leaf_hashes.size().
Result<InclusionProof> ProveInclusion(std::span<const Hash> leaf_hashes, uint64_t leaf_index);
// OK when `proof` shows `leaf_hash` at proof.leaf_index in a tree of proof.tree_size with
// `root`; otherwise UNAUTHENTICATED (or INVALID_ARGUMENT for an impossible shape).
Status VerifyInclusion(const Hash& leaf_hash, const InclusionProof& proof, const Hash& root);

// Proof that the first old_size leaves are a prefix of the tree of all leaf_hashes.
// OUT_OF_RANGE unless old_size <= leaf_hashes.size().
Result<ConsistencyProof> ProveConsistency(std::span<const Hash> leaf_hashes, uint64_t old_size);
Status VerifyConsistency(const ConsistencyProof& proof, const Hash& old_root, const Hash& new_root);

}  // namespace tadori
