// RFC 6962 Merkle trees. Roots and inclusion proofs are computed bottom up, carrying an
// unpaired last node up a level unchanged; that builds exactly the tree of RFC 6962 §2.1
// (split at the largest power of two below n) without recursion. Consistency proofs follow
// the recursive SUBPROOF definition of §2.1.2; verification follows RFC 9162 §2.1.3.2 and
// §2.1.4.2.
#include "ledger/merkle.h"

#include <openssl/evp.h>

#include <bit>
#include <memory>
#include <string>

#include "ledger/check.h"
#include "ledger/limits.h"

namespace tadori {
namespace {

constexpr uint8_t kLeafPrefix = 0x00;
constexpr uint8_t kNodePrefix = 0x01;

const EVP_MD* Sha256Md() {
  // Fetched once: an implicit fetch on every node hash costs more than the hash itself.
  static EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    TADORI_CHECK(m != nullptr);
    return m;
  }();
  return md;
}

// One reusable digest context for hashing many nodes in a row.
class NodeHasher {
 public:
  NodeHasher() : ctx_(EVP_MD_CTX_new()) { TADORI_CHECK(ctx_ != nullptr); }
  ~NodeHasher() { EVP_MD_CTX_free(ctx_); }
  NodeHasher(const NodeHasher&) = delete;
  NodeHasher& operator=(const NodeHasher&) = delete;

  Hash Leaf(ByteView data) { return Digest(kLeafPrefix, data, {}); }
  Hash Node(const Hash& left, const Hash& right) {
    return Digest(kNodePrefix, left.view(), right.view());
  }

 private:
  Hash Digest(uint8_t prefix, ByteView a, ByteView b) {
    Hash out;
    unsigned int len = 0;
    TADORI_CHECK(EVP_DigestInit_ex2(ctx_, Sha256Md(), nullptr) == 1);
    TADORI_CHECK(EVP_DigestUpdate(ctx_, &prefix, 1) == 1);
    TADORI_CHECK(EVP_DigestUpdate(ctx_, a.data(), a.size()) == 1);
    TADORI_CHECK(EVP_DigestUpdate(ctx_, b.data(), b.size()) == 1);
    TADORI_CHECK(EVP_DigestFinal_ex(ctx_, out.data(), &len) == 1 && len == Hash::kSize);
    return out;
  }
  EVP_MD_CTX* ctx_;
};

// Replaces level[0..n) by the next level up, in place; returns its size.
size_t HashLevel(NodeHasher& hasher, std::vector<Hash>& level, size_t n) {
  size_t out = 0;
  for (size_t i = 0; i + 1 < n; i += 2) level[out++] = hasher.Node(level[i], level[i + 1]);
  if (n % 2 == 1) level[out++] = level[n - 1];  // unpaired: carried up unchanged
  return out;
}

// The largest power of two strictly smaller than n (n >= 2).
uint64_t SplitPoint(uint64_t n) {
  TADORI_CHECK(n >= 2);
  return std::bit_floor(n - 1);
}

// RFC 6962 §2.1.2 SUBPROOF(m, D[n], b), appended to `out`.
void SubProof(std::span<const Hash> leaves, uint64_t m, bool complete, std::vector<Hash>& out) {
  const uint64_t n = leaves.size();
  if (m == n) {
    if (!complete) out.push_back(MerkleRoot(leaves));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(leaves.first(k), m, complete, out);
    out.push_back(MerkleRoot(leaves.subspan(k)));
  } else {
    SubProof(leaves.subspan(k), m - k, false, out);
    out.push_back(MerkleRoot(leaves.first(k)));
  }
}

Status ProofTooLong(size_t size) {
  return Status::InvalidArgument("Merkle proof has " + std::to_string(size) + " hashes, limit " +
                                 std::to_string(kMerkleProofHashesMax));
}

}  // namespace

Hash MerkleLeafHash(ByteView leaf_data) {
  return NodeHasher().Leaf(leaf_data);
}

Hash MerkleNodeHash(const Hash& left, const Hash& right) {
  return NodeHasher().Node(left, right);
}

Hash MerkleRoot(std::span<const Hash> leaf_hashes) {
  if (leaf_hashes.empty()) return Sha256(ByteView());
  std::vector<Hash> level(leaf_hashes.begin(), leaf_hashes.end());
  NodeHasher hasher;
  size_t n = level.size();
  while (n > 1) n = HashLevel(hasher, level, n);
  return level[0];
}

