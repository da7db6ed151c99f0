#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/limits.h"

namespace tadori {
namespace {

// Success when `s` has `code` and a message containing `reason`: the check that refused is
// the one the caller meant, not merely some check.
::testing::AssertionResult Refused(const Status& s, Code code, std::string_view reason) {
  if (s.code() == code && s.message().find(reason) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << s.ToString() << "; want " << CodeName(code) << " saying \"" << reason << "\"";
}

constexpr char kInclusionMismatch[] = "inclusion proof does not match the root";
constexpr char kConsistencyMismatch[] = "consistency proof does not match the roots";

Hash H(std::string_view hex) {
  Result<Hash> h = Hash::FromHex(hex);
  EXPECT_TRUE(h.ok()) << hex;
  return h.ok() ? *h : Hash();
}

std::vector<Hash> Hs(std::initializer_list<const char*> hexes) {
  std::vector<Hash> out;
  for (const char* h : hexes) out.push_back(H(h));
  return out;
}

// Certificate Transparency / transparency-dev reference test data: eight leaves and the root
// of every prefix (index = tree size; 0 is the empty tree).
const std::vector<std::string> kCtLeaves = {
    std::string(),
    std::string("\x00", 1),
    "\x10",
    "\x20\x21",
    "\x30\x31",
    "\x40\x41\x42\x43",
    "\x50\x51\x52\x53\x54\x55\x56\x57",
    "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
};
const char* const kCtRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::vector<Hash> CtLeafHashes(size_t n) {
  std::vector<Hash> out;
  for (size_t i = 0; i < n; ++i) out.push_back(MerkleLeafHash(AsBytes(kCtLeaves[i])));
  return out;
}

// An independent, recursive RFC 6962 §2.1 MTH and PATH, to check the bottom-up code.
Hash RefRoot(std::span<const Hash> d) {
  if (d.empty()) return Sha256(std::string_view());
  if (d.size() == 1) return d[0];
  const size_t k = std::bit_floor(d.size() - 1);
  return MerkleNodeHash(RefRoot(d.first(k)), RefRoot(d.subspan(k)));
}

std::vector<Hash> RefPath(std::span<const Hash> d, size_t m) {
  if (d.size() <= 1) return {};
  const size_t k = std::bit_floor(d.size() - 1);
  std::vector<Hash> path;
  if (m < k) {
    path = RefPath(d.first(k), m);
    path.push_back(RefRoot(d.subspan(k)));
  } else {
    path = RefPath(d.subspan(k), m - k);
    path.push_back(RefRoot(d.first(k)));
  }
  return path;
}

TEST(MerkleHash, Rfc6962HasherVectors) {
  EXPECT_EQ(MerkleRoot({}).Hex(), kCtRoots[0]);
  EXPECT_EQ(MerkleLeafHash(ByteView()).Hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(MerkleLeafHash(AsBytes("L123456")).Hex(),
            "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
  // Leaf and node hashes are domain-separated: a node is not the leaf of its children.
  const Hash a = MerkleLeafHash(AsBytes("a"));
  const Hash b = MerkleLeafHash(AsBytes("b"));
  Bytes concat = a.ToBytes();
  concat.insert(concat.end(), b.data(), b.data() + Hash::kSize);
  EXPECT_NE(MerkleNodeHash(a, b), MerkleLeafHash(concat));
  EXPECT_NE(MerkleNodeHash(a, b), MerkleNodeHash(b, a));
}

TEST(MerkleRoot, CtReferenceRootsForEveryPrefix) {
  const std::vector<Hash> leaves = CtLeafHashes(8);
  for (size_t n = 0; n <= 8; ++n) {
    EXPECT_EQ(MerkleRoot(std::span(leaves).first(n)).Hex(), kCtRoots[n]) << "size " << n;
  }
}

struct InclusionVector {
  uint64_t index;
  uint64_t size;
  std::vector<Hash> path;
};

// transparency-dev/merkle testonly/reference_test.go (0-based leaf indexes).
std::vector<InclusionVector> CtInclusionVectors() {
  return {
      {0, 1, {}},
      {0, 2, Hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"})},
      {1, 2, Hs({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"})},
      {2, 3, Hs({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"})},
      {1, 5,
       Hs({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
      {0, 8,
       Hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {5, 8,
       Hs({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
  };
}

TEST(MerkleInclusion, CtReferenceProofs) {
  const std::vector<Hash> leaves = CtLeafHashes(8);
  for (const auto& v : CtInclusionVectors()) {
    SCOPED_TRACE("index " + std::to_string(v.index) + " size " + std::to_string(v.size));
    auto tree = std::span(leaves).first(v.size);
    Result<InclusionProof> proof = ProveInclusion(tree, v.index);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(proof->path, v.path);
    EXPECT_EQ(proof->tree_size, v.size);
    EXPECT_TRUE(VerifyInclusion(leaves[v.index], *proof, H(kCtRoots[v.size])).ok());
  }
}

struct ConsistencyVector {
  uint64_t old_size;
  uint64_t new_size;
  std::vector<Hash> path;
};

// transparency-dev/merkle proof/verify_test.go consistencyProofs.
std::vector<ConsistencyVector> CtConsistencyVectors() {
  return {
      {1, 1, {}},
      {1, 8,
       Hs({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {6, 8,
       Hs({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 5,
       Hs({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
      {6, 7,
       Hs({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
           "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
  };
}

TEST(MerkleConsistency, CtReferenceProofs) {
  const std::vector<Hash> leaves = CtLeafHashes(8);
  for (const auto& v : CtConsistencyVectors()) {
    SCOPED_TRACE("old " + std::to_string(v.old_size) + " new " + std::to_string(v.new_size));
    Result<ConsistencyProof> proof =
        ProveConsistency(std::span(leaves).first(v.new_size), v.old_size);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(proof->path, v.path);
    EXPECT_TRUE(VerifyConsistency(*proof, H(kCtRoots[v.old_size]), H(kCtRoots[v.new_size])).ok());
  }
}

// ---------------------------------------------------------------------------------------
// Tampering, after transparency-dev's corruptInclusionProof. A root is only meaningful
// together with its tree size, so a probe that changes a size is checked against the true
// root of the size it claims (when the test has the leaves for it). A tampered proof must
// fail unless it happens to be the honest proof of a true statement (e.g. an empty path
// between equal sizes).

std::vector<InclusionProof> TamperedInclusions(const InclusionProof& good, const Hash& root) {
  std::vector<InclusionProof> out;
  auto with = [&](auto change) {
    InclusionProof p = good;
    change(p);
    out.push_back(p);
  };
  with([](auto& p) { p.leaf_index -= 1; });  // wraps for index 0: must still fail
  with([](auto& p) { p.leaf_index += 1; });
  with([](auto& p) { p.leaf_index ^= 2; });
  with([](auto& p) { p.tree_size *= 2; });
  with([](auto& p) { p.tree_size /= 2; });
  with([](auto& p) { p.tree_size += 1; });
  with([](auto& p) { p.tree_size -= 1; });
  with([&](auto& p) { p.path.push_back(root); });
  with([&](auto& p) { p.path.insert(p.path.begin(), root); });
  with([](auto& p) { p.path.push_back(Hash()); });
  for (size_t i = 0; i < good.path.size(); ++i) {
    with([&](auto& p) { p.path[i].data()[i % Hash::kSize] ^= 8; });
  }
  if (!good.path.empty()) with([](auto& p) { p.path.pop_back(); });
  if (good.path.size() > 1) {
    with([](auto& p) { p.path.insert(p.path.begin() + 1, Sha256(std::string_view("x"))); });
  }
  return out;
}

// `all` holds at least the tree's leaves; the tree is its first good.tree_size.
void ExpectAllTamperedFail(std::span<const Hash> all, const InclusionProof& good,
                           const Hash& outsider) {
  const Hash& leaf = all[good.leaf_index];
  const Hash root = MerkleRoot(all.first(good.tree_size));
  for (const auto& bad : TamperedInclusions(good, root)) {
    const bool known = bad.tree_size <= all.size();
    const Hash claimed_root = known ? MerkleRoot(all.first(bad.tree_size)) : root;
    if (!VerifyInclusion(leaf, bad, claimed_root).ok()) continue;
    // It verified: acceptable only as the honest proof of a true statement.
    ASSERT_TRUE(known && bad.leaf_index < bad.tree_size && all[bad.leaf_index] == leaf)
        << "index " << bad.leaf_index << " size " << bad.tree_size;
    Result<InclusionProof> honest = ProveInclusion(all.first(bad.tree_size), bad.leaf_index);
    ASSERT_TRUE(honest.ok());
    EXPECT_EQ(honest->path, bad.path)
        << "index " << bad.leaf_index << " size " << bad.tree_size << " path " << bad.path.size();
  }
  EXPECT_TRUE(
      Refused(VerifyInclusion(outsider, good, root), Code::kUnauthenticated, kInclusionMismatch));
  EXPECT_TRUE(Refused(VerifyInclusion(leaf, good, Sha256(std::string_view())),
                      Code::kUnauthenticated, kInclusionMismatch));
  EXPECT_TRUE(
      Refused(VerifyInclusion(leaf, good, outsider), Code::kUnauthenticated, kInclusionMismatch));
}

TEST(MerkleInclusion, EveryTamperedCtProofFails) {
  const std::vector<Hash> leaves = CtLeafHashes(8);
  const Hash wrong_leaf = MerkleLeafHash(AsBytes("WrongLeaf"));
  for (size_t n = 1; n <= 8; ++n) {
    auto tree = std::span(leaves).first(n);
    for (size_t i = 0; i < n; ++i) {
      Result<InclusionProof> proof = ProveInclusion(tree, i);
      ASSERT_TRUE(proof.ok());
      ASSERT_TRUE(VerifyInclusion(leaves[i], *proof, H(kCtRoots[n])).ok());
      ExpectAllTamperedFail(leaves, *proof, wrong_leaf);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Properties over random trees (fixed seed, so a failure replays).

std::vector<Hash> RandomLeaves(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Hash> out;
  for (size_t i = 0; i < n; ++i) {
    uint64_t v = rng();
    out.push_back(MerkleLeafHash(ByteView(reinterpret_cast<const uint8_t*>(&v), sizeof v)));
  }
  return out;
}

constexpr uint64_t kSeed = 0x7ad0'2026;

std::vector<size_t> SampledSizes() {
  std::vector<size_t> sizes;
  for (size_t n = 0; n <= 64; ++n) sizes.push_back(n);
  for (size_t n : {100, 127, 128, 129, 255, 256, 257, 511, 640, 999, 1000}) sizes.push_back(n);
  return sizes;
}

TEST(MerkleProperty, RootsMatchTheRecursiveDefinition) {
  const std::vector<Hash> leaves = RandomLeaves(1000, kSeed);
  for (size_t n : SampledSizes()) {
    auto tree = std::span(leaves).first(n);
    EXPECT_EQ(MerkleRoot(tree), RefRoot(tree)) << "size " << n;
  }
}

TEST(MerkleProperty, EveryLeafProvesAndEveryTamperedProofFails) {
  const std::vector<Hash> leaves = RandomLeaves(2000, kSeed);
  const Hash outsider = MerkleLeafHash(AsBytes("not in the tree"));
  for (size_t n : SampledSizes()) {
    SCOPED_TRACE("size " + std::to_string(n));
    auto tree = std::span(leaves).first(n);
    const Hash root = MerkleRoot(tree);
    EXPECT_EQ(ProveInclusion(tree, n).status().code(), Code::kOutOfRange);
    for (size_t i = 0; i < n; ++i) {
      Result<InclusionProof> proof = ProveInclusion(tree, i);
      ASSERT_TRUE(proof.ok());
      if (n <= 64) {
        EXPECT_EQ(proof->path, RefPath(tree, i)) << "leaf " << i;
      }
      ASSERT_TRUE(VerifyInclusion(leaves[i], *proof, root).ok()) << "leaf " << i;
      if (n <= 64 || i % 37 == 0) ExpectAllTamperedFail(leaves, *proof, outsider);
    }
  }
}

std::vector<ConsistencyProof> TamperedConsistencies(const ConsistencyProof& good) {
  std::vector<ConsistencyProof> out;
  auto with = [&](auto change) {
    ConsistencyProof p = good;
    change(p);
    out.push_back(p);
  };
  with([](auto& p) { p.old_size += 1; });
  with([](auto& p) { p.old_size -= 1; });
  with([](auto& p) { p.new_size += 1; });
  with([](auto& p) { p.new_size -= 1; });
  with([](auto& p) { p.path.push_back(Hash()); });
  with([](auto& p) { p.path.insert(p.path.begin(), Hash()); });
  for (size_t i = 0; i < good.path.size(); ++i) {
    with([&](auto& p) { p.path[i].data()[31 - i % Hash::kSize] ^= 1; });
  }
  if (!good.path.empty()) with([](auto& p) { p.path.pop_back(); });
  if (!good.path.empty()) with([](auto& p) { p.path.erase(p.path.begin()); });
  return out;
}

void CheckConsistency(std::span<const Hash> leaves, uint64_t m, uint64_t n) {
  SCOPED_TRACE("old " + std::to_string(m) + " new " + std::to_string(n));
  auto tree = leaves.first(n);
  const Hash old_root = MerkleRoot(leaves.first(m));
  const Hash new_root = MerkleRoot(tree);
  Result<ConsistencyProof> proof = ProveConsistency(tree, m);
  ASSERT_TRUE(proof.ok());
  ASSERT_TRUE(VerifyConsistency(*proof, old_root, new_root).ok());
  if (m != n) {
    EXPECT_TRUE(Refused(VerifyConsistency(*proof, new_root, old_root), Code::kUnauthenticated,
                        kConsistencyMismatch));
    // (An empty old tree says nothing about the new root, so m == 0 is exempt here.)
    if (m > 0) {
      EXPECT_TRUE(Refused(VerifyConsistency(*proof, old_root, old_root), Code::kUnauthenticated,
                          kConsistencyMismatch));
    }
  }
  const Hash other = Sha256(std::string_view("other"));
  EXPECT_TRUE(Refused(VerifyConsistency(*proof, other, new_root), Code::kUnauthenticated,
                      kConsistencyMismatch));
  if (m > 0) {
    EXPECT_TRUE(Refused(VerifyConsistency(*proof, old_root, other), Code::kUnauthenticated,
                        kConsistencyMismatch));
  }
  for (const auto& bad : TamperedConsistencies(*proof)) {
    const bool known = bad.old_size <= bad.new_size && bad.new_size <= leaves.size();
    const Hash claimed_old = known ? MerkleRoot(leaves.first(bad.old_size)) : old_root;
    const Hash claimed_new = known ? MerkleRoot(leaves.first(bad.new_size)) : new_root;
    if (!VerifyConsistency(bad, claimed_old, claimed_new).ok()) continue;
    // It verified: acceptable only as the honest proof of a true statement (the empty
    // tree is a prefix of every tree; a tree is consistent with itself).
    if (bad.old_size == 0 && bad.path.empty()) continue;  // true for any new size
    ASSERT_TRUE(known) << "old " << bad.old_size << " new " << bad.new_size;
    Result<ConsistencyProof> honest = ProveConsistency(leaves.first(bad.new_size), bad.old_size);
    ASSERT_TRUE(honest.ok());
    EXPECT_EQ(honest->path, bad.path) << "tampered old " << bad.old_size << " new " << bad.new_size
                                      << " path " << bad.path.size();
  }
}

TEST(MerkleProperty, ConsistencyBetweenAllSmallSizesVerifiesAndTamperingFails) {
  const std::vector<Hash> leaves = RandomLeaves(41, kSeed + 1);
  for (uint64_t n = 0; n <= 40; ++n) {
    for (uint64_t m = 0; m <= n; ++m) CheckConsistency(leaves, m, n);
  }
}

TEST(MerkleProperty, ConsistencyBetweenRandomLargeSizes) {
  const std::vector<Hash> leaves = RandomLeaves(1001, kSeed + 2);
  std::mt19937_64 rng(kSeed + 3);
  for (int i = 0; i < 60; ++i) {
    uint64_t n = rng() % 1001;
    uint64_t m = n == 0 ? 0 : rng() % (n + 1);
    CheckConsistency(leaves, m, n);
  }
  CheckConsistency(leaves, 512, 1000);
  CheckConsistency(leaves, 999, 1000);
}

// ---------------------------------------------------------------------------------------
// Shapes that cannot be right are refused before any hashing.

TEST(MerkleShape, ImpossibleProofsAreInvalidArgument) {
  const Hash h = MerkleLeafHash(AsBytes("x"));
  InclusionProof empty_tree{0, 0, {}};
  EXPECT_TRUE(Refused(VerifyInclusion(h, empty_tree, h), Code::kInvalidArgument,
                      "leaf index 0 is not below tree size 0"));
  InclusionProof beyond{5, 5, {}};
  EXPECT_TRUE(Refused(VerifyInclusion(h, beyond, h), Code::kInvalidArgument,
                      "leaf index 5 is not below tree size 5"));
  InclusionProof huge{0, UINT64_MAX, std::vector<Hash>(kMerkleProofHashesMax + 1)};
  EXPECT_TRUE(Refused(VerifyInclusion(h, huge, h), Code::kInvalidArgument,
                      "Merkle proof has " + std::to_string(kMerkleProofHashesMax + 1)));
  // The last leaf of the largest tree is the unpaired one at the bottom level and has a
  // sibling at each of the 63 levels above: 63 hashes, all wrong here.
  InclusionProof max_tree{UINT64_MAX - 1, UINT64_MAX, std::vector<Hash>(63)};
  EXPECT_TRUE(Refused(VerifyInclusion(h, max_tree, h), Code::kUnauthenticated, kInclusionMismatch));
  max_tree.path.push_back(Hash());
  EXPECT_TRUE(Refused(VerifyInclusion(h, max_tree, h), Code::kInvalidArgument,
                      "inclusion proof has 64 hashes, this position needs 63"));

  ConsistencyProof shrinking{5, 4, {h}};
  EXPECT_TRUE(Refused(VerifyConsistency(shrinking, h, h), Code::kInvalidArgument,
                      "old size exceeds new size"));
  ConsistencyProof nothing{3, 5, {}};
  EXPECT_TRUE(Refused(VerifyConsistency(nothing, h, h), Code::kInvalidArgument,
                      "consistency proof is empty"));
  ConsistencyProof same_with_path{4, 4, {h}};
  EXPECT_TRUE(Refused(VerifyConsistency(same_with_path, h, h), Code::kInvalidArgument,
                      "consistency proof must be empty for these sizes"));
  ConsistencyProof too_long{3, UINT64_MAX, std::vector<Hash>(kMerkleProofHashesMax + 1)};
  EXPECT_TRUE(Refused(VerifyConsistency(too_long, h, h), Code::kInvalidArgument,
                      "Merkle proof has " + std::to_string(kMerkleProofHashesMax + 1)));

  const std::vector<Hash> leaves = CtLeafHashes(8);
  EXPECT_EQ(ProveConsistency(leaves, 9).status().code(), Code::kOutOfRange);
  EXPECT_EQ(ProveInclusion(std::span<const Hash>(), 0).status().code(), Code::kOutOfRange);
}

TEST(MerkleShape, WrongRootIsUnauthenticated) {
  const std::vector<Hash> leaves = CtLeafHashes(8);
  Result<InclusionProof> proof = ProveInclusion(leaves, 3);
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(VerifyInclusion(leaves[3], *proof, H(kCtRoots[7])).code(), Code::kUnauthenticated);
  Result<ConsistencyProof> c = ProveConsistency(leaves, 3);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(VerifyConsistency(*c, H(kCtRoots[4]), H(kCtRoots[8])).code(), Code::kUnauthenticated);
}

}  // namespace
}  // namespace tadori
