#include "sim/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <tuple>
#include <vector>

#include "sim/rng.h"

namespace mw::sim {
namespace {

Time at_ms(int ms) { return kTimeZero + milliseconds(ms); }

TEST(Scheduler, RunsEventsInTimeOrder) {
  Scheduler s;
  std::vector<int> order;
  s.schedule_at(at_ms(30), [&] { order.push_back(30); });
  s.schedule_at(at_ms(10), [&] { order.push_back(10); });
  s.schedule_at(at_ms(20), [&] { order.push_back(20); });
  EXPECT_EQ(s.run_until_idle(), 3u);
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
  EXPECT_EQ(s.now(), at_ms(30));
}

TEST(Scheduler, EventsAtTheSameInstantRunInInsertionOrder) {
  Scheduler s;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) s.schedule_at(at_ms(5), [&order, i] { order.push_back(i); });
  s.run_until_idle();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(order[i], i);
}

TEST(Scheduler, EventScheduledForNowFromAnEventRunsAfterThoseAlreadyDue) {
  Scheduler s;
  std::vector<int> order;
  s.schedule_at(at_ms(1), [&] {
    order.push_back(1);
    s.schedule_after(Duration::zero(), [&] { order.push_back(3); });
  });
  s.schedule_at(at_ms(1), [&] { order.push_back(2); });
  s.run_until_idle();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Scheduler, CancelledEventNeverRuns) {
  Scheduler s;
  bool ran = false;
  const EventId id = s.schedule_at(at_ms(1), [&] { ran = true; });
  EXPECT_TRUE(s.is_pending(id));
  EXPECT_TRUE(s.cancel(id));
  EXPECT_FALSE(s.is_pending(id));
  EXPECT_FALSE(s.cancel(id));
  EXPECT_EQ(s.pending(), 0u);
  s.run_until_idle();
  EXPECT_FALSE(ran);
}

TEST(Scheduler, StaleIdDoesNotCancelTheEventThatReusedItsSlot) {
  Scheduler s;
  const EventId old_id = s.schedule_at(at_ms(1), [] {});
  s.run_until_idle();
  bool ran = false;
  const EventId new_id = s.schedule_at(at_ms(2), [&] { ran = true; });
  EXPECT_EQ(old_id.slot, new_id.slot);  // the slot was reused...
  EXPECT_FALSE(s.cancel(old_id));       // ...but the old id cannot touch the new event.
  s.run_until_idle();
  EXPECT_TRUE(ran);
}

TEST(Scheduler, RunningEventIsNotPendingAndCannotCancelItself) {
  Scheduler s;
  EventId self;
  bool cancelled = true;
  self = s.schedule_at(at_ms(1), [&] { cancelled = s.cancel(self); });
  s.run_until_idle();
  EXPECT_FALSE(cancelled);
}

TEST(Scheduler, RunUntilStopsAtLimitAndAdvancesClock) {
  Scheduler s;
  int ran = 0;
  s.schedule_at(at_ms(10), [&] { ++ran; });
  s.schedule_at(at_ms(20), [&] { ++ran; });
  EXPECT_EQ(s.run_until(at_ms(15)), 1u);
  EXPECT_EQ(s.now(), at_ms(15));
  EXPECT_EQ(s.run_until(at_ms(20)), 1u);  // inclusive limit
  EXPECT_EQ(ran, 2);
  s.run_for(seconds(1));
  EXPECT_EQ(s.now(), at_ms(1020));
}

TEST(Scheduler, StepRunsExactlyOneEvent) {
  Scheduler s;
  int ran = 0;
  s.schedule_at(at_ms(1), [&] { ++ran; });
  s.schedule_at(at_ms(2), [&] { ++ran; });
  EXPECT_TRUE(s.step());
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(s.now(), at_ms(1));
  EXPECT_TRUE(s.step());
  EXPECT_FALSE(s.step());
}

TEST(Scheduler, RunUntilIdleHonoursItsEventBound) {
  Scheduler s;
  std::function<void()> again = [&] { s.schedule_after(milliseconds(1), again); };
  s.schedule_after(milliseconds(1), again);
  EXPECT_EQ(s.run_until_idle(1000), 1000u);
  EXPECT_EQ(s.pending(), 1u);
}

TEST(Scheduler, StopEndsTheRunAfterTheCurrentEvent) {
  Scheduler s;
  int ran = 0;
  s.schedule_at(at_ms(1), [&] {
    ++ran;
    s.stop();
  });
  s.schedule_at(at_ms(2), [&] { ++ran; });
  s.run_until(at_ms(100));
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(s.now(), at_ms(1));  // a stopped run does not jump to its limit.
}

TEST(Scheduler, EventOfAnEndedEpochNeverRuns) {
  Scheduler s;
  Epoch epoch;
  int ran = 0;
  s.schedule_at(at_ms(1), [&] { ++ran; }, &epoch);
  s.schedule_at(at_ms(2), [&] { ++ran; }, &epoch);
  s.run_until(at_ms(1));
  ++epoch.value;
  s.schedule_at(at_ms(3), [&] { ran += 10; }, &epoch);  // bound to the new epoch: runs.
  s.run_until_idle();
  EXPECT_EQ(ran, 11);
  EXPECT_EQ(s.events_expired(), 1u);
}

TEST(Scheduler, ManyCancellationsKeepOrderThroughCompaction) {
  Scheduler s;
  Rng rng(1);
  std::vector<EventId> ids;
  std::vector<std::pair<std::int64_t, int>> want;
  std::vector<std::pair<std::int64_t, int>> got;
  for (int i = 0; i < 20000; ++i) {
    const auto t = static_cast<std::int64_t>(rng.uniform(1000));
    ids.push_back(s.schedule_at(kTimeZero + microseconds(t), [&got, &s, i] {
      got.emplace_back(to_nanos(s.now()), i);
    }));
    want.emplace_back(t * 1000, i);
  }
  std::vector<std::pair<std::int64_t, int>> kept;
  for (int i = 0; i < 20000; ++i) {
    if (i % 4 != 0) {
      ASSERT_TRUE(s.cancel(ids[i]));
    } else {
      kept.push_back(want[i]);
    }
  }
  EXPECT_EQ(s.pending(), kept.size());
  std::stable_sort(kept.begin(), kept.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  s.run_until_idle();
  EXPECT_EQ(got, kept);
}

TEST(Scheduler, CancelFromACaptureDestructorKeepsThePendingCountExact) {
  Scheduler s;
  std::vector<EventId> filler;
  for (int i = 0; i < 2049; ++i) filler.push_back(s.schedule_at(at_ms(100 + i), [] {}));
  for (int i = 0; i < 1025; ++i) ASSERT_TRUE(s.cancel(filler[i]));
  const EventId b = s.schedule_at(at_ms(5), [] {});
  struct CancelsOnDestruction {
    Scheduler* s;
    EventId victim;
    ~CancelsOnDestruction() {
      if (s != nullptr) s->cancel(victim);
    }
    CancelsOnDestruction(Scheduler* sch, EventId v) : s(sch), victim(v) {}
    CancelsOnDestruction(CancelsOnDestruction&& o) noexcept : s(std::exchange(o.s, nullptr)), victim(o.victim) {}
  };
  const EventId a = s.schedule_at(at_ms(5), [guard = CancelsOnDestruction(&s, b)] { (void)guard; });
  const std::size_t before = s.pending();
  ASSERT_TRUE(s.cancel(a));  // destroying a's capture cancels b, which sweeps
  EXPECT_EQ(s.pending(), before - 2);
  s.run_until_idle();
  EXPECT_EQ(s.pending(), 0u);
}

TEST(Scheduler, RunUntilThePastRunsNothing) {
  Scheduler s;
  int ran = 0;
  s.schedule_at(at_ms(10), [&] { ++ran; });
  s.run_until(at_ms(5));
  EXPECT_EQ(s.run_until(kTimeZero - seconds(1)), 0u);
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(s.now(), at_ms(5));
}

TEST(Scheduler, NextTimeReportsTheNextLiveEventWithoutRunningIt) {
  Scheduler s;
  EXPECT_FALSE(s.next_time().has_value());
  const EventId first = s.schedule_at(at_ms(7), [] {});
  s.schedule_at(at_ms(9), [] {});
  EXPECT_EQ(s.next_time(), at_ms(7));
  s.cancel(first);
  EXPECT_EQ(s.next_time(), at_ms(9));
  // Peeking must not stop an event from being scheduled before the one peeked at.
  bool early = false;
  s.schedule_at(at_ms(8), [&] { early = true; });
  EXPECT_EQ(s.next_time(), at_ms(8));
  s.step();
  EXPECT_TRUE(early);
  EXPECT_EQ(s.now(), at_ms(8));
}

// A randomized model check: any mix of schedules, cancels and runs gives exactly the order a
// stable sort by time would give, for many seeds.
TEST(Scheduler, MatchesAReferenceModelOnRandomWorkloads) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Scheduler s;
    Rng rng(seed);
    struct Ref {
      std::int64_t at;
      std::uint64_t seq;
      int tag;
      bool live;
    };
    std::vector<Ref> model;
    std::vector<EventId> ids;
    std::vector<int> got;
    std::uint64_t seq = 0;
    for (int op = 0; op < 3000; ++op) {
      const auto kind = rng.uniform(10);
      if (kind < 6) {
        // Small delays make ties; large ones reach the upper radix levels.
        const auto delay = rng.bernoulli(0.5) ? static_cast<std::int64_t>(rng.uniform(50))
                                              : static_cast<std::int64_t>(rng.uniform(1ULL << (4 + rng.uniform(40))));
        const int tag = static_cast<int>(model.size());
        ids.push_back(s.schedule_after(nanoseconds(delay), [&got, tag] { got.push_back(tag); }));
        model.push_back(Ref{to_nanos(s.now()) + delay, seq++, tag, true});
      } else if (kind < 8 && !ids.empty()) {
        const auto k = rng.uniform(ids.size());
        const bool was_live = model[k].live && s.is_pending(ids[k]);
        EXPECT_EQ(s.cancel(ids[k]), was_live);
        model[k].live = false;
      } else {
        const Time limit = s.now() + nanoseconds(rng.bernoulli(0.8) ? rng.uniform(20) : rng.uniform(1ULL << 44));
        s.run_until(limit);
        std::vector<Ref> due;
        for (auto& r : model) {
          if (r.live && r.at <= to_nanos(limit)) {
            due.push_back(r);
            r.live = false;
          }
        }
        std::sort(due.begin(), due.end(), [](const Ref& a, const Ref& b) {
          return std::tie(a.at, a.seq) < std::tie(b.at, b.seq);
        });
        std::vector<int> want;
        for (const auto& r : due) want.push_back(r.tag);
        ASSERT_EQ(got, want) << "seed " << seed << " op " << op;
        got.clear();
      }
    }
  }
}

}  // namespace
}  // namespace mw::sim
