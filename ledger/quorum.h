// The quorum rule: how much voting weight a certificate needs. One definition, used by the
// genesis validator set (ledger/genesis.h: offline block checks), the consensus engine
// (consensus/types.h) and everything that counts signatures.
//
// For total weight n the quorum is floor(2n/3) + 1: with f = floor((n-1)/3) faulty, the n - f
// others can still form a quorum (liveness), and any two quorums share more than f, so at
// least one honest validator (safety). For n = 3f+1 it is 2f+1.
#pragma once

#include <cstdint>

namespace tadori {

constexpr uint64_t QuorumWeight(uint64_t total_weight) {
  return total_weight * 2 / 3 + 1;
}

constexpr uint64_t MaxFaultyWeight(uint64_t total_weight) {
  return total_weight == 0 ? 0 : (total_weight - 1) / 3;
}

static_assert(QuorumWeight(4) == 3 && MaxFaultyWeight(4) == 1);
static_assert(QuorumWeight(7) == 5 && MaxFaultyWeight(7) == 2);
static_assert(QuorumWeight(1) == 1 && MaxFaultyWeight(1) == 0);

}  // namespace tadori
