// The genesis validator set (ledger/genesis.h), which offline checks count signatures
// against, and the consensus engine's (consensus/types.h) must agree on every size: a block
// the engine certifies must verify offline, and no fewer signatures may.
#include <gtest/gtest.h>

#include <vector>

#include "consensus/bounds.h"
#include "consensus/types.h"
#include "ledger/genesis.h"
#include "ledger/keys.h"

namespace tadori {
namespace {

TEST(ValidatorSets, GenesisAndConsensusCountTheSameQuorumForEverySize) {
  std::vector<PublicKey> keys;
  for (size_t n = 1; n <= consensus::kValidatorCountMax; ++n) {
    Result<PrivateKey> key = PrivateKey::Generate(KeyType::kEd25519);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    keys.push_back(key->public_key());
    const ValidatorSet genesis(keys);
    const consensus::ValidatorSet engine = consensus::ValidatorSet::Equal(n);
    ASSERT_EQ(genesis.size(), engine.size()) << "n=" << n;
    ASSERT_EQ(genesis.Quorum(), engine.quorum_weight()) << "n=" << n;
    ASSERT_EQ(genesis.MaxFaulty() + 1, engine.honest_weight()) << "n=" << n;
  }
}

TEST(ValidatorSets, QuorumIsTwoFPlusOneForThreeFPlusOne) {
  for (uint64_t f = 0; f <= 42; ++f) {
    EXPECT_EQ(QuorumWeight(3 * f + 1), 2 * f + 1) << "f=" << f;
    EXPECT_EQ(MaxFaultyWeight(3 * f + 1), f) << "f=" << f;
  }
}

}  // namespace
}  // namespace tadori