Result<InclusionProof> ProveInclusion(std::span<const Hash> leaf_hashes, uint64_t leaf_index) {
  if (leaf_index >= leaf_hashes.size()) {
    return Status::OutOfRange("leaf " + std::to_string(leaf_index) + " is not in a tree of " +
                              std::to_string(leaf_hashes.size()) + " leaves");
  }
  InclusionProof proof;
  proof.leaf_index = leaf_index;
  proof.tree_size = leaf_hashes.size();
  std::vector<Hash> level(leaf_hashes.begin(), leaf_hashes.end());
  NodeHasher hasher;
  size_t n = level.size();
  uint64_t index = leaf_index;
  while (n > 1) {
    const uint64_t sibling = index ^ 1;
    if (sibling < n) proof.path.push_back(level[sibling]);
    n = HashLevel(hasher, level, n);
    index >>= 1;
  }
  return proof;
}

Status VerifyInclusion(const Hash& leaf_hash, const InclusionProof& proof, const Hash& root) {
  if (proof.leaf_index >= proof.tree_size) {
    return Status::InvalidArgument("leaf index " + std::to_string(proof.leaf_index) +
                                   " is not below tree size " + std::to_string(proof.tree_size));
  }
  if (proof.path.size() > kMerkleProofHashesMax) return ProofTooLong(proof.path.size());
  // fn: the node's index at the current level; sn: the last index at that level. A node
  // has a sibling unless it is the unpaired last one (even and equal to sn).
  size_t expected = 0;
  for (uint64_t fn = proof.leaf_index, sn = proof.tree_size - 1; sn > 0; fn >>= 1, sn >>= 1) {
    if ((fn & 1) == 1 || fn < sn) ++expected;
  }
  if (proof.path.size() != expected) {
    return Status::InvalidArgument("inclusion proof has " + std::to_string(proof.path.size()) +
                                   " hashes, this position needs " + std::to_string(expected));
  }
  NodeHasher hasher;
  Hash r = leaf_hash;
  size_t next = 0;
  for (uint64_t fn = proof.leaf_index, sn = proof.tree_size - 1; sn > 0; fn >>= 1, sn >>= 1) {
    if ((fn & 1) == 1) {
      r = hasher.Node(proof.path[next++], r);
    } else if (fn < sn) {
      r = hasher.Node(r, proof.path[next++]);
    }
  }
  TADORI_CHECK(next == proof.path.size());
  if (r != root) return Status::Unauthenticated("inclusion proof does not match the root");
  return Status::Ok();
}

Result<ConsistencyProof> ProveConsistency(std::span<const Hash> leaf_hashes, uint64_t old_size) {
  if (old_size > leaf_hashes.size()) {
    return Status::OutOfRange("old size " + std::to_string(old_size) + " exceeds tree size " +
                              std::to_string(leaf_hashes.size()));
  }
  ConsistencyProof proof;
  proof.old_size = old_size;
  proof.new_size = leaf_hashes.size();
  // The empty tree is a prefix of every tree, and a tree of itself: nothing to prove.
  if (old_size > 0 && old_size < leaf_hashes.size()) {
    SubProof(leaf_hashes, old_size, true, proof.path);
  }
  return proof;
}

Status VerifyConsistency(const ConsistencyProof& proof, const Hash& old_root,
                         const Hash& new_root) {
  const uint64_t first = proof.old_size;
  const uint64_t second = proof.new_size;
  if (first > second) return Status::InvalidArgument("old size exceeds new size");
  if (proof.path.size() > kMerkleProofHashesMax) return ProofTooLong(proof.path.size());
  if (first == 0 || first == second) {
    if (!proof.path.empty()) {
      return Status::InvalidArgument("consistency proof must be empty for these sizes");
    }
    const bool ok = first == 0 ? old_root == Sha256(ByteView()) : old_root == new_root;
    if (!ok) return Status::Unauthenticated("consistency proof does not match the roots");
    return Status::Ok();
  }
  if (proof.path.empty()) return Status::InvalidArgument("consistency proof is empty");

  // RFC 9162 §2.1.4.2. When the old tree is a complete subtree its root is the first hash
  // of the walk; it is implied rather than sent.
  const bool old_is_subtree = std::has_single_bit(first);
  auto at = [&](size_t i) -> const Hash& {
    return old_is_subtree ? (i == 0 ? old_root : proof.path[i - 1]) : proof.path[i];
  };
  const size_t count = proof.path.size() + (old_is_subtree ? 1 : 0);
  uint64_t fn = first - 1;
  uint64_t sn = second - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  NodeHasher hasher;
  Hash fr = at(0);
  Hash sr = at(0);
  for (size_t i = 1; i < count; ++i) {
    const Hash& c = at(i);
    if (sn == 0) return Status::InvalidArgument("consistency proof is too long");
    if ((fn & 1) == 1 || fn == sn) {
      fr = hasher.Node(c, fr);
      sr = hasher.Node(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = hasher.Node(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::InvalidArgument("consistency proof is too short");
  if (fr != old_root || sr != new_root) {
    return Status::Unauthenticated("consistency proof does not match the roots");
  }
  return Status::Ok();
}

}  // namespace tadori
