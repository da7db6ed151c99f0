// TxRelay (node/validator/tx_relay.h): a relayed batch is verified by its origin and its f
// co-verifiers, and admitted by everyone else only once f+1 validators attested it, or after
// its wait by verifying it in full. Four validators (f = 1) with real P-256 keys over a real
// store (bft_chain.h): batches from validator 0, whose co-verifier is validator 1; validators
// 2 and 3 hold its batches.
#include "node/validator/tx_relay.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chaincode/chaincode.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "tests/unit/ledger/test_chain.h"
#include "tests/unit/node/bft_chain.h"

namespace tadori {
namespace {

using testing::BftChain;
using testing::MakeTx;
using testing::NewKey;

constexpr size_t kOrigin = 0;
constexpr size_t kCoVerifier = 1;
constexpr size_t kHolder = 2;

class TxRelayTest : public ::testing::Test {
 protected:
  TxRelay Relay(size_t self) {
    return TxRelay(chain_.net().genesis, self, chain_.net().validator_keys[self], chain_.store(),
                   mempool_);
  }

  // `txs` as the origin packs them (one frame, with its attestation).
  v1::TxGossip Packed(std::vector<v1::SignedTransaction> txs) {
    consensus::KeySigner origin(chain_.net().validator_keys[kOrigin]);
    std::vector<v1::PeerFrame> frames =
        TxRelay::Pack(std::move(txs), 1'000, chain_.chain_id(), origin);
    EXPECT_EQ(frames.size(), 1u);
    return frames.front().txs();
  }

  v1::TxAttestation AttestationBy(size_t validator, const v1::TxGossip& gossip) {
    const Hash digest = BatchDigest(gossip.txs());
    v1::TxAttestation a;
    a.set_batch_digest(digest.ToBinaryString());
    a.set_signature(ToString(chain_.net().validator_keys[validator].Sign(
        BatchAttestationMessage(chain_.chain_id(), digest))));
    return a;
  }

  v1::SignedTransaction Good(const std::string& lot) { return chain_.Tx(lot).envelope; }
  // Signed by a key that is not the member's it names.
  v1::SignedTransaction Forged(const std::string& lot) {
    v1::SignedTransaction tx = chain_.Tx(lot).envelope;
    const Hash id = Sha256(AsBytes(tx.body()));
    tx.set_signature(ToString(NewKey().Sign(TransactionSigningMessage(id))));
    return tx;
  }

  BftChain chain_{"relay-chain"};
  Mempool mempool_;
};

TEST_F(TxRelayTest, PackedBatchesCarryTheOriginsAttestationOverTheirDigest) {
  const v1::TxGossip gossip = Packed({Good("p1"), Good("p2")});
  const PublicKey origin = chain_.net().validator_keys[kOrigin].public_key();
  EXPECT_TRUE(origin
                  .Verify(BatchAttestationMessage(chain_.chain_id(), BatchDigest(gossip.txs())),
                          AsBytes(gossip.attestation()))
                  .ok());
}

TEST_F(TxRelayTest, AHolderAdmitsWithoutVerifyingOnceFPlusOneAttested) {
  TxRelay relay = Relay(kHolder);
  const v1::TxGossip gossip = Packed({Good("v1"), Good("v2")});
  EXPECT_TRUE(relay.Intake(kOrigin, gossip, 0).empty()) << "a holder attests nothing";
  EXPECT_EQ(mempool_.size(), 0u) << "the origin's attestation alone is f, not f+1";
  EXPECT_EQ(relay.stats().pending_batches, 1u);
  relay.IntakeAttestation(kCoVerifier, AttestationBy(kCoVerifier, gossip));
  EXPECT_EQ(mempool_.size(), 2u);
  const TxRelay::Stats s = relay.stats();
  EXPECT_EQ(s.vouched_txs, 2u);
  EXPECT_EQ(s.batches_vouched, 1u);
  EXPECT_EQ(s.signatures_verified, 0u);
  EXPECT_EQ(s.pending_batches, 0u);
  // Admitted here, so a proposal holding them needs no verify either.
  EXPECT_TRUE(mempool_.ContainsExact(DecodeTransaction(gossip.txs(0)).value()));
}

TEST_F(TxRelayTest, TheOriginsOwnSecondAttestationAndBadOnesDoNotVouch) {
  TxRelay relay = Relay(kHolder);
  const v1::TxGossip gossip = Packed({Good("o1")});
  relay.Intake(kOrigin, gossip, 0);
  relay.IntakeAttestation(kOrigin, AttestationBy(kOrigin, gossip));  // counted once
  v1::TxAttestation wrong_signer = AttestationBy(kOrigin, gossip);   // 0's as 3's
  relay.IntakeAttestation(3, wrong_signer);
  v1::TxAttestation short_digest = AttestationBy(3, gossip);
  short_digest.set_batch_digest("short");
  relay.IntakeAttestation(3, short_digest);
  EXPECT_EQ(mempool_.size(), 0u);
  EXPECT_EQ(relay.stats().attestations_refused, 2u);
  relay.IntakeAttestation(3, AttestationBy(3, gossip));
  EXPECT_EQ(mempool_.size(), 1u);
}

TEST_F(TxRelayTest, ACoVerifierVerifiesEveryTransactionAndAttestsToTheHolders) {
  TxRelay relay = Relay(kCoVerifier);
  const v1::TxGossip gossip = Packed({Good("c1"), Good("c2")});
  TxRelay::Outgoing out = relay.Intake(kOrigin, gossip, 0);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first, 2u);
  EXPECT_EQ(out[1].first, 3u);
  const v1::TxAttestation& a = out[0].second.attestation();
  EXPECT_EQ(a.batch_digest(), BatchDigest(gossip.txs()).ToBinaryString());
  const PublicKey mine = chain_.net().validator_keys[kCoVerifier].public_key();
  EXPECT_TRUE(mine.Verify(BatchAttestationMessage(chain_.chain_id(), BatchDigest(gossip.txs())),
                          AsBytes(a.signature()))
                  .ok());
  EXPECT_EQ(mempool_.size(), 2u);
  EXPECT_EQ(relay.stats().signatures_verified, 2u);
  EXPECT_EQ(relay.stats().batches_co_verified, 1u);
}

TEST_F(TxRelayTest, ACoVerifierThatFindsABadSignatureDoesNotAttest) {
  TxRelay relay = Relay(kCoVerifier);
  const v1::TxGossip gossip = Packed({Good("g1"), Forged("f1")});
  EXPECT_TRUE(relay.Intake(kOrigin, gossip, 0).empty());
  EXPECT_EQ(mempool_.size(), 1u) << "the good one is still admitted";
  EXPECT_EQ(relay.stats().signature_refusals, 1u);
}

TEST_F(TxRelayTest, ACoVerifierChecksASignatureItHoldsWithOtherBytes) {
  TxRelay relay = Relay(kCoVerifier);
  const DecodedTransaction pending = chain_.Tx("same-id");
  ASSERT_TRUE(mempool_.Add(pending).ok());
  // Same id (same body), other signature bytes: pending here does not mean verified.
  v1::SignedTransaction other = pending.envelope;
  other.set_signature(ToString(NewKey().Sign(TransactionSigningMessage(pending.id))));
  EXPECT_TRUE(relay.Intake(kOrigin, Packed({other}), 0).empty());
  // With the pending bytes themselves, it attests without verifying again.
  EXPECT_EQ(relay.Intake(kOrigin, Packed({pending.envelope}), 0).size(), 2u);
  EXPECT_EQ(relay.stats().signatures_verified, 1u);
}

TEST_F(TxRelayTest, AnOverdueBatchIsVerifiedInFullAndItsBadTransactionsRefused) {
  TxRelay relay = Relay(kHolder);
  const v1::TxGossip gossip = Packed({Good("late"), Forged("late-forged")});
  relay.Intake(kOrigin, gossip, 1'000);
  const int64_t due = 1'000 + VouchWaitMs(2);
  EXPECT_EQ(relay.NextDueMs(), due);
  relay.OnTick(due - 1);
  EXPECT_EQ(mempool_.size(), 0u);
  relay.OnTick(due);
  EXPECT_EQ(mempool_.size(), 1u);
  const TxRelay::Stats s = relay.stats();
  EXPECT_EQ(s.batches_fallback_verified, 1u);
  EXPECT_EQ(s.signature_refusals, 1u);
  EXPECT_EQ(s.signatures_verified, 2u);
  EXPECT_EQ(relay.NextDueMs(), std::nullopt);
  // A late attestation changes nothing.
  relay.IntakeAttestation(kCoVerifier, AttestationBy(kCoVerifier, gossip));
  EXPECT_EQ(mempool_.size(), 1u);
}

TEST_F(TxRelayTest, ABatchWithoutAValidOriginAttestationIsVerifiedAtOnce) {
  TxRelay relay = Relay(kHolder);
  v1::TxGossip gossip = Packed({Good("u1"), Forged("u2")});
  gossip.clear_attestation();  // a peer that does not attest
  relay.Intake(kOrigin, gossip, 0);
  EXPECT_EQ(mempool_.size(), 1u);
  EXPECT_EQ(relay.stats().batches_verified_at_once, 1u);
  EXPECT_EQ(relay.stats().signature_refusals, 1u);
  // Another validator relaying the origin's batch under the origin's attestation is refused
  // as unattested too: an attestation is checked against the key of the frame's sender.
  const v1::TxGossip copied = Packed({Good("u3")});
  relay.Intake(3, copied, 0);
  EXPECT_EQ(relay.stats().batches_verified_at_once, 2u);
  EXPECT_EQ(relay.stats().pending_batches, 0u);
}

TEST_F(TxRelayTest, AVouchedTransactionOfARevokedKeyIsStillRefused) {
  // Revoke the admin in a committed block, as chaincode writes member records.
  const KeyId admin = chain_.net().admin.public_key().id();
  Result<std::optional<v1::MemberRecord>> found = FindMember(chain_.store().state(), admin);
  ASSERT_TRUE(found.ok() && found->has_value());
  v1::MemberRecord revoked = **found;
  revoked.set_revoked_height(1);
  const WriteSet writes{{MemberStateKey(admin), EncodeRecord(revoked)}};
  ASSERT_TRUE(
      chain_.store().CommitBlock(chain_.NextLedgerBlock(), v1::BlockResults(), writes).ok());

  TxRelay relay = Relay(kHolder);
  const v1::TxGossip gossip = Packed({Good("revoked")});
  relay.Intake(kOrigin, gossip, 0);
  relay.IntakeAttestation(kCoVerifier, AttestationBy(kCoVerifier, gossip));
  EXPECT_EQ(mempool_.size(), 0u);
  EXPECT_EQ(relay.stats().batches_vouched, 1u);
  EXPECT_EQ(relay.stats().refused, 1u);
  EXPECT_EQ(relay.stats().signatures_verified, 0u);
}

TEST_F(TxRelayTest, AVouchedTransactionOfAnotherChainOrExpiredIsStillRefused) {
  chain_.CommitNext();
  TxRelay relay = Relay(kHolder);
  const v1::TxGossip gossip =
      Packed({MakeTx(chain_.net().admin, "another-chain", 100, "elsewhere").envelope,
              MakeTx(chain_.net().admin, chain_.chain_id(), 1, "expired").envelope});
  relay.Intake(kOrigin, gossip, 0);
  relay.IntakeAttestation(kCoVerifier, AttestationBy(kCoVerifier, gossip));
  EXPECT_EQ(mempool_.size(), 0u);
  EXPECT_EQ(relay.stats().refused, 2u);
}

}  // namespace
}  // namespace tadori
