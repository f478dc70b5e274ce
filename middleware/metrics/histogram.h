// LatencyHistogram: a fixed-size, log-linear histogram of durations for latency reports (the
// HdrHistogram idea with 3 bits of precision). Counts are integers and the buckets are fixed,
// so two runs that record the same values report the same percentiles bit for bit, and
// histograms from different nodes or runs merge exactly.
//
// Buckets: one underflow bucket [0, 1023] ns; then for each power of two 2^k ns, k = 10..40
// (about 1 us up to 36 minutes), 8 equal sub-buckets of width 2^(k-3); then one overflow bucket
// for 2^41 ns and above. A bucket is reported by its inclusive upper bound, which overstates a
// value in [1024 ns, 2^41 ns) by less than 12.5% of it. Below 1024 ns the error is under 1024 ns;
// above 2^41 ns percentile() reports max(). Negative durations are recorded as zero.
// Not thread-safe: one owner.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "middleware/clock.h"

namespace mw::core {

class LatencyHistogram {
 public:
  // record adds one observation of "d".
  void record(Duration d);

  // count returns the number of observations recorded.
  std::uint64_t count() const { return count_; }

  // min returns the smallest observation recorded, exactly; zero when empty.
  Duration min() const { return count_ == 0 ? Duration::zero() : min_; }

  // max returns the largest observation recorded, exactly; zero when empty.
  Duration max() const { return count_ == 0 ? Duration::zero() : max_; }

  // percentile returns the nearest-rank percentile "per_mille"/1000 (500 is p50, 990 is p99,
  // 999 is p99.9; above 1000 is 1000): the upper bound of the bucket holding observation number
  // ceil(count * per_mille / 1000) (at least 1) in increasing order, clamped to [min(), max()].
  // It is never below the exact value at that rank. Zero when empty.
  Duration percentile(std::uint32_t per_mille) const;

  // merge adds every observation of "other" to this histogram, as if recorded here.
  void merge(const LatencyHistogram& other);

  // nonempty_buckets returns (inclusive upper bound, count) for each bucket holding at least one
  // observation, in increasing order. The overflow bucket reports max() as its upper bound.
  std::vector<std::pair<Duration, std::uint64_t>> nonempty_buckets() const;

 private:
  static constexpr std::size_t kBucketCount = 1 + 31 * 8 + 1;  // underflow, 31 octaves, overflow

  std::array<std::uint64_t, kBucketCount> counts_{};
  std::uint64_t count_ = 0;
  Duration min_ = Duration::zero();
  Duration max_ = Duration::zero();
};

}  // namespace mw::core
