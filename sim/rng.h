// Seeded random numbers for the simulation.
//
// Generator: xoshiro256** (Blackman and Vigna, 2018), 256 bits of state, seeded through
// SplitMix64 as its authors recommend. Distributions are our own, not `std::*_distribution`,
// whose output differs between standard libraries:
//   - uniform(bound): Lemire's nearly-divisionless method, unbiased;
//   - bernoulli(p): one 53-bit uniform compared with p;
//   - exponential, normal (Marsaglia's polar method), lognormal: built on det_log / det_exp,
//     so they give the same bits on every platform.
//
// Streams: `fork(name)` derives an independent generator from this stream's *identity* (its
// seed and the chain of names that led to it), never from its current state. Drawing from one
// stream therefore never changes another, and adding a component with its own fork leaves the
// draws of every other component unchanged.
//
// Not thread-safe; one simulation is one thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sim/check.h"
#include "sim/time.h"

namespace mw::sim {

// SplitMix64 (Steele, Lea, Flood 2014): used to expand seeds and to mix names into keys.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t state) : state_(state) {}
  std::uint64_t next();

 private:
  std::uint64_t state_;
};

class Rng {
 public:
  // Rng creates the root stream of a run from its seed.
  explicit Rng(std::uint64_t seed);

  // fork returns the stream named `name` below this one. Same seed, same chain of names: same
  // stream, whatever was drawn from any stream before.
  Rng fork(std::string_view name) const;

  // key identifies the stream (seed and names); two streams with equal keys draw equal values.
  std::uint64_t key() const { return key_; }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // uniform returns a value in [0, bound); `bound` must be > 0. Lemire's method ("Fast Random
  // Integer Generation in an Interval", 2019): one multiply, a division only when rejecting.
  std::uint64_t uniform(std::uint64_t bound) {
    MW_CHECK(bound > 0, "uniform needs bound > 0");
    U128 m = static_cast<U128>(next_u64()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) [[unlikely]] {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<U128>(next_u64()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  // uniform_range returns a value in [lo, hi], both inclusive; requires lo <= hi.
  std::int64_t uniform_range(std::int64_t lo, std::int64_t hi);
  // unit returns a double in [0, 1) with 53 random bits.
  double unit();
  // bernoulli returns true with probability `p` (clamped to [0, 1]).
  bool bernoulli(double p);
  // exponential returns a draw with the given mean (> 0).
  double exponential(double mean);
  // normal returns a draw from N(mean, stddev^2).
  double normal(double mean, double stddev);

  // exponential_duration draws an exponentially distributed duration, rounded to whole ns.
  Duration exponential_duration(Duration mean);
  // lognormal_duration draws median * e^(sigma * N(0,1)), rounded to whole ns, at most `cap`.
  Duration lognormal_duration(Duration median, double sigma, Duration cap = Duration::max());

 private:
  __extension__ using U128 = unsigned __int128;
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  Rng(std::uint64_t key, int /*tag*/);
  void seed_state(std::uint64_t key);

  std::uint64_t key_;
  std::array<std::uint64_t, 4> s_;
};

// clamp_to_duration rounds a non-negative nanosecond count in a double to a Duration, clamped to
// [0, cap]; NaN becomes 0.
Duration clamp_to_duration(double ns, Duration cap = Duration::max());

}  // namespace mw::sim
