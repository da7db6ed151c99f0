#include "ledger/genesis.h"

#include <gtest/gtest.h>

#include <string>

#include "ledger/limits.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

using testing::GenesisMessage;
using testing::NewKey;

class GenesisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = {NewKey(), NewKey(KeyType::kEd25519), NewKey(), NewKey()};
    g_ = GenesisMessage("genesis-test", keys_, admin_);
  }
  void ExpectInvalid(const std::string& needle) {
    Result<GenesisInfo> info = SealGenesis(g_);
    ASSERT_FALSE(info.ok()) << "expected refusal mentioning " << needle;
    EXPECT_EQ(info.status().code(), Code::kInvalidArgument) << info.status().ToString();
    EXPECT_NE(info.status().message().find(needle), std::string::npos) << info.status().ToString();
  }
  std::vector<PrivateKey> keys_;
  PrivateKey admin_ = NewKey();
  v1::Genesis g_;
};

TEST_F(GenesisTest, ValidGenesisSealsAndHashesItsBytes) {
  Result<GenesisInfo> info = SealGenesis(g_);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->hash, Sha256(info->bytes));
  EXPECT_EQ(info->genesis.chain_id(), "genesis-test");
  ASSERT_EQ(info->validators.size(), 4u);
  for (size_t i = 0; i < keys_.size(); ++i) {
    EXPECT_EQ(info->validators.IndexOf(keys_[i].public_key().id()), i);
  }
  EXPECT_FALSE(info->validators.IndexOf(admin_.public_key().id()).has_value());
  Result<GenesisInfo> again = DecodeGenesis(info->bytes);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->hash, info->hash);
}

TEST_F(GenesisTest, EmptyChainId) {
  g_.set_chain_id("");
  ExpectInvalid("chain_id");
}

TEST_F(GenesisTest, ChainIdTooLong) {
  g_.set_chain_id(std::string(kChainIdBytesMax + 1, 'c'));
  ExpectInvalid("chain_id");
}

TEST_F(GenesisTest, NoOrganizations) {
  g_.clear_organizations();
  ExpectInvalid("organizations");
}

TEST_F(GenesisTest, DuplicateOrganizationId) {
  *g_.add_organizations() = g_.organizations(0);
  g_.mutable_organizations(1)->set_admin_public_keys(0, NewKey().public_key().ToPem());
  ExpectInvalid("used twice");
}

TEST_F(GenesisTest, OrganizationWithoutAdminKey) {
  g_.mutable_organizations(0)->clear_admin_public_keys();
  ExpectInvalid("no admin key");
}

TEST_F(GenesisTest, AdminKeyDoesNotParse) {
  g_.mutable_organizations(0)->set_admin_public_keys(0, "-----BEGIN PUBLIC KEY-----\nAAAA\n");
  ExpectInvalid("admin key 0");
}

TEST_F(GenesisTest, AdminKeyListedTwice) {
  g_.mutable_organizations(0)->add_admin_public_keys(admin_.public_key().ToPem());
  ExpectInvalid("listed twice");
}

TEST_F(GenesisTest, TooManyAdminKeys) {
  for (size_t i = 0; i < kOrgAdminKeyCountMax; ++i) {
    g_.mutable_organizations(0)->add_admin_public_keys(NewKey().public_key().ToPem());
  }
  ExpectInvalid("admin keys");
}

TEST_F(GenesisTest, UnknownRole) {
  g_.mutable_organizations(0)->add_roles("pirate");
  ExpectInvalid("unknown role");
}

TEST_F(GenesisTest, RoleListedTwice) {
  g_.mutable_organizations(0)->add_roles("producer");
  ExpectInvalid("listed twice");
}

TEST_F(GenesisTest, EveryKnownRoleAccepted) {
  for (const char* role : {"processor", "distributor", "carrier", "retailer", "municipality",
                           "auditor", "regulator"}) {
    g_.mutable_organizations(0)->add_roles(role);
  }
  EXPECT_TRUE(SealGenesis(g_).ok());
}

TEST_F(GenesisTest, NoValidators) {
  g_.clear_validators();
  ExpectInvalid("validators");
}

TEST_F(GenesisTest, DuplicateValidatorId) {
  g_.mutable_validators(1)->set_id(g_.validators(0).id());
  ExpectInvalid("used twice");
}

TEST_F(GenesisTest, ValidatorOfUnknownOrganization) {
  g_.mutable_validators(2)->set_org_id("nobody");
  ExpectInvalid("not an organization");
}

TEST_F(GenesisTest, ValidatorKeyDoesNotParse) {
  g_.mutable_validators(0)->set_consensus_public_key("not a key");
  ExpectInvalid("consensus_public_key");
}

