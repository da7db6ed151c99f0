// Admission (node/validator/admission.h): one test per refusal of the header, each asserting
// the code and the reason, over a real store holding a BFT-committed chain (bft_chain.h).
// Member records that the tests need damaged or revoked are written as chaincode writes
// them (EncodeRecord under MemberStateKey) in a committed block.
#include "node/validator/admission.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "chaincode/chaincode.h"
#include "chaincode/records.h"
#include "chaincode/state_keys.h"
#include "ledger/store/store.h"
#include "node/validator/mempool.h"
#include "node/validator/proposal_check.h"
#include "tests/unit/ledger/test_chain.h"
#include "tests/unit/node/bft_chain.h"
#include "tests/unit/node/validator_fakes.h"

namespace tadori {
namespace {

using testing::BftChain;
using testing::ExpectStatus;
using testing::MakeTx;
using testing::NewKey;

// A PEM block whose base64 body is not a key: what a flipped bit on disk can leave behind.
constexpr char kBrokenPem[] =
    "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PUBLIC KEY-----\n";

class AdmissionTest : public ::testing::Test {
 protected:
  const PrivateKey& admin() const { return chain_.net().admin; }
  KeyId admin_id() const { return admin().public_key().id(); }

  // The member record of the genesis admin, as the chain stored it.
  v1::MemberRecord AdminRecord() {
    Result<std::optional<v1::MemberRecord>> found = FindMember(chain_.store().state(), admin_id());
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    EXPECT_TRUE(found.ok() && found->has_value()) << "the genesis admin is not a member";
    return found.ok() && found->has_value() ? **found : v1::MemberRecord();
  }

