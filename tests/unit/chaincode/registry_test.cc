#include <gtest/gtest.h>

#include "chaincode/state_keys.h"
#include "chaincode_fixture.h"
#include "ledger/limits.h"

namespace tadori {
namespace {

using RegistryTest = ChaincodeTest;

TEST_F(RegistryTest, MissingPayloadIsInvalid) {
  v1::TransactionBody body;
  body.set_chain_id("tadori-test");
  v1::TxResult result = Run(admin("farm"), body);
  EXPECT_EQ(CodeOf(result), Code::kInvalidArgument);
  EXPECT_NE(result.message().find("payload"), std::string::npos) << result.message();
}

TEST_F(RegistryTest, NonMemberSignerIsRefusedForEveryPayload) {
  const v1::TransactionBody bodies[] = {
      RegisterBody(NewKey().public_key(), "x"), RevokeBody(Id(member("farm"))), CreateBody("LOT-X"),
      ShipBody("LOT-X", "farm", "retailer"), ReceiveBody("LOT-X", "farm", "retailer")};
  for (const v1::TransactionBody& body : bodies) {
    v1::TxResult result = Run(outsider_, body);
    EXPECT_EQ(CodeOf(result), Code::kPermissionDenied) << body.DebugString();
    EXPECT_NE(result.message().find("is not an active member"), std::string::npos)
        << result.message();
    EXPECT_TRUE(ledger_->last_writes().empty());
  }
}

TEST_F(RegistryTest, AdminRegistersMemberIntoOwnOrg) {
  PrivateKey key = NewKey();
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(Run(admin("distributor"), RegisterBody(key.public_key(), "cold store 3")));
  ASSERT_EQ(ledger_->last_writes().size(), 1u);
  EXPECT_EQ(ledger_->last_writes().begin()->first, MemberStateKey(Id(key)));

  v1::MemberRecord member = Member(key);
  EXPECT_EQ(member.key_id(), Id(key).ToBinaryString());
  EXPECT_EQ(member.org_id(), "distributor");
  EXPECT_EQ(member.name(), "cold store 3");
  EXPECT_EQ(member.public_key(), key.public_key().ToPem());
  EXPECT_FALSE(member.admin());
  EXPECT_EQ(member.registered_height(), height);
  EXPECT_EQ(member.revoked_height(), 0u);
}

TEST_F(RegistryTest, RegisteredMemberCanSign) {
  PrivateKey key = NewKey();
  EXPECT_EQ(CodeOf(Run(key, CreateBody("LOT-1"))), Code::kPermissionDenied);
  ExpectOk(Run(admin("farm"), RegisterBody(key.public_key(), "line 2")));
  ExpectOk(Run(key, CreateBody("LOT-1")));
}

TEST_F(RegistryTest, NonAdminCannotRegister) {
  PrivateKey key = NewKey();
  v1::TxResult result = Run(member("farm"), RegisterBody(key.public_key(), "sneaky"));
  EXPECT_EQ(CodeOf(result), Code::kPermissionDenied);
  EXPECT_NE(result.message().find("not an admin"), std::string::npos) << result.message();
  Result<std::optional<v1::MemberRecord>> found = FindMember(ledger_->state(), Id(key));
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(RegistryTest, BadPublicKeyIsInvalid) {
  v1::TransactionBody body;
  body.mutable_register_member()->set_public_key("-----BEGIN PUBLIC KEY-----\nnope\n");
  EXPECT_EQ(CodeOf(Run(admin("farm"), body)), Code::kInvalidArgument);
  body.mutable_register_member()->set_public_key("");
  EXPECT_EQ(CodeOf(Run(admin("farm"), body)), Code::kInvalidArgument);
  body.mutable_register_member()->set_public_key(std::string(kPemBytesMax + 1, 'A'));
  EXPECT_EQ(CodeOf(Run(admin("farm"), body)), Code::kInvalidArgument);
}

TEST_F(RegistryTest, ActiveKeyCannotBeRegisteredTwice) {
  // By its own org's admin or by another org's admin.
  EXPECT_EQ(CodeOf(Run(admin("farm"), RegisterBody(member("farm").public_key(), "again"))),
            Code::kAlreadyExists);
  EXPECT_EQ(CodeOf(Run(admin("distributor"), RegisterBody(member("farm").public_key(), "steal"))),
            Code::kAlreadyExists);
  EXPECT_EQ(Member(member("farm")).org_id(), "farm");
}

TEST_F(RegistryTest, AdminKeyCannotBeRegisteredAsMember) {
  EXPECT_EQ(CodeOf(Run(admin("distributor"), RegisterBody(admin("farm").public_key(), "x"))),
            Code::kAlreadyExists);
  EXPECT_TRUE(Member(admin("farm")).admin());
}

TEST_F(RegistryTest, RevokedKeyCannotBeRegisteredAgain) {
  ExpectOk(Run(admin("farm"), RevokeBody(Id(member("farm")))));
  EXPECT_EQ(CodeOf(Run(admin("farm"), RegisterBody(member("farm").public_key(), "back"))),
            Code::kAlreadyExists);
  EXPECT_NE(Member(member("farm")).revoked_height(), 0u);
}

TEST_F(RegistryTest, AdminRevokesOwnOrgMember) {
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(Run(admin("retailer"), RevokeBody(Id(member("retailer")))));
  v1::MemberRecord record = Member(member("retailer"));
  EXPECT_EQ(record.revoked_height(), height);
  EXPECT_EQ(record.org_id(), "retailer");
  EXPECT_GT(record.registered_height(), 0u);
}

TEST_F(RegistryTest, RevokedMemberIsRefusedForEveryPayload) {
  ExpectOk(Run(admin("farm"), RevokeBody(Id(member("farm")))));
  const v1::TransactionBody bodies[] = {RegisterBody(NewKey().public_key(), "x"),
                                        RevokeBody(Id(member("distributor"))), CreateBody("LOT-R"),
                                        ShipBody("LOT-R", "farm", "retailer"),
                                        ReceiveBody("LOT-R", "farm", "retailer")};
  for (const v1::TransactionBody& body : bodies) {
    v1::TxResult result = Run(member("farm"), body);
    EXPECT_EQ(CodeOf(result), Code::kPermissionDenied) << body.DebugString();
    EXPECT_NE(result.message().find("is not an active member"), std::string::npos);
  }
}

TEST_F(RegistryTest, NonAdminCannotRevoke) {
  PrivateKey second = NewKey();
  ExpectOk(Run(admin("farm"), RegisterBody(second.public_key(), "second")));
  EXPECT_EQ(CodeOf(Run(member("farm"), RevokeBody(Id(second)))), Code::kPermissionDenied);
  EXPECT_EQ(Member(second).revoked_height(), 0u);
}

TEST_F(RegistryTest, AdminOfAnotherOrgCannotRevoke) {
  v1::TxResult result = Run(admin("distributor"), RevokeBody(Id(member("farm"))));
  EXPECT_EQ(CodeOf(result), Code::kPermissionDenied);
  EXPECT_NE(result.message().find("farm"), std::string::npos) << result.message();
  EXPECT_EQ(Member(member("farm")).revoked_height(), 0u);
}

TEST_F(RegistryTest, AdminKeyCannotBeRevoked) {
  PrivateKey second_admin = NewKey();
  genesis_.mutable_organizations(0)->add_admin_public_keys(second_admin.public_key().ToPem());
  Ledger ledger(genesis_);
  v1::TxResult result = ledger.Run(Id(admin("farm")), RevokeBody(Id(second_admin)));
  EXPECT_EQ(CodeOf(result), Code::kPermissionDenied);
  EXPECT_NE(result.message().find("admin"), std::string::npos) << result.message();
  // Nor its own key.
  EXPECT_EQ(CodeOf(ledger.Run(Id(admin("farm")), RevokeBody(Id(admin("farm"))))),
            Code::kPermissionDenied);
}

TEST_F(RegistryTest, UnknownKeyIsNotFound) {
  EXPECT_EQ(CodeOf(Run(admin("farm"), RevokeBody(Id(outsider_)))), Code::kNotFound);
}

TEST_F(RegistryTest, SecondRevokeFailsPrecondition) {
  ExpectOk(Run(admin("farm"), RevokeBody(Id(member("farm")))));
  const uint64_t revoked_at = Member(member("farm")).revoked_height();
  EXPECT_EQ(CodeOf(Run(admin("farm"), RevokeBody(Id(member("farm"))))), Code::kFailedPrecondition);
  EXPECT_EQ(Member(member("farm")).revoked_height(), revoked_at);
}

TEST_F(RegistryTest, MalformedKeyIdIsInvalid) {
  v1::TransactionBody body;
  body.mutable_revoke_member()->set_key_id(std::string(31, '\x01'));
  EXPECT_EQ(CodeOf(Run(admin("farm"), body)), Code::kInvalidArgument);
  body.mutable_revoke_member()->set_key_id("");
  EXPECT_EQ(CodeOf(Run(admin("farm"), body)), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tadori
