#include "middleware/policy/backoff.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>

namespace mw::core {
namespace {

using std::chrono::nanoseconds;

constexpr std::uint64_t kAllBits = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t kMaxAttempt = std::numeric_limits<std::uint32_t>::max();

// splitmix64 is a tiny deterministic source of test bits.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

BackoffPolicy defaults(std::uint32_t jitter_percent) {
  return BackoffPolicy{milliseconds(200), milliseconds(60000), 200, jitter_percent};
}

TEST(Backoff, GrowsGeometricallyUntilTheCap) {
  const BackoffPolicy p = defaults(0);
  Duration expected = milliseconds(200);
  for (std::uint32_t attempt = 1; attempt <= 9; ++attempt) {
    EXPECT_EQ(backoff_delay(p, attempt, 0), expected) << "attempt " << attempt;
    expected *= 2;
  }
  EXPECT_EQ(backoff_delay(p, 9, 0), milliseconds(51200));
  EXPECT_EQ(backoff_delay(p, 10, 0), milliseconds(60000));
  EXPECT_EQ(backoff_delay(p, 50, 0), milliseconds(60000));
}

TEST(Backoff, HugeAttemptNumbersSaturateAtTheCapWithoutOverflow) {
  EXPECT_EQ(backoff_delay(defaults(0), kMaxAttempt, 0), milliseconds(60000));
  const BackoffPolicy biggest{nanoseconds(1), Duration::max(), kMaxAttempt, 0};
  EXPECT_EQ(backoff_delay(biggest, kMaxAttempt, 0), Duration::max());
  EXPECT_EQ(backoff_delay(biggest, 2, 0), nanoseconds(42'949'672));
  EXPECT_EQ(backoff_delay(biggest, 3, 0), nanoseconds(1'844'674'365'709'772));
  EXPECT_EQ(backoff_delay(biggest, 4, 0), Duration::max());
  // 1% growth takes thousands of steps to saturate; it must still end, at the cap.
  const BackoffPolicy slow{nanoseconds(100), Duration::max(), 101, 0};
  EXPECT_EQ(backoff_delay(slow, 2, 0), nanoseconds(101));
  EXPECT_EQ(backoff_delay(slow, kMaxAttempt, 0), Duration::max());
}

TEST(Backoff, EachStepRoundsDownToWholeNanoseconds) {
  const BackoffPolicy p{nanoseconds(3), seconds(1), 150, 0};
  EXPECT_EQ(backoff_delay(p, 2, 0), nanoseconds(4));  // 4.5 -> 4
  EXPECT_EQ(backoff_delay(p, 3, 0), nanoseconds(6));
  const BackoffPolicy stuck{nanoseconds(1), seconds(1), 150, 0};  // 1.5 -> 1 forever
  EXPECT_EQ(backoff_delay(stuck, kMaxAttempt, 0), nanoseconds(1));
}

TEST(Backoff, MultiplierOfOneHundredKeepsTheDelayConstant) {
  const BackoffPolicy p{milliseconds(250), seconds(10), 100, 0};
  EXPECT_EQ(backoff_delay(p, 1, 0), milliseconds(250));
  EXPECT_EQ(backoff_delay(p, kMaxAttempt, 0), milliseconds(250));
}

TEST(Backoff, MultiplierBelowOneHundredShrinksTowardsZero) {
  const BackoffPolicy half{seconds(8), seconds(60), 50, 0};
  EXPECT_EQ(backoff_delay(half, 2, 0), seconds(4));
  EXPECT_EQ(backoff_delay(half, 4, 0), seconds(1));
  EXPECT_EQ(backoff_delay(half, kMaxAttempt, 0), Duration::zero());
  const BackoffPolicy none{seconds(8), seconds(60), 0, 0};
  EXPECT_EQ(backoff_delay(none, 1, 0), seconds(8));
  EXPECT_EQ(backoff_delay(none, 2, 0), Duration::zero());
}

TEST(Backoff, ShrinkingFromAboveTheCapComesBelowIt) {
  const BackoffPolicy p{seconds(100), seconds(30), 50, 0};
  EXPECT_EQ(backoff_delay(p, 1, 0), seconds(30));
  EXPECT_EQ(backoff_delay(p, 2, 0), seconds(30));
  EXPECT_EQ(backoff_delay(p, 3, 0), seconds(25));
}

TEST(Backoff, AttemptZeroIsTreatedAsTheFirstRetry) {
  EXPECT_EQ(backoff_delay(defaults(0), 0, 0), backoff_delay(defaults(0), 1, 0));
}

TEST(Backoff, MaxBelowInitialCapsEveryDelayAndNegativesCountAsZero) {
  EXPECT_EQ(backoff_delay({seconds(5), seconds(2), 200, 0}, 1, 0), seconds(2));
  EXPECT_EQ(backoff_delay({seconds(-5), seconds(2), 200, 0}, 3, kAllBits), Duration::zero());
  EXPECT_EQ(backoff_delay({seconds(5), seconds(-2), 200, 50}, 3, kAllBits), Duration::zero());
}

TEST(Backoff, ZeroJitterIsExactlyTheBaseWhateverTheBits) {
  std::uint64_t state = 1;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(backoff_delay(defaults(0), 3, splitmix64(state)), milliseconds(800));
  }
}

TEST(Backoff, FullJitterSpansZeroToTheBase) {
  const BackoffPolicy p = defaults(100);
  EXPECT_EQ(backoff_delay(p, 1, 0), Duration::zero());
  EXPECT_EQ(backoff_delay(p, 1, kAllBits), milliseconds(200));
  EXPECT_EQ(backoff_delay(p, 1, std::uint64_t{1} << 63), nanoseconds(100'000'000));  // (2e8+1)/2
  EXPECT_EQ(backoff_delay({seconds(1), seconds(1), 200, 1000}, 1, 0), Duration::zero());
}

TEST(Backoff, EqualJitterPinsTheseValues) {
  const BackoffPolicy p{seconds(1), seconds(60), 200, 50};
  EXPECT_EQ(backoff_delay(p, 1, 0), milliseconds(500));
  EXPECT_EQ(backoff_delay(p, 1, kAllBits), milliseconds(1000));
  EXPECT_EQ(backoff_delay(p, 1, std::uint64_t{1} << 63), nanoseconds(750'000'000));
  EXPECT_EQ(backoff_delay(p, 2, std::uint64_t{3} << 62), nanoseconds(1'750'000'000));
}

TEST(Backoff, DrawsFromTheHighBitsNotAModulo) {
  // Span + 1 is 2^63: a multiply-high gives bits >> 1, a modulo would give the low 63 bits.
  const BackoffPolicy p{Duration::max(), Duration::max(), 200, 100};
  EXPECT_EQ(backoff_delay(p, 1, 1), Duration::zero());
  EXPECT_EQ(backoff_delay(p, 1, 6), nanoseconds(3));
  EXPECT_EQ(backoff_delay(p, 1, kAllBits), Duration::max());
  EXPECT_EQ(backoff_delay(p, 1, std::uint64_t{1} << 63), nanoseconds(std::int64_t{1} << 62));
}

TEST(Backoff, JitteredDelaysStayInRangeAndSpreadEvenly) {
  const BackoffPolicy p = defaults(50);  // attempt 4: base 1600 ms, range [800, 1600] ms
  std::array<int, 8> bins{};
  std::uint64_t state = 42;
  constexpr int kDraws = 80'000;
  for (int i = 0; i < kDraws; ++i) {
    const Duration d = backoff_delay(p, 4, splitmix64(state));
    ASSERT_GE(d, milliseconds(800));
    ASSERT_LE(d, milliseconds(1600));
    ++bins[std::min<std::size_t>((d - milliseconds(800)) / milliseconds(100), 7)];
  }
  for (const int n : bins) {  // 10'000 expected per bin; 5 sigma is about 470
    EXPECT_GT(n, 9'500);
    EXPECT_LT(n, 10'500);
  }
}

}  // namespace
}  // namespace mw::core