  // Commits the next (empty) block with `record` written as the admin's member record.
  void StoreAdminRecord(const v1::MemberRecord& record) {
    const WriteSet writes{{MemberStateKey(admin_id()), EncodeRecord(record)}};
    Status s = chain_.store().CommitBlock(chain_.NextLedgerBlock(), v1::BlockResults(), writes);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // `tx` with its signature replaced (the id, over the body, is unchanged).
  static DecodedTransaction WithSignature(const DecodedTransaction& tx, const Bytes& signature) {
    v1::SignedTransaction envelope = tx.envelope;
    envelope.set_signature(ToString(signature));
    return DecodeTransaction(envelope).value();
  }

  BftChain chain_{"admission-chain"};
  Mempool mempool_;
  Admission admission_{chain_.chain_id(), chain_.store(), mempool_};
};

TEST_F(AdmissionTest, AdmitsMemberTransactionAndReturnsItDecoded) {
  const DecodedTransaction tx = chain_.Tx("lot-ok");
  Result<DecodedTransaction> admitted = admission_.Check(tx.envelope);
  ASSERT_TRUE(admitted.ok()) << admitted.status().ToString();
  EXPECT_EQ(admitted->id, tx.id);
  EXPECT_EQ(admitted->signer_key_id, admin_id());
}

TEST_F(AdmissionTest, MalformedEnvelopeIsInvalidArgument) {
  v1::SignedTransaction envelope = chain_.Tx("lot-short-key").envelope;
  envelope.set_signer_key_id("short");
  ExpectStatus(admission_.Check(envelope).status(), Code::kInvalidArgument, "signer_key_id");
}

TEST_F(AdmissionTest, WrongChainIsInvalidArgument) {
  const DecodedTransaction tx = MakeTx(admin(), "another-chain", 100, "lot-elsewhere");
  ExpectStatus(admission_.Check(tx.envelope).status(), Code::kInvalidArgument,
               "wrong chain id \"another-chain\"");
}

TEST_F(AdmissionTest, ExpiredIsFailedPrecondition) {
  chain_.CommitNext();
  const DecodedTransaction tx = MakeTx(admin(), chain_.chain_id(), 1, "lot-late");
  ExpectStatus(admission_.Check(tx.envelope).status(), Code::kFailedPrecondition,
               "transaction expired at height 1, head is 1");
}

TEST_F(AdmissionTest, CommittedIsAlreadyExistsNamingItsHeight) {
  const DecodedTransaction tx = chain_.Tx("lot-committed");
  chain_.CommitNext({tx});
  ExpectStatus(admission_.Check(tx.envelope).status(), Code::kAlreadyExists,
               "transaction " + tx.id.Hex() + " already committed at height 1");
}

TEST_F(AdmissionTest, PendingIsAlreadyExists) {
  const DecodedTransaction tx = chain_.Tx("lot-pending");
  ASSERT_TRUE(mempool_.Add(tx).ok());
  ExpectStatus(admission_.Check(tx.envelope).status(), Code::kAlreadyExists,
               "transaction " + tx.id.Hex() + " is already pending");
}

TEST_F(AdmissionTest, UnknownSignerIsUnauthenticated) {
  const PrivateKey stranger = NewKey();
  const DecodedTransaction tx = MakeTx(stranger, chain_.chain_id(), 100, "lot-stranger");
  ExpectStatus(
      admission_.Check(tx.envelope).status(), Code::kUnauthenticated,
      "signer key " + stranger.public_key().id().Hex() + " is not registered on this chain");
}

TEST_F(AdmissionTest, RevokedSignerIsPermissionDenied) {
  v1::MemberRecord revoked = AdminRecord();
  revoked.set_revoked_height(1);
  StoreAdminRecord(revoked);
  const DecodedTransaction tx = chain_.Tx("lot-revoked");
  ExpectStatus(admission_.Check(tx.envelope).status(), Code::kPermissionDenied,
               "signer key " + admin_id().Hex() + " was revoked at height 1");
}

TEST_F(AdmissionTest, SignatureByAnotherKeyIsUnauthenticated) {
  const DecodedTransaction tx = chain_.Tx("lot-forged");
  const Bytes forged = NewKey().Sign(TransactionSigningMessage(tx.id));
  ExpectStatus(admission_.CheckSigner(WithSignature(tx, forged)), Code::kUnauthenticated,
               "signature does not verify");
}

// The chain stored this key when it registered the member, so a key that no longer parses is
// damage to this node's state. INVALID_ARGUMENT would make a proposal checker refuse the
// honest proposer's block (IsRefusal); DATA_LOSS makes the validator halt instead.
TEST_F(AdmissionTest, StoredMemberKeyThatDoesNotParseIsDataLossNamingTheKey) {
  v1::MemberRecord broken = AdminRecord();
  broken.set_public_key(kBrokenPem);
  StoreAdminRecord(broken);
  const DecodedTransaction tx = chain_.Tx("lot-after-damage");

  const Status signer = admission_.CheckSigner(tx);
  ExpectStatus(signer, Code::kDataLoss, admin_id().Hex());
  EXPECT_FALSE(IsRefusal(signer)) << signer.ToString();
  // Submit goes through the same check: the client is not told its transaction is bad.
  ExpectStatus(admission_.Check(tx.envelope).status(), Code::kDataLoss, admin_id().Hex());
}

// Chaincode keys a member record by the id of the key it holds; a record holding another
// key would make every signature of the real member fail to verify (UNAUTHENTICATED, the
// signer blamed) when the fault is this node's state.
TEST_F(AdmissionTest, StoredMemberKeyOfAnotherIdIsDataLossNamingBothIds) {
  const PrivateKey other = NewKey();
  v1::MemberRecord swapped = AdminRecord();
  swapped.set_public_key(other.public_key().ToPem());
  StoreAdminRecord(swapped);
  const DecodedTransaction tx = chain_.Tx("lot-swapped-key");

  const Status signer = admission_.CheckSigner(tx);
  ExpectStatus(signer, Code::kDataLoss, admin_id().Hex());
  ExpectStatus(signer, Code::kDataLoss, other.public_key().id().Hex());
  EXPECT_FALSE(IsRefusal(signer)) << signer.ToString();
}

// A transaction whose signed bytes f+1 validators attested skips only the signature verify
// (node/validator/batch_attestation.h): every other check still refuses it.
TEST_F(AdmissionTest, VouchedSkipsOnlyTheSignatureVerify) {
  const DecodedTransaction tx = chain_.Tx("lot-vouched");
  const Bytes forged = NewKey().Sign(TransactionSigningMessage(tx.id));
  const DecodedTransaction unverifiable = WithSignature(tx, forged);
  ExpectStatus(admission_.Check(unverifiable.envelope).status(), Code::kUnauthenticated,
               "signature does not verify");
  EXPECT_EQ(admission_.signatures_verified(), 1u);
  EXPECT_TRUE(admission_.Check(unverifiable.envelope, SignatureCheck::kVouched).ok());
  EXPECT_EQ(admission_.signatures_verified(), 1u) << "no verify for a vouched transaction";
}

TEST_F(AdmissionTest, VouchedStillRefusesWrongChainExpiredUnknownAndPending) {
  const DecodedTransaction other_chain = MakeTx(admin(), "another-chain", 100, "lot-elsewhere");
  ExpectStatus(admission_.Check(other_chain.envelope, SignatureCheck::kVouched).status(),
               Code::kInvalidArgument, "wrong chain id");
  chain_.CommitNext();
  const DecodedTransaction expired = MakeTx(admin(), chain_.chain_id(), 1, "lot-late");
  ExpectStatus(admission_.Check(expired.envelope, SignatureCheck::kVouched).status(),
               Code::kFailedPrecondition, "expired");
  const DecodedTransaction stranger = MakeTx(NewKey(), chain_.chain_id(), 100, "lot-stranger");
  ExpectStatus(admission_.Check(stranger.envelope, SignatureCheck::kVouched).status(),
               Code::kUnauthenticated, "is not registered on this chain");
  const DecodedTransaction pending = chain_.Tx("lot-pending-vouched");
  ASSERT_TRUE(mempool_.Add(pending).ok());
  ExpectStatus(admission_.Check(pending.envelope, SignatureCheck::kVouched).status(),
               Code::kAlreadyExists, "is already pending");
  EXPECT_EQ(admission_.signatures_verified(), 0u);
}

TEST_F(AdmissionTest, VouchedStillRefusesARevokedKey) {
  v1::MemberRecord revoked = AdminRecord();
  revoked.set_revoked_height(1);
  StoreAdminRecord(revoked);
  const DecodedTransaction tx = chain_.Tx("lot-revoked-vouched");
  ExpectStatus(admission_.Check(tx.envelope, SignatureCheck::kVouched).status(),
               Code::kPermissionDenied, "was revoked at height 1");
}

// Every Admission of a node shares the mempool's memory of verified signatures: a signature
// verified while checking a proposal is not verified again when its relayed batch arrives
// (nor the other way round), and the memory is of exact signed bytes, so another signature
// under the same id is verified and refused.
TEST_F(AdmissionTest, AVerifiedSignatureIsNotVerifiedAgainByAnotherAdmissionOfTheNode) {
  Admission relay{chain_.chain_id(), chain_.store(), mempool_};
  const DecodedTransaction tx = chain_.Tx("lot-verified-once");
  ASSERT_TRUE(admission_.CheckSigner(tx).ok());
  EXPECT_EQ(admission_.signatures_verified(), 1u);
  Result<DecodedTransaction> again = relay.Check(tx.envelope);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(relay.signatures_verified(), 0u) << "verified once already on this node";

  const DecodedTransaction forged =
      WithSignature(tx, NewKey().Sign(TransactionSigningMessage(tx.id)));
  ExpectStatus(relay.Check(forged.envelope).status(), Code::kUnauthenticated,
               "signature does not verify");
  EXPECT_EQ(relay.signatures_verified(), 1u);
  ExpectStatus(relay.Check(forged.envelope).status(), Code::kUnauthenticated,
               "signature does not verify");
  EXPECT_EQ(relay.signatures_verified(), 2u) << "a failed verify is not remembered";
}

}  // namespace
}  // namespace tadori
