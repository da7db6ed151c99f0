// libFuzzer target: untrusted Merkle proofs. The input is decoded into proof shapes and
// verified against fixed roots; no input may crash. A second part builds a small tree from
// the input and checks that honest proofs always verify.
//
// Input layout (missing bytes read as zero):
//   flags(1) leaf_index(8, BE) tree_size(8, BE) old_size(8, BE) new_size(8, BE)
//   then 32-byte path hashes (at most 2 * kMerkleProofHashesMax of them).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "ledger/check.h"
#include "ledger/limits.h"
#include "ledger/merkle.h"

namespace {

using tadori::Hash;

struct Reader {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | (pos < size ? data[pos++] : 0);
    return v;
  }
  uint8_t U8() { return pos < size ? data[pos++] : 0; }
};

std::vector<Hash> FixedLeaves(size_t n) {
  std::vector<Hash> out;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t b[2] = {uint8_t(i), uint8_t(i >> 8)};
    out.push_back(tadori::MerkleLeafHash(b));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<Hash> leaves = FixedLeaves(64);
  static const Hash root = tadori::MerkleRoot(leaves);
  static const Hash half_root = tadori::MerkleRoot(std::span(leaves).first(37));

  Reader in{data, size};
  const uint8_t flags = in.U8();
  tadori::InclusionProof inclusion;
  inclusion.leaf_index = in.U64();
  inclusion.tree_size = in.U64();
  tadori::ConsistencyProof consistency;
  consistency.old_size = in.U64();
  consistency.new_size = in.U64();
  std::vector<Hash> path;
  while (in.pos + Hash::kSize <= size && path.size() < 2 * tadori::kMerkleProofHashesMax) {
    Hash h;
    std::memcpy(h.data(), data + in.pos, Hash::kSize);
    in.pos += Hash::kSize;
    path.push_back(h);
  }
  inclusion.path = path;
  consistency.path = path;

  const Hash& leaf = leaves[inclusion.leaf_index % leaves.size()];
  (void)tadori::VerifyInclusion(leaf, inclusion, (flags & 1) ? root : half_root);
  (void)tadori::VerifyConsistency(consistency, half_root, root);
  (void)tadori::VerifyConsistency(consistency, root, root);

  // Honest proofs over a tree the input sizes: they must always verify.
  const size_t n = 1 + (flags % leaves.size());
  auto tree = std::span(leaves).first(n);
  const Hash tree_root = tadori::MerkleRoot(tree);
  const uint64_t index = inclusion.leaf_index % n;
  auto proof = tadori::ProveInclusion(tree, index);
  TADORI_CHECK(proof.ok() && tadori::VerifyInclusion(leaves[index], *proof, tree_root).ok());
  const uint64_t old_size = consistency.old_size % (n + 1);
  auto cproof = tadori::ProveConsistency(tree, old_size);
  TADORI_CHECK(cproof.ok());
  TADORI_CHECK(
      tadori::VerifyConsistency(*cproof, tadori::MerkleRoot(tree.first(old_size)), tree_root).ok());
  return 0;
}
