#include "middleware/metrics/histogram.h"

#include <algorithm>
#include <bit>

namespace mw::core {
namespace {

constexpr int kSubBits = 3;       // 8 sub-buckets per power of two
constexpr int kFirstOctave = 10;  // 2^10 ns = 1024 ns, the end of the underflow
constexpr int kLastOctave = 40;   // [2^40, 2^41) ns is the last regular octave
constexpr std::size_t kOverflow = 1 + (kLastOctave - kFirstOctave + 1) * (1 << kSubBits);

// bucket_of returns the index of the bucket holding "ns" >= 0.
std::size_t bucket_of(std::uint64_t ns) {
  if (ns < (std::uint64_t{1} << kFirstOctave)) return 0;
  const int octave = std::bit_width(ns) - 1;
  if (octave > kLastOctave) return kOverflow;
  const std::uint64_t sub = (ns >> (octave - kSubBits)) & ((1u << kSubBits) - 1);
  return 1 + static_cast<std::size_t>(octave - kFirstOctave) * (1 << kSubBits) + sub;
}

// upper_bound_of returns the largest value bucket "index" (not the overflow) holds.
Duration upper_bound_of(std::size_t index) {
  if (index == 0) return Duration{(std::int64_t{1} << kFirstOctave) - 1};
  const int octave = kFirstOctave + static_cast<int>((index - 1) >> kSubBits);
  const std::int64_t sub = static_cast<std::int64_t>((index - 1) & ((1u << kSubBits) - 1));
  const std::int64_t width = std::int64_t{1} << (octave - kSubBits);
  return Duration{(std::int64_t{1} << octave) + (sub + 1) * width - 1};
}

}  // namespace

static_assert(kOverflow + 1 == 1 + 31 * 8 + 1, "kBucketCount must match the bucket layout");

void LatencyHistogram::record(Duration d) {
  d = std::max(d, Duration::zero());
  ++counts_[bucket_of(static_cast<std::uint64_t>(d.count()))];
  min_ = count_ == 0 ? d : std::min(min_, d);
  max_ = count_ == 0 ? d : std::max(max_, d);
  ++count_;
}

Duration LatencyHistogram::percentile(std::uint32_t per_mille) const {
  if (count_ == 0) return Duration::zero();
  const std::uint64_t pm = std::min<std::uint32_t>(per_mille, 1000);
  // ceil(count_ * pm / 1000), split so that count_ * pm cannot overflow.
  std::uint64_t rank = count_ / 1000 * pm + (count_ % 1000 * pm + 999) / 1000;
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kOverflow; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(upper_bound_of(i), min_, max_);
  }
  return max_;  // the rank lies in the overflow bucket
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
}

std::vector<std::pair<Duration, std::uint64_t>> LatencyHistogram::nonempty_buckets() const {
  std::vector<std::pair<Duration, std::uint64_t>> out;
  for (std::size_t i = 0; i < kOverflow; ++i) {
    if (counts_[i] != 0) out.emplace_back(upper_bound_of(i), counts_[i]);
  }
  if (counts_[kOverflow] != 0) out.emplace_back(max_, counts_[kOverflow]);
  return out;
}

}  // namespace mw::core
