#include "consensus/key_crypto.h"

#include <gtest/gtest.h>

#include "tests/sim/stub_crypto.h"

namespace tadori::consensus {
namespace {

TEST(KeyCrypto, P256SignaturesVerifyOnlyForTheirSigner) {
  std::vector<PrivateKey> keys;
  std::vector<PublicKey> publics;
  for (int i = 0; i < 2; ++i) {
    Result<PrivateKey> k = PrivateKey::Generate(KeyType::kP256);
    ASSERT_TRUE(k.ok()) << k.status().ToString();
    publics.push_back(k->public_key());
    keys.push_back(*k);
  }
  KeySigner signer(keys[0]);
  KeyVerifier verifier(publics);
  Bytes msg = ToBytes("vote");
  Bytes sig = signer.Sign(msg);
  EXPECT_EQ(sig.size(), kSignatureBytes);
  EXPECT_TRUE(verifier.Verify(0, msg, sig));
  EXPECT_FALSE(verifier.Verify(1, msg, sig));
  EXPECT_FALSE(verifier.Verify(7, msg, sig));  // unknown validator
  EXPECT_FALSE(verifier.Verify(0, ToBytes("other"), sig));
  EXPECT_FALSE(verifier.Verify(0, msg, ByteView(sig).first(10)));
}

TEST(StubCrypto, OnlyTheRightSecretVerifies) {
  StubSigner s0(7, 0);
  StubVerifier verifier(7, 4);
  Bytes msg = ToBytes("m");
  EXPECT_TRUE(verifier.Verify(0, msg, s0.Sign(msg)));
  EXPECT_FALSE(verifier.Verify(1, msg, s0.Sign(msg)));
  EXPECT_FALSE(StubVerifier(8, 4).Verify(0, msg, s0.Sign(msg)));
}

}  // namespace
}  // namespace tadori::consensus
