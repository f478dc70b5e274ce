// TokenBucket: the poster's rate limiter towards the ERP (PosterConfig rate_limit_per_s and
// rate_limit_burst). It refills at a fixed rate up to a burst, and can be paused when the ERP
// answers with a retry-after.
//
// Refill is exact integer arithmetic: progress is kept as "credit" in token-nanoseconds
// (rate_per_s * elapsed_ns; one token is 10^9 units), so no fraction of a token is ever rounded
// away and a long run neither drifts nor gains. A caller that waits until next_available() gets
// token number k of a steady stream exactly at ceil(k * 10^9 / rate) ns after the stream began.
//
// Time is passed in (the core never reads a clock). A `now` earlier than a time the bucket has
// already seen is treated as that latest time, so a clock stepped back cannot mint tokens.
// Not thread-safe: one owner, as everything in the sans-I/O core.
#pragma once

#include <cstdint>

#include "middleware/clock.h"

namespace mw::core {

class TokenBucket {
 public:
  // TokenBucket refills "rate_per_s" tokens per second and holds at most "burst" tokens; it
  // starts full. A rate of 0 means unlimited (only a pause holds requests back). A burst of 0 is
  // treated as 1, since a bucket that can hold no token could never hand one out.
  TokenBucket(std::uint32_t rate_per_s, std::uint32_t burst);

  // try_take takes one token at "now" and returns true, or returns false (changing nothing but
  // the refill) if none is available: the bucket is empty or paused.
  bool try_take(Instant now);

  // next_available returns the earliest time at or after "now" when try_take will succeed:
  // "now" itself if a token is available, the end of a pause, or the instant the refill
  // completes the next token (rounded up to a whole nanosecond).
  Instant next_available(Instant now) const;

  // pause_until honours an ERP's retry-after: no token is handed out before "until". Tokens do
  // not accumulate while paused: at "until" the bucket holds exactly one token (so one request
  // may go out exactly when the ERP allowed it, but no burst follows) and refills from there at
  // the normal rate. A pause that ends no later than a pause already in force, or than the
  // latest time try_take has seen, changes nothing.
  void pause_until(Instant until);

 private:
  // credit_at returns the credit at "t" >= refill_from_ without changing the bucket.
  std::uint64_t credit_at(Instant t) const;

  std::uint64_t rate_;    // tokens per second; 0 is unlimited
  std::uint64_t limit_;   // credit of a full bucket (burst * 10^9) plus less than 1 ns of refill
  std::uint64_t credit_;  // token-nanoseconds as of refill_from_
  Instant latest_ = Instant::min();       // the latest time try_take has seen
  Instant refill_from_ = Instant::min();  // credit_'s time (min: never); after latest_: paused
};

}  // namespace mw::core
