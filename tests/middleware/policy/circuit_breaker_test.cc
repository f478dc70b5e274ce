#include "middleware/policy/circuit_breaker.h"

#include <gtest/gtest.h>

namespace mw::core {
namespace {

using std::chrono::nanoseconds;
using State = CircuitBreaker::State;

constexpr Instant kT0 = from_unix_nanos(1'700'000'000'000'000'000);

// tripped returns a breaker with threshold 3 and open_for 30 s, opened at kT0.
CircuitBreaker tripped() {
  CircuitBreaker b(3, seconds(30));
  for (int i = 0; i < 3; ++i) b.on_failure(kT0);
  return b;
}

TEST(CircuitBreaker, ClosedAllowsEveryRequest) {
  CircuitBreaker b(5, seconds(30));
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(b.allow(kT0));
  EXPECT_EQ(b.state(kT0), State::kClosed);
}

TEST(CircuitBreaker, OpensAtTheThresholdOfConsecutiveFailures) {
  CircuitBreaker b(3, seconds(30));
  b.on_failure(kT0);
  b.on_failure(kT0);
  EXPECT_EQ(b.state(kT0), State::kClosed);
  EXPECT_TRUE(b.allow(kT0));
  b.on_failure(kT0);
  EXPECT_EQ(b.consecutive_failures(), 3u);
  EXPECT_EQ(b.state(kT0), State::kOpen);
  EXPECT_FALSE(b.allow(kT0));
}

TEST(CircuitBreaker, SuccessResetsTheFailureCount) {
  CircuitBreaker b(3, seconds(30));
  b.on_failure(kT0);
  b.on_failure(kT0);
  b.on_success();
  EXPECT_EQ(b.consecutive_failures(), 0u);
  b.on_failure(kT0);
  b.on_failure(kT0);
  EXPECT_EQ(b.state(kT0), State::kClosed);
}

TEST(CircuitBreaker, StaysOpenForOpenForThenTurnsHalfOpen) {
  CircuitBreaker b = tripped();
  EXPECT_EQ(b.state(kT0 + seconds(30) - nanoseconds(1)), State::kOpen);
  EXPECT_FALSE(b.allow(kT0 + seconds(30) - nanoseconds(1)));
  EXPECT_EQ(b.state(kT0 + seconds(30)), State::kHalfOpen);
}

TEST(CircuitBreaker, HalfOpenAllowsOneProbe) {
  CircuitBreaker b = tripped();
  const Instant t = kT0 + seconds(31);
  EXPECT_TRUE(b.allow(t));
  EXPECT_FALSE(b.allow(t));
  EXPECT_FALSE(b.allow(t + seconds(100)));
  EXPECT_EQ(b.state(t), State::kHalfOpen);
}

TEST(CircuitBreaker, SuccessfulProbeCloses) {
  CircuitBreaker b = tripped();
  const Instant t = kT0 + seconds(31);
  ASSERT_TRUE(b.allow(t));
  b.on_success();
  EXPECT_EQ(b.state(t), State::kClosed);
  EXPECT_EQ(b.consecutive_failures(), 0u);
  EXPECT_TRUE(b.allow(t));
  EXPECT_TRUE(b.allow(t));
}

TEST(CircuitBreaker, FailedProbeReopensForAnotherOpenFor) {
  CircuitBreaker b = tripped();
  const Instant t = kT0 + seconds(31);
  ASSERT_TRUE(b.allow(t));
  b.on_failure(t + seconds(2));
  EXPECT_EQ(b.state(t + seconds(2)), State::kOpen);
  EXPECT_FALSE(b.allow(t + seconds(31)));
  EXPECT_EQ(b.state(t + seconds(32)), State::kHalfOpen);
  EXPECT_TRUE(b.allow(t + seconds(32)));  // a new probe
  EXPECT_EQ(b.consecutive_failures(), 4u);
}

TEST(CircuitBreaker, LateFailureWhileOpenDoesNotExtendTheOpenPeriod) {
  CircuitBreaker b = tripped();
  b.on_failure(kT0 + seconds(20));
  EXPECT_EQ(b.consecutive_failures(), 4u);
  EXPECT_EQ(b.state(kT0 + seconds(30)), State::kHalfOpen);
}

TEST(CircuitBreaker, LateSuccessWhileOpenCloses) {
  CircuitBreaker b = tripped();
  b.on_success();
  EXPECT_EQ(b.state(kT0), State::kClosed);
  EXPECT_TRUE(b.allow(kT0));
}

TEST(CircuitBreaker, ThresholdZeroDisablesTheBreaker) {
  CircuitBreaker b(0, seconds(30));
  for (int i = 0; i < 1000; ++i) b.on_failure(kT0);
  EXPECT_EQ(b.state(kT0), State::kClosed);
  EXPECT_TRUE(b.allow(kT0));
  EXPECT_EQ(b.consecutive_failures(), 1000u);
}

TEST(CircuitBreaker, ThresholdOneOpensOnTheFirstFailure) {
  CircuitBreaker b(1, seconds(30));
  b.on_failure(kT0);
  EXPECT_FALSE(b.allow(kT0));
}

TEST(CircuitBreaker, ZeroOrNegativeOpenForGoesStraightToHalfOpen) {
  for (const Duration open_for : {Duration::zero(), Duration{-seconds(5)}}) {
    CircuitBreaker b(1, open_for);
    b.on_failure(kT0);
    EXPECT_EQ(b.state(kT0), State::kHalfOpen);
    EXPECT_TRUE(b.allow(kT0));
    EXPECT_FALSE(b.allow(kT0));
  }
}

TEST(CircuitBreaker, ClockSteppedBackKeepsItOpen) {
  CircuitBreaker b = tripped();
  EXPECT_EQ(b.state(kT0 - seconds(60)), State::kOpen);
  EXPECT_FALSE(b.allow(kT0 - seconds(60)));
}

TEST(CircuitBreaker, HugeOpenForDoesNotOverflow) {
  CircuitBreaker b(1, Duration::max());
  b.on_failure(kT0);
  EXPECT_EQ(b.state(kT0 + seconds(1'000'000'000)), State::kOpen);
}

TEST(CircuitBreaker, StatesHaveReadableNames) {
  EXPECT_EQ(to_string(State::kClosed), "closed");
  EXPECT_EQ(to_string(State::kOpen), "open");
  EXPECT_EQ(to_string(State::kHalfOpen), "half-open");
}

}  // namespace
}  // namespace mw::core
