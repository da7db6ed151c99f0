// tadori-bench-primitives: operations per second of the primitives every block and
// transaction pays for (hashing, signatures, Merkle roots and proofs). Each benchmark
// reports items_per_second; hashing also reports bytes_per_second.
//
//   tadori-bench-primitives [--benchmark_min_time=0.1] [--benchmark_filter=P256]
#include <benchmark/benchmark.h>

#include <vector>

#include "ledger/check.h"
#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/merkle.h"

namespace tadori {
namespace {

const Bytes kMessage(200, 0x42);  // about the size of a small signed transaction body

void BM_Sha256(benchmark::State& state) {
  const Bytes data(static_cast<size_t>(state.range(0)), 0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(Sha256(data));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(32)->Arg(1024);

PrivateKey NewKey(KeyType type) {
  Result<PrivateKey> key = PrivateKey::Generate(type);
  TADORI_CHECK(key.ok());
  return *key;
}

void BM_Sign(benchmark::State& state, KeyType type) {
  const PrivateKey key = NewKey(type);
  for (auto _ : state) benchmark::DoNotOptimize(key.Sign(kMessage));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Sign, P256, KeyType::kP256);
BENCHMARK_CAPTURE(BM_Sign, Ed25519, KeyType::kEd25519);

void BM_Verify(benchmark::State& state, KeyType type) {
  const PrivateKey key = NewKey(type);
  const Bytes sig = key.Sign(kMessage);
  for (auto _ : state) {
    Status s = key.public_key().Verify(kMessage, sig);
    TADORI_CHECK(s.ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Verify, P256, KeyType::kP256);
BENCHMARK_CAPTURE(BM_Verify, Ed25519, KeyType::kEd25519);

// What a KeyCache saves: parsing a P-256 SubjectPublicKeyInfo versus a cache hit.
void BM_PublicKeyFromDer(benchmark::State& state) {
  const Bytes der = NewKey(KeyType::kP256).public_key().der();
  for (auto _ : state) benchmark::DoNotOptimize(PublicKey::FromDer(der).ok());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PublicKeyFromDer);

void BM_KeyCacheHit(benchmark::State& state) {
  const Bytes der = NewKey(KeyType::kP256).public_key().der();
  KeyCache cache(16);
  TADORI_CHECK(cache.FromDer(der).ok());
  for (auto _ : state) benchmark::DoNotOptimize(cache.FromDer(der).ok());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyCacheHit);

std::vector<Hash> Leaves(size_t n) {
  std::vector<Hash> leaves;
  for (size_t i = 0; i < n; ++i) {
    Bytes b;
    PutUint64BE(b, i);
    leaves.push_back(MerkleLeafHash(b));
  }
  return leaves;
}

void BM_MerkleRoot(benchmark::State& state) {
  const std::vector<Hash> leaves = Leaves(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(MerkleRoot(leaves));
  state.SetItemsProcessed(state.iterations());
  state.counters["leaves_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MerkleRoot)->Arg(1000)->Arg(10000);

void BM_VerifyInclusion(benchmark::State& state) {
  const std::vector<Hash> leaves = Leaves(static_cast<size_t>(state.range(0)));
  const Hash root = MerkleRoot(leaves);
  std::vector<InclusionProof> proofs;
  for (size_t i = 0; i < leaves.size(); i += leaves.size() / 16) {
    Result<InclusionProof> p = ProveInclusion(leaves, i);
    TADORI_CHECK(p.ok());
    proofs.push_back(*p);
  }
  size_t next = 0;
  for (auto _ : state) {
    const InclusionProof& p = proofs[next++ % proofs.size()];
    Status s = VerifyInclusion(leaves[p.leaf_index], p, root);
    TADORI_CHECK(s.ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyInclusion)->Arg(10000);

}  // namespace
}  // namespace tadori

BENCHMARK_MAIN();
