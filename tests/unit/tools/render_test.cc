#include "tools/cli/render.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "ledger/hash.h"

namespace tadori::cli {
namespace {

TEST(RenderTest, TimesAreUtcIso8601WithMilliseconds) {
  EXPECT_EQ(FormatTimeMs(0), "-");
  EXPECT_EQ(FormatTimeMs(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(FormatTimeMs(1'764'086'838'123), "2025-11-25T16:07:18.123Z");
}

TEST(RenderTest, ResultShowsCodeNameAndMessage) {
  v1::TxResult ok;
  EXPECT_EQ(FormatResult(ok), "OK");
  v1::TxResult refused;
  refused.set_code(7);
  refused.set_message("not the custodian");
  EXPECT_EQ(FormatResult(refused), "PERMISSION_DENIED: not the custodian");
  v1::TxResult odd;
  odd.set_code(99);
  EXPECT_EQ(FormatResult(odd), "CODE_99");
}

TEST(RenderTest, MilliUnitsPrintExactly) {
  EXPECT_EQ(FormatMilli(5'000'001), "5000.001");
  EXPECT_EQ(FormatMilli(0), "0.000");
  EXPECT_EQ(FormatMilli(-20), "-0.020");
  EXPECT_EQ(FormatMilli(INT64_MIN), "-9223372036854775.808");
}

TEST(RenderTest, BlockLineCountsRefusedResults) {
  v1::GetBlockResponse b;
  b.mutable_header()->set_height(12);
  b.set_hash(Sha256(std::string_view("x")).ToBinaryString());
  for (int i = 0; i < 3; ++i) b.mutable_block()->add_txs();
  b.add_results();
  b.add_results()->set_code(9);
  b.add_results();
  const std::string line = RenderBlockLine(b);
  EXPECT_NE(line.find("height 12"), std::string::npos) << line;
  EXPECT_NE(line.find("txs 3  ok 2  refused 1"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(RenderTest, BlockTableShowsTransactionIdsAndResults) {
  v1::GetBlockResponse b;
  v1::TransactionBody body;
  body.mutable_issue_recall()->set_lot_code("L1");
  v1::SignedTransaction* tx = b.mutable_block()->add_txs();
  tx->set_body(body.SerializeAsString());
  v1::TxResult* r = b.add_results();
  r->set_code(6);
  r->set_message("lot exists");
  const std::string out = RenderBlock(b);
  EXPECT_NE(out.find(Sha256(AsBytes(tx->body())).Hex()), std::string::npos) << out;
  EXPECT_NE(out.find("issue_recall"), std::string::npos) << out;
  EXPECT_NE(out.find("ALREADY_EXISTS: lot exists"), std::string::npos) << out;
}

TEST(RenderTest, StatusListsValidators) {
  v1::StatusResponse s;
  s.set_chain_id("tadori-dev");
  s.set_height(7);
  v1::ValidatorStatus* v = s.add_validators();
  v->set_id("validator-0");
  v->set_org_id("dev-org");
  const std::string out = RenderStatus(s);
  EXPECT_NE(out.find("chain id      tadori-dev"), std::string::npos) << out;
  EXPECT_NE(out.find("validator-0  dev-org"), std::string::npos) << out;
}

TEST(RenderTest, StatusSaysWhetherTheNodeTellsCallersApart) {
  v1::StatusResponse s;
  s.set_client_access("open (no client TLS)");
  EXPECT_NE(RenderStatus(s).find("clients       open (no client TLS)\n"), std::string::npos);
  s.set_client_access("policy");
  EXPECT_NE(RenderStatus(s).find("clients       policy\n"), std::string::npos);
}

TEST(RenderTest, StatusShowsRoundSyncingAndPeers) {
  v1::StatusResponse s;
  s.set_chain_id("kyushu");
  s.set_mode("bft");
  s.set_height(40);
  s.set_round(43);
  s.set_syncing(true);
  s.set_validator_id("validator-1");
  v1::PeerStatus* p = s.add_peers();
  p->set_validator_id("validator-2");
  p->set_address("10.0.0.2:7060");
  p->set_connected(true);
  p = s.add_peers();
  p->set_validator_id("validator-3");
  p->set_address("10.0.0.3:7060");
  const std::string out = RenderStatus(s);
  EXPECT_NE(out.find("validator id  validator-1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("round         43\n"), std::string::npos) << out;
  EXPECT_NE(out.find("syncing       yes"), std::string::npos) << out;
  EXPECT_NE(out.find("peers (1 of 2 connected)\n"
                     "VALIDATOR    ADDRESS        STATE\n"
                     "validator-2  10.0.0.2:7060  connected\n"
                     "validator-3  10.0.0.3:7060  disconnected\n"),
            std::string::npos)
      << out;
}

TEST(RenderTest, StatusOfADevNodeHasNoPeersSection) {
  v1::StatusResponse s;
  s.set_mode("dev");
  const std::string out = RenderStatus(s);
  EXPECT_NE(out.find("syncing       no\n"), std::string::npos) << out;
  EXPECT_NE(out.find("validator id  -\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("peers"), std::string::npos) << out;
}

TEST(RenderTest, StatusJsonCarriesTheNetworkFields) {
  v1::StatusResponse s;
  s.set_round(5);
  s.set_validator_id("validator-0");
  v1::PeerStatus* p = s.add_peers();
  p->set_validator_id("validator-1");
  p->set_address("n1:7060");
  const auto parsed = nlohmann::json::parse(ToJson(s));
  EXPECT_EQ(parsed.at("round"), "5");
  EXPECT_EQ(parsed.at("syncing"), false);
  EXPECT_EQ(parsed.at("validatorId"), "validator-0");
  ASSERT_EQ(parsed.at("peers").size(), 1u);
  EXPECT_EQ(parsed.at("peers")[0].at("address"), "n1:7060");
  EXPECT_EQ(parsed.at("peers")[0].at("connected"), false);
}

// A network node whose leader schedule skips two validators: one line each, naming the
// validator and its organisation, the reason and when it was last seen.
TEST(RenderTest, StatusListsTheValidatorsTheLeaderScheduleSkipsWithTheReason) {
  v1::StatusResponse s;
  s.set_mode("bft");
  s.set_round(136);
  for (const auto& [id, org] :
       std::vector<std::pair<std::string, std::string>>{{"validator-0", "kyushu-farm"},
                                                        {"validator-1", "kyushu-packer"},
                                                        {"validator-2", "kyushu-shipping"}}) {
    v1::ValidatorStatus* v = s.add_validators();
    v->set_id(id);
    v->set_org_id(org);
  }
  v1::LeaderScheduleStatus* schedule = s.mutable_leader_schedule();
  schedule->set_window_first_round(120);
  schedule->set_window_last_round(135);
  v1::SkippedLeader* skipped = schedule->add_skipped();
  skipped->set_validator_id("validator-0");
  skipped->set_last_seen_round(98);
  skipped->set_reason("no proposal or QC signature in rounds 120..135");
  skipped = schedule->add_skipped();
  skipped->set_validator_id("validator-2");
  skipped->set_reason("no proposal or QC signature in rounds 120..135");
  const std::string out = RenderStatus(s);
  EXPECT_NE(out.find("leader schedule: skips validator-0 (org kyushu-farm): no proposal or QC "
                     "signature in rounds 120..135 (last seen round 98)\n"
                     "leader schedule: skips validator-2 (org kyushu-shipping): no proposal or QC "
                     "signature in rounds 120..135 (not seen in any block read)\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("validator-1 (org"), std::string::npos) << out;
  EXPECT_EQ(out.find("every validator takes its turn"), std::string::npos) << out;
  EXPECT_EQ(out.find("probation"), std::string::npos) << out;
}

TEST(RenderTest, StatusSaysEveryValidatorLeadsWhenTheScheduleSkipsNone) {
  v1::StatusResponse s;
  s.set_mode("bft");
  s.mutable_leader_schedule()->set_window_last_round(7);
  const std::string out = RenderStatus(s);
  EXPECT_NE(out.find("leader schedule: every validator takes its turn\n"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("skips"), std::string::npos) << out;
}

// In a probation rotation the skipped validators lead too: the status says so beside them.
TEST(RenderTest, StatusSaysWhenTheRoundIsInAProbationRotation) {
  v1::StatusResponse s;
  s.set_mode("bft");
  s.set_round(4093);
  v1::LeaderScheduleStatus* schedule = s.mutable_leader_schedule();
  schedule->set_probation(true);
  v1::SkippedLeader* skipped = schedule->add_skipped();
  skipped->set_validator_id("validator-3");
  skipped->set_last_seen_round(4000);
  skipped->set_reason("no proposal or QC signature in rounds 4084..4092");
  const std::string out = RenderStatus(s);
  EXPECT_NE(out.find("leader schedule: round 4093 is in a probation rotation"), std::string::npos)
      << out;
  // No organisation known for it (not in the validators list): just the id.
  EXPECT_NE(out.find("leader schedule: skips validator-3: no proposal or QC signature in rounds "
                     "4084..4092 (last seen round 4000)\n"),
            std::string::npos)
      << out;
}

// A network node that does not know its schedule yet says so; a dev node has none at all.
TEST(RenderTest, StatusWithoutALeaderScheduleSaysSoOnANetworkOnly) {
  v1::StatusResponse s;
  s.set_mode("bft");
  EXPECT_NE(RenderStatus(s).find("leader schedule: not known yet"), std::string::npos);
  s.set_mode("dev");
  EXPECT_EQ(RenderStatus(s).find("leader schedule"), std::string::npos);
}

TEST(RenderTest, StatusJsonCarriesTheLeaderSchedule) {
  v1::StatusResponse s;
  v1::LeaderScheduleStatus* schedule = s.mutable_leader_schedule();
  schedule->set_window_first_round(120);
  schedule->set_window_last_round(135);
  v1::SkippedLeader* skipped = schedule->add_skipped();
  skipped->set_validator_id("validator-0");
  skipped->set_last_seen_round(98);
  skipped->set_reason("no proposal or QC signature in rounds 120..135");
  const auto parsed = nlohmann::json::parse(ToJson(s));
  const auto& out = parsed.at("leaderSchedule");
  EXPECT_EQ(out.at("windowFirstRound"), "120");
  EXPECT_EQ(out.at("windowLastRound"), "135");
  EXPECT_EQ(out.at("probation"), false);
  ASSERT_EQ(out.at("skipped").size(), 1u);
  EXPECT_EQ(out.at("skipped")[0].at("validatorId"), "validator-0");
  EXPECT_EQ(out.at("skipped")[0].at("lastSeenRound"), "98");
  EXPECT_EQ(out.at("skipped")[0].at("reason"), "no proposal or QC signature in rounds 120..135");
}

TEST(RenderTest, JsonIsOneValidLineWithDefaults) {
  v1::StatusResponse s;
  s.set_chain_id("c");
  s.set_head_hash(std::string("\x01\x02", 2));
  const std::string json = ToJson(s);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  const auto parsed = nlohmann::json::parse(json);
  EXPECT_EQ(parsed.at("chainId"), "c");
  EXPECT_EQ(parsed.at("height"), "0");  // defaults printed; uint64 as a string
  EXPECT_EQ(parsed.at("headHash"), "AQI=");
}

}  // namespace
}  // namespace tadori::cli
