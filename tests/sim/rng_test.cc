#include "sim/rng.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <vector>

namespace mw::sim {
namespace {

// Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
TEST(SplitMix64, MatchesReferenceOutputs) {
  SplitMix64 sm(0);
  EXPECT_EQ(sm.next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(sm.next(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(sm.next(), 0x06c45d188009454fULL);
}

// Golden values: these pin the whole generator (seeding, xoshiro256**, forking). If one changes,
// every recorded seed of every scenario replays differently. They were cross-checked against an
// independent implementation written from the xoshiro256** and SplitMix64 reference code.
TEST(Rng, GoldenValuesArePinned) {
  Rng a(1);
  EXPECT_EQ(a.next_u64(), 17154914556750032435ULL);
  EXPECT_EQ(a.next_u64(), 15481925071032317162ULL);
  Rng b(42);
  EXPECT_EQ(b.next_u64(), 1865750160070900731ULL);
  Rng c = Rng(42).fork("erp");
  EXPECT_EQ(c.next_u64(), 2604678508053139036ULL);
  EXPECT_EQ(c.uniform(1000), 637u);
}

// Pins every distribution: any change to one changes the latencies and faults of every seed.
TEST(Rng, DistributionGoldenValuesArePinned) {
  Rng r(2026);
  EXPECT_TRUE(r.bernoulli(0.5));
  EXPECT_EQ(r.exponential_duration(milliseconds(10)).count(), 13201973);
  EXPECT_EQ(r.lognormal_duration(milliseconds(10), 0.5).count(), 27640460);
  EXPECT_EQ(r.uniform_range(-1000, 1000), 902);
  const double n = r.normal(0, 1);
  std::uint64_t bits = 0;
  std::memcpy(&bits, &n, sizeof bits);
  EXPECT_EQ(bits, 0xbff13160a12797f5ULL);
}

TEST(Rng, SameSeedGivesSameSequence) {
  Rng a(7), b(7);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, ForkDependsOnIdentityNotOnDrawsSoFar) {
  Rng parent(99);
  Rng before = parent.fork("plant-1");
  for (int i = 0; i < 100; ++i) parent.next_u64();
  Rng after = parent.fork("plant-1");
  for (int i = 0; i < 100; ++i) ASSERT_EQ(before.next_u64(), after.next_u64());
}

TEST(Rng, ForksWithDifferentNamesAreDifferentStreams) {
  Rng root(5);
  Rng x = root.fork("a"), y = root.fork("b"), z = root.fork("a").fork("a");
  EXPECT_NE(x.key(), y.key());
  EXPECT_NE(x.key(), z.key());
  EXPECT_NE(x.next_u64(), y.next_u64());
}

TEST(Rng, DrawingFromOneStreamLeavesAnotherUnchanged) {
  Rng root(5);
  Rng reference = root.fork("erp");
  std::vector<std::uint64_t> want;
  for (int i = 0; i < 50; ++i) want.push_back(reference.next_u64());
  // A new component forks its own stream and draws heavily: "erp" must not notice.
  Rng noisy = root.fork("new-component");
  for (int i = 0; i < 1000; ++i) noisy.next_u64();
  Rng erp = root.fork("erp");
  for (int i = 0; i < 50; ++i) ASSERT_EQ(erp.next_u64(), want[i]);
}

TEST(Rng, UniformStaysInBoundsAndIsUnbiased) {
  Rng r(3);
  constexpr int kBuckets = 10;
  constexpr int kDraws = 200000;
  std::array<int, kBuckets> counts{};
  for (int i = 0; i < kDraws; ++i) {
    const auto v = r.uniform(kBuckets);
    ASSERT_LT(v, static_cast<std::uint64_t>(kBuckets));
    counts[v]++;
  }
  // Chi-square with 9 degrees of freedom; 27.9 is the 0.999 quantile.
  double chi2 = 0;
  const double expected = static_cast<double>(kDraws) / kBuckets;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 27.9);
}

TEST(Rng, UniformRangeIsInclusiveAndCoversExtremes) {
  Rng r(11);
  bool saw_lo = false, saw_hi = false;
  for (int i = 0; i < 10000; ++i) {
    const auto v = r.uniform_range(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    saw_lo |= v == -3;
    saw_hi |= v == 3;
  }
  EXPECT_TRUE(saw_lo && saw_hi);
  EXPECT_EQ(r.uniform_range(5, 5), 5);
}

TEST(Rng, BernoulliMatchesProbabilityAndHonoursZeroAndOne) {
  Rng r(13);
  int hits = 0;
  for (int i = 0; i < 100000; ++i) hits += r.bernoulli(0.3) ? 1 : 0;
  EXPECT_NEAR(hits / 100000.0, 0.3, 0.01);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(r.bernoulli(0.0));
    ASSERT_TRUE(r.bernoulli(1.0));
  }
}

TEST(Rng, ExponentialAndNormalHaveTheirMoments) {
  Rng r(17);
  constexpr int n = 200000;
  double sum_e = 0, sum_n = 0, sum_n2 = 0;
  for (int i = 0; i < n; ++i) {
    const double e = r.exponential(2.0);
    ASSERT_GE(e, 0);
    sum_e += e;
    const double x = r.normal(1.0, 3.0);
    sum_n += x;
    sum_n2 += x * x;
  }
  EXPECT_NEAR(sum_e / n, 2.0, 0.03);
  const double mean = sum_n / n;
  EXPECT_NEAR(mean, 1.0, 0.03);
  EXPECT_NEAR(std::sqrt(sum_n2 / n - mean * mean), 3.0, 0.03);
}

TEST(Rng, LognormalDurationHasItsMedianAndRespectsCap) {
  Rng r(19);
  constexpr int n = 20001;
  std::vector<std::int64_t> v;
  for (int i = 0; i < n; ++i) {
    const Duration d = r.lognormal_duration(milliseconds(10), 0.8, seconds(1));
    ASSERT_GE(d, Duration::zero());
    ASSERT_LE(d, seconds(1));
    v.push_back(d.count());
  }
  std::nth_element(v.begin(), v.begin() + n / 2, v.end());
  EXPECT_NEAR(static_cast<double>(v[n / 2]), 10e6, 0.3e6);
}

TEST(Rng, ZeroSigmaLognormalIsTheMedianExactly) {
  Rng r(23);
  EXPECT_EQ(r.lognormal_duration(microseconds(250), 0.0), microseconds(250));
}

}  // namespace
}  // namespace mw::sim
