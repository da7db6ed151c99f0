// CommitFeed subscriptions (node/validator/commit_feed.h): each is answered exactly once, by
// its commit, its deadline (the feed's timer thread) or shutdown, unless cancelled first;
// callbacks run without the feed's lock.
#include "node/validator/commit_feed.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ledger/hash.h"

namespace tadori {
namespace {

using namespace std::chrono_literals;
using Clock = CommitFeed::Clock;

Hash Id(const std::string& name) {
  return Sha256(AsBytes(name));
}

v1::TxResult ResultSaying(const std::string& message) {
  v1::TxResult r;
  r.set_message(message);
  return r;
}

// What a subscription heard, filled from whichever thread answers it.
struct Heard {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<CommitFeed::TxWait> waits;
  std::vector<Clock::time_point> at;

  CommitFeed::TxCallback Callback() {
    return [this](const CommitFeed::TxWait& wait) {
      std::lock_guard lock(mu);
      waits.push_back(wait);
      at.push_back(Clock::now());
      cv.notify_all();
    };
  }
  size_t count() {
    std::lock_guard lock(mu);
    return waits.size();
  }
  // Waits for `n` answers; the bound only ends a failing test.
  bool AwaitCount(size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 10s, [&] { return waits.size() >= n; });
  }
};

const Clock::time_point kFar = Clock::now() + 24h;

TEST(CommitFeedTest, APublishedBlockAnswersItsTransactionsSubscribers) {
  Heard a, twice, other;
  CommitFeed feed(4);
  ASSERT_TRUE(feed.Subscribe(Id("a"), kFar, a.Callback()).has_value());
  ASSERT_TRUE(feed.Subscribe(Id("a"), kFar, twice.Callback()).has_value());
  ASSERT_TRUE(feed.Subscribe(Id("other"), kFar, other.Callback()).has_value());
  EXPECT_EQ(feed.subscriptions(), 3u);

  feed.Publish(5, {Id("x"), Id("a"), Id("y")},
               {ResultSaying("x"), ResultSaying("a"), ResultSaying("y")});
  // Answered before Publish returned, on this thread.
  ASSERT_EQ(a.count(), 1u);
  EXPECT_EQ(a.waits[0].end, CommitFeed::TxWaitEnd::kCommitted);
  EXPECT_EQ(a.waits[0].outcome.height, 5u);
  EXPECT_EQ(a.waits[0].outcome.index, 1u);
  EXPECT_EQ(a.waits[0].outcome.result.message(), "a");
  ASSERT_EQ(twice.count(), 1u);
  EXPECT_EQ(twice.waits[0].outcome.index, 1u);
  EXPECT_EQ(other.count(), 0u);
  EXPECT_EQ(feed.subscriptions(), 1u);

  // Once only: a second block with the same id answers nobody again.
  feed.Publish(6, {Id("a")}, {ResultSaying("again")});
  EXPECT_EQ(a.count(), 1u);
  EXPECT_EQ(feed.WaitForHeightAbove(5, Clock::now()), 6u);
}

TEST(CommitFeedTest, ACancelledSubscriptionIsNeverAnswered) {
  Heard cancelled, kept;
  CommitFeed feed(0);
  auto token = feed.Subscribe(Id("a"), kFar, cancelled.Callback());
  ASSERT_TRUE(token.has_value());
  ASSERT_TRUE(feed.Subscribe(Id("a"), kFar, kept.Callback()).has_value());
  EXPECT_TRUE(feed.Cancel(*token));
  EXPECT_FALSE(feed.Cancel(*token));  // already gone
  EXPECT_EQ(feed.subscriptions(), 1u);
  feed.Publish(1, {Id("a")}, {ResultSaying("a")});
  EXPECT_EQ(cancelled.count(), 0u);
  EXPECT_EQ(kept.count(), 1u);
  feed.Shutdown();
  EXPECT_EQ(cancelled.count(), 0u);
  EXPECT_EQ(kept.count(), 1u);
}

TEST(CommitFeedTest, AnAnsweredSubscriptionCannotBeCancelled) {
  Heard heard;
  CommitFeed feed(0);
  auto token = feed.Subscribe(Id("a"), kFar, heard.Callback());
  ASSERT_TRUE(token.has_value());
  feed.Publish(1, {Id("a")}, {ResultSaying("a")});
  EXPECT_FALSE(feed.Cancel(*token));
  EXPECT_EQ(heard.count(), 1u);
}

TEST(CommitFeedTest, DeadlinesAreAnsweredByTheTimerNotBefore) {
  Heard late, soon;
  CommitFeed feed(0);
  // The later deadline first: the earlier one subscribed after it must wake the timer.
  ASSERT_TRUE(feed.Subscribe(Id("late"), kFar, late.Callback()).has_value());
  const Clock::time_point deadline = Clock::now() + 50ms;
  ASSERT_TRUE(feed.Subscribe(Id("soon"), deadline, soon.Callback()).has_value());
  ASSERT_TRUE(soon.AwaitCount(1));
  EXPECT_EQ(soon.waits[0].end, CommitFeed::TxWaitEnd::kDeadline);
  EXPECT_GE(soon.at[0], deadline);
  EXPECT_EQ(late.count(), 0u);
  EXPECT_EQ(feed.subscriptions(), 1u);
  // Its commit after the deadline reaches nobody.
  feed.Publish(1, {Id("soon")}, {ResultSaying("soon")});
  EXPECT_EQ(soon.count(), 1u);
}

TEST(CommitFeedTest, ADeadlineAlreadyPassedIsAnsweredAtOnceAndACommitFirstWins) {
  Heard passed, committed;
  CommitFeed feed(0);
  ASSERT_TRUE(feed.Subscribe(Id("passed"), Clock::now() - 1s, passed.Callback()).has_value());
  ASSERT_TRUE(passed.AwaitCount(1));
  EXPECT_EQ(passed.waits[0].end, CommitFeed::TxWaitEnd::kDeadline);
  ASSERT_TRUE(feed.Subscribe(Id("c"), Clock::now() + 100ms, committed.Callback()).has_value());
  feed.Publish(1, {Id("c")}, {ResultSaying("c")});
  ASSERT_EQ(committed.count(), 1u);
  EXPECT_EQ(committed.waits[0].end, CommitFeed::TxWaitEnd::kCommitted);
  // The timer does not answer it again when its deadline comes.
  Heard marker;
  ASSERT_TRUE(feed.Subscribe(Id("marker"), Clock::now() + 200ms, marker.Callback()).has_value());
  ASSERT_TRUE(marker.AwaitCount(1));
  EXPECT_EQ(committed.count(), 1u);
}

TEST(CommitFeedTest, ShutdownAnswersEverySubscriptionAndRefusesNewOnes) {
  Heard a, b;
  CommitFeed feed(0);
  auto token = feed.Subscribe(Id("a"), kFar, a.Callback());
  ASSERT_TRUE(token.has_value());
  ASSERT_TRUE(feed.Subscribe(Id("b"), Clock::now() + 1h, b.Callback()).has_value());
  feed.Shutdown();
  ASSERT_EQ(a.count(), 1u);
  ASSERT_EQ(b.count(), 1u);
  EXPECT_EQ(a.waits[0].end, CommitFeed::TxWaitEnd::kShutdown);
  EXPECT_EQ(b.waits[0].end, CommitFeed::TxWaitEnd::kShutdown);
  EXPECT_EQ(feed.subscriptions(), 0u);
  EXPECT_FALSE(feed.Cancel(*token));
  Heard after;
  EXPECT_FALSE(feed.Subscribe(Id("c"), kFar, after.Callback()).has_value());
  feed.Shutdown();  // idempotent
  EXPECT_EQ(a.count(), 1u);
  EXPECT_EQ(after.count(), 0u);
}

TEST(CommitFeedTest, ShutdownReturnsOnlyOnceTheTimersCallbacksFinished) {
  // The client API's reactors and service may be destroyed once Shutdown returned: a
  // deadline callback the timer already took must not still be running then.
  Heard entered;
  CommitFeed feed(0);
  std::atomic<bool> finished{false};
  ASSERT_TRUE(feed.Subscribe(Id("slow"), Clock::now(),
                             [&](const CommitFeed::TxWait& wait) {
                               entered.Callback()(wait);
                               std::this_thread::sleep_for(300ms);
                               finished = true;
                             })
                  .has_value());
  ASSERT_TRUE(entered.AwaitCount(1));
  EXPECT_EQ(entered.waits[0].end, CommitFeed::TxWaitEnd::kDeadline);
  feed.Shutdown();
  EXPECT_TRUE(finished);
}

TEST(CommitFeedTest, ATimerCallbackMayShutTheFeedDown) {
  // Shutdown from the timer's own thread cannot join it; the destructor does.
  Heard stopped;
  {
    Heard done;  // declared before the feed: the feed's end may still answer it
    CommitFeed feed(0);
    ASSERT_TRUE(feed.Subscribe(Id("waits"), kFar, stopped.Callback()).has_value());
    ASSERT_TRUE(feed.Subscribe(Id("stops"), Clock::now(),
                               [&](const CommitFeed::TxWait& wait) {
                                 feed.Shutdown();
                                 done.Callback()(wait);
                               })
                    .has_value());
    ASSERT_TRUE(done.AwaitCount(1));
    EXPECT_TRUE(feed.shut_down());
  }
  ASSERT_EQ(stopped.count(), 1u);
  EXPECT_EQ(stopped.waits[0].end, CommitFeed::TxWaitEnd::kShutdown);
}

TEST(CommitFeedTest, DestroyingTheFeedAnswersWhatStillWaits) {
  Heard heard;
  {
    CommitFeed feed(0);
    ASSERT_TRUE(feed.Subscribe(Id("a"), kFar, heard.Callback()).has_value());
  }
  ASSERT_EQ(heard.count(), 1u);
  EXPECT_EQ(heard.waits[0].end, CommitFeed::TxWaitEnd::kShutdown);
}

TEST(CommitFeedTest, CallbacksRunWithoutTheFeedsLock) {
  // A callback that uses the feed would deadlock if the feed held its lock around it.
  Heard other;
  CommitFeed feed(0);
  auto other_token = feed.Subscribe(Id("other"), kFar, other.Callback());
  ASSERT_TRUE(other_token.has_value());
  bool cancelled_other = false;
  std::optional<CommitFeed::Token> resubscribed;
  ASSERT_TRUE(feed.Subscribe(Id("a"), kFar,
                             [&](const CommitFeed::TxWait&) {
                               cancelled_other = feed.Cancel(*other_token);
                               resubscribed = feed.Subscribe(Id("next"), kFar, [](const auto&) {});
                             })
                  .has_value());
  feed.Publish(1, {Id("a")}, {ResultSaying("a")});
  EXPECT_TRUE(cancelled_other);
  EXPECT_TRUE(resubscribed.has_value());
  EXPECT_EQ(other.count(), 0u);
  EXPECT_EQ(feed.subscriptions(), 1u);  // "next"

  // The same from the timer's thread.
  Heard done;
  ASSERT_TRUE(feed.Subscribe(Id("t"), Clock::now(),
                             [&](const CommitFeed::TxWait& wait) {
                               EXPECT_TRUE(feed.Cancel(*resubscribed));
                               done.Callback()(wait);
                             })
                  .has_value());
  ASSERT_TRUE(done.AwaitCount(1));
  EXPECT_EQ(feed.subscriptions(), 0u);
}

}  // namespace
}  // namespace tadori
