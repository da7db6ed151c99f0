// The index key layout of chaincode/index_keys.h: ordering, prefixes and positions.
#include "chaincode/index_keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace tadori::index_keys {
namespace {

TEST(IndexKeysTest, TimeEncodingSortsLikeIntegers) {
  std::vector<int64_t> times = {
      std::numeric_limits<int64_t>::min(), -86'400'000, -1, 0, 1, 1'763'600'000'000,
      std::numeric_limits<int64_t>::max()};
  for (size_t i = 1; i < times.size(); ++i) {
    EXPECT_LT(EncodeTime(times[i - 1]), EncodeTime(times[i])) << times[i];
    EXPECT_EQ(EncodeTime(times[i]).size(), 8u);
  }
}

TEST(IndexKeysTest, EventKeysSortByTimeThenPosition) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> time(-1'000'000, 1'000'000);
  std::uniform_int_distribution<uint64_t> height(0, 1000);
  std::uniform_int_distribution<uint32_t> index(0, 5);
  struct Entry {
    int64_t time_ms;
    Position pos;
  };
  std::vector<Entry> entries;
  for (int i = 0; i < 500; ++i) entries.push_back({time(rng), {height(rng), index(rng)}});
  auto tuple = [](const Entry& e) { return std::tuple(e.time_ms, e.pos.height, e.pos.index); };
  for (const Entry& a : entries) {
    for (const Entry& b : {entries[0], entries[1], entries[2]}) {
      EXPECT_EQ(tuple(a) < tuple(b), EventByBizStep("shipping", a.time_ms, a.pos) <
                                         EventByBizStep("shipping", b.time_ms, b.pos));
      EXPECT_EQ(tuple(a) < tuple(b), EventByTime(a.time_ms, a.pos) < EventByTime(b.time_ms, b.pos));
    }
  }
}

TEST(IndexKeysTest, KeysFollowTheGrammar) {
  const Position pos{0x0102030405060708, 0x0a0b0c0d};
  const std::string pos_bytes("\x01\x02\x03\x04\x05\x06\x07\x08\x0a\x0b\x0c\x0d", 12);
  EXPECT_EQ(Event(pos), "e/" + pos_bytes);
  EXPECT_EQ(LotEvent("LOT-1", pos), std::string("le/LOT-1\0", 9) + pos_bytes);
  EXPECT_EQ(EventByTime(0, pos), "et/" + EncodeTime(0) + pos_bytes);
  EXPECT_EQ(EventByBizStep("shipping", 5, pos),
            std::string("eb/shipping\0", 12) + EncodeTime(5) + pos_bytes);
  EXPECT_EQ(EventByLocation("gln", 5, pos), std::string("el/gln\0", 7) + EncodeTime(5) + pos_bytes);
  EXPECT_EQ(EventByOrg("farm", 5, pos), std::string("eo/farm\0", 8) + EncodeTime(5) + pos_bytes);
  EXPECT_EQ(
      DeviceReading("d1", 5, 0x11, 0x22),
      std::string("rd/d1\0", 6) + EncodeTime(5) + std::string("\0\0\0\0\0\0\0\x11\0\0\0\x22", 12));
  EXPECT_EQ(LotReading("L", 5, "d1", 0x11, 0x22),
            std::string("rl/L\0", 5) + EncodeTime(5) + std::string("d1\0", 3) +
                std::string("\0\0\0\0\0\0\0\x11\0\0\0\x22", 12));
  EXPECT_EQ(PilotVersion("r", 3, pos), std::string("ph/r\0\0\0\0\x03", 9) + pos_bytes);
}

TEST(IndexKeysTest, PrefixesCoverTheirKeysOnly) {
  const Position pos{9, 1};
  EXPECT_TRUE(LotEvent("LOT-1", pos).starts_with(LotEventPrefix("LOT-1")));
  // "LOT-1" must not scan "LOT-10"'s events: the NUL terminator separates them.
  EXPECT_FALSE(LotEvent("LOT-10", pos).starts_with(LotEventPrefix("LOT-1")));
  EXPECT_TRUE(EventByBizStep("receiving", 1, pos).starts_with(BizStepPrefix("receiving")));
  EXPECT_TRUE(EventByLocation("g", 1, pos).starts_with(LocationPrefix("g")));
  EXPECT_TRUE(EventByOrg("farm", 1, pos).starts_with(OrgPrefix("farm")));
  EXPECT_FALSE(EventByOrg("farmer", 1, pos).starts_with(OrgPrefix("farm")));
  EXPECT_TRUE(DeviceReading("d", 1, 1, 0).starts_with(DevicePrefix("d")));
  EXPECT_TRUE(LotReading("L", 1, "d", 1, 0).starts_with(LotReadingPrefix("L")));
  EXPECT_TRUE(EventByTime(1, pos).starts_with(kEventByTimePrefix));
}

TEST(IndexKeysTest, PositionComesBackFromEveryEventKey) {
  const Position pos{123456789, 42};
  for (const std::string& key :
       {Event(pos), LotEvent("LOT", pos), EventByTime(-5, pos), EventByBizStep("x", 5, pos),
        EventByLocation("g", 5, pos), EventByOrg("o", 5, pos)}) {
    Result<Position> back = PositionFromKey(key);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->height, pos.height);
    EXPECT_EQ(back->index, pos.index);
  }
}

TEST(IndexKeysTest, ShortKeyHasNoPosition) {
  EXPECT_EQ(PositionFromKey("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PositionFromKey(std::string(13, 'x')).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(PositionFromKey(std::string(14, 'x')).ok());
}

}  // namespace
}  // namespace tadori::index_keys
