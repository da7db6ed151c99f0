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
  v1::TxResult result = Run(farm_admin_, body);
  EXPECT_EQ(CodeOf(result), Code::kInvalidArgument);
  EXPECT_NE(result.message().find("payload"), std::string::npos) << result.message();
}

TEST_F(RegistryTest, NonMemberSignerIsRefusedForEveryPayload) {
  const v1::TransactionBody bodies[] = {RegisterBody(NewKey().public_key(), "x"),
                                        RevokeBody(Id(farm_member_)), CreateBody("LOT-X"),
                                        ShipBody("LOT-X", "retailer"), ReceiveBody("LOT-X")};
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
  ExpectOk(Run(dist_admin_, RegisterBody(key.public_key(), "cold store 3")));
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
  ExpectOk(Run(farm_admin_, RegisterBody(key.public_key(), "line 2")));
  ExpectOk(Run(key, CreateBody("LOT-1")));
}

TEST_F(RegistryTest, NonAdminCannotRegister) {
  PrivateKey key = NewKey();
  v1::TxResult result = Run(farm_member_, RegisterBody(key.public_key(), "sneaky"));
  EXPECT_EQ(CodeOf(result), Code::kPermissionDenied);
  EXPECT_NE(result.message().find("not an admin"), std::string::npos) << result.message();
  Result<std::optional<v1::MemberRecord>> found = FindMember(ledger_->state(), Id(key));
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(RegistryTest, BadPublicKeyIsInvalid) {
  v1::TransactionBody body;
  body.mutable_register_member()->set_public_key("-----BEGIN PUBLIC KEY-----\nnope\n");
  EXPECT_EQ(CodeOf(Run(farm_admin_, body)), Code::kInvalidArgument);
  body.mutable_register_member()->set_public_key("");
  EXPECT_EQ(CodeOf(Run(farm_admin_, body)), Code::kInvalidArgument);
  body.mutable_register_member()->set_public_key(std::string(kPemBytesMax + 1, 'A'));
  EXPECT_EQ(CodeOf(Run(farm_admin_, body)), Code::kInvalidArgument);
}

TEST_F(RegistryTest, ActiveKeyCannotBeRegisteredTwice) {
  // By its own org's admin or by another org's admin.
  EXPECT_EQ(CodeOf(Run(farm_admin_, RegisterBody(farm_member_.public_key(), "again"))),
            Code::kAlreadyExists);
  EXPECT_EQ(CodeOf(Run(dist_admin_, RegisterBody(farm_member_.public_key(), "steal"))),
            Code::kAlreadyExists);
  EXPECT_EQ(Member(farm_member_).org_id(), "farm");
}

TEST_F(RegistryTest, AdminKeyCannotBeRegisteredAsMember) {
  EXPECT_EQ(CodeOf(Run(dist_admin_, RegisterBody(farm_admin_.public_key(), "x"))),
            Code::kAlreadyExists);
  EXPECT_TRUE(Member(farm_admin_).admin());
}

TEST_F(RegistryTest, RevokedKeyCannotBeRegisteredAgain) {
  ExpectOk(Run(farm_admin_, RevokeBody(Id(farm_member_))));
  EXPECT_EQ(CodeOf(Run(farm_admin_, RegisterBody(farm_member_.public_key(), "back"))),
            Code::kAlreadyExists);
  EXPECT_NE(Member(farm_member_).revoked_height(), 0u);
}

TEST_F(RegistryTest, AdminRevokesOwnOrgMember) {
  const uint64_t height = ledger_->height() + 1;
  ExpectOk(Run(retail_admin_, RevokeBody(Id(retail_member_))));
  v1::MemberRecord member = Member(retail_member_);
  EXPECT_EQ(member.revoked_height(), height);
  EXPECT_EQ(member.org_id(), "retailer");
  EXPECT_GT(member.registered_height(), 0u);
}

TEST_F(RegistryTest, RevokedMemberIsRefusedForEveryPayload) {
  ExpectOk(Run(farm_admin_, RevokeBody(Id(farm_member_))));
  const v1::TransactionBody bodies[] = {RegisterBody(NewKey().public_key(), "x"),
                                        RevokeBody(Id(dist_member_)), CreateBody("LOT-R"),
                                        ShipBody("LOT-R", "retailer"), ReceiveBody("LOT-R")};
  for (const v1::TransactionBody& body : bodies) {
    v1::TxResult result = Run(farm_member_, body);
    EXPECT_EQ(CodeOf(result), Code::kPermissionDenied) << body.DebugString();
    EXPECT_NE(result.message().find("is not an active member"), std::string::npos);
  }
}

TEST_F(RegistryTest, NonAdminCannotRevoke) {
  PrivateKey second = NewKey();
  ExpectOk(Run(farm_admin_, RegisterBody(second.public_key(), "second")));
  EXPECT_EQ(CodeOf(Run(farm_member_, RevokeBody(Id(second)))), Code::kPermissionDenied);
  EXPECT_EQ(Member(second).revoked_height(), 0u);
}

TEST_F(RegistryTest, AdminOfAnotherOrgCannotRevoke) {
  v1::TxResult result = Run(dist_admin_, RevokeBody(Id(farm_member_)));
  EXPECT_EQ(CodeOf(result), Code::kPermissionDenied);
  EXPECT_NE(result.message().find("farm"), std::string::npos) << result.message();
  EXPECT_EQ(Member(farm_member_).revoked_height(), 0u);
}

TEST_F(RegistryTest, AdminKeyCannotBeRevoked) {
  PrivateKey second_admin = NewKey();
  genesis_.mutable_organizations(0)->add_admin_public_keys(second_admin.public_key().ToPem());
  Ledger ledger(genesis_);
  v1::TxResult result = ledger.Run(Id(farm_admin_), RevokeBody(Id(second_admin)));
  EXPECT_EQ(CodeOf(result), Code::kPermissionDenied);
  EXPECT_NE(result.message().find("admin"), std::string::npos) << result.message();
  // Nor its own key.
  EXPECT_EQ(CodeOf(ledger.Run(Id(farm_admin_), RevokeBody(Id(farm_admin_)))),
            Code::kPermissionDenied);
}

TEST_F(RegistryTest, UnknownKeyIsNotFound) {
  EXPECT_EQ(CodeOf(Run(farm_admin_, RevokeBody(Id(outsider_)))), Code::kNotFound);
}

TEST_F(RegistryTest, SecondRevokeFailsPrecondition) {
  ExpectOk(Run(farm_admin_, RevokeBody(Id(farm_member_))));
  const uint64_t revoked_at = Member(farm_member_).revoked_height();
  EXPECT_EQ(CodeOf(Run(farm_admin_, RevokeBody(Id(farm_member_)))), Code::kFailedPrecondition);
  EXPECT_EQ(Member(farm_member_).revoked_height(), revoked_at);
}

TEST_F(RegistryTest, MalformedKeyIdIsInvalid) {
  v1::TransactionBody body;
  body.mutable_revoke_member()->set_key_id(std::string(31, '\x01'));
  EXPECT_EQ(CodeOf(Run(farm_admin_, body)), Code::kInvalidArgument);
  body.mutable_revoke_member()->set_key_id("");
  EXPECT_EQ(CodeOf(Run(farm_admin_, body)), Code::kInvalidArgument);
}

}  // namespace
}  // namespace tadori
