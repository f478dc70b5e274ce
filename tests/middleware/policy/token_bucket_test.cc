#include "middleware/policy/token_bucket.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace mw::core {
namespace {

using std::chrono::hours;
using std::chrono::nanoseconds;

constexpr Instant kT0 = from_unix_nanos(1'700'000'000'000'000'000);
constexpr std::uint32_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

// take_all takes every token available at "now" and returns how many there were.
int take_all(TokenBucket& b, Instant now) {
  int n = 0;
  while (b.try_take(now)) ++n;
  return n;
}

TEST(TokenBucket, StartsFullWithBurstTokens) {
  TokenBucket b(50, 20);
  EXPECT_EQ(take_all(b, kT0), 20);
  EXPECT_FALSE(b.try_take(kT0));
}

TEST(TokenBucket, RefillsAtTheConfiguredRate) {
  TokenBucket b(10, 5);
  EXPECT_EQ(take_all(b, kT0), 5);
  EXPECT_FALSE(b.try_take(kT0 + nanoseconds(99'999'999)));
  EXPECT_TRUE(b.try_take(kT0 + milliseconds(100)));
  EXPECT_FALSE(b.try_take(kT0 + milliseconds(100)));
  EXPECT_EQ(take_all(b, kT0 + milliseconds(350)), 2);  // 2.5 tokens earned: 0.5 carries over
  EXPECT_EQ(take_all(b, kT0 + milliseconds(400)), 1);
}

TEST(TokenBucket, NeverHoldsMoreThanTheBurst) {
  TokenBucket b(1000, 3);
  EXPECT_EQ(take_all(b, kT0), 3);
  EXPECT_EQ(take_all(b, kT0 + hours(24 * 365)), 3);
}

TEST(TokenBucket, NextAvailableIsNowWhenATokenIsThere) {
  TokenBucket b(3, 2);
  EXPECT_EQ(b.next_available(kT0), kT0);
  EXPECT_TRUE(b.try_take(kT0));
  EXPECT_EQ(b.next_available(kT0), kT0);
}

TEST(TokenBucket, NextAvailableIsWhenTheNextTokenCompletesRoundedUp) {
  TokenBucket b(3, 1);
  EXPECT_TRUE(b.try_take(kT0));
  const Instant next = b.next_available(kT0);
  EXPECT_EQ(next, kT0 + nanoseconds(333'333'334));
  EXPECT_FALSE(b.try_take(next - nanoseconds(1)));
  EXPECT_EQ(b.next_available(next - nanoseconds(1)), next);
  EXPECT_TRUE(b.try_take(next));
}

TEST(TokenBucket, RateZeroIsUnlimited) {
  TokenBucket b(0, 1);
  for (int i = 0; i < 100'000; ++i) ASSERT_TRUE(b.try_take(kT0));
  EXPECT_EQ(b.next_available(kT0), kT0);
}

TEST(TokenBucket, BurstOneHoldsASingleTokenAfterAnyIdleTime) {
  TokenBucket b(7, 1);
  EXPECT_EQ(take_all(b, kT0), 1);
  EXPECT_EQ(take_all(b, kT0 + seconds(100)), 1);
}

TEST(TokenBucket, BurstZeroIsTreatedAsOne) {
  TokenBucket b(7, 0);
  EXPECT_EQ(take_all(b, kT0), 1);
  EXPECT_EQ(take_all(b, kT0 + seconds(1)), 1);
}

TEST(TokenBucket, HonoursRetryAfterPause) {
  TokenBucket b(10, 5);
  const Instant until = kT0 + seconds(2);
  b.pause_until(until);
  EXPECT_FALSE(b.try_take(kT0));
  EXPECT_EQ(b.next_available(kT0), until);
  EXPECT_FALSE(b.try_take(until - nanoseconds(1)));
  // Nothing accumulated during the pause: exactly one token at its end, then the normal rate.
  EXPECT_EQ(take_all(b, until), 1);
  EXPECT_EQ(b.next_available(until), until + milliseconds(100));
  EXPECT_EQ(take_all(b, until + milliseconds(100)), 1);
  EXPECT_EQ(take_all(b, until + seconds(10)), 5);
}

TEST(TokenBucket, ShorterPauseDoesNotCutALongerOneShort) {
  TokenBucket b(10, 5);
  b.pause_until(kT0 + seconds(5));
  b.pause_until(kT0 + seconds(3));
  EXPECT_FALSE(b.try_take(kT0 + seconds(4)));
  EXPECT_EQ(b.next_available(kT0 + seconds(4)), kT0 + seconds(5));
  EXPECT_TRUE(b.try_take(kT0 + seconds(5)));
}

TEST(TokenBucket, PauseAlreadyOverChangesNothing) {
  TokenBucket b(10, 5);
  EXPECT_TRUE(b.try_take(kT0));
  b.pause_until(kT0);
  b.pause_until(kT0 - seconds(1));
  EXPECT_EQ(take_all(b, kT0), 4);
}

TEST(TokenBucket, PauseHoldsBackEvenAnUnlimitedBucket) {
  TokenBucket b(0, 1);
  b.pause_until(kT0 + seconds(1));
  EXPECT_FALSE(b.try_take(kT0));
  EXPECT_EQ(b.next_available(kT0), kT0 + seconds(1));
  EXPECT_TRUE(b.try_take(kT0 + seconds(1)));
  EXPECT_TRUE(b.try_take(kT0 + seconds(1)));
}

TEST(TokenBucket, ClockSteppedBackMintsNoTokens) {
  TokenBucket b(10, 2);
  EXPECT_EQ(take_all(b, kT0 + seconds(10)), 2);
  EXPECT_FALSE(b.try_take(kT0));  // treated as kT0 + 10 s
  EXPECT_FALSE(b.try_take(kT0 + seconds(10)));
  EXPECT_EQ(b.next_available(kT0), kT0 + seconds(10) + milliseconds(100));
  EXPECT_TRUE(b.try_take(kT0 + seconds(10) + milliseconds(100)));
}

TEST(TokenBucket, ExtremeRateAndBurstDoNotOverflow) {
  TokenBucket b(kMaxU32, kMaxU32);
  EXPECT_TRUE(b.try_take(kT0));
  EXPECT_EQ(b.next_available(kT0), kT0);
  const Instant century = kT0 + hours(24 * 365 * 100);
  EXPECT_TRUE(b.try_take(century));
  EXPECT_EQ(b.next_available(century), century);
  TokenBucket one(kMaxU32, 1);
  EXPECT_EQ(take_all(one, kT0), 1);
  EXPECT_EQ(one.next_available(kT0), kT0 + nanoseconds(1));  // 4.29 tokens per ns, capped at 1
  EXPECT_EQ(take_all(one, kT0 + nanoseconds(1)), 1);
  EXPECT_EQ(take_all(one, kT0 + hours(24 * 365 * 100)), 1);
}

// A caller that sleeps until next_available() each time gets tokens exactly on the ideal
// schedule: over 10 hours at 7 per second, 252000 refilled tokens plus the initial burst.
TEST(TokenBucket, TenHoursOfWaitingForEachTokenDoesNotDrift) {
  for (const std::uint32_t burst : {1u, 20u}) {
    TokenBucket b(7, burst);
    const Instant end = kT0 + hours(10);
    std::uint64_t taken = 0;
    for (Instant t = kT0; t <= end;) {
      if (b.try_take(t)) {
        ++taken;
      } else {
        const Instant next = b.next_available(t);
        ASSERT_GT(next, t);
        t = next;
      }
    }
    EXPECT_EQ(taken, 252'000u + burst) << "burst " << burst;
  }
}

// A caller that polls every 13 ms and drains the bucket also gets exactly rate * time + burst.
TEST(TokenBucket, TenHoursOfIrregularPollingDoesNotDrift) {
  TokenBucket b(7, 20);
  const Instant end = kT0 + hours(10);
  std::uint64_t taken = 0;
  for (Instant t = kT0; t < end; t += milliseconds(13)) taken += take_all(b, t);
  taken += take_all(b, end);
  EXPECT_EQ(taken, 252'020u);
  EXPECT_EQ(b.next_available(end), end + nanoseconds(142'857'143));
}

}  // namespace
}  // namespace mw::core