TEST_F(GenesisTest, ValidatorKeyShared) {
  g_.mutable_validators(3)->set_consensus_public_key(g_.validators(0).consensus_public_key());
  ExpectInvalid("shared");
}

TEST_F(GenesisTest, OversizeStringField) {
  g_.mutable_organizations(0)->set_name(std::string(kStringFieldBytesMax + 1, 'n'));
  ExpectInvalid("name");
}

TEST_F(GenesisTest, TruncatedBytesRefused) {
  Result<GenesisInfo> info = SealGenesis(g_);
  ASSERT_TRUE(info.ok());
  for (size_t n = 0; n < info->bytes.size(); n += 7) {
    SCOPED_TRACE(n);
    const ByteView prefix = ByteView(info->bytes).first(n);
    const Status s = DecodeGenesis(prefix).status();
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
    // A cut inside a field does not parse. A cut between fields parses to a genesis that
    // lacks everything after the cut: the check of the first required part missing refuses.
    v1::Genesis parsed;
    std::string reason = "genesis bytes: do not parse";
    if (parsed.ParseFromArray(prefix.data(), static_cast<int>(prefix.size()))) {
      reason = parsed.chain_id().empty()          ? "genesis chain_id: is empty"
               : parsed.organizations_size() == 0 ? "genesis organizations: none listed"
                                                  : "genesis validators: none listed";
    }
    EXPECT_EQ(s.message(), reason);
  }
}

TEST_F(GenesisTest, CorruptedBytesNeverCrashAndChangeTheHash) {
  Result<GenesisInfo> info = SealGenesis(g_);
  ASSERT_TRUE(info.ok());
  for (size_t i = 0; i < info->bytes.size(); i += 3) {
    Bytes bad = info->bytes;
    bad[i] ^= 0x21;
    Result<GenesisInfo> d = DecodeGenesis(bad);
    if (d.ok()) {
      EXPECT_NE(d->hash, info->hash);
    }
  }
}

TEST_F(GenesisTest, OversizeBytesRefused) {
  Bytes big(kGenesisBytesMax + 1, 0);
  Status s = DecodeGenesis(big).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("more than"), std::string::npos);
}

TEST_F(GenesisTest, JsonRoundTrip) {
  const std::string json = GenesisToJson(g_);
  EXPECT_NE(json.find("\"chain_id\""), std::string::npos);
  Result<GenesisInfo> from_json = GenesisFromJson(json);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  Result<GenesisInfo> sealed = SealGenesis(g_);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(from_json->hash, sealed->hash);
}

TEST_F(GenesisTest, JsonWithUnknownFieldRefused) {
  std::string json = GenesisToJson(g_);
  json.insert(json.find('{') + 1, "\"chainid_typo\": \"x\",");
  Status s = GenesisFromJson(json).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
}

TEST_F(GenesisTest, JsonNotJson) {
  EXPECT_EQ(GenesisFromJson("{not json").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(GenesisFromJson("").status().code(), Code::kInvalidArgument);
}

TEST_F(GenesisTest, JsonValidButRulesBroken) {
  g_.clear_validators();
  Status s = GenesisFromJson(GenesisToJson(g_)).status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("validators"), std::string::npos);
}

TEST(ValidatorSet, QuorumSizes) {
  auto quorum = [](size_t n) {
    std::vector<PublicKey> keys;
    for (size_t i = 0; i < n; ++i) keys.push_back(NewKey().public_key());
    return ValidatorSet(keys).Quorum();
  };
  EXPECT_EQ(quorum(1), 1u);
  EXPECT_EQ(quorum(2), 2u);
  EXPECT_EQ(quorum(3), 3u);
  EXPECT_EQ(quorum(4), 3u);  // 2f+1, f = 1
  EXPECT_EQ(quorum(5), 4u);  // two quorums of 4 share 3 >= f+1 = 2
  EXPECT_EQ(quorum(6), 5u);
  EXPECT_EQ(quorum(7), 5u);  // 2f+1, f = 2
  EXPECT_EQ(quorum(10), 7u);
}

TEST(ValidatorSet, AnyTwoQuorumsShareAnHonestValidator) {
  for (size_t n = 1; n <= 40; ++n) {
    const size_t f = (n - 1) / 3;
    std::vector<PublicKey> keys;
    for (size_t i = 0; i < n; ++i) keys.push_back(NewKey(KeyType::kEd25519).public_key());
    const size_t q = ValidatorSet(keys).Quorum();
    EXPECT_GE(2 * q, n + f + 1) << n;  // overlap 2q - n >= f + 1
    EXPECT_LE(q, n - f) << n;          // reachable with f silent
  }
}

}  // namespace
}  // namespace tadori
