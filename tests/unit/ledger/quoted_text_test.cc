// Ledger errors that quote untrusted text (timestamps, genesis fields) stay valid UTF-8 when
// the text is long and multi-byte: they reach clients as gRPC messages and CLI output, and
// chaincode stores them in refusals.
#include <gtest/gtest.h>

#include <string>

#include "ledger/genesis.h"
#include "ledger/rfc3339.h"
#include "ledger/utf8.h"
#include "tests/unit/ledger/test_chain.h"

namespace tadori {
namespace {

const std::string kA = "\xE3\x81\x82";  // "あ", 3 bytes

// 22 x "あ" is 66 bytes: a cut at byte 64 lands inside the 22nd character.
std::string Japanese22() {
  std::string out;
  for (int i = 0; i < 22; ++i) out += kA;
  return out;
}

void ExpectQuotedOnABoundary(const Status& status, const std::string& needle) {
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.ToString();
  EXPECT_NE(status.message().find(needle), std::string::npos) << status.ToString();
  EXPECT_TRUE(IsValidUtf8(status.message())) << ::testing::PrintToString(status.message());
  EXPECT_NE(status.message().find(kA + "\xE2\x80\xA6"), std::string::npos)  // "あ…"
      << status.ToString();
}

TEST(QuotedText, Rfc3339ErrorsCutLongTextOnACharacterBoundary) {
  ExpectQuotedOnABoundary(ParseRfc3339(Japanese22()).status(), "expected a date YYYY-MM-DD in '");
  ExpectQuotedOnABoundary(ParseIsoDate(Japanese22()).status(), "expected a date YYYY-MM-DD in '");
  ExpectQuotedOnABoundary(ParseUtcOffsetMinutes(Japanese22()).status(),
                          "expected a UTC offset Z or +HH:MM in '");
}

TEST(QuotedText, GenesisUnknownRoleIsCutOnACharacterBoundary) {
  testing::TestNetwork net = testing::MakeNetwork(1);
  v1::Genesis g = net.genesis_message;
  g.mutable_organizations(0)->add_roles(Japanese22());
  ExpectQuotedOnABoundary(SealGenesis(g).status(), "unknown role \"");
}

TEST(QuotedText, GenesisUnknownValidatorOrgIsCutOnACharacterBoundary) {
  testing::TestNetwork net = testing::MakeNetwork(1);
  v1::Genesis g = net.genesis_message;
  g.mutable_validators(0)->set_org_id(Japanese22());
  ExpectQuotedOnABoundary(SealGenesis(g).status(), "org_id \"");
}

}  // namespace
}  // namespace tadori
