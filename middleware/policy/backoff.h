// Retry backoff: how long the poster waits before retrying a request that failed for a technical
// reason. Delays grow geometrically up to a cap, and each one is jittered downwards ("equal
// jitter") so that many keys failing together do not retry in lockstep.
//
// Everything is integer arithmetic on nanoseconds, so a delay is bit-identical on every platform.
// The function never reads randomness itself: the caller passes 64 random bits (from the
// runtime's random source, or a simulator stream), so a seed fixes every delay.
#pragma once

#include <cstdint>

#include "middleware/clock.h"

namespace mw::core {

// BackoffPolicy mirrors PosterConfig's backoff_* fields (config.proto).
struct BackoffPolicy {
  Duration initial;                  // delay before the first retry, before jitter
  Duration max;                      // cap on the delay before jitter
  std::uint32_t multiplier_percent;  // growth per attempt: 200 doubles, 100 keeps it constant
  std::uint32_t jitter_percent;      // 50: a retry waits [50%, 100%] of its backoff
};

// backoff_delay returns how long to wait before retry number "attempt" (1 for the first retry;
// 0 is treated as 1). The base delay is min(p.max, p.initial * (p.multiplier_percent/100)^
// (attempt-1)), computed step by step, each step rounded down to whole nanoseconds and
// saturating instead of overflowing, so any attempt number (up to 2^32-1) is safe and the loop
// is short (it stops at the cap, or when a step no longer changes the delay). A negative
// p.initial or p.max counts as zero; p.max below p.initial caps every delay at p.max.
// The result lies in [base*(100-j)/100, base] (rounded down) with j = min(p.jitter_percent,
// 100), drawn from "random_bits" as the high 64 bits of random_bits * (span + 1): uniform to
// within (span + 1) / 2^64, unlike a modulo, which is visibly biased for large spans. With
// j == 0 the result is exactly base; random_bits == 0 gives the low end, all bits set gives base.
Duration backoff_delay(const BackoffPolicy& p, std::uint32_t attempt, std::uint64_t random_bits);

}  // namespace mw::core
