// Inbox (node/validator/inbox.h): per-peer bounds by messages and bytes, in which a flooding
// peer loses only its own oldest messages, and Pop taking the peers in turn.
#include "node/validator/inbox.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace tadori {
namespace {

// A message of `size` bytes, each byte `tag`, so that tests can tell messages apart.
Bytes Msg(size_t size, uint8_t tag) {
  return Bytes(size, tag);
}

// Pops everything: (peer, tag of the message) in the order Pop gives them.
std::vector<std::pair<size_t, uint8_t>> Drain(Inbox& inbox) {
  std::vector<std::pair<size_t, uint8_t>> out;
  while (std::optional<std::pair<size_t, Bytes>> m = inbox.Pop()) {
    EXPECT_FALSE(m->second.empty());
    out.emplace_back(m->first, m->second.empty() ? 0 : m->second[0]);
  }
  return out;
}

using Order = std::vector<std::pair<size_t, uint8_t>>;

TEST(InboxTest, KeepsEverythingWithinBounds) {
  Inbox inbox(2, InboxLimits{4, 100});
  EXPECT_TRUE(inbox.empty());
  EXPECT_TRUE(inbox.Push(0, Msg(10, 1)));
  EXPECT_TRUE(inbox.Push(0, Msg(20, 2)));
  EXPECT_TRUE(inbox.Push(1, Msg(30, 3)));
  EXPECT_FALSE(inbox.empty());
  EXPECT_EQ(inbox.messages(), 3u);
  EXPECT_EQ(inbox.bytes(), 60u);
  EXPECT_EQ(inbox.bytes_of(0), 30u);
  EXPECT_EQ(inbox.bytes_of(1), 30u);
  EXPECT_EQ(inbox.dropped(), 0u);
}

TEST(InboxTest, MessageBoundDropsOldestOfThatPeerOnly) {
  Inbox inbox(2, InboxLimits{3, 1'000});
  ASSERT_TRUE(inbox.Push(1, Msg(7, 100)));
  ASSERT_TRUE(inbox.Push(1, Msg(7, 101)));
  for (uint8_t i = 0; i < 3; ++i) EXPECT_TRUE(inbox.Push(0, Msg(10, i)));
  EXPECT_FALSE(inbox.Push(0, Msg(10, 3)));  // drops 0
  EXPECT_FALSE(inbox.Push(0, Msg(10, 4)));  // drops 1
  EXPECT_EQ(inbox.dropped(), 2u);
  EXPECT_EQ(inbox.messages(), 5u);
  EXPECT_EQ(inbox.bytes_of(0), 30u);
  EXPECT_EQ(inbox.bytes_of(1), 14u);  // untouched
  EXPECT_EQ(Drain(inbox), (Order{{0, 2}, {1, 100}, {0, 3}, {1, 101}, {0, 4}}));
}

TEST(InboxTest, ByteBoundDropsOldestOfThatPeerOnly) {
  Inbox inbox(2, InboxLimits{100, 100});
  ASSERT_TRUE(inbox.Push(1, Msg(90, 100)));
  EXPECT_TRUE(inbox.Push(0, Msg(40, 0)));
  EXPECT_TRUE(inbox.Push(0, Msg(40, 1)));
  EXPECT_FALSE(inbox.Push(0, Msg(30, 2)));  // 110 > 100: drops 0
  EXPECT_EQ(inbox.bytes_of(0), 70u);
  EXPECT_EQ(inbox.dropped(), 1u);
  EXPECT_FALSE(inbox.Push(0, Msg(60, 3)));  // 130 > 100: drops 1, then 30 + 60 fits
  EXPECT_EQ(inbox.bytes_of(0), 90u);
  EXPECT_EQ(inbox.dropped(), 2u);
  EXPECT_EQ(inbox.bytes_of(1), 90u);  // untouched, though the inbox holds 180 bytes
  EXPECT_EQ(inbox.bytes(), 180u);
  EXPECT_EQ(Drain(inbox), (Order{{0, 2}, {1, 100}, {0, 3}}));
}

TEST(InboxTest, MessageOverByteBoundIsRefusedAndKeepsThePeersQueue) {
  Inbox inbox(2, InboxLimits{100, 100});
  ASSERT_TRUE(inbox.Push(0, Msg(50, 0)));
  EXPECT_FALSE(inbox.Push(0, Msg(101, 1)));
  EXPECT_EQ(inbox.dropped(), 1u);
  EXPECT_EQ(inbox.messages(), 1u);
  EXPECT_EQ(inbox.bytes_of(0), 50u);
  EXPECT_EQ(Drain(inbox), (Order{{0, 0}}));
  // Exactly the bound fits.
  EXPECT_TRUE(inbox.Push(1, Msg(100, 2)));
  EXPECT_EQ(inbox.bytes_of(1), 100u);
}

TEST(InboxTest, PopTakesPeersInTurn) {
  Inbox inbox(3, InboxLimits{});
  ASSERT_TRUE(inbox.Push(0, Msg(1, 10)));
  ASSERT_TRUE(inbox.Push(0, Msg(1, 11)));
  ASSERT_TRUE(inbox.Push(0, Msg(1, 12)));
  ASSERT_TRUE(inbox.Push(1, Msg(1, 20)));
  ASSERT_TRUE(inbox.Push(2, Msg(1, 30)));
  ASSERT_TRUE(inbox.Push(2, Msg(1, 31)));
  EXPECT_EQ(Drain(inbox), (Order{{0, 10}, {1, 20}, {2, 30}, {0, 11}, {2, 31}, {0, 12}}));
  EXPECT_FALSE(inbox.Pop().has_value());
}

// However far a flooding peer's backlog has been drained when another peer's message
// arrives, at most one of each other busy peer's messages goes first.
TEST(InboxTest, FloodingPeerDelaysAnotherByAtMostOneTurn) {
  for (size_t flooders = 1; flooders <= 2; ++flooders) {
    for (size_t drained = 0; drained < 4; ++drained) {
      SCOPED_TRACE(::testing::Message() << flooders << " flooders, " << drained << " popped");
      const size_t victim = flooders;  // peers 0 .. flooders-1 flood
      Inbox inbox(flooders + 1, InboxLimits{});
      for (size_t f = 0; f < flooders; ++f) {
        for (int i = 0; i < 100; ++i) ASSERT_TRUE(inbox.Push(f, Msg(64, 1)));
      }
      for (size_t i = 0; i < drained; ++i) ASSERT_TRUE(inbox.Pop().has_value());
      ASSERT_TRUE(inbox.Push(victim, Msg(8, 2)));
      size_t before = 0;
      for (;;) {
        std::optional<std::pair<size_t, Bytes>> m = inbox.Pop();
        ASSERT_TRUE(m.has_value());
        if (m->first == victim) break;
        ++before;
      }
      EXPECT_LE(before, flooders);
    }
  }
}

TEST(InboxTest, CountersAreExact) {
  Inbox inbox(3, InboxLimits{2, 50});
  ASSERT_TRUE(inbox.Push(0, Msg(10, 0)));
  ASSERT_TRUE(inbox.Push(0, Msg(20, 1)));
  EXPECT_FALSE(inbox.Push(0, Msg(5, 2)));   // message bound: drops the 10
  EXPECT_FALSE(inbox.Push(1, Msg(51, 3)));  // alone over the byte bound
  ASSERT_TRUE(inbox.Push(2, Msg(50, 4)));
  EXPECT_EQ(inbox.messages(), 3u);
  EXPECT_EQ(inbox.bytes(), 75u);
  EXPECT_EQ(inbox.bytes_of(0), 25u);
  EXPECT_EQ(inbox.bytes_of(1), 0u);
  EXPECT_EQ(inbox.bytes_of(2), 50u);
  EXPECT_EQ(inbox.dropped(), 2u);

  std::optional<std::pair<size_t, Bytes>> m = inbox.Pop();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->first, 0u);
  EXPECT_EQ(m->second, Msg(20, 1));
  EXPECT_EQ(inbox.messages(), 2u);
  EXPECT_EQ(inbox.bytes(), 55u);
  EXPECT_EQ(inbox.bytes_of(0), 5u);

  EXPECT_EQ(Drain(inbox), (Order{{2, 4}, {0, 2}}));
  EXPECT_TRUE(inbox.empty());
  EXPECT_EQ(inbox.messages(), 0u);
  EXPECT_EQ(inbox.bytes(), 0u);
  EXPECT_EQ(inbox.bytes_of(0), 0u);
  EXPECT_EQ(inbox.bytes_of(2), 0u);
  EXPECT_EQ(inbox.dropped(), 2u);  // popping is not dropping
}

}  // namespace
}  // namespace tadori
