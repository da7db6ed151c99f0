#include <gtest/gtest.h>

#include "chaincode/state_keys.h"
#include "chaincode_fixture.h"
#include "ledger/limits.h"

namespace tadori {
namespace {

using GenesisStateTest = ChaincodeTest;

TEST_F(GenesisStateTest, WritesOneOrgAndOneAdminMemberPerKey) {
  PrivateKey second_admin = NewKey();
  genesis_.mutable_organizations(2)->add_admin_public_keys(second_admin.public_key().ToPem());
  Result<WriteSet> writes = GenesisState(genesis_);
  ASSERT_TRUE(writes.ok()) << writes.status().ToString();
  EXPECT_EQ(writes->size(), 8u + 9u);

  MemoryState state;
  state.Apply(*writes);
  Result<std::optional<v1::OrgRecord>> org = FindOrg(state, "farm");
  ASSERT_TRUE(org.ok() && org->has_value());
  EXPECT_EQ((*org)->id(), "farm");
  EXPECT_EQ((*org)->name(), "farm inc.");
  ASSERT_EQ((*org)->roles_size(), 1);
  EXPECT_EQ((*org)->roles(0), "producer");

  for (const PrivateKey* key :
       {&admin("distributor"), static_cast<const PrivateKey*>(&second_admin)}) {
    Result<std::optional<v1::MemberRecord>> member = FindMember(state, Id(*key));
    ASSERT_TRUE(member.ok() && member->has_value());
    EXPECT_EQ((*member)->org_id(), "distributor");
    EXPECT_TRUE((*member)->admin());
    EXPECT_EQ((*member)->registered_height(), 0u);
    EXPECT_EQ((*member)->revoked_height(), 0u);
    EXPECT_EQ((*member)->key_id(), Id(*key).ToBinaryString());
  }
}

TEST_F(GenesisStateTest, LookupsOfAbsentRecordsAreEmpty) {
  Result<WriteSet> writes = GenesisState(genesis_);
  ASSERT_TRUE(writes.ok());
  MemoryState state;
  state.Apply(*writes);
  Result<std::optional<v1::OrgRecord>> org = FindOrg(state, "fishery");
  ASSERT_TRUE(org.ok());
  EXPECT_FALSE(org->has_value());
  Result<std::optional<v1::MemberRecord>> member = FindMember(state, Id(outsider_));
  ASSERT_TRUE(member.ok());
  EXPECT_FALSE(member->has_value());
  Result<std::optional<v1::LotRecord>> lot = FindLot(state, "LOT-1");
  ASSERT_TRUE(lot.ok());
  EXPECT_FALSE(lot->has_value());
}

TEST_F(GenesisStateTest, RefusesRepeatedOrgId) {
  *genesis_.add_organizations() = MakeOrg("farm", {"producer"}, NewKey());
  EXPECT_EQ(GenesisState(genesis_).status().code(), Code::kInvalidArgument);
}

TEST_F(GenesisStateTest, RefusesEmptyOrgId) {
  *genesis_.add_organizations() = MakeOrg("", {"producer"}, NewKey());
  EXPECT_EQ(GenesisState(genesis_).status().code(), Code::kInvalidArgument);
}

TEST_F(GenesisStateTest, RefusesBadAdminKey) {
  genesis_.mutable_organizations(4)->add_admin_public_keys("not a key");
  Status status = GenesisState(genesis_).status();
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_NE(status.message().find("retailer"), std::string::npos) << status.message();
}

TEST_F(GenesisStateTest, RefusesOrgIdWithNulByte) {
  genesis_.mutable_organizations(0)->set_id(std::string("fa\0rm", 5));
  EXPECT_EQ(GenesisState(genesis_).status().code(), Code::kInvalidArgument);
}

TEST_F(GenesisStateTest, RefusesKeyListedTwice) {
  v1::Genesis in_two_orgs = genesis_;
  in_two_orgs.mutable_organizations(2)->add_admin_public_keys(admin("farm").public_key().ToPem());
  EXPECT_EQ(GenesisState(in_two_orgs).status().code(), Code::kInvalidArgument);

  v1::Genesis in_one_org = genesis_;
  in_one_org.mutable_organizations(0)->add_admin_public_keys(admin("farm").public_key().ToPem());
  EXPECT_EQ(GenesisState(in_one_org).status().code(), Code::kInvalidArgument);
}

TEST_F(GenesisStateTest, RefusesTooManyAdminKeys) {
  for (size_t i = 0; i < kOrgAdminKeyCountMax; ++i) {
    genesis_.mutable_organizations(0)->add_admin_public_keys(NewKey().public_key().ToPem());
  }
  EXPECT_EQ(GenesisState(genesis_).status().code(), Code::kInvalidArgument);
}

TEST_F(GenesisStateTest, SameGenesisSameState) {
  Result<WriteSet> first = GenesisState(genesis_);
  Result<WriteSet> second = GenesisState(genesis_);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_TRUE(first->contains(OrgStateKey("retailer")));
  EXPECT_TRUE(first->contains(MemberStateKey(Id(admin("retailer")))));
}

}  // namespace
}  // namespace tadori
