#include "middleware/metrics/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace mw::core {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;
using Buckets = std::vector<std::pair<Duration, std::uint64_t>>;

// splitmix64 is a tiny deterministic source of test values.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

// samples returns "n" latencies spread log-uniformly from 1 us to about 70 minutes, so that
// every octave, the underflow and the overflow all get some.
std::vector<Duration> samples(int n, std::uint64_t seed) {
  std::vector<Duration> out;
  for (int i = 0; i < n; ++i) {
    const int octave = static_cast<int>(splitmix64(seed) % 33) + 9;  // 2^9 .. 2^41 ns
    const std::uint64_t low = std::uint64_t{1} << octave;
    out.push_back(nanoseconds(static_cast<std::int64_t>(low + splitmix64(seed) % low)));
  }
  return out;
}

TEST(Histogram, EmptyReportsZeroes) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), Duration::zero());
  EXPECT_EQ(h.max(), Duration::zero());
  EXPECT_EQ(h.percentile(500), Duration::zero());
  EXPECT_TRUE(h.nonempty_buckets().empty());
}

TEST(Histogram, RecordsCountMinAndMaxExactly) {
  LatencyHistogram h;
  h.record(milliseconds(5));
  h.record(microseconds(1234));
  h.record(seconds(2));
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.min(), microseconds(1234));
  EXPECT_EQ(h.max(), seconds(2));
}

TEST(Histogram, NegativeDurationsRecordAsZero) {
  LatencyHistogram h;
  h.record(-seconds(1));
  EXPECT_EQ(h.min(), Duration::zero());
  EXPECT_EQ(h.percentile(500), Duration::zero());
}

TEST(Histogram, BucketBoundariesFollowTheLogLinearLayout) {
  LatencyHistogram h;
  for (const std::int64_t ns : {0LL, 1023LL, 1024LL, 1151LL, 1152LL, 2047LL, 2048LL, 2303LL,
                                (1LL << 41) - 1, 1LL << 41, 1LL << 50}) {
    h.record(nanoseconds(ns));
  }
  const Buckets expected = {
      {nanoseconds(1023), 2},      {nanoseconds(1151), 2}, {nanoseconds(1279), 1},
      {nanoseconds(2047), 1},      {nanoseconds(2303), 2}, {nanoseconds((1LL << 41) - 1), 1},
      {nanoseconds(1LL << 50), 2},  // overflow: reported at max()
  };
  EXPECT_EQ(h.nonempty_buckets(), expected);
}

TEST(Histogram, PercentileIsTheBucketUpperBoundClampedToMinAndMax) {
  LatencyHistogram h;
  h.record(nanoseconds(1500));  // bucket [1408, 1535], clamped to the one value
  EXPECT_EQ(h.percentile(0), nanoseconds(1500));
  EXPECT_EQ(h.percentile(999), nanoseconds(1500));
  h.record(nanoseconds(1400));
  h.record(nanoseconds(3000));
  EXPECT_EQ(h.percentile(0), nanoseconds(1407));     // rank 1: bucket [1280, 1407]
  EXPECT_EQ(h.percentile(500), nanoseconds(1535));   // rank 2: bucket [1408, 1535]
  EXPECT_EQ(h.percentile(1000), nanoseconds(3000));  // rank 3: bucket [2816, 3071], clamped
  EXPECT_EQ(h.percentile(5000), nanoseconds(3000));  // above 1000 is 1000
}

TEST(Histogram, OverflowPercentilesReportMax) {
  LatencyHistogram h;
  h.record(std::chrono::hours(1));
  h.record(std::chrono::hours(2));
  EXPECT_EQ(h.percentile(500), std::chrono::hours(2));
}

TEST(Histogram, PercentilesStayWithinTwelveAndAHalfPercentOfTheExactRank) {
  LatencyHistogram h;
  std::vector<Duration> reference = samples(5000, 7);
  for (const Duration d : reference) h.record(d);
  std::sort(reference.begin(), reference.end());
  const std::uint64_t n = reference.size();
  for (std::uint32_t pm = 0; pm <= 1000; ++pm) {
    const std::uint64_t rank = std::max<std::uint64_t>((n * pm + 999) / 1000, 1);
    const Duration exact = reference[rank - 1];
    const Duration got = h.percentile(pm);
    ASSERT_GE(got, exact) << "per_mille " << pm;
    if (exact >= nanoseconds(1024) && exact < nanoseconds(1LL << 41)) {
      ASSERT_LT((got - exact).count() * 8, exact.count()) << "per_mille " << pm;
    } else if (exact < nanoseconds(1024)) {
      ASSERT_LT(got, nanoseconds(1024)) << "per_mille " << pm;
    } else {
      ASSERT_EQ(got, reference.back()) << "per_mille " << pm;
    }
  }
  EXPECT_EQ(h.percentile(1000), reference.back());
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a, b, all, empty;
  const std::vector<Duration> xs = samples(3000, 1), ys = samples(2000, 2);
  for (const Duration d : xs) {
    a.record(d);
    all.record(d);
  }
  for (const Duration d : ys) {
    b.record(d);
    all.record(d);
  }
  a.merge(b);
  a.merge(empty);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_EQ(a.nonempty_buckets(), all.nonempty_buckets());
  for (std::uint32_t pm = 0; pm <= 1000; pm += 10) EXPECT_EQ(a.percentile(pm), all.percentile(pm));
  empty.merge(all);
  EXPECT_EQ(empty.nonempty_buckets(), all.nonempty_buckets());
  EXPECT_EQ(empty.min(), all.min());
}

TEST(Histogram, HugeCountsDoNotOverflowTheRank) {
  LatencyHistogram h;
  h.record(milliseconds(1));
  h.record(milliseconds(900));
  for (int i = 0; i < 62; ++i) h.merge(h);  // 2^63 observations, half of each value
  EXPECT_EQ(h.count(), std::uint64_t{1} << 63);
  EXPECT_EQ(h.percentile(500), nanoseconds(1'048'575));  // bucket [983040, 1048575]
  EXPECT_EQ(h.percentile(501), milliseconds(900));
}

TEST(Histogram, IsDeterministic) {
  LatencyHistogram a, b;
  for (const Duration d : samples(1000, 99)) a.record(d);
  for (const Duration d : samples(1000, 99)) b.record(d);
  EXPECT_EQ(a.nonempty_buckets(), b.nonempty_buckets());
}

}  // namespace
}  // namespace mw::core
