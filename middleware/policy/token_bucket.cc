#include "middleware/policy/token_bucket.h"

#include <algorithm>
#include <cstdint>

namespace mw::core {
namespace {

constexpr std::uint64_t kUnit = 1'000'000'000;  // credit of one token: one second of rate 1

}  // namespace

// limit_ lets the credit exceed a full bucket by less than one nanosecond of refill (and less
// than one token, so the visible count never exceeds the burst). Time is whole nanoseconds but a
// token completes at a fractional one; a bucket that stayed full across that nanosecond would
// otherwise lose the sliver of the next token earned within it, and a caller polling exactly at
// next_available() with burst 1 would fall behind the ideal schedule by up to 1 ns per token.
TokenBucket::TokenBucket(std::uint32_t rate_per_s, std::uint32_t burst)
    : rate_(rate_per_s),
      limit_(std::max<std::uint64_t>(burst, 1) * kUnit +
             std::min(std::max<std::uint64_t>(rate_per_s, 1), kUnit) - 1),
      credit_(std::max<std::uint64_t>(burst, 1) * kUnit) {}

std::uint64_t TokenBucket::credit_at(Instant t) const {
  // Before the first call the bucket is full and has no refill origin yet.
  if (refill_from_ == Instant::min()) return credit_;
  const std::uint64_t room = limit_ - credit_;
  const auto elapsed = static_cast<std::uint64_t>((t - refill_from_).count());
  // rate_ * elapsed >= room exactly when elapsed >= ceil(room / rate_); test it that way round
  // so the product is only formed when it is below room and cannot overflow.
  if (elapsed >= (room + rate_ - 1) / rate_) return limit_;
  return credit_ + rate_ * elapsed;
}

bool TokenBucket::try_take(Instant now) {
  latest_ = std::max(latest_, now);
  if (latest_ < refill_from_) return false;  // paused
  if (rate_ == 0) return true;
  credit_ = credit_at(latest_);
  refill_from_ = latest_;
  if (credit_ < kUnit) return false;
  credit_ -= kUnit;
  return true;
}

Instant TokenBucket::next_available(Instant now) const {
  const Instant t = std::max(latest_, now);
  if (t < refill_from_) return refill_from_;  // paused
  if (rate_ == 0) return now;
  const std::uint64_t credit = credit_at(t);
  if (credit >= kUnit) return now;
  const std::uint64_t wait_ns = (kUnit - credit + rate_ - 1) / rate_;  // <= 10^9: fits
  return t + Duration{static_cast<std::int64_t>(wait_ns)};
}

void TokenBucket::pause_until(Instant until) {
  if (until <= latest_ || until <= refill_from_) return;
  refill_from_ = until;  // no refill and no token before the pause ends...
  credit_ = kUnit;       // ...and exactly one token when it does
}

}  // namespace mw::core
