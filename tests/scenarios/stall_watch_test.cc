// StallWatch: a draining world that moves nothing for the whole window is stuck; any change
// starts the window again.
#include "scenarios/world/stall_watch.h"

#include <gtest/gtest.h>

namespace mw::scen {
namespace {

const sim::Time t0 = sim::kTimeZero + sim::hours(1);

TEST(StallWatch, TheSameSignatureForTheWholeWindowIsAStall) {
  StallWatch w(sim::minutes(1));
  EXPECT_EQ(w.window(), StallWatch::kMinWindow);
  EXPECT_FALSE(w.stalled("mes-P100 outbox 3", t0));
  EXPECT_FALSE(w.stalled("mes-P100 outbox 3", t0 + w.window() - sim::seconds(1)));
  EXPECT_TRUE(w.stalled("mes-P100 outbox 3", t0 + w.window()));
}

TEST(StallWatch, AnyChangeStartsTheWindowAgain) {
  StallWatch w(sim::minutes(1));
  EXPECT_FALSE(w.stalled("a", t0));
  EXPECT_FALSE(w.stalled("b", t0 + w.window() - sim::seconds(1)));
  EXPECT_FALSE(w.stalled("b", t0 + w.window() + sim::minutes(5)));
  EXPECT_TRUE(w.stalled("b", t0 + 2 * w.window()));
}

TEST(StallWatch, WaitsThreeTimesTheLongestTimerOfTheWorld) {
  // A design that backs off for up to an hour may legitimately sit still for that long.
  StallWatch w(sim::hours(1));
  EXPECT_EQ(w.window(), sim::hours(3));
  EXPECT_FALSE(w.stalled("a", t0));
  EXPECT_FALSE(w.stalled("a", t0 + sim::hours(2)));
  EXPECT_TRUE(w.stalled("a", t0 + sim::hours(3)));
}

}  // namespace
}  // namespace mw::scen
