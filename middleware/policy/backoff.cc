#include "middleware/policy/backoff.h"

#include <algorithm>
#include <cstdint>

namespace mw::core {
namespace {

// mul_hi returns the high 64 bits of the 128-bit product a * b, in portable 32-bit halves.
std::uint64_t mul_hi(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
  const std::uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
  const std::uint64_t lo_lo = a_lo * b_lo, lo_hi = a_lo * b_hi;
  const std::uint64_t hi_lo = a_hi * b_lo, hi_hi = a_hi * b_hi;
  const std::uint64_t mid = (lo_lo >> 32) + (lo_hi & 0xffffffffu) + (hi_lo & 0xffffffffu);
  return hi_hi + (lo_hi >> 32) + (hi_lo >> 32) + (mid >> 32);
}

// scale_percent returns min(cap, floor(v * percent / 100)) without overflow; "v" <= "cap".
std::uint64_t scale_percent(std::uint64_t v, std::uint64_t percent, std::uint64_t cap) {
  const std::uint64_t q = v / 100, r = v % 100;
  if (percent != 0 && q > cap / percent) return cap;
  const std::uint64_t scaled = q * percent + r * percent / 100;  // <= cap + 2^32: no overflow
  return std::min(scaled, cap);
}

}  // namespace

Duration backoff_delay(const BackoffPolicy& p, std::uint32_t attempt, std::uint64_t random_bits) {
  const std::uint64_t cap = static_cast<std::uint64_t>(std::max<std::int64_t>(p.max.count(), 0));
  const std::uint64_t initial =
      static_cast<std::uint64_t>(std::max<std::int64_t>(p.initial.count(), 0));

  // "grown" is initial * (multiplier/100)^step, saturating at kMaxNanos. Each step either stops
  // changing it or moves it by at least 1% (and at least 1 ns), and a growing value stops at the
  // cap, so the loop ends after a few thousand steps at worst, whatever "attempt" is.
  constexpr std::uint64_t kMaxNanos = static_cast<std::uint64_t>(INT64_MAX);
  const bool growing = p.multiplier_percent >= 100;
  std::uint64_t grown = initial;
  for (std::uint32_t step = 1; step < attempt && !(growing && grown >= cap); ++step) {
    const std::uint64_t next = scale_percent(grown, p.multiplier_percent, kMaxNanos);
    if (next == grown) break;
    grown = next;
  }
  const std::uint64_t base = std::min(grown, cap);

  const std::uint64_t jitter = std::min<std::uint32_t>(p.jitter_percent, 100);
  const std::uint64_t low = scale_percent(base, 100 - jitter, base);
  const std::uint64_t span = base - low;  // <= 2^63 - 1, so span + 1 does not overflow
  const std::uint64_t offset = mul_hi(random_bits, span + 1);  // uniform in [0, span]
  return Duration{static_cast<std::int64_t>(low + offset)};
}

}  // namespace mw::core
