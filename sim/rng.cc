#include "sim/rng.h"

#include <cmath>

#include "sim/check.h"

#include "sim/det_math.h"

namespace mw::sim {
namespace {

// fnv1a64 hashes a stream name; the result is mixed with the parent key through SplitMix64.
std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Rng::Rng(std::uint64_t seed) : Rng(SplitMix64(seed).next(), 0) {}

Rng::Rng(std::uint64_t key, int /*tag*/) : key_(key) { seed_state(key); }

void Rng::seed_state(std::uint64_t key) {
  SplitMix64 sm(key);
  for (auto& word : s_) word = sm.next();
  // xoshiro's state must not be all zero; SplitMix64 makes that practically impossible, but
  // the generator would be stuck forever, so guard it.
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
}

Rng Rng::fork(std::string_view name) const {
  SplitMix64 mix(key_ ^ fnv1a64(name));
  mix.next();
  return Rng(mix.next(), 0);
}

std::int64_t Rng::uniform_range(std::int64_t lo, std::int64_t hi) {
  MW_CHECK(lo <= hi, "uniform_range needs lo <= hi");
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(next_u64());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + uniform(span + 1));
}

double Rng::unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

bool Rng::bernoulli(double p) {
  if (!(p > 0)) return false;
  if (p >= 1) return true;
  return unit() < p;
}

double Rng::exponential(double mean) {
  // 1 - unit() is in (0, 1], so the log is finite.
  return -mean * det_log(1.0 - unit());
}

double Rng::normal(double mean, double stddev) {
  double u, v, s;
  do {
    u = 2 * unit() - 1;
    v = 2 * unit() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  return mean + stddev * u * std::sqrt(-2 * det_log(s) / s);
}

Duration clamp_to_duration(double ns, Duration cap) {
  if (!(ns > 0)) return Duration::zero();
  if (ns >= static_cast<double>(cap.count())) return cap;
  return Duration{static_cast<std::int64_t>(ns + 0.5)};
}

Duration Rng::exponential_duration(Duration mean) {
  return clamp_to_duration(exponential(static_cast<double>(mean.count())));
}

Duration Rng::lognormal_duration(Duration median, double sigma, Duration cap) {
  const double factor = det_exp(sigma * normal(0, 1));
  return clamp_to_duration(static_cast<double>(median.count()) * factor, cap);
}

}  // namespace mw::sim
