// How the CLI says how far a recall has got.
#include <gtest/gtest.h>

#include <string>

#include "tools/cli/recall_render.h"

namespace tadori::cli {
namespace {

const std::string kRecallId(64, 'e');

v1::RecallRecord Record(bool complete, uint64_t lots_flagged) {
  v1::RecallRecord r;
  r.set_recall_id(kRecallId);
  r.set_origin_lot("KF-SPN-261120-P1");
  r.set_issued_by_org("fukuoka-food-safety");
  r.set_lots_flagged(lots_flagged);
  r.set_complete(complete);
  return r;
}

TEST(RecallRenderTest, IncompleteRecallSaysHowManyLotsSoFarAndHowToContinueIt) {
  EXPECT_EQ(RenderRecallProgress(Record(false, 10'000)),
            "recall " + kRecallId +
                ": incomplete: 10000 lots flagged so far; continue with `tadori recall continue " +
                kRecallId + "`\n");
}

TEST(RecallRenderTest, CompleteRecallSaysHowManyLotsItFlagged) {
  EXPECT_EQ(RenderRecallProgress(Record(true, 3)),
            "recall " + kRecallId + ": complete: 3 lots flagged\n");
  EXPECT_EQ(RenderRecallProgress(Record(true, 1)),
            "recall " + kRecallId + ": complete: 1 lot flagged\n");
}

TEST(RecallRenderTest, ScopeShowsTheFlagsThenEachRecallsProgress) {
  v1::RecallScopeResponse s;
  v1::RecallFlag* flag = s.add_recalls();
  flag->set_recall_id(kRecallId);
  flag->set_origin_lot("KF-SPN-261120-P1");
  flag->set_issued_by_org("fukuoka-food-safety");
  flag->set_reason("Listeria");
  *s.add_records() = Record(false, 10'000);
  s.add_affected_lots("KF-SPN-261120-P1");
  const std::string out = RenderRecallScopeWithProgress(s);
  const size_t flag_line = out.find("recall of KF-SPN-261120-P1 by fukuoka-food-safety");
  const size_t progress_line = out.find("incomplete: 10000 lots flagged so far");
  ASSERT_NE(flag_line, std::string::npos) << out;
  ASSERT_NE(progress_line, std::string::npos) << out;
  EXPECT_LT(flag_line, progress_line) << out;
  EXPECT_NE(out.find("affected lots (1): KF-SPN-261120-P1"), std::string::npos) << out;
  EXPECT_EQ(out.find("TRUNCATED"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
  s.set_truncated(true);
  EXPECT_NE(RenderRecallScopeWithProgress(s).find("TRUNCATED"), std::string::npos);
}

}  // namespace
}  // namespace tadori::cli
